package io.kiln.runtime.internal.train;

import io.kiln.runtime.EarlyStopping;
import io.kiln.runtime.Report;
import java.util.Locale;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@code @EarlyStopping}: the best epoch by the monitored quantity, stopping after {@code patience}
 * epochs without improvement, and restoring the best epoch's weights at the end.
 */
final class EarlyStoppingCallback implements EpochCallback {
    private final EarlyStopping es;
    private final Monitor monitor;
    private INDArray bestParams;

    EarlyStoppingCallback(EarlyStopping es) {
        this.es = es;
        this.monitor = new Monitor(es.monitor(), es.minDelta());
    }

    @Override
    public boolean afterEpoch(FitState state, Report.Epoch epoch, Map<String, Double> validationMetrics) {
        if (monitor.improved(epoch.validationLoss(), validationMetrics)) {
            state.bestEpoch = epoch.epoch();
            if (es.restoreBest()) {
                bestParams = state.net.params().dup();
            }
        } else if (monitor.waited() >= es.patience()) {
            state.stoppedEarly = true;
            state.progress.line(String.format(Locale.ROOT, "early stopping at epoch %d: validation %s has not "
                    + "improved for %d epochs (best %.4f at epoch %d)", epoch.epoch(), es.monitor().key(),
                    es.patience(), monitor.best(), state.bestEpoch));
            return true;
        }
        return false;
    }

    @Override
    public void afterTraining(FitState state) {
        if (bestParams != null && state.bestEpoch != state.history.size()) {
            state.net.setParams(bestParams);
            state.restored = true;
            state.progress.line(String.format(Locale.ROOT, "restored the weights of epoch %d (best validation %s)",
                    state.bestEpoch, es.monitor().key()));
        }
    }
}
