package io.kiln.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Gradient clipping (seed 003's remedy for exploding losses): rescale each layer's gradient to at
 * most {@link #norm()} in L2 norm, or clip each gradient element to ±{@link #value()}. Declare
 * exactly one of the two.
 */
@Documented
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.TYPE)
public @interface GradientClipping {
    /** Maximum L2 norm of each layer's gradient; 0 when clipping by value. */
    double norm() default 0.0;

    /** Maximum absolute value of each gradient element; 0 when clipping by norm. */
    double value() default 0.0;
}
