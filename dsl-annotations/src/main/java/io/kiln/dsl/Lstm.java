package io.kiln.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A long short-term memory layer over a sequence ({@link Series}), on a {@link Layer} field. It
 * outputs a sequence of {@code units} values per step (twice that when {@link #bidirectional()});
 * follow it with {@link LastTimeStep} (or {@link GlobalPool}) before {@link Dense} or {@link Output}.
 * Parameters: {@code 4 · (in · units + units² + units)}, doubled when bidirectional.
 */
@Documented
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.FIELD)
public @interface Lstm {
    /** Hidden units; positive. */
    int units();

    /** Activation of the cell and output; {@link Activation#DEFAULT} is {@link Activation#TANH}. */
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
