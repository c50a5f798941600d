package io.kiln.examples.fuzz;

import static com.google.common.truth.Truth.assertWithMessage;

import io.kiln.dsl.Task;
import io.kiln.examples.fuzz.FuzzHarness.Outcome;
import io.kiln.examples.fuzz.FuzzHarness.Verdict;
import io.kiln.examples.fuzz.FuzzSpec.Column;
import io.kiln.examples.fuzz.FuzzSpec.Type;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The generated code's size budget at its edges, beyond what the fuzzer draws: each spec's generated
 * classes compile within the class-file limits (255 parameter slots, 64 KB of bytecode per method,
 * 65,535-byte string constants), and the model trains, saves, loads into the generated predictor
 * and predicts, through {@link FuzzHarness}.
 */
class GeneratedCodeLimitsTest {
    private static final FuzzHarness HARNESS = new FuzzHarness();

    private static void assertTrainsAndPredicts(FuzzSpec spec) {
        Outcome outcome = HARNESS.run(spec);
        assertWithMessage("%s: %s", outcome.verdict(), outcome.detail()).that(outcome.verdict())
                .isEqualTo(Verdict.ACCEPTED);
    }

    private static FuzzSpec.Label regressionLabel() {
        return new FuzzSpec.Label("y", FuzzSpec.Coding.VALUES, List.of("y"), List.of());
    }

    /** 600 features of two types: an Input of objects, feature schemas from helper methods, joined names. */
    @Test
    void sixHundredMixedFeatures() {
        StringBuilder source = new StringBuilder("package fuzz;\nimport io.kiln.dsl.*;\n"
                + "@Model(task = Task.SCALAR_REGRESSION)\n@Fit(epochs = 1, batchSize = 16)\npublic class Mixed600 {\n");
        List<Column> columns = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            if (i % 2 == 0) {
                source.append("    @Feature double x").append(i).append(";\n");
                columns.add(new Column("x" + i, "x" + i, Type.REAL, List.of()));
            } else {
                source.append("    @Feature(levels = {\"a\", \"b\"}) String c").append(i).append(";\n");
                columns.add(new Column("c" + i, "c" + i, Type.STRING, List.of("a", "b")));
            }
        }
        source.append("    @Label double y;\n    @Dense(units = 4) Layer hidden;\n    @Output Layer out;\n}\n");
        assertTrainsAndPredicts(new FuzzSpec(0, "Mixed600", source.toString(), Task.SCALAR_REGRESSION, columns,
                regressionLabel(), false, 0, 0, null, null, false, true, ','));
    }

    /**
     * {@code fixed} double features declared one by one around a {@code @Features} group of 40 columns:
     * beyond 127 doubles the typed predictor's Input takes one array of values (a group's value an
     * array), and beyond {@value io.kiln.examples.fuzz.GeneratedCodeLimitsTest#CHUNK} declared features the
     * runs between groups are written by helper methods.
     */
    private static void featuresAroundAGroup(String name, int fixed) {
        StringBuilder source = new StringBuilder("package fuzz;\nimport io.kiln.dsl.*;\n"
                + "@Model(task = Task.SCALAR_REGRESSION)\n@Fit(epochs = 1, batchSize = 16)\npublic class " + name
                + " {\n");
        List<Column> columns = new ArrayList<>();
        for (int i = 0; i < fixed; i++) {
            if (i == fixed / 2) {
                source.append("    @Features(matching = \"g\\\\d+\", count = 40) double[] genes;\n");
                for (int g = 0; g < 40; g++) {
                    columns.add(new Column("genes", "g" + g, Type.REAL, List.of()));
                }
            }
            source.append("    @Feature double x").append(i).append(";\n");
            columns.add(new Column("x" + i, "x" + i, Type.REAL, List.of()));
        }
        source.append("    @Label double y;\n    @Dense(units = 4) Layer hidden;\n    @Output Layer out;\n}\n");
        assertTrainsAndPredicts(new FuzzSpec(0, name, source.toString(), Task.SCALAR_REGRESSION, columns,
                regressionLabel(), false, 0, 0, null, null, false, true, ','));
    }

    /** The runs written by helper methods: more declared features than one method's share. */
    static final int CHUNK = 500;

    @Test
    void aGroupAmongThreeHundredFeaturesTakesItsInputAsOneArray() {
        featuresAroundAGroup("Group300", 300);
    }

    @Test
    void aGroupAmongThreeThousandFeaturesHasItsDeclaredFeaturesWrittenByHelperMethods() {
        featuresAroundAGroup("Group3000", 3000);
    }

    /** A window of 4,000 steps over 3 features: 12,000 step names, made at run time. */
    @Test
    void aLongSeriesWindow() {
        String source = """
                package fuzz;
                import io.kiln.dsl.*;
                @Model(task = Task.SCALAR_REGRESSION)
                @Series(window = 4000)
                @TemporalSplit(orderBy = "t")
                @Fit(epochs = 1, batchSize = 16)
                public class LongWindow {
                    @Feature double a;
                    @Feature double b;
                    @Feature double c;
                    @Label(column = "a") double y;
                    @Conv1D(filters = 2, kernel = 3) Layer conv;
                    @GlobalPool Layer pool;
                    @Output Layer out;
                }
                """;
        List<Column> columns = List.of(new Column("a", "a", Type.REAL, List.of()),
                new Column("b", "b", Type.REAL, List.of()), new Column("c", "c", Type.REAL, List.of()));
        assertTrainsAndPredicts(new FuzzSpec(0, "LongWindow", source, Task.SCALAR_REGRESSION, columns,
                new FuzzSpec.Label("y", FuzzSpec.Coding.VALUES, List.of("a"), List.of()), false, 4000, 1, null, "t",
                false, true, ','));
    }

    /** 300 series features: an Input of one window per feature. */
    @Test
    void threeHundredSeriesFeatures() {
        StringBuilder source = new StringBuilder("package fuzz;\nimport io.kiln.dsl.*;\n"
                + "@Model(task = Task.SCALAR_REGRESSION)\n@Series(window = 3)\n@TemporalSplit(orderBy = \"t\")\n"
                + "@Fit(epochs = 1, batchSize = 16)\npublic class WideSeries {\n");
        List<Column> columns = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            source.append("    @Feature double s").append(i).append(";\n");
            columns.add(new Column("s" + i, "s" + i, Type.REAL, List.of()));
        }
        source.append("    @Label(column = \"s0\") double y;\n    @Lstm(units = 4) Layer lstm;\n"
                + "    @LastTimeStep Layer last;\n    @Output Layer out;\n}\n");
        assertTrainsAndPredicts(new FuzzSpec(0, "WideSeries", source.toString(), Task.SCALAR_REGRESSION, columns,
                new FuzzSpec.Label("y", FuzzSpec.Coding.VALUES, List.of("s0"), List.of()), false, 3, 1, null, "t",
                false, true, ','));
    }
}
