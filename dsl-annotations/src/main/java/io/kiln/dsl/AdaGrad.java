package io.kiln.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** The AdaGrad optimizer. */
@Documented
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.TYPE)
public @interface AdaGrad {
    /** Step size; positive. */
    double learningRate() default 0.01;

    /** Numerical-stability term; positive. */
    double epsilon() default 1e-6;
}
