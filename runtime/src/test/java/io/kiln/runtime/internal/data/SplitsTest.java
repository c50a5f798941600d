package io.kiln.runtime.internal.data;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SplitsTest {
    @Test
    void holdoutIsDisjointCompleteAndSeeded() {
        Splits.Holdout a = Splits.holdout(100, null, 0.2, 0.1, true, 7);
        Splits.Holdout b = Splits.holdout(100, null, 0.2, 0.1, true, 7);
        Splits.Holdout c = Splits.holdout(100, null, 0.2, 0.1, true, 8);
        assertThat(a.train().length).isEqualTo(70);
        assertThat(a.validation().length).isEqualTo(20);
        assertThat(a.test().length).isEqualTo(10);
        Set<Integer> all = new HashSet<>();
        for (int[] part : new int[][] {a.train(), a.validation(), a.test()}) {
            for (int i : part) {
                assertThat(all.add(i)).isTrue();
            }
        }
        assertThat(all).hasSize(100);
        assertThat(b.test()).isEqualTo(a.test());
        assertThat(c.test()).isNotEqualTo(a.test());
    }

    @Test
    void stratifiedKeepsClassProportionsIncludingRareClasses() {
        int[] strata = IntStream.range(0, 100).map(i -> i < 90 ? 0 : 1).toArray();
        Splits.Holdout s = Splits.holdout(100, strata, 0.2, 0.2, true, 1);
        assertThat(Arrays.stream(s.test()).filter(i -> strata[i] == 1).count()).isEqualTo(2);
        assertThat(Arrays.stream(s.validation()).filter(i -> strata[i] == 1).count()).isEqualTo(2);
        assertThat(Arrays.stream(s.train()).filter(i -> strata[i] == 1).count()).isEqualTo(6);
    }

    @Test
    void withoutShuffleTheLastRowsAreTestedAndTheFirstTrained() {
        Splits.Holdout s = Splits.holdout(10, null, 0.2, 0.3, false, 1);
        assertThat(s.train()).isEqualTo(new int[] {0, 1, 2, 3, 4});
        assertThat(s.validation()).isEqualTo(new int[] {5, 6});
        assertThat(s.test()).isEqualTo(new int[] {7, 8, 9});
    }

    // ---- k-fold

    /** Rows 100..186 (not 0..n-1, so the folds must be made of the given rows), classes 50 / 30 / 7. */
    static final int[] ROWS = IntStream.range(100, 187).toArray();
    static final int[] STRATA = IntStream.range(0, 187).map(i -> i < 150 ? 0 : i < 180 ? 1 : 2).toArray();

    static Set<Integer> set(int[] a) {
        Set<Integer> s = new HashSet<>();
        for (int i : a) {
            s.add(i);
        }
        return s;
    }

    static void assertPartition(int[] rows, List<Splits.Fold> folds, int k) {
        assertThat(folds).hasSize(k);
        int[] heldOut = new int[1000];
        for (Splits.Fold f : folds) {
            Set<Integer> train = set(f.train());
            Set<Integer> held = set(f.validation());
            assertThat(train).hasSize(f.train().length); // no row twice
            assertThat(held).hasSize(f.validation().length);
            assertThat(f.validation()).isNotEmpty();
            Set<Integer> both = new HashSet<>(train);
            both.retainAll(held);
            assertThat(both).isEmpty();
            Set<Integer> union = new HashSet<>(train);
            union.addAll(held);
            assertThat(union).isEqualTo(set(rows));
            for (int r : f.validation()) {
                heldOut[r]++;
            }
        }
        for (int r : rows) {
            assertThat(heldOut[r]).isEqualTo(1);
        }
        assertThat(Arrays.stream(heldOut).sum()).isEqualTo(rows.length);
    }

    @Test
    void kfoldHoldsEveryRowOutExactlyOnce() {
        for (boolean shuffle : new boolean[] {true, false}) {
            for (int[] strata : new int[][] {null, STRATA}) {
                for (int k : new int[] {2, 3, 5, 10}) {
                    assertPartition(ROWS, Splits.kfold(ROWS, strata, k, shuffle, 11), k);
                }
            }
        }
    }

    @Test
    void kfoldSizesDifferByAtMostOne() {
        for (int[] strata : new int[][] {null, STRATA}) {
            List<Splits.Fold> folds = Splits.kfold(ROWS, strata, 5, true, 3);
            int min = folds.stream().mapToInt(f -> f.validation().length).min().getAsInt();
            int max = folds.stream().mapToInt(f -> f.validation().length).max().getAsInt();
            assertThat(max - min).isAtMost(1);
        }
    }

    @Test
    void stratifiedFoldsKeepEachClassWithinOneRowOfItsShare() {
        int k = 5;
        for (long seed = 0; seed < 5; seed++) {
            List<Splits.Fold> folds = Splits.kfold(ROWS, STRATA, k, true, seed);
            for (int c = 0; c < 3; c++) {
                final int cls = c;
                long total = Arrays.stream(ROWS).filter(r -> STRATA[r] == cls).count();
                for (Splits.Fold f : folds) {
                    long held = Arrays.stream(f.validation()).filter(r -> STRATA[r] == cls).count();
                    assertThat(Math.abs(held - total / (double) k)).isLessThan(1.0);
                }
            }
        }
    }

    @Test
    void unstratifiedFoldsOfSortedClassesDoNotKeepProportions() {
        // the control for the test above: without strata the rarest class is not spread over the folds
        List<Splits.Fold> folds = Splits.kfold(ROWS, null, 5, false, 1);
        long foldsWithClass2 = folds.stream()
                .filter(f -> Arrays.stream(f.validation()).anyMatch(r -> STRATA[r] == 2)).count();
        assertThat(foldsWithClass2).isEqualTo(1);
    }

    @Test
    void kfoldIsSeeded() {
        List<Splits.Fold> a = Splits.kfold(ROWS, STRATA, 4, true, 5);
        List<Splits.Fold> b = Splits.kfold(ROWS, STRATA, 4, true, 5);
        List<Splits.Fold> c = Splits.kfold(ROWS, STRATA, 4, true, 6);
        for (int f = 0; f < 4; f++) {
            assertThat(b.get(f).validation()).isEqualTo(a.get(f).validation());
            assertThat(b.get(f).train()).isEqualTo(a.get(f).train());
        }
        boolean differs = false;
        for (int f = 0; f < 4; f++) {
            differs |= !set(c.get(f).validation()).equals(set(a.get(f).validation()));
        }
        assertThat(differs).isTrue();
    }

    @Test
    void unshuffledKfoldHoldsOutContiguousChunksInOrder() {
        List<Splits.Fold> folds = Splits.kfold(IntStream.range(0, 10).toArray(), null, 3, false, 1);
        assertThat(folds.get(0).validation()).isEqualTo(new int[] {0, 1, 2, 3});
        assertThat(folds.get(1).validation()).isEqualTo(new int[] {4, 5, 6});
        assertThat(folds.get(2).validation()).isEqualTo(new int[] {7, 8, 9});
        assertThat(folds.get(1).train()).isEqualTo(new int[] {0, 1, 2, 3, 7, 8, 9});
    }

    @Test
    void kfoldWithFewerRowsThanFoldsIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Splits.kfold(new int[] {0, 1, 2}, null, 5, true, 1));
        assertThat(e).hasMessageThat().contains("5-fold cross-validation needs at least 5 rows, has 3");
        // exactly k rows is enough: one row per fold
        assertPartition(new int[] {0, 1, 2, 3, 4}, Splits.kfold(new int[] {0, 1, 2, 3, 4}, null, 5, true, 1), 5);
    }

    // ---- temporal

    static <K extends Comparable<K>> void assertStrictlyOrdered(List<K> keys, Splits.Holdout s) {
        for (int[][] pair : new int[][][] {{s.train(), s.validation()}, {s.validation(), s.test()},
                {s.train(), s.test()}}) {
            for (int before : pair[0]) {
                for (int after : pair[1]) {
                    assertThat(keys.get(before)).isLessThan(keys.get(after));
                }
            }
        }
        Set<Integer> all = new HashSet<>(set(s.train()));
        all.addAll(set(s.validation()));
        all.addAll(set(s.test()));
        assertThat(all).hasSize(keys.size());
        assertThat(s.train().length + s.validation().length + s.test().length).isEqualTo(keys.size());
    }

    @Test
    void temporalSplitOrdersByKeyNotByRow() {
        // keys 0..99 in a shuffled row order
        List<Integer> keys = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            keys.add(i);
        }
        java.util.Collections.shuffle(keys, new Random(4));
        Splits.Holdout s = Splits.temporal(keys, 0.2, 0.1);
        assertStrictlyOrdered(keys, s);
        assertThat(s.train().length).isEqualTo(70);
        assertThat(s.validation().length).isEqualTo(20);
        assertThat(s.test().length).isEqualTo(10);
        assertThat(Arrays.stream(s.test()).map(keys::get).sorted().toArray())
                .isEqualTo(IntStream.range(90, 100).toArray());
    }

    @Test
    void temporalSplitKeepsTiesOnOneSide() {
        // 10 rows; the 60% cut falls inside the tie of three 5s and the 80% cut inside the tie of two 8s
        List<Integer> keys = List.of(8, 1, 5, 2, 5, 3, 8, 5, 4, 9);
        Splits.Holdout s = Splits.temporal(keys, 0.2, 0.2);
        assertStrictlyOrdered(keys, s);
        assertThat(Arrays.stream(s.train()).map(keys::get).sorted().toArray()).isEqualTo(new int[] {1, 2, 3, 4, 5, 5, 5});
        assertThat(Arrays.stream(s.validation()).map(keys::get).sorted().toArray()).isEqualTo(new int[] {8, 8});
        assertThat(Arrays.stream(s.test()).map(keys::get).toArray()).isEqualTo(new int[] {9});
    }

    @Test
    void temporalSplitWithManyTiesStaysStrictAndNearTheFractions() {
        Random random = new Random(9);
        for (int trial = 0; trial < 20; trial++) {
            List<Double> keys = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                keys.add((double) random.nextInt(200)); // each value about 2.5 times
            }
            Splits.Holdout s = Splits.temporal(keys, 0.15, 0.25);
            assertStrictlyOrdered(keys, s);
            int maxTie = keys.stream().collect(java.util.stream.Collectors.groupingBy(k -> k,
                    java.util.stream.Collectors.counting())).values().stream().mapToInt(Long::intValue).max()
                    .getAsInt();
            assertThat(Math.abs(s.test().length - 125)).isAtMost(maxTie);
            assertThat(Math.abs(s.validation().length - 75)).isAtMost(2 * maxTie);
            assertThat(Math.abs(s.train().length - 300)).isAtMost(maxTie);
        }
    }

    @Test
    void temporalSplitWithoutValidation() {
        List<Integer> keys = List.of(5, 4, 3, 2, 1, 0, 9, 8, 7, 6);
        Splits.Holdout s = Splits.temporal(keys, 0, 0.3);
        assertThat(s.validation()).isEmpty();
        assertThat(Arrays.stream(s.test()).map(keys::get).sorted().toArray()).isEqualTo(new int[] {7, 8, 9});
        assertStrictlyOrdered(keys, s);
    }
}
