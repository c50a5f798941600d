package io.kiln.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Binary classification: chooses the decision threshold (the positive class's probability at or
 * above which the model decides "positive") on validation data, instead of 0.5 or a declared
 * {@link Label#threshold()}. The threshold maximizes {@link #metric()}, or, when either cost is
 * declared, minimizes the total cost of the errors ({@code falsePositiveCost × false positives +
 * falseNegativeCost × false negatives}).
 *
 * <p>The validation data is the holdout's (or temporal split's) validation rows, scored by the
 * model the protocol selected, or the out-of-fold predictions of k-fold cross-validation. Test rows
 * are never looked at: the test metrics are those of the chosen threshold, measured once. The
 * model file keeps the threshold, so {@code predict}, {@code score}, {@code serve} and the typed
 * predictor decide with it.
 */
@Documented
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.TYPE)
public @interface TuneThreshold {
    /**
     * The metric to maximize: {@link Metric#ACCURACY}, {@link Metric#BALANCED_ACCURACY},
     * {@link Metric#F1} or {@link Metric#MACRO_F1}.
     */
    Metric metric() default Metric.F1;

    /** The cost of one false positive; with {@link #falseNegativeCost()}, replaces the metric. */
    double falsePositiveCost() default 0;

    /** The cost of one false negative; with {@link #falsePositiveCost()}, replaces the metric. */
    double falseNegativeCost() default 0;
}
