package io.kiln.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Weighs each training row's loss by its class, so that a rare class counts as much as the model
 * should care about it: {@code @ClassWeights} alone is "balanced" (each class weighs
 * {@code rows / (classes × rows of the class)} in the training split of each run, so every class
 * carries the same total weight); {@code @ClassWeights({1, 5})} declares one weight per class, in
 * the label's class order ({@code false, true} for a {@code boolean} label). Binary and multiclass
 * classification only.
 *
 * <p>Only the training loss is weighted: validation loss, early stopping, metrics and the
 * reported scores count every row once, so a weighted and an unweighted model are compared on the
 * same footing.
 */
@Documented
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.TYPE)
public @interface ClassWeights {
    /** One positive weight per class, in the label's class order; empty for balanced weights. */
    double[] value() default {};
}
