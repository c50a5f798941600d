package io.kiln.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares what the model predicts. Exactly one field of a spec carries it. The accepted field
 * types depend on the {@link Model#task() task}:
 *
 * <ul>
 *   <li>binary classification: {@code boolean} (classes {@code false, true}), or {@code int} /
 *       {@code String} with two {@link #classes()}; the second class is the positive one;
 *   <li>multiclass classification: {@code String} (the data holds class names) or {@code int}
 *       (the data holds class indices 0..n-1) with the {@link #classes()}, or an {@code enum}
 *       type whose constants are the classes;
 *   <li>multilabel classification: {@code boolean[]}, one 0/1 data column per label named by
 *       {@link #classes()} (or by {@link #columns()} when they differ);
 *   <li>scalar regression: {@code double} or {@code float};
 *   <li>vector regression: {@code double[]} with the target {@link #columns()}.
 * </ul>
 */
@Documented
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.FIELD)
public @interface Label {
    /** The class names, in the order of the output units. */
    String[] classes() default {};

    /** The data column of a single label or target. Defaults to the field name. */
    String column() default "";

    /** The data columns of a multilabel or vector-regression label, one per label or target. */
    String[] columns() default {};

    /**
     * Binary classification: the probability of the positive class at or above which the model
     * decides "positive", in (0, 1). Trade false positives for false negatives with it.
     */
    double threshold() default 0.5;
}
