package io.kiln.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Stops training when the monitored validation value has not improved for {@link #patience()}
 * epochs (seed 001: "stop training when the validation metric stops improving"), and by default
 * restores the weights of the best epoch. Needs validation data.
 */
@Documented
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.TYPE)
public @interface EarlyStopping {
    /** The validation value watched: {@link Metric#LOSS} or a metric of the task. */
    Metric monitor() default Metric.LOSS;

    /** Epochs without improvement before training stops; at least 1. */
    int patience() default 10;

    /** Smallest change that counts as an improvement; zero or positive. */
    double minDelta() default 0.0;

    /** Put back the weights of the best epoch when training stops or ends. */
    boolean restoreBest() default true;
}
