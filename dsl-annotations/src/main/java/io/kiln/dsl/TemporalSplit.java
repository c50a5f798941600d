package io.kiln.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A temporal holdout for time-ordered data (seed 001: "if you are trying to predict the future
 * given the past, do not shuffle"): rows are ordered by the {@link #orderBy()} column and split
 * without shuffling into training (earliest), validation and test (latest), so that every
 * training row comes strictly before every validation and test row. Rows that tie on the order
 * value at a boundary are kept on the same side.
 */
@Documented
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.TYPE)
public @interface TemporalSplit {
    /**
     * The data column that orders the rows: numbers, or ISO-8601 dates or date-times. It may be a
     * feature's column or a column the model does not read.
     */
    String orderBy();

    /** Fraction of the rows used for validation, in [0, 1). */
    double validation() default 0.2;

    /** Fraction of the rows used for the final test, in (0, 1). */
    double test() default 0.2;
}
