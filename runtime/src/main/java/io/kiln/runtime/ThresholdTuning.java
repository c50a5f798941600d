package io.kiln.runtime;

import io.kiln.dsl.Metric;
import java.util.Arrays;
import java.util.Locale;

/**
 * <b>Public API</b>. How a binary decision threshold is chosen on validation data (the spec's
 * {@code @TuneThreshold}): the threshold that maximizes {@code metric} (accuracy, balanced
 * accuracy, F1 or macro F1), or, with {@code metric} null, the one that minimizes
 * {@code falsePositiveCost × false positives + falseNegativeCost × false negatives}. Ties go to
 * the threshold nearest 0.5.
 */
public record ThresholdTuning(Metric metric, double falsePositiveCost, double falseNegativeCost) {
    public ThresholdTuning {
        if (metric == null) {
            if (!(falsePositiveCost > 0) || !(falseNegativeCost > 0) || Double.isInfinite(falsePositiveCost)
                    || Double.isInfinite(falseNegativeCost)) {
                throw new IllegalArgumentException("[kiln.tune-threshold-costs] both error costs must be positive "
                        + "and finite, were " + falsePositiveCost + " and " + falseNegativeCost
                        + ". Set e.g. falsePositiveCost = 1, falseNegativeCost = 5.");
            }
        } else if (metric != Metric.ACCURACY && metric != Metric.BALANCED_ACCURACY && metric != Metric.F1
                && metric != Metric.MACRO_F1) {
            throw new IllegalArgumentException("[kiln.tune-threshold-metric] a threshold is chosen for accuracy, "
                    + "balanced accuracy, F1 or macro F1, not " + metric.key() + ". Use one of those.");
        }
    }

    public static ThresholdTuning maximize(Metric metric) {
        return new ThresholdTuning(metric, 0, 0);
    }

    public static ThresholdTuning minimizeCost(double falsePositiveCost, double falseNegativeCost) {
        return new ThresholdTuning(null, falsePositiveCost, falseNegativeCost);
    }

    /** "maximize f1" or "minimize 1 x false positives + 5 x false negatives". */
    public String objective() {
        return metric != null ? "maximize " + metric.key()
                : String.format(Locale.ROOT, "minimize %s x false positives + %s x false negatives",
                        number(falsePositiveCost), number(falseNegativeCost));
    }

    /** A threshold as Kiln prints it everywhere: four decimals at most, two at least (0.50, 0.287, 0.0366). */
    public static String format(double threshold) {
        String s = String.format(Locale.ROOT, "%.4f", threshold);
        while (s.endsWith("0") && s.length() - s.indexOf('.') > 3) {
            s = s.substring(0, s.length() - 1);
        }
        return s;
    }

    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    /**
     * The threshold chosen on validation rows and the objective there at the default threshold and
     * at the chosen one ({@code value}: the metric, or the total cost).
     */
    public record Choice(double threshold, double atDefault, double atChosen, int rows) {}

    /**
     * Chooses among the thresholds that change a decision on these rows: each midpoint between two
     * consecutive distinct probabilities (so a threshold never sits on a probability seen here),
     * and 0.5.
     *
     * @param probabilities the positive class's probability of each validation row
     * @param positive whether each row is positive
     * @param defaultThreshold the threshold otherwise used, for comparison
     */
    public Choice choose(double[] probabilities, boolean[] positive, double defaultThreshold) {
        int n = probabilities.length;
        if (n == 0) {
            throw new IllegalArgumentException("no validation rows to choose a threshold on");
        }
        double[] sorted = Arrays.stream(probabilities).distinct().sorted().toArray();
        double[] candidates = new double[sorted.length + 2];
        candidates[0] = defaultThreshold;
        candidates[1] = sorted[0] / 2; // below every probability: everything positive
        for (int i = 1; i < sorted.length; i++) {
            candidates[i + 1] = (sorted[i - 1] + sorted[i]) / 2;
        }
        candidates[sorted.length + 1] = (sorted[sorted.length - 1] + 1) / 2; // above every one: all negative
        int totalPositive = 0;
        for (boolean p : positive) {
            totalPositive += p ? 1 : 0;
        }
        // sweep the candidates in increasing order over the rows sorted by probability
        Integer[] byProbability = new Integer[n];
        for (int i = 0; i < n; i++) {
            byProbability[i] = i;
        }
        Arrays.sort(byProbability, (a, b) -> Double.compare(probabilities[a], probabilities[b]));
        double[] ordered = candidates.clone();
        Arrays.sort(ordered);
        double best = Double.NaN;
        double bestThreshold = defaultThreshold;
        int below = 0; // rows with probability < the candidate: decided negative
        int negativesBelow = 0;
        for (double t : ordered) {
            while (below < n && probabilities[byProbability[below]] < t) {
                negativesBelow += positive[byProbability[below]] ? 0 : 1;
                below++;
            }
            int trueNegative = negativesBelow;
            int falseNegative = below - negativesBelow;
            int truePositive = totalPositive - falseNegative;
            int falsePositive = n - below - truePositive;
            double v = score(truePositive, falsePositive, trueNegative, falseNegative);
            boolean better = Double.isNaN(best) || (higherIsBetter() ? v > best + 1e-12 : v < best - 1e-12)
                    || Math.abs(v - best) <= 1e-12 && Math.abs(t - 0.5) < Math.abs(bestThreshold - 0.5);
            if (better) {
                best = v;
                bestThreshold = t;
            }
        }
        return new Choice(bestThreshold, value(probabilities, positive, defaultThreshold), best, n);
    }

    /** The objective's value on these rows at {@code threshold}. */
    public double value(double[] probabilities, boolean[] positive, double threshold) {
        int tp = 0;
        int fp = 0;
        int tn = 0;
        int fn = 0;
        for (int i = 0; i < probabilities.length; i++) {
            boolean decided = probabilities[i] >= threshold;
            if (decided) {
                if (positive[i]) {
                    tp++;
                } else {
                    fp++;
                }
            } else if (positive[i]) {
                fn++;
            } else {
                tn++;
            }
        }
        return score(tp, fp, tn, fn);
    }

    /** Whether a larger objective is better (a metric), or a smaller (a cost). */
    public boolean higherIsBetter() {
        return metric != null;
    }

    private double score(int tp, int fp, int tn, int fn) {
        if (metric == null) {
            return falsePositiveCost * fp + falseNegativeCost * fn;
        }
        double n = tp + fp + tn + fn;
        return switch (metric) {
            case ACCURACY -> (tp + tn) / n;
            case BALANCED_ACCURACY -> (rate(tp, tp + fn) + rate(tn, tn + fp)) / 2;
            case F1 -> f1(tp, fp, fn);
            case MACRO_F1 -> (f1(tp, fp, fn) + f1(tn, fn, fp)) / 2;
            default -> throw new IllegalStateException(metric.key());
        };
    }

    private static double rate(int hits, int of) {
        return of == 0 ? 0 : (double) hits / of;
    }

    private static double f1(int tp, int fp, int fn) {
        return tp == 0 ? 0 : 2.0 * tp / (2.0 * tp + fp + fn);
    }
}
