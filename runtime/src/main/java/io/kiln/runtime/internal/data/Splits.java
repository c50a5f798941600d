package io.kiln.runtime.internal.data;

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

    /** One fold of k-fold cross-validation: the rows trained on and the held-out rows. */
    public record Fold(int[] train, int[] validation) {}

    /**
     * Splits {@code rows} into {@code k} folds. With {@code strata} (a class per data row, indexed
     * by row number) each class is dealt evenly over the folds. Fold sizes differ by at most one
     * row per class. Every row is held out exactly once.
     */
    public static List<Fold> kfold(int[] rows, int[] strata, int k, boolean shuffle, long seed) {
        if (rows.length < k) {
            throw new IllegalArgumentException(k + "-fold cross-validation needs at least " + k + " rows, has "
                    + rows.length + ". Use fewer folds or more data.");
        }
        Random random = new Random(seed);
        int[] order = rows.clone();
        if (shuffle) {
            shuffle(order, random);
        }
        if (strata != null) { // group by class, keeping the (shuffled) order within each class
            final int[] o = order;
            order = java.util.stream.IntStream.range(0, o.length).boxed()
                    .sorted(java.util.Comparator.comparingInt((Integer i) -> strata[o[i]]).thenComparingInt(i -> i))
                    .mapToInt(i -> o[i]).toArray();
        }
        int[] foldOf = new int[order.length];
        if (strata != null) {
            for (int i = 0; i < order.length; i++) {
                foldOf[i] = i % k; // deal class by class: each class spreads over all folds
            }
        } else {
            for (int i = 0; i < order.length; i++) {
                foldOf[i] = (int) ((long) i * k / order.length); // contiguous chunks
            }
        }
        List<Fold> folds = new ArrayList<>(k);
        for (int f = 0; f < k; f++) {
            List<Integer> train = new ArrayList<>();
            List<Integer> held = new ArrayList<>();
            for (int i = 0; i < order.length; i++) {
                (foldOf[i] == f ? held : train).add(order[i]);
            }
            int[] tr = toArray(train);
            int[] va = toArray(held);
            if (shuffle) {
                Random r2 = new Random(seed + 1 + f);
                shuffle(tr, r2);
                shuffle(va, r2);
            } else {
                Arrays.sort(tr);
                Arrays.sort(va);
            }
            folds.add(new Fold(tr, va));
        }
        return folds;
    }

    /**
     * A temporal split: rows ordered by {@code keys} (stable for equal keys), the earliest for
     * training, then validation, then the latest for the test. Each boundary moves past rows that
     * tie with the row before it, so every training key is strictly before every validation and
     * test key, and every validation key strictly before every test key.
     */
    public static <K extends Comparable<K>> Holdout temporal(List<K> keys, double validation, double test) {
        int n = keys.size();
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> keys.get(a).compareTo(keys.get(b)));
        int trainEnd = afterTies(keys, order, n - (int) Math.round(n * test) - (int) Math.round(n * validation));
        int valEnd = afterTies(keys, order, Math.max(trainEnd, n - (int) Math.round(n * test)));
        int[] sorted = Arrays.stream(order).mapToInt(Integer::intValue).toArray();
        return new Holdout(Arrays.copyOfRange(sorted, 0, trainEnd), Arrays.copyOfRange(sorted, trainEnd, valEnd),
                Arrays.copyOfRange(sorted, valEnd, n));
    }

    private static <K extends Comparable<K>> int afterTies(List<K> keys, Integer[] order, int cut) {
        cut = Math.max(0, Math.min(order.length, cut));
        while (cut > 0 && cut < order.length && keys.get(order[cut]).compareTo(keys.get(order[cut - 1])) == 0) {
            cut++;
        }
        return cut;
    }

    private static int[] toArray(List<Integer> list) {
        return list.stream().mapToInt(Integer::intValue).toArray();
    }
}
