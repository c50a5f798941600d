package io.kiln.runtime;

import static com.google.common.truth.Truth.assertThat;

import java.util.Arrays;
import java.util.HashSet;
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
}
