package io.kiln.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * 2-D pooling over an image, on a {@link Layer} field: the maximum or the mean of each window, per
 * channel. Sizes are one number or {@code {height, width}}; output sizes follow {@link Conv2D}'s
 * rule (without dilation).
 */
@Documented
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.FIELD)
public @interface Pool2D {
    /** Window size; positive. */
    int[] kernel() default 2;

    /** Step between windows; empty means the window size (windows that do not overlap). */
    int[] stride() default {};

    /** Zeros added around the input on each side; not negative. Not with {@link #same()}. */
    int[] padding() default 0;

    /** Pads the input so that the output is {@code ceil(in / stride)} in each dimension. */
    boolean same() default false;

    Pooling type() default Pooling.MAX;
}
