package io.kiln.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * One value of the spec that {@link Search} varies. On a field, {@link #value()} names an attribute
 * of that field's annotation ({@code "units"}, or {@code "Dense.units"}); on the spec class, an
 * attribute of a class annotation ({@code "Adam.learningRate"}, {@code "Fit.batchSize"}), or
 * {@code "optimizer"} to choose among optimizers ({@link #choices()} naming their annotations, each
 * with its defaults). Give exactly one of:
 *
 * <ul>
 *   <li>{@link #values()}: numeric candidates (whole numbers for an {@code int} attribute);
 *   <li>{@link #choices()}: enum constants ({@code {"RELU", "TANH"}}), {@code "true"}/{@code "false"},
 *       or optimizer names;
 *   <li>{@link #min()} and {@link #max()}: a range, linear or {@link #log()}, with {@link #steps()}
 *       evenly spaced points for a grid (0: continuous, drawn by random search and halving);
 *   <li>{@link #optional()} on a layer field: the layer present or absent.
 * </ul>
 *
 * <p>Every candidate is checked as if it were written in the spec: a dropout candidate of 1.5 is the
 * same error as {@code @Dropout(rate = 1.5)}, reported on that candidate. What every trial shares cannot
 * be tuned: the data, the schema ({@code @Feature}, {@code @Label}, {@code @Preprocessing}), the split
 * ({@code @Holdout}, {@code @KFold}, {@code @TemporalSplit}, {@code @Fit(seed)}) and what happens around
 * training ({@code @Report}, {@code @TuneThreshold}, {@code @Retrain}).
 */
@Documented
@Retention(RetentionPolicy.SOURCE)
@Target({ElementType.TYPE, ElementType.FIELD})
@Repeatable(Tunes.class)
public @interface Tune {
    /** The attribute varied: {@code "units"} or {@code "Dense.units"} on a field; {@code "Adam.learningRate"} or {@code "optimizer"} on the class. */
    String value() default "";

    /** Numeric candidates. */
    double[] values() default {};

    /** Enum constant, boolean or optimizer candidates, by name. */
    String[] choices() default {};

    /** Lower bound of a range (with {@link #max()}). */
    double min() default Double.NaN;

    /** Upper bound of a range (with {@link #min()}). */
    double max() default Double.NaN;

    /** Draw and space the range on a log scale; both bounds must be positive. */
    boolean log() default false;

    /** Points of the range for a grid, bounds included (at least 2); 0 for a continuous range. */
    int steps() default 0;

    /** On a layer field: try the spec with and without the layer. */
    boolean optional() default false;
}
