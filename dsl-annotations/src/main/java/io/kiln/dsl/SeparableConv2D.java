package io.kiln.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A depthwise-separable 2-D convolution over an image ({@link Image}), on a {@link Layer} field:
 * a {@code kernel} convolution of each input channel on its own ({@link #depthMultiplier()}
 * filters per channel), then a 1x1 convolution that mixes the channels into {@link #filters()}
 * outputs. It learns about {@code k·k·c·m + c·m·f} weights where a {@link Conv2D} learns
 * {@code k·k·c·f} (MobileNet, Xception). The input must have more than one channel (separating the
 * channels of a one-channel image saves nothing; use {@link Conv2D} there). Each size is one
 * number (the same for height and width) or two ({@code {height, width}}).
 *
 * <p>Output size per dimension, with the dilated kernel {@code k' = k + (k - 1)(dilation - 1)}:
 * {@code (in + 2·padding - k') / stride + 1} (rounded down; the kernel must fit in the padded
 * input), or {@code ceil(in / stride)} with {@link #same()}.
 */
@Documented
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.FIELD)
public @interface SeparableConv2D {
    /** Number of filters: the output's channels; positive. */
    int filters();

    /** Kernel size: {@code 3} or {@code {3, 5}}; positive. */
    int[] kernel() default 3;

    /** Step between kernel positions; positive. */
    int[] stride() default 1;

    /** Zeros added around the input on each side; not negative. Not with {@link #same()}. */
    int[] padding() default 0;

    /** Spacing of the kernel's taps (1: adjacent); positive. */
    int[] dilation() default 1;

    /** Pads the input so that the output is {@code ceil(in / stride)} in each dimension. */
    boolean same() default false;

    /** Filters per input channel of the depthwise step; positive. */
    int depthMultiplier() default 1;

    /** Activation; {@link Activation#DEFAULT} is {@link Activation#RELU}. */
    Activation activation() default Activation.DEFAULT;

    /**
     * This layer's own learning rate, instead of the optimizer's (a discriminative rate); a
     * learning-rate schedule and reduce-on-plateau scale it as they scale the others. Negative: the
     * optimizer's rate.
     */
    double learningRate() default -1;
}
