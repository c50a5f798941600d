package io.kiln.runtime;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The inputs of generated predictors whose features are given as one array or as series windows. */
class FeatureRowTest {

    @Test
    void numbersAreBoxedInFeatureOrder() {
        assertThat(FeatureRow.of(new double[] {1.5, -2}, List.of("a", "b"))).asList().containsExactly(1.5, -2.0)
                .inOrder();
    }

    @Test
    void objectsAreCopiedWithTheirMissingValues() {
        Object[] values = {2.0, null, "red"};
        Object[] row = FeatureRow.of(values, List.of("a", "b", "c"));
        values[0] = 9.0;
        assertThat(row).asList().containsExactly(2.0, null, "red").inOrder();
    }

    @Test
    void anArrayOfAnotherLengthNamesTheFeatures() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FeatureRow.of(new double[] {1}, List.of("x0", "x1", "x2")));
        assertThat(e).hasMessageThat().isEqualTo("The input has 1 values; the model takes 3, one per feature in the "
                + "order of FEATURES (x0, ..., x2)");
        assertThrows(IllegalArgumentException.class, () -> FeatureRow.of((Object[]) null, List.of("x0")));
    }

    @Test
    void seriesStepsAreNamedOldestFirstPerFeature() {
        assertThat(new SeriesWindow(3, 1).names(List.of("level", "rate"))).containsExactly("level[t-2]", "level[t-1]",
                "level[t]", "rate[t-2]", "rate[t-1]", "rate[t]").inOrder();
    }
}
