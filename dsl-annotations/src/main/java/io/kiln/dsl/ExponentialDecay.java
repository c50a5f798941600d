package io.kiln.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Learning-rate schedule: lr(epoch) = lr · factor<sup>epoch</sup>, decayed smoothly within each
 * epoch.
 */
@Documented
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.TYPE)
public @interface ExponentialDecay {
    /** Multiplier per epoch, in (0, 1). */
    double factor() default 0.95;
}
