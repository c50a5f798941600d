package io.kiln.runtime.internal.preprocess;

import io.kiln.runtime.FeatureKind;
import io.kiln.runtime.FeatureSchema;
import io.kiln.runtime.TextSettings;
import io.kiln.runtime.internal.data.LabeledData;

import io.kiln.dsl.Encoding;
import io.kiln.dsl.Missing;
import io.kiln.dsl.Scaling;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Fits feature transforms on training rows only, and encodes rows of typed values into the
 * network's input vectors.
 */
public final class Preprocessor {
    private final List<FeatureTransform> transforms;
    private final int width;
    // each feature's center, scale and kind, for encodeNumber (called for every cell of a batch)
    private final double[] centers;
    private final double[] scales;
    private final boolean[] categorical;
    private final Map<Integer, Map<String, Integer>> vocabularies = new java.util.concurrent.ConcurrentHashMap<>();

    public Preprocessor(List<FeatureTransform> transforms) {
        this.transforms = List.copyOf(transforms);
        this.width = transforms.stream().mapToInt(FeatureTransform::width).sum();
        this.centers = transforms.stream().mapToDouble(FeatureTransform::center).toArray();
        this.scales = transforms.stream().mapToDouble(FeatureTransform::scale).toArray();
        this.categorical = new boolean[transforms.size()];
        for (int f = 0; f < categorical.length; f++) {
            categorical[f] = transforms.get(f).kind() == FeatureKind.CATEGORICAL
                    || transforms.get(f).kind() == FeatureKind.TEXT;
        }
    }

    /** Fits every feature on the rows {@code train} of {@code rows}. */
    public static Preprocessor fit(List<FeatureSchema> features, List<Object[]> rows, int[] train) {
        List<FeatureTransform> transforms = new ArrayList<>();
        for (int f = 0; f < features.size(); f++) {
            FeatureSchema feature = features.get(f);
            FeatureTransform t = fitOne(feature, rows, train, f);
            transforms.add(feature.group() == null ? t : t.inGroup(feature.group()));
        }
        return new Preprocessor(transforms);
    }

    private static FeatureTransform fitOne(FeatureSchema feature, List<Object[]> rows, int[] train, int f) {
        switch (feature.kind()) {
            case TEXT -> {
                List<String> texts = new ArrayList<>(train.length);
                for (int r : train) {
                    texts.add((String) rows.get(r)[f]);
                }
                return new FeatureTransform(feature.name(), feature.column(), feature.kind(), Encoding.ONE_HOT,
                        Scaling.NONE, feature.missing(), 0, null, 0, 1, feature.text().vocabulary(texts), false,
                        feature.text());
            }
            case NUMERIC, BOOLEAN -> {
                double[] values = Arrays.stream(train).mapToObj(r -> rows.get(r)[f]).filter(v -> v != null)
                        .mapToDouble(Preprocessor::number).toArray();
                double fill = fill(feature, values, mean(values));
                double[] filled = Arrays.stream(train).mapToObj(r -> rows.get(r)[f])
                        .mapToDouble(v -> v == null ? fill : number(v)).toArray();
                return numeric(feature, fill, centerScale(numericScaling(feature), filled));
            }
            default -> {
                Map<String, Integer> counts = new HashMap<>();
                for (int r : train) {
                    Object v = rows.get(r)[f];
                    if (v != null) {
                        counts.merge((String) v, 1, Integer::sum);
                    }
                }
                Levels levels = levels(feature, counts);
                double[] cs = {0, 1};
                if (feature.encoding() == Encoding.ORDINAL) {
                    double[] codes = Arrays.stream(train).mapToObj(r -> rows.get(r)[f])
                            .mapToDouble(v -> v == null ? levels.fillNumber() : levels.levels().indexOf(v)).toArray();
                    cs = centerScale(feature.scaling(), codes);
                }
                return categorical(feature, levels, cs);
            }
        }
    }

    private static double number(Object v) {
        if (v instanceof Boolean b) {
            return b ? 1 : 0;
        }
        return ((Number) v).doubleValue();
    }

    /** {center, scale} of the values under a scaling; the scale is never 0. */
    public static double[] centerScale(Scaling scaling, double[] values) {
        if (values.length == 0) {
            return new double[] {0, 1};
        }
        double mean = mean(values);
        double squares = 0;
        if (scaling == Scaling.STANDARDIZE) {
            for (double v : values) {
                squares += (v - mean) * (v - mean);
            }
        }
        return centerScale(scaling, values.length, mean, squares, Arrays.stream(values).min().orElse(0),
                Arrays.stream(values).max().orElse(1));
    }

    /**
     * {center, scale} under a scaling of {@code n} values with this mean, sum of squared deviations
     * from it, minimum and maximum (what a streaming pass keeps); the scale is never 0.
     */
    public static double[] centerScale(Scaling scaling, long n, double mean, double squares, double min, double max) {
        if (n == 0) {
            return new double[] {0, 1};
        }
        return switch (scaling) {
            case STANDARDIZE -> {
                double std = Math.sqrt(squares / n);
                yield new double[] {mean, std > 1e-12 ? std : 1};
            }
            case MIN_MAX -> new double[] {min, max - min > 1e-12 ? max - min : 1};
            default -> new double[] {0, 1};
        };
    }

    /** The scaling a numeric or boolean feature's values get (booleans stay 0/1). */
    static Scaling numericScaling(FeatureSchema feature) {
        return feature.kind() == FeatureKind.BOOLEAN ? Scaling.NONE : feature.scaling();
    }

    /**
     * The replacement of a missing numeric or boolean value, from the present training values (a
     * sample of them for a streaming pass, whose {@code mean} is exact).
     */
    static double fill(FeatureSchema feature, double[] values, double mean) {
        return switch (feature.missing()) {
            case MEAN -> mean;
            case MEDIAN -> median(values);
            case MOST_FREQUENT -> mostFrequent(values);
            case CONSTANT -> feature.kind() == FeatureKind.BOOLEAN
                    ? (LabeledData.parseBoolean(feature.constant()) ? 1 : 0)
                    : Double.parseDouble(feature.constant());
            default -> 0;
        };
    }

    static FeatureTransform numeric(FeatureSchema feature, double fill, double[] cs) {
        return new FeatureTransform(feature.name(), feature.column(), feature.kind(), Encoding.ONE_HOT,
                feature.scaling(), feature.missing(), fill, null, cs[0], cs[1], List.of(), false);
    }

    /** A categorical feature's levels (declared, or those seen in training, sorted) and its missing-value fill. */
    record Levels(List<String> levels, boolean declared, String fillLevel, double fillNumber) {}

    static Levels levels(FeatureSchema feature, Map<String, Integer> counts) {
        boolean declared = !feature.levels().isEmpty();
        List<String> levels = new ArrayList<>(feature.levels());
        if (!declared) {
            levels.addAll(new TreeSet<>(counts.keySet()));
        }
        String fillLevel = switch (feature.missing()) {
            case MOST_FREQUENT -> counts.isEmpty() ? (levels.isEmpty() ? null : levels.get(0)) : mode(counts);
            case CONSTANT -> feature.constant();
            default -> null;
        };
        if (fillLevel != null && !levels.contains(fillLevel)) {
            levels.add(fillLevel);
        }
        if (feature.missing() == Missing.MISSING_CATEGORY && feature.encoding() == Encoding.ONE_HOT) {
            levels.add(FeatureTransform.MISSING_LEVEL);
        }
        return new Levels(List.copyOf(levels), declared, fillLevel,
                fillLevel == null ? 0 : levels.indexOf(fillLevel));
    }

    /** {@code cs}: the center and scale of an ordinal feature's codes ({0, 1} for one-hot). */
    static FeatureTransform categorical(FeatureSchema feature, Levels levels, double[] cs) {
        return new FeatureTransform(feature.name(), feature.column(), feature.kind(), feature.encoding(),
                feature.scaling(), feature.missing(), levels.fillNumber(), levels.fillLevel(), cs[0], cs[1],
                levels.levels(), levels.declared());
    }

    static double mean(double[] values) {
        return values.length == 0 ? 0 : Arrays.stream(values).sum() / values.length;
    }

    static double median(double[] values) {
        if (values.length == 0) {
            return 0;
        }
        double[] s = values.clone();
        Arrays.sort(s);
        int m = s.length / 2;
        return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
    }

    private static double mostFrequent(double[] values) {
        Map<Double, Integer> counts = new HashMap<>();
        for (double v : values) {
            counts.merge(v, 1, Integer::sum);
        }
        return counts.isEmpty() ? 0.0 : mode(counts);
    }

    /** The most frequent key; ties go to the smallest key, so the result does not depend on map order. */
    private static <K extends Comparable<K>> K mode(Map<K, Integer> counts) {
        K best = null;
        for (Map.Entry<K, Integer> e : counts.entrySet()) {
            int c = e.getValue();
            if (best == null || c > counts.get(best) || (c == counts.get(best) && e.getKey().compareTo(best) < 0)) {
                best = e.getKey();
            }
        }
        return best;
    }

    /** Token to id of text feature {@code f}, built at first use. */
    private Map<String, Integer> vocabulary(int f) {
        Map<String, Integer> v = vocabularies.get(f);
        if (v == null) {
            v = TextSettings.index(transforms.get(f).levels());
            vocabularies.put(f, v);
        }
        return v;
    }

    /** Whether the input starts with the token ids of a text feature, which the network masks (0 = padding). */
    public int tokenColumns() {
        FeatureTransform first = transforms.isEmpty() ? null : transforms.get(0);
        return first != null && first.kind() == FeatureKind.TEXT
                && first.text().encoding() == io.kiln.dsl.TextEncoding.TOKENS ? first.text().maxTokens() : 0;
    }

    public List<FeatureTransform> transforms() {
        return transforms;
    }

    /** Width of the encoded input vector. */
    public int width() {
        return width;
    }

    /** Encodes one row of typed values into {@code out} starting at {@code offset}. */
    public void encode(Object[] row, float[] out, int offset) {
        int o = offset;
        for (int f = 0; f < transforms.size(); f++) {
            o = encodeValue(f, row[f], out, o);
        }
    }

    /**
     * Encodes the value of feature {@code f} (Number, Boolean, String or enum; null = missing) into
     * {@code out} at {@code offset}; returns the offset after it.
     */
    public int encodeValue(int f, Object v, float[] out, int offset) {
        FeatureTransform t = transforms.get(f);
        if (t.kind() == FeatureKind.TEXT) {
            return t.text().encode(v == null ? "" : v.toString(), vocabulary(f), out, offset);
        }
        if (t.kind() != FeatureKind.CATEGORICAL) {
            if (v != null && !(v instanceof Number) && !(v instanceof Boolean)) {
                throw new IllegalArgumentException("'" + t.name() + "' is a number; got " + v.getClass().getSimpleName()
                        + " \"" + v + "\"");
            }
            return encodeNumber(f, v == null ? missingNumber(t) : number(v), out, offset);
        }
        String level = v == null ? missingLevel(t) : v instanceof Enum<?> e ? e.name() : v.toString();
        int index = level == null ? -1 : t.levels().indexOf(level);
        if (index < 0 && level != null && t.declaredLevels()) {
            throw new IllegalArgumentException("'" + t.name() + "': unknown level \"" + level + "\"; expected one of "
                    + t.levels().stream().filter(l -> !l.equals(FeatureTransform.MISSING_LEVEL)).toList());
        }
        if (t.encoding() == Encoding.ORDINAL) {
            double code = index < 0 ? t.fillNumber() : index;
            out[offset] = scale(code, t.center(), t.scale());
            return offset + 1;
        }
        for (int l = 0; l < t.levels().size(); l++) {
            out[offset + l] = l == index ? 1f : 0f;
        }
        return offset + t.levels().size();
    }

    /**
     * Encodes a present value {@code x} of the numeric or boolean (0/1) feature {@code f} into
     * {@code out} at {@code offset}; returns the offset after it. The same as {@link #encodeValue}
     * with a boxed number, without the boxing.
     */
    public int encodeNumber(int f, double x, float[] out, int offset) {
        if (categorical[f]) {
            throw new IllegalArgumentException("'" + transforms.get(f).name() + "' is categorical, not a number");
        }
        if (!Double.isFinite(x)) {
            throw new IllegalArgumentException("'" + transforms.get(f).name() + "' is " + x
                    + "; pass null for a missing value");
        }
        float scaled = scale(x, centers[f], scales[f]);
        if (!Float.isFinite(scaled)) {
            throw new IllegalArgumentException("'" + transforms.get(f).name() + "' is " + x
                    + ", beyond the range of the network's 32-bit inputs once scaled");
        }
        out[offset] = scaled;
        return offset + 1;
    }

    /**
     * A numeric feature's network input: {@code (x - center) / scale} as a 32-bit float, infinite
     * when it does not fit one (which {@link #encodeNumber} rejects). The one formula every path
     * from a number to an input uses.
     */
    public static float scale(double x, double center, double scale) {
        return (float) ((x - center) / scale);
    }

    private static double missingNumber(FeatureTransform t) {
        if (t.missing() == Missing.ERROR) {
            throw new IllegalArgumentException("'" + t.name() + "' is missing and the model declares missing = ERROR");
        }
        return t.fillNumber();
    }

    private static String missingLevel(FeatureTransform t) {
        return switch (t.missing()) {
            case ERROR -> throw new IllegalArgumentException(
                    "'" + t.name() + "' is missing and the model declares missing = ERROR");
            case MISSING_CATEGORY -> FeatureTransform.MISSING_LEVEL;
            default -> t.fillLevel();
        };
    }

    /** The given rows of {@code data}, encoded, as a rows × width ND4J matrix of floats. */
    public INDArray matrix(LabeledData data, int[] which) {
        float[][] x = encode(data.features(), which);
        if (x.length == 0) {
            return Nd4j.create(DataType.FLOAT, 0, width());
        }
        return Nd4j.create(x).castTo(DataType.FLOAT);
    }

    /** Encodes the given rows into a rows × width matrix. */
    public float[][] encode(List<Object[]> rows, int[] which) {
        float[][] out = new float[which.length][width];
        for (int i = 0; i < which.length; i++) {
            encode(rows.get(which[i]), out[i], 0);
        }
        return out;
    }
}
