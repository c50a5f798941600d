package io.kiln.runtime.internal.train;

import io.kiln.runtime.Report;
import java.util.Map;

/** Prints the epoch's progress line (about ten a run, or every epoch). */
final class ProgressCallback implements EpochCallback {
    private final int epochs;
    private final long started;
    private final boolean validate;
    private final String primary;

    ProgressCallback(int epochs, long started, boolean validate, String primary) {
        this.epochs = epochs;
        this.started = started;
        this.validate = validate;
        this.primary = primary;
    }

    @Override
    public boolean afterEpoch(FitState state, Report.Epoch epoch, Map<String, Double> validationMetrics) {
        state.progress.epoch(epoch, epochs, started, validate, primary);
        return false;
    }
}
