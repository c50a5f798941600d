package io.kiln.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Preprocessing defaults for all features of the spec; each {@link Feature} may override them.
 * Every statistic (means, deviations, ranges, medians, learnt levels) is fitted on the training
 * split only and saved with the model.
 */
@Documented
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.TYPE)
public @interface Preprocessing {
    /** Scaling of numeric features. */
    Scaling scaling() default Scaling.STANDARDIZE;

    /** Missing numeric values: {@link Missing#MEAN}, {@link Missing#MEDIAN}, {@link Missing#MOST_FREQUENT} or {@link Missing#ERROR}. */
    Missing numericMissing() default Missing.MEAN;

    /** Missing categorical values: {@link Missing#MISSING_CATEGORY}, {@link Missing#MOST_FREQUENT} or {@link Missing#ERROR}. */
    Missing categoricalMissing() default Missing.MISSING_CATEGORY;

    /** Missing boolean values: {@link Missing#MOST_FREQUENT} or {@link Missing#ERROR}. */
    Missing booleanMissing() default Missing.MOST_FREQUENT;
}
