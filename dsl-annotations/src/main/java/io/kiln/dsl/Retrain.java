package io.kiln.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The retraining policy of continuous learning (seed 000: which data to retrain on, what level of
 * retraining, and when; seed 002: the dynamic model, "trained online"). The {@code learn} command
 * (and {@code Learner}) reads labelled batches as they arrive; each batch is first scored by the
 * current model (the champion) and then kept; when a trigger fires, a challenger is trained and
 * replaces the champion only if it scores better on the most recent {@link #accept()} rows, which it
 * did not train on.
 *
 * <pre>{@code
 * @Retrain(everyRows = 2000, driftPsi = 0.25,              // when
 *          data = RetrainData.WINDOW, window = 6000, replay = 0.2,   // which rows
 *          level = RetrainLevel.FINE_TUNE, epochs = 5,        // which level
 *          accept = 1000)                                     // acceptance
 * }</pre>
 *
 * <p>At least one trigger is declared; they fire independently, checked after every batch.
 */
@Documented
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.TYPE)
public @interface Retrain {
    /** Retrain after this many new labelled rows since the last retraining; 0 for no such trigger. */
    int everyRows() default 0;

    /**
     * Retrain when a feature's population stability index over the most recent {@link #driftRows()} rows
     * (checked once that many arrived since the last retraining), against the champion's training rows,
     * exceeds this; 0 for no such trigger. 0.1 is a moderate shift, 0.25 a major one.
     */
    double driftPsi() default 0;

    /**
     * How many of the most recent rows the drift trigger measures the PSI on, and how many must have
     * arrived since the last retraining before it is checked (fewer than 100 give a noisy index).
     */
    int driftRows() default 500;

    /**
     * Retrain when the champion's primary metric on the most recent {@link #accept()} labelled rows is
     * worse by at least this much (in the metric's units) than on the rows it was accepted on; 0
     * for no such trigger.
     */
    double metricDrop() default 0;

    /** Which retained rows the challenger trains on. */
    RetrainData data() default RetrainData.ALL;

    /**
     * {@link RetrainData#WINDOW}: how many of the most recent rows before the acceptance window; 0 otherwise
     * (or for a {@link #span()}).
     */
    int window() default 0;

    /**
     * {@link RetrainData#WINDOW} by time instead of rows: the rows whose order column ({@link TemporalSplit#orderBy()})
     * is within this span of the newest row's. For dates and date-times a duration such as {@code 30d},
     * {@code 12h}, {@code 45m} or {@code 90s}; for a numeric order column a number in its units. Empty:
     * none.
     */
    String span() default "";

    /**
     * Recency weighting: a row's chance to be drawn into the retraining set halves every this many
     * rows of age (the retraining set is drawn with replacement, as many rows as selected); 0 weighs
     * every row alike.
     */
    double halfLife() default 0;

    /**
     * Replay: beside the selected rows, this fraction of their count drawn from older retained rows
     * (against forgetting what the older data taught). In [0, 1); needs {@link RetrainData#WINDOW} or
     * {@link RetrainData#NEW}.
     */
    double replay() default 0;

    /** How much of the model trains again. */
    RetrainLevel level() default RetrainLevel.FINE_TUNE;

    /** {@link RetrainLevel#TOP_LAYERS}: how many layers with weights train, counted from the output layer down. */
    int trainTop() default 0;

    /**
     * L2-SP: pull the trained weights toward the champion's with this strength (explicit inductive
     * bias toward the starting point); 0 for none. Not with {@link RetrainLevel#SCRATCH}.
     */
    double l2sp() default 0;

    /** Epochs per retraining; 0 for the {@link Fit#epochs()} declared. */
    int epochs() default 0;

    /**
     * The acceptance window: the most recent labelled rows, held out from the retraining, on which the
     * challenger and the champion are compared (and the metric-drop trigger measures the champion).
     */
    int accept() default 500;

    /** The challenger replaces the champion only when better by more than this (in the metric's units). */
    double margin() default 0;

    /** The most labelled rows kept for retraining; the oldest are dropped first. */
    int retain() default 100_000;

    /**
     * Refit the preprocessing (scaling, levels) on the retraining rows when continuing from the champion's
     * weights; by default the champion's preprocessing is kept, which its weights learnt on. A retraining
     * from scratch always fits its own.
     */
    boolean refitPreprocessing() default false;
}
