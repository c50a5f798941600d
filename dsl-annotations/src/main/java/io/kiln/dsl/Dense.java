package io.kiln.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** A fully connected hidden layer on a {@link Layer} field. */
@Documented
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.FIELD)
public @interface Dense {
    /** Number of units; must be positive. */
    int units();

    /** Activation; {@link Activation#DEFAULT} is {@link Activation#RELU}. */
    Activation activation() default Activation.DEFAULT;

    /** L1 penalty of this layer's weights, overriding {@link Regularization#l1()}; negative inherits it. */
    double l1() default -1;

    /** L2 penalty of this layer's weights, overriding {@link Regularization#l2()}; negative inherits it. */
    double l2() default -1;

    /**
     * This layer's own learning rate, instead of the optimizer's (a discriminative rate); a
     * learning-rate schedule and reduce-on-plateau scale it as they scale the others. Negative: the
     * optimizer's rate.
     */
    double learningRate() default -1;
}
