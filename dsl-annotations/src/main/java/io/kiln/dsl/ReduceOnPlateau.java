package io.kiln.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Multiplies the learning rate by {@link #factor()} when the monitored validation value has not
 * improved for {@link #patience()} epochs, never going below {@link #minLearningRate()}. Needs
 * validation data; not combined with a learning-rate schedule.
 */
@Documented
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.TYPE)
public @interface ReduceOnPlateau {
    /** The validation value watched: {@link Metric#LOSS} or a metric of the task. */
    Metric monitor() default Metric.LOSS;

    /** Multiplier applied on a plateau, in (0, 1). */
    double factor() default 0.5;

    /** Epochs without improvement before the rate is reduced; at least 1. */
    int patience() default 5;

    /** Smallest change that counts as an improvement; zero or positive. */
    double minDelta() default 0.0;

    /** Floor of the learning rate; zero or positive, below the optimizer's learning rate. */
    double minLearningRate() default 0.0;
}
