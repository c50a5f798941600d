package io.kiln.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Learning-rate schedule: multiply the optimizer's learning rate by {@link #factor()} every
 * {@link #every()} epochs.
 */
@Documented
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.TYPE)
public @interface StepDecay {
    /** Epochs between two decays; at least 1. */
    int every() default 10;

    /** Multiplier applied at each step, in (0, 1). */
    double factor() default 0.5;
}
