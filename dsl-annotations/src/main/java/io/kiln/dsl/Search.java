package io.kiln.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A hyperparameter search over the spec's own values (seed 001: "try different architectures, add
 * or remove layers, change units, learning rate, dropout, L1/L2"; seed 002: "the ideal combination
 * of hyperparameters is data dependent"). Each {@link Tune} names one value of the spec and its
 * candidates; the processor checks every configuration the search can train by the same rules as
 * the declared spec, and generates them. The {@code search} command trains them, scoring each on
 * validation data only (the holdout's validation split, or folds of the training rows under
 * {@code @KFold}); the test split is not read until the winner, retrained as the protocol declares,
 * is tested once.
 *
 * <pre>{@code
 * @Search(strategy = SearchStrategy.RANDOM, trials = 20, seed = 7)
 * @Tune(value = "Adam.learningRate", min = 1e-4, max = 1e-2, log = true)
 * class Spec {
 *     @Dense(units = 64) @Tune(value = "units", values = {16, 32, 64, 128}) Layer hidden;
 *     @Dropout(rate = 0.5) @Tune(optional = true) Layer dropout;
 * }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.TYPE)
public @interface Search {
    /** How configurations are chosen. */
    SearchStrategy strategy() default SearchStrategy.RANDOM;

    /** Configurations drawn by {@link SearchStrategy#RANDOM} and {@link SearchStrategy#HALVING}; 1 to 200. */
    int trials() default 20;

    /**
     * The metric trials are scored by on the validation rows: one metric of the task (e.g.
     * {@code metric = Metric.LOG_LOSS}, which tells apart classifiers whose accuracy ties); none (the
     * default) for the task's primary metric (accuracy, Hamming accuracy or R²).
     */
    Metric[] metric() default {};

    /** Seed of the draws, so that a search repeats. */
    long seed() default 1;

    /** {@link SearchStrategy#HALVING}: the epochs of the first rung, at least 1 and below the declared epochs. */
    int minEpochs() default 5;

    /** {@link SearchStrategy#HALVING}: each rung keeps the best 1/factor and trains factor times the epochs; 2 or more. */
    int factor() default 3;

    /**
     * Seeds of the ablation run after the search: the winner and each one-value change of it train
     * with this many weight seeds, so each change's effect is shown with its spread; 0 for none.
     */
    int ablationSeeds() default 3;
}
