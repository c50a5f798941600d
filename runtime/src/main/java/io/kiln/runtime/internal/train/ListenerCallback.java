package io.kiln.runtime.internal.train;

import io.kiln.runtime.EpochListener;
import io.kiln.runtime.Report;
import java.util.Map;

/** Hands each epoch's record and the model being trained to the caller's {@link EpochListener}. */
final class ListenerCallback implements EpochCallback {
    private final EpochListener listener;

    ListenerCallback(EpochListener listener) {
        this.listener = listener;
    }

    @Override
    public boolean afterEpoch(FitState state, Report.Epoch epoch, Map<String, Double> validationMetrics) {
        // the model as it would be saved: a listener that writes a checkpoint writes a loadable file
        state.toSaved.run();
        try {
            listener.onEpoch(epoch, state.model);
        } finally {
            state.toTraining.run();
        }
        return false;
    }
}
