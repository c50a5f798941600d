package io.kiln.runtime.internal.train;

import io.kiln.runtime.Report;
import io.kiln.runtime.internal.transfer.TransferRun;
import java.util.List;
import java.util.Map;

/**
 * Gradual unfreezing (seed 004): every {@code every} epochs the topmost frozen reused layer with
 * weights (and the layers without weights above it) starts training. The network is rebuilt with the
 * lower boundary and the same weights; the optimizer's state starts afresh for the new network.
 */
final class UnfreezeCallback implements EpochCallback {
    private final TransferRun transfer;
    private final int every;
    private int stage;

    UnfreezeCallback(TransferRun transfer, int every) {
        this.transfer = transfer;
        this.every = every;
    }

    @Override
    public boolean afterEpoch(FitState state, Report.Epoch epoch, Map<String, Double> validationMetrics) {
        if (epoch.epoch() % every != 0 || stage >= transfer.stages()) {
            return false;
        }
        stage++;
        List<String> names = transfer.unfrozenAt(stage);
        state.replace(transfer.restage(state.net, transfer.frozenBelow(stage)));
        for (String name : names) {
            state.unfrozen.put(name, epoch.epoch());
        }
        state.progress.line("epoch " + epoch.epoch() + ": unfreezing " + String.join(", ", names)
                + (stage == transfer.stages() ? " (every reused layer now trains)" : ""));
        return false;
    }
}
