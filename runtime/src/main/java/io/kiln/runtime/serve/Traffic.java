package io.kiln.runtime.serve;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * A model's A/B split (seed 001: randomized A/B testing) and, per version, the traffic it served
 * and the outcomes reported back for its predictions. Requests that name no version are assigned
 * at random in proportion to the split; requests that name a version go to it and count for it.
 */
final class Traffic {
    /** Counts of one version. */
    static final class Counts {
        final LongAdder requests = new LongAdder();
        final LongAdder rows = new LongAdder();
        final LongAdder outcomes = new LongAdder();
        final LongAdder right = new LongAdder();
        final java.util.concurrent.atomic.DoubleAdder absoluteError = new java.util.concurrent.atomic.DoubleAdder();
    }

    private volatile TreeMap<Long, Integer> split = new TreeMap<>();
    private final Map<Long, Counts> counts = new ConcurrentHashMap<>();

    /** The split as version to percent; empty means "the newest version takes everything". */
    Map<Long, Integer> split() {
        return split;
    }

    /** Sets the split; percents must be positive and sum to 100. */
    void setSplit(Map<Long, Integer> percents) {
        if (percents.isEmpty()) {
            split = new TreeMap<>();
            return;
        }
        int sum = 0;
        for (Map.Entry<Long, Integer> e : percents.entrySet()) {
            if (e.getValue() == null || e.getValue() <= 0) {
                throw HttpError.badRequest("version " + e.getKey() + " has share " + e.getValue()
                        + "; every share must be a positive percent");
            }
            sum += e.getValue();
        }
        if (sum != 100) {
            throw HttpError.badRequest("the shares sum to " + sum + "%; they must sum to 100%");
        }
        split = new TreeMap<>(percents);
    }

    /** A version drawn from the split, or null when there is no split. */
    Long pick() {
        TreeMap<Long, Integer> s = split;
        if (s.isEmpty()) {
            return null;
        }
        int r = ThreadLocalRandom.current().nextInt(100);
        for (Map.Entry<Long, Integer> e : s.entrySet()) {
            r -= e.getValue();
            if (r < 0) {
                return e.getKey();
            }
        }
        return s.lastKey();
    }

    Counts counts(long version) {
        return counts.computeIfAbsent(version, v -> new Counts());
    }

    void served(long version, int rows) {
        Counts c = counts(version);
        c.requests.increment();
        c.rows.add(rows);
    }

    Map<Long, Counts> all() {
        return new TreeMap<>(counts);
    }

    /** A two-sided two-proportion z-test between two versions' accuracies. */
    static ObjectNode twoProportions(double[] a, double[] b) {
        double pa = a[0] / a[1];
        double pb = b[0] / b[1];
        double pooled = (a[0] + b[0]) / (a[1] + b[1]);
        double se = Math.sqrt(pooled * (1 - pooled) * (1 / a[1] + 1 / b[1]));
        double z = se == 0 ? 0 : (pb - pa) / se;
        double p = 2 * (1 - normalCdf(Math.abs(z)));
        ObjectNode c = Outputs.JSON.objectNode();
        c.put("versions", (long) a[2] + " vs " + (long) b[2]);
        c.put("accuracy_difference", pb - pa);
        c.put("z", z);
        c.put("p_value", p);
        c.put("significant_at_0.05", p < 0.05);
        return c;
    }

    /** The standard normal CDF (Abramowitz and Stegun 7.1.26 for erf; error below 1.5e-7). */
    static double normalCdf(double x) {
        double t = 1 / (1 + 0.3275911 * Math.abs(x) / Math.sqrt(2));
        double y = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592)
                * t * Math.exp(-x * x / 2);
        double erf = x >= 0 ? y : -y;
        return 0.5 * (1 + erf);
    }
}
