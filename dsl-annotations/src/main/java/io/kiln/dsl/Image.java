package io.kiln.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The spec's features are the pixels of one image, {@code height × width × channels} numeric
 * features in declaration order: channel by channel, each channel row by row (for one channel,
 * {@code pixel_0_0, pixel_0_1, ...} across the first row, then the next row). The first layer then
 * sees an image, so {@link Conv2D}, {@link Pool2D} and {@link GlobalPool} layers can follow, and
 * the processor checks every layer's output shape at compile time.
 */
@Documented
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.TYPE)
public @interface Image {
    /** Rows of pixels; positive. */
    int height();

    /** Pixels per row; positive. */
    int width();

    /** Channels (1 for grayscale, 3 for RGB); positive. */
    int channels() default 1;
}
