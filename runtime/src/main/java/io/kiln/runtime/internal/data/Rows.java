package io.kiln.runtime.internal.data;

import java.util.Arrays;
import java.util.Random;

/**
 * Row-index and row-array helpers shared by training, inference, evaluation and reports, so that
 * none of them depends on another for them.
 */
public final class Rows {
    private Rows() {}

    /** The rows {@code which} of {@code all}, in that order (the arrays themselves, not copies). */
    public static double[][] rows(double[][] all, int[] which) {
        double[][] out = new double[which.length][];
        for (int i = 0; i < which.length; i++) {
            out[i] = all[which[i]];
        }
        return out;
    }

    /** {@code n} copies of {@code row}. */
    public static double[][] repeat(double[] row, int n) {
        double[][] out = new double[n][];
        for (int i = 0; i < n; i++) {
            out[i] = row.clone();
        }
        return out;
    }

    /** Up to {@code max} of {@code rows}, drawn with the seed (all of them, in order, when there are fewer). */
    public static int[] sample(int[] rows, int max, long seed) {
        if (rows.length <= max) {
            return rows;
        }
        int[] copy = rows.clone();
        Splits.shuffle(copy, new Random(seed ^ 0x5DEECE66DL));
        return Arrays.copyOf(copy, max);
    }

    /** {@code a} then {@code b}. */
    public static int[] concat(int[] a, int[] b) {
        int[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    /** The sample standard deviation (0 for fewer than two values). */
    public static double std(double[] v) {
        if (v.length < 2) {
            return 0;
        }
        double mean = Arrays.stream(v).average().orElse(0);
        double ss = Arrays.stream(v).map(x -> (x - mean) * (x - mean)).sum();
        return Math.sqrt(ss / (v.length - 1));
    }
}
