package io.kiln.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Adam with decoupled weight decay (Loshchilov and Hutter). */
@Documented
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.TYPE)
public @interface AdamW {
    /** Step size; positive. */
    double learningRate() default 0.001;

    /** Decoupled weight decay coefficient, applied to weights (not biases), scaled by the learning rate; non-negative. */
    double weightDecay() default 0.01;

    /** Decay of the first-moment estimate, in [0, 1). */
    double beta1() default 0.9;

    /** Decay of the second-moment estimate, in [0, 1). */
    double beta2() default 0.999;

    /** Numerical-stability term; positive. */
    double epsilon() default 1e-8;
}
