package io.kiln.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A 1-D convolution along the time axis of a sequence ({@link Series}), on a {@link Layer} field.
 * Output length with the dilated kernel {@code k' = k + (k - 1)(dilation - 1)}:
 * {@code (in + 2·padding - k') / stride + 1} (rounded down; the kernel must fit), or
 * {@code ceil(in / stride)} with {@link #same()} or {@link #causal()}.
 * Parameters: {@code (kernel · in + 1) · filters}.
 */
@Documented
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.FIELD)
public @interface Conv1D {
    /** Number of filters: the output's channels per step; positive. */
    int filters();

    /** Kernel length in steps; positive. */
    int kernel() default 3;

    /** Step between kernel positions; positive. */
    int stride() default 1;

    /** Zeros added at each end; not negative. Not with {@link #same()} or {@link #causal()}. */
    int padding() default 0;

    /** Spacing of the kernel's taps (1: adjacent); positive. */
    int dilation() default 1;

    /** Pads so that the output has {@code ceil(in / stride)} steps. */
    boolean same() default false;

    /**
     * Pads at the start only, so step {@code t} of the output sees only steps up to {@code t} of
     * the input (no look-ahead within the window); output length as {@link #same()}.
     */
    boolean causal() default false;

    /** Activation; {@link Activation#DEFAULT} is {@link Activation#RELU}. */
    Activation activation() default Activation.DEFAULT;

    /**
     * This layer's own learning rate, instead of the optimizer's (a discriminative rate); a
     * learning-rate schedule and reduce-on-plateau scale it as they scale the others. Negative: the
     * optimizer's rate.
     */
    double learningRate() default -1;
}
