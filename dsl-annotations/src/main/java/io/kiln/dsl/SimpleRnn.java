package io.kiln.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A simple (Elman) recurrent layer over a sequence, on a {@link Layer} field:
 * {@code h_t = activation(W x_t + R h_(t-1) + b)}. Like {@link Lstm}, it outputs a sequence.
 * Parameters: {@code in · units + units² + units}, doubled when bidirectional.
 */
@Documented
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.FIELD)
public @interface SimpleRnn {
    /** Hidden units; positive. */
    int units();

    /** {@link Activation#DEFAULT} is {@link Activation#TANH}. */
    Activation activation() default Activation.DEFAULT;

    /** Reads the sequence forwards and backwards and concatenates both outputs per step. */
    boolean bidirectional() default false;

    /**
     * This layer's own learning rate, instead of the optimizer's (a discriminative rate); a
     * learning-rate schedule and reduce-on-plateau scale it as they scale the others. Negative: the
     * optimizer's rate.
     */
    double learningRate() default -1;
}
