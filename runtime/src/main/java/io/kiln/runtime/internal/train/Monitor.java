package io.kiln.runtime.internal.train;

import io.kiln.dsl.Metric;
import java.util.Map;

/** Tracks the best value of a monitored validation quantity and the epochs since it improved. */
public final class Monitor {
    private final Metric metric;
    private final double minDelta;
    private double best = Double.NaN;
    private int waited;

    public Monitor(Metric metric, double minDelta) {
        this.metric = metric;
        this.minDelta = minDelta;
    }

    /** Records an epoch's value; true if it improved on the best by more than minDelta. */
    public boolean improved(double loss, Map<String, Double> metrics) {
        double v = metric == Metric.LOSS ? loss : metrics.get(metric.key());
        boolean better = Double.isNaN(best) || (metric.higherIsBetter() ? v > best + minDelta : v < best - minDelta);
        if (better) {
            best = v;
            waited = 0;
        } else {
            waited++;
        }
        return better;
    }

    public int waited() {
        return waited;
    }

    public void resetWait() {
        waited = 0;
    }

    public double best() {
        return best;
    }
}
