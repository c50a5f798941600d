package io.kiln.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * K-fold cross-validation (seed 001, "Choose an evaluation protocol"): the rows are split into
 * {@link #k()} folds; k models are each trained on k - 1 folds and validated on the remaining one,
 * and every metric is reported as mean ± standard deviation over the folds. With
 * {@link #repeats()} p &gt; 1 the folds are reshuffled p times (iterated k-fold, p × k models).
 * Preprocessing is fitted inside each fold, on its training rows only.
 *
 * <p>The held-out fold is also the fold's validation data (for {@link EarlyStopping} and
 * {@link ReduceOnPlateau}). After cross-validation the final model is trained on all rows outside
 * the {@link #test()} set, for the mean best epoch when early stopping is declared, and evaluated
 * once on the test set when there is one.
 */
@Documented
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.TYPE)
public @interface KFold {
    /** Number of folds; at least 2. */
    int k() default 5;

    /** Times the k-fold split is repeated with a new shuffle; 1 is plain k-fold. */
    int repeats() default 1;

    /** Keep each class's proportion in every fold (classification tasks; ignored for regression). */
    boolean stratified() default true;

    /** Shuffle the rows (with the {@link Fit#seed() seed}) before splitting into folds. */
    boolean shuffle() default true;

    /** Fraction of the rows held out before cross-validation for one final test, in [0, 1); 0 for none. */
    double test() default 0.0;
}
