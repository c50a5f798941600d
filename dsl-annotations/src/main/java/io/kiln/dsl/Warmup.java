package io.kiln.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Learning-rate warm-up: the rate grows linearly from near zero to its scheduled value over the
 * first {@link #epochs()} epochs (per minibatch), then follows the declared schedule (or stays
 * constant).
 */
@Documented
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.TYPE)
public @interface Warmup {
    /** Warm-up length in epochs; at least 1 and fewer than the training epochs. */
    int epochs() default 5;
}
