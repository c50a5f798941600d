package io.kiln.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Batch normalization of the previous layer's activations, on a {@link Layer} field. */
@Documented
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.FIELD)
public @interface BatchNorm {
    /** Decay of the running mean and variance, in (0, 1). */
    double decay() default 0.9;

    /** Added to the variance for numerical stability; positive. */
    double epsilon() default 1e-5;
}
