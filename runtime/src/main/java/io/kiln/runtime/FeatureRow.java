package io.kiln.runtime;

import java.util.List;

/**
 * <b>Public API</b>. One sample of a wide schema as the generated predictor takes it: every feature's value in one
 * array, in the order of the predictor's {@code FEATURES}. A spec whose features would not fit in
 * a Java record's constructor (at most 255 parameter slots, a {@code double} taking two) gets an
 * {@code Input} of this form instead of one component per feature.
 */
public final class FeatureRow {
    private FeatureRow() {}

    /**
     * The values of {@code features}, boxed, in order.
     *
     * @throws IllegalArgumentException when the array is missing or has another length
     */
    public static Object[] of(double[] values, List<String> features) {
        check(values == null ? -1 : values.length, features);
        return boxed(values);
    }

    /**
     * The values of {@code features} in order; a null is a missing value.
     *
     * @throws IllegalArgumentException when the array is missing or has another length
     */
    public static Object[] of(Object[] values, List<String> features) {
        check(values == null ? -1 : values.length, features);
        return values.clone();
    }

    static Object[] boxed(double[] values) {
        Object[] row = new Object[values.length];
        for (int i = 0; i < row.length; i++) {
            row[i] = values[i];
        }
        return row;
    }

    private static void check(int length, List<String> features) {
        if (length != features.size()) {
            throw new IllegalArgumentException("The input has " + (length < 0 ? "no" : length)
                    + " values; the model takes " + features.size() + ", one per feature in the order of FEATURES ("
                    + features.get(0) + ", ..., " + features.get(features.size() - 1) + ")");
        }
    }
}
