package io.kiln.runtime.internal.train;

import io.kiln.runtime.ReduceOnPlateau;
import io.kiln.runtime.Report;
import java.util.Locale;
import java.util.Map;

/**
 * {@code @ReduceOnPlateau}: after {@code patience} epochs without improvement of the monitored
 * quantity, scales the learning-rate schedule by {@code factor} (down to its floor).
 */
final class PlateauCallback implements EpochCallback {
    private final ReduceOnPlateau plateau;
    private final Monitor monitor;
    private double scale = 1;

    PlateauCallback(ReduceOnPlateau plateau) {
        this.plateau = plateau;
        this.monitor = new Monitor(plateau.monitor(), plateau.minDelta());
    }

    @Override
    public boolean afterEpoch(FitState state, Report.Epoch epoch, Map<String, Double> validationMetrics) {
        if (!monitor.improved(epoch.validationLoss(), validationMetrics) && monitor.waited() >= plateau.patience()) {
            scale *= plateau.factor();
            state.schedule = state.schedule.scaled(scale, plateau.minLearningRate());
            state.installSchedule();
            monitor.resetWait();
            state.progress.line(String.format(Locale.ROOT, "epoch %d: validation %s on a plateau for %d epochs; "
                    + "learning rate x%.3g", epoch.epoch(), plateau.monitor().key(), plateau.patience(), scale));
        }
        return false;
    }
}
