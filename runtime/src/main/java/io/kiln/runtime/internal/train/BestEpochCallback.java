package io.kiln.runtime.internal.train;

import io.kiln.dsl.Metric;
import io.kiln.runtime.Report;
import java.util.Map;

/** Without early stopping: the best epoch is the one of the lowest validation loss so far. */
final class BestEpochCallback implements EpochCallback {
    private final Monitor loss = new Monitor(Metric.LOSS, 0);

    @Override
    public boolean afterEpoch(FitState state, Report.Epoch epoch, Map<String, Double> validationMetrics) {
        if (loss.improved(epoch.validationLoss(), validationMetrics)) {
            state.bestEpoch = epoch.epoch();
        }
        return false;
    }
}
