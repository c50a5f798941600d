package io.kiln.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The data is one ordered series, a row per time step: each sample is a window of {@link #window()}
 * consecutive steps of every {@code @Feature}, and its target is the label {@link #horizon()} steps
 * after the window's last one. The rows are ordered by the {@link TemporalSplit#orderBy()} column,
 * which the spec must declare, so training windows never see the future the model is tested on.
 * The label may read the same column as a feature (forecasting a series from its own past).
 *
 * <p>The first layer sees a sequence of {@code window} steps with one channel per feature, so
 * {@link Lstm}, {@link SimpleRnn}, {@link Conv1D} and {@link Pool1D} can follow; {@link LastTimeStep}
 * or {@link GlobalPool} turns the sequence into a vector for {@link Dense} and {@link Output}. The
 * model's inputs are named {@code feature[t-k]}, {@code k} steps before the last ({@code feature[t]}),
 * and the test metrics are reported beside a naive forecast: the window's last value of the label's
 * column (when the label is one of the features), else the training mean.
 */
@Documented
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.TYPE)
public @interface Series {
    /** Time steps in each input window; positive. */
    int window();

    /** How many steps after the window's last one the target lies (1: the next step); positive. */
    int horizon() default 1;
}
