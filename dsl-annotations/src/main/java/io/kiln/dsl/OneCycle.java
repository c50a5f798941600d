package io.kiln.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The one-cycle learning-rate policy: the rate rises linearly from the optimizer's learning rate
 * to {@link #maxLearningRate()} over the first {@link #rise()} of the run, then anneals (cosine)
 * to one hundredth of the starting rate. Updated every minibatch; it warms up by itself, so it is
 * not combined with {@link Warmup}.
 */
@Documented
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.TYPE)
public @interface OneCycle {
    /** The peak learning rate; above the optimizer's learning rate. */
    double maxLearningRate();

    /** Fraction of the run spent rising to the peak, in (0, 1). */
    double rise() default 0.3;
}
