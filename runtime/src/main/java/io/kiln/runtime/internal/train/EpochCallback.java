package io.kiln.runtime.internal.train;

import io.kiln.runtime.Report;
import java.util.Map;

/**
 * One concern of the epoch loop ({@link TrainingLoop}): divergence checks, progress, the epoch
 * listener, the best epoch, early stopping, reduce-on-plateau. The loop calls the callbacks in
 * order, once per epoch (never per minibatch).
 */
interface EpochCallback {
    /** After the epoch's minibatches, before it is evaluated; may throw to end training. */
    default void afterTrainingPass(FitState state, int epoch, double trainLoss, double rate) {}

    /**
     * After the epoch is evaluated and recorded in {@code state.history}.
     *
     * @param validationMetrics the validation metrics in data units (empty without validation rows)
     * @return true to stop training after this epoch; the callbacks after this one are not called
     */
    default boolean afterEpoch(FitState state, Report.Epoch epoch, Map<String, Double> validationMetrics) {
        return false;
    }

    /** After the last epoch. */
    default void afterTraining(FitState state) {}
}
