package io.kiln.runtime;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * <b>Public API</b>. How much each class's training rows weigh in the loss (the spec's
 * {@code @ClassWeights}): declared, one weight per class in the label's class order, or balanced
 * (null {@code declared}): each class {@code rows / (classes × rows of the class)} of the run's
 * own training rows, so every class present carries the same total weight.
 *
 * @param declared one positive finite weight per class, or null for balanced weights
 */
public record ClassWeights(double[] declared) {
    public ClassWeights {
        if (declared != null) {
            declared = declared.clone();
            for (double w : declared) {
                if (!(w > 0) || Double.isInfinite(w)) {
                    throw new IllegalArgumentException("[kiln.class-weights-value] class weights must be positive "
                            + "and finite, were " + Arrays.toString(declared) + ". Give each class a weight above 0.");
                }
            }
        }
    }

    /** Balanced weights, fitted on each run's training rows. */
    public static ClassWeights balanced() {
        return new ClassWeights(null);
    }

    /** One weight per class, in the label's class order. */
    public static ClassWeights of(double... weights) {
        return new ClassWeights(weights);
    }

    public boolean isBalanced() {
        return declared == null;
    }

    @Override
    public double[] declared() {
        return declared == null ? null : declared.clone();
    }

    /**
     * The weight of each class for training on {@code rows}: the declared ones, or balanced from
     * the classes of those rows (a class absent from them weighs 1).
     *
     * @param classOf the class index of every row of the data
     */
    public double[] forRows(int[] classOf, int[] rows, int classes) {
        long[] counts = new long[classes];
        if (declared == null) {
            for (int r : rows) {
                counts[classOf[r]]++;
            }
        }
        return forCounts(counts);
    }

    /** The weight of each class for training on rows with {@code counts} rows of each class (see {@link #forRows}). */
    public double[] forCounts(long[] counts) {
        int classes = counts.length;
        if (declared != null) {
            if (declared.length != classes) {
                throw new IllegalArgumentException("[kiln.class-weights-count] " + declared.length
                        + " class weights for " + classes + " classes. Give one weight per class.");
            }
            return declared.clone();
        }
        long rows = Arrays.stream(counts).sum();
        int present = (int) Arrays.stream(counts).filter(c -> c > 0).count();
        return IntStream.range(0, classes)
                .mapToDouble(c -> counts[c] == 0 ? 1 : (double) rows / (present * (double) counts[c]))
                .toArray();
    }

    /** Each of {@code rows}' weight: its class's, from {@link #forRows}. */
    public double[] perRow(int[] classOf, int[] rows, int classes) {
        double[] perClass = forRows(classOf, rows, classes);
        double[] w = new double[rows.length];
        for (int i = 0; i < rows.length; i++) {
            w[i] = perClass[classOf[rows[i]]];
        }
        return w;
    }

    /** "balanced: setosa 0.98, versicolor 1.03, ..." or "declared: no 1, yes 5". */
    public String describe(double[] weights, List<String> classNames) {
        return (isBalanced() ? "balanced: " : "declared: ") + IntStream.range(0, weights.length)
                .mapToObj(c -> (c < classNames.size() ? classNames.get(c) : Integer.toString(c)) + " "
                        + String.format(Locale.ROOT, "%.3g", weights[c]))
                .collect(Collectors.joining(", "));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClassWeights other && Arrays.equals(declared, other.declared);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(declared);
    }

    @Override
    public String toString() {
        return declared == null ? "ClassWeights[balanced]" : "ClassWeights" + Arrays.toString(declared);
    }
}
