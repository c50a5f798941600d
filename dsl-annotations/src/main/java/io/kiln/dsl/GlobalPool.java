package io.kiln.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Global pooling, on a {@link Layer} field: each channel of an image or a sequence reduced to one number (its
 * mean or maximum), so an {@code h × w × c} image, or a sequence of {@code c} values per step, becomes
 * {@code c} values, whatever its size or length.
 */
@Documented
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.FIELD)
public @interface GlobalPool {
    Pooling type() default Pooling.AVG;
}
