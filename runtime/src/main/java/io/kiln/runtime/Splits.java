package io.kiln.runtime;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** Seeded data splits. Every split is disjoint and covers all rows. */
public final class Splits {
    private Splits() {}

    /** Row indices of a holdout split. */
    public record Holdout(int[] train, int[] validation, int[] test) {}

    /**
     * Splits {@code n} rows into train, validation and test. With {@code strata} (a class per row)
     * each class is split in the same proportions, so rare classes appear in every part. Sizes
     * are rounded per class; every part gets at least one row when its fraction is positive and
     * there are enough rows.
     */
    public static Holdout holdout(int n, int[] strata, double validation, double test, boolean shuffle, long seed) {
        Random random = new Random(seed);
        List<int[]> groups = new ArrayList<>();
        if (strata == null) {
            groups.add(order(rangeOf(n), shuffle, random));
        } else {
            int k = Arrays.stream(strata).max().orElse(0) + 1;
            for (int c = 0; c < k; c++) {
                final int cls = c;
                int[] rows = java.util.stream.IntStream.range(0, n).filter(i -> strata[i] == cls).toArray();
                if (rows.length > 0) {
                    groups.add(order(rows, shuffle, random));
                }
            }
        }
        List<Integer> train = new ArrayList<>();
        List<Integer> val = new ArrayList<>();
        List<Integer> tst = new ArrayList<>();
        for (int[] g : groups) {
            int nTest = (int) Math.round(g.length * test);
            int nVal = (int) Math.round(g.length * validation);
            if (nTest + nVal >= g.length) { // tiny class: keep at least one row for training
                nTest = Math.min(nTest, Math.max(0, g.length - 1));
                nVal = Math.min(nVal, Math.max(0, g.length - 1 - nTest));
            }
            // in row order (no shuffle) the earliest rows train and the latest are tested,
            // so a time-ordered file never tests on the past
            int nTrain = g.length - nTest - nVal;
            for (int i = 0; i < g.length; i++) {
                (i < nTrain ? train : i < nTrain + nVal ? val : tst).add(g[i]);
            }
        }
        int[] tr = toArray(train);
        int[] va = toArray(val);
        int[] te = toArray(tst);
        if (shuffle) { // interleave classes so minibatches are mixed
            Random r2 = new Random(seed + 1);
            shuffle(tr, r2);
            shuffle(va, r2);
            shuffle(te, r2);
        } else {
            Arrays.sort(tr);
            Arrays.sort(va);
            Arrays.sort(te);
        }
        return new Holdout(tr, va, te);
    }

    private static int[] rangeOf(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        return a;
    }

    private static int[] order(int[] rows, boolean shuffle, Random random) {
        if (shuffle) {
            shuffle(rows, random);
        }
        return rows;
    }

    /** Fisher-Yates shuffle in place. */
    public static void shuffle(int[] a, Random random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    private static int[] toArray(List<Integer> list) {
        return list.stream().mapToInt(Integer::intValue).toArray();
    }
}
