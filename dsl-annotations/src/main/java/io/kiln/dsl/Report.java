package io.kiln.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * How results are reported beside the metrics: the binary decision's outcomes in business terms,
 * as false positives and false negatives per {@link #perCases()} cases (seed 001: "express the
 * result in terms the business understands").
 */
@Documented
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.TYPE)
public @interface Report {
    /** Cases per which outcome counts are given; at least 1. */
    int perCases() default 1000;
}
