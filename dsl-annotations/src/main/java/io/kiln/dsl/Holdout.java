package io.kiln.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The holdout evaluation protocol: the data is split once into training, validation and test
 * sets. The model is trained on the training set, monitored on the validation set each epoch,
 * and evaluated once on the test set (seed 001, "Choose an evaluation protocol"). Without this
 * annotation a 0.2/0.2 stratified holdout is used.
 */
@Documented
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.TYPE)
public @interface Holdout {
    /** Fraction of the rows used for validation, in [0, 1). */
    double validation() default 0.2;

    /** Fraction of the rows used for the final test, in (0, 1). */
    double test() default 0.2;

    /** Keep each class's proportion in every split (classification tasks; ignored for regression). */
    boolean stratified() default true;

    /** Shuffle the rows (with the {@link Fit#seed() seed}) before splitting. */
    boolean shuffle() default true;

    /**
     * After training on the training set, train a fresh model on training plus validation rows, for
     * the best epoch's count when {@link EarlyStopping} is declared and for the declared epochs
     * otherwise, then evaluate it once on the test set (seed
     * 001: "once the model is tuned, train the final model on all the non-test data").
     */
    boolean retrain() default false;
}
