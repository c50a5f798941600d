package io.kiln.runtime.internal.preprocess;

import io.kiln.dsl.Encoding;
import io.kiln.dsl.Missing;
import io.kiln.runtime.FeatureKind;
import io.kiln.runtime.FeatureSchema;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * What {@link Preprocessor#fit} learns from the training rows, learnt one row at a time, so that a
 * file larger than memory is read once: each numeric feature's count, mean and sum of squared
 * deviations (Welford's update), minimum and maximum; each categorical feature's level counts.
 * The same transforms follow, with two differences: means and deviations are summed in another
 * order (they may differ from the in-memory fit in the last bits), and a median or most frequent
 * fill is taken from a uniform sample (reservoir) of each feature's present training values, of
 * {@link #sampleSize} values, exact whenever a feature has no more values than that.
 */
public final class StreamedStats {
    /** Numeric values kept per feature for a median or most frequent fill, at most. */
    static final int MAX_SAMPLE = 100_000;
    /** Values kept over all such features, at most. */
    static final int SAMPLE_BUDGET = 4_000_000;
    private final List<FeatureSchema> features;
    private final Numeric[] numeric;
    private final List<Map<String, Integer>> counts = new ArrayList<>();
    private final long[] missing;
    private final int sampleSize;
    private final SplittableRandom random;

    /** One numeric feature's moments and, for a median or mode fill, its reservoir. */
    private static final class Numeric {
        long n;
        double mean;
        double squares;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double[] sample;
        int kept;

        void add(double x, SplittableRandom random) {
            n++;
            double d = x - mean;
            mean += d / n;
            squares += d * (x - mean);
            min = Math.min(min, x);
            max = Math.max(max, x);
            if (sample != null) {
                if (kept < sample.length) {
                    sample[kept++] = x;
                } else {
                    long j = random.nextLong(n);
                    if (j < sample.length) {
                        sample[(int) j] = x;
                    }
                }
            }
        }
    }

    public StreamedStats(List<FeatureSchema> features, long seed) {
        this.features = List.copyOf(features);
        this.numeric = new Numeric[features.size()];
        this.missing = new long[features.size()];
        this.random = new SplittableRandom(seed);
        long sampled = features.stream().filter(f -> isNumber(f)
                && (f.missing() == Missing.MEDIAN || f.missing() == Missing.MOST_FREQUENT)).count();
        this.sampleSize = (int) Math.min(MAX_SAMPLE, SAMPLE_BUDGET / Math.max(1, sampled));
        for (int f = 0; f < features.size(); f++) {
            FeatureSchema feature = features.get(f);
            if (feature.kind() == FeatureKind.TEXT) {
                throw new IllegalArgumentException("'" + feature.name() + "' is text, whose vocabulary a streaming "
                        + "pass does not fit");
            }
            if (isNumber(feature)) {
                numeric[f] = new Numeric();
                if (feature.missing() == Missing.MEDIAN || feature.missing() == Missing.MOST_FREQUENT) {
                    numeric[f].sample = new double[sampleSize];
                }
            }
            counts.add(isNumber(feature) ? null : new HashMap<>());
        }
    }

    private static boolean isNumber(FeatureSchema f) {
        return f.kind() == FeatureKind.NUMERIC || f.kind() == FeatureKind.BOOLEAN;
    }

    /** The values kept per feature for a median or most frequent fill, at most. */
    public int sampleSize() {
        return sampleSize;
    }

    /** Adds one training row of typed values (as {@link io.kiln.runtime.internal.data.LabeledData} holds them). */
    public void add(Object[] row) {
        for (int f = 0; f < numeric.length; f++) {
            Object v = row[f];
            if (v == null) {
                missing[f]++;
            } else if (numeric[f] != null) {
                numeric[f].add(v instanceof Boolean b ? (b ? 1 : 0) : ((Number) v).doubleValue(), random);
            } else {
                counts.get(f).merge((String) v, 1, Integer::sum);
            }
        }
    }

    /** The fitted preprocessing: {@link Preprocessor#fit}'s transforms from these statistics. */
    public Preprocessor preprocessor() {
        List<FeatureTransform> transforms = new ArrayList<>();
        for (int f = 0; f < features.size(); f++) {
            FeatureSchema feature = features.get(f);
            FeatureTransform t = numeric[f] != null ? numeric(feature, numeric[f], missing[f])
                    : categorical(feature, counts.get(f), missing[f]);
            transforms.add(feature.group() == null ? t : t.inGroup(feature.group()));
        }
        return new Preprocessor(transforms);
    }

    private static FeatureTransform numeric(FeatureSchema feature, Numeric s, long missing) {
        double[] sample = s.sample == null ? new double[0] : Arrays.copyOf(s.sample, s.kept);
        double fill = Preprocessor.fill(feature, sample, s.n == 0 ? 0 : s.mean);
        // the moments of the values with each missing one replaced by the fill (Chan et al.'s merge)
        long n = s.n + missing;
        double mean = s.mean;
        double squares = s.squares;
        double min = s.min;
        double max = s.max;
        if (missing > 0) {
            double d = fill - s.mean;
            mean = s.mean + d * missing / n;
            squares = s.squares + d * d * s.n * (double) missing / n;
            min = Math.min(min, fill);
            max = Math.max(max, fill);
        }
        return Preprocessor.numeric(feature, fill,
                Preprocessor.centerScale(Preprocessor.numericScaling(feature), n, mean, squares, min, max));
    }

    private static FeatureTransform categorical(FeatureSchema feature, Map<String, Integer> counts, long missing) {
        Preprocessor.Levels levels = Preprocessor.levels(feature, counts);
        double[] cs = {0, 1};
        if (feature.encoding() == Encoding.ORDINAL) { // the codes' moments, from the counts
            long n = missing;
            double sum = missing * levels.fillNumber();
            double min = missing > 0 ? levels.fillNumber() : Double.POSITIVE_INFINITY;
            double max = missing > 0 ? levels.fillNumber() : Double.NEGATIVE_INFINITY;
            for (Map.Entry<String, Integer> e : counts.entrySet()) {
                int code = levels.levels().indexOf(e.getKey());
                n += e.getValue();
                sum += (double) code * e.getValue();
                min = Math.min(min, code);
                max = Math.max(max, code);
            }
            double mean = n == 0 ? 0 : sum / n;
            double squares = missing * (levels.fillNumber() - mean) * (levels.fillNumber() - mean);
            for (Map.Entry<String, Integer> e : counts.entrySet()) {
                double d = levels.levels().indexOf(e.getKey()) - mean;
                squares += d * d * e.getValue();
            }
            cs = Preprocessor.centerScale(feature.scaling(), n, mean, squares, min, max);
        }
        return Preprocessor.categorical(feature, levels, cs);
    }
}
