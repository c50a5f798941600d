package io.kiln.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Stochastic gradient descent, optionally with momentum (seed 000, "gradient descent variants").
 * With {@code momentum > 0} it is classical momentum, or Nesterov momentum with {@code nesterov = true}.
 */
@Documented
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.TYPE)
public @interface Sgd {
    /** Step size; positive. */
    double learningRate() default 0.01;

    /** Momentum coefficient in [0, 1); 0 is plain SGD. */
    double momentum() default 0.0;

    /** Use Nesterov momentum (needs {@code momentum > 0}). */
    boolean nesterov() default false;
}
