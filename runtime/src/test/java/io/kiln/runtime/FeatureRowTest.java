package io.kiln.runtime;

import io.kiln.runtime.internal.data.CsvTable;

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

    /** A series forecast of the order column itself: the window table names each column once. */
    @Test
    void aLabelReadFromTheOrderColumnIsOneColumnOfTheWindows(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        java.nio.file.Path file = java.nio.file.Files.writeString(dir.resolve("s.csv"), "t,x\n1,10\n2,20\n3,30\n4,40\n");
        CsvTable table = CsvTable.read(CsvSource.file(file));
        CsvTable windows = new SeriesWindow(2, 1).apply(table, "t",
                List.of(FeatureSchema.numeric("x", "x", io.kiln.dsl.Scaling.NONE, io.kiln.dsl.Missing.ERROR, "")),
                new LabelSchema("next", LabelCoding.VALUES, List.of("t"), List.of()));
        assertThat(windows.header()).containsExactly("t", "x[t-1]", "x[t]").inOrder();
        // windows over rows 1-2 and 2-3, each labelled with the t of the row after it
        assertThat(windows.rows().stream().map(r -> String.join(",", r.cells())).toList())
                .containsExactly("3,10,20", "4,20,30").inOrder();
    }
}
