package io.kiln.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** The RMSProp optimizer. */
@Documented
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.TYPE)
public @interface RmsProp {
    /** Step size; positive. */
    double learningRate() default 0.001;

    /** Decay of the running average of squared gradients, in [0, 1). */
    double decay() default 0.95;

    /** Numerical-stability term; positive. */
    double epsilon() default 1e-8;
}
