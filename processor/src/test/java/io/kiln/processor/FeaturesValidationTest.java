package io.kiln.processor;

import static com.google.common.truth.Truth.assertThat;
import static io.kiln.processor.KilnTesting.assertAccepted;
import static io.kiln.processor.KilnTesting.assertOnlyErrorAt;
import static io.kiln.processor.KilnTesting.compile;
import static io.kiln.processor.KilnTesting.generated;
import static io.kiln.processor.KilnTesting.spec;

import com.google.testing.compile.Compilation;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * {@code @Features}: one array field declares many columns, found in the data's header at run
 * time. The processor checks the field's type, the selection and the settings as it checks a
 * single {@code @Feature}, and fits a group to an {@code @Image}'s pixels.
 */
class FeaturesValidationTest {

    /** A ten-class spec with these field lines, an optional class annotation, and one hidden layer. */
    private static JavaFileObject wide(String classAnnotation, String... fields) {
        List<String> lines = new ArrayList<>();
        lines.add("@Model(task = Task.MULTICLASS_CLASSIFICATION)");
        if (classAnnotation != null) {
            lines.add(classAnnotation);
        }
        lines.add("class Wide {");
        lines.addAll(List.of(fields));
        lines.add("    @Label(classes = {\"0\", \"1\", \"2\", \"3\", \"4\", \"5\", \"6\", \"7\", \"8\", \"9\"}) int digit;");
        lines.add("    @Dense(units = 16) Layer hidden;");
        lines.add("    @Output Layer out;");
        lines.add("}");
        return spec("Wide", lines.toArray(String[]::new));
    }

    @Test
    void aGroupBetweenTwoFeaturesIsGeneratedInPlaceWithItsSelectionAndSettings() {
        Compilation c = compile(wide(null,
                "    @Feature double age;",
                "    @Features(matching = \"gene_\\\\d+\", every = 2, scaling = Scaling.MIN_MAX, missing = Missing.MEDIAN)"
                        + " double[] genes;",
                "    @Feature String sex;"));
        assertAccepted(c, "test.Wide");
        String trainer = generated(c, "test.WideTrainer");
        // in declaration order: the group's columns come between age and sex once the header is read
        assertThat(trainer).containsMatch("\\.feature\\(FeatureSchema\\.numeric\\(\"age\".*"
                + "\\.features\\(new FeatureGroup\\(FeatureSchema\\.numeric\\(\"genes\", \"\", Scaling\\.MIN_MAX, "
                + "Missing\\.MEDIAN, \"\"\\), \"gene_\\\\\\\\d\\+\", \"\", \"\", 2, 0\\)\\).*"
                + "\\.feature\\(FeatureSchema\\.categorical\\(\"sex\"");
        // the group's width is known once the header is read: the layer table says so
        assertThat(trainer).contains("hidden Dense 16 ");
        String predictor = generated(c, "test.WidePredictor");
        assertThat(predictor).contains("public record Input(double age, double[] genes, String sex)");
        assertThat(predictor).contains("INPUTS = List.of(\"age\", \"genes\", \"sex\")");
        assertThat(predictor).contains("this.layout = model.inputLayout(INPUTS)");
        assertThat(predictor).contains("rows[i] = model.inputRow(layout, new Object[] {in.age(), in.genes(), in.sex()})");
    }

    @Test
    void aGroupWithoutCountTakesTheImagePixelsTheOtherFeaturesLeave() {
        Compilation c = compile(spec("Shirts",
                "@Model(task = Task.BINARY_CLASSIFICATION)",
                "@Image(height = 28, width = 28)",
                "class Shirts {",
                "    @Features double[] pixels;",
                "    @Label boolean shirt;",
                "    @Conv2D(filters = 8) Layer conv;",
                "    @Pool2D Layer pool;",
                "    @Output Layer out;",
                "}"));
        assertAccepted(c, "test.Shirts");
        String trainer = generated(c, "test.ShirtsTrainer");
        assertThat(trainer).contains("new FeatureGroup(FeatureSchema.numeric(\"pixels\", \"\", Scaling.STANDARDIZE, "
                + "Missing.MEAN, \"\"), \"\", \"\", \"\", 1, 784)");
        // the shapes are checked against the image: 28x28x1 -> conv 3x3 -> 26x26x8 -> pool -> 13x13x8
        assertThat(trainer).contains("conv Conv2D 26x26x8");
        assertThat(trainer).contains("pool Pool2D 13x13x8");
    }

    @Test
    void fieldThatIsNotAnArrayIsRejected() {
        JavaFileObject spec = wide(null, "    @Features double pixels;");
        assertOnlyErrorAt(spec, Message.FEATURES_FIELD_TYPE.format("pixels", "double"), "double pixels");
    }

    @Test
    void arrayOfAnUnsupportedTypeIsRejected() {
        JavaFileObject spec = wide(null, "    @Features Object[] pixels;");
        assertOnlyErrorAt(spec, Message.FEATURES_FIELD_TYPE.format("pixels", "java.lang.Object[]"), "Object[] pixels");
    }

    @Test
    void patternThatIsNotARegularExpressionIsRejectedOnIt() {
        JavaFileObject spec = wide(null, "    @Features(matching = \"pixel[0-9\") double[] pixels;");
        assertOnlyErrorAt(spec, Message.FEATURES_PATTERN.format("pixel[0-9", "pixels", "Unclosed character class"),
                "matching = \"pixel[0-9\"");
    }

    @Test
    void stepBelowOneIsRejected() {
        JavaFileObject spec = wide(null, "    @Features(every = 0) double[] pixels;");
        assertOnlyErrorAt(spec, Message.POSITIVE.format("every", "0", "every = 2"), "every = 0");
    }

    @Test
    void negativeCountIsRejected() {
        JavaFileObject spec = wide(null, "    @Features(count = -4) double[] pixels;");
        assertOnlyErrorAt(spec, Message.FEATURES_COUNT.format(-4, "pixels"), "count = -4");
    }

    @Test
    void rangeOfOneColumnIsRejected() {
        JavaFileObject spec = wide(null, "    @Features(from = \"x\", to = \"x\") double[] xs;");
        assertOnlyErrorAt(spec, Message.FEATURES_ONE_COLUMN.format("xs", "x"), "to = \"x\"");
    }

    @Test
    void twoGroupsTakingTheRestAreRejectedAtTheSecond() {
        JavaFileObject spec = wide(null, "    @Features double[] a;", "    @Features(scaling = Scaling.NONE) double[] b;");
        assertOnlyErrorAt(spec, Message.FEATURES_REST_TWICE.format("a", "b"), "double[] b");
    }

    @Test
    void levelsOnNumericColumnsAreRejectedAsOnAFeature() {
        JavaFileObject spec = wide(null, "    @Features(levels = {\"a\"}) double[] xs;");
        assertOnlyErrorAt(spec, Message.LEVELS_NOT_CATEGORICAL.format("xs", "numeric"), "levels = {\"a\"}");
    }

    @Test
    void aStrategyThatDoesNotApplyToTheColumnsIsRejected() {
        JavaFileObject spec = wide(null, "    @Features(missing = Missing.MEAN) String[] codes;");
        assertOnlyErrorAt(spec, Message.MISSING_STRATEGY.format("MEAN", "categorical", "codes",
                "ERROR, MOST_FREQUENT, CONSTANT, MISSING_CATEGORY"), "missing = Missing.MEAN");
    }

    @Test
    void categoricalAndBooleanArraysAreAccepted() {
        Compilation c = compile(wide(null, "    @Features(matching = \"c_.*\") String[] codes;",
                "    @Features(matching = \"b_.*\") boolean[] flags;"));
        assertAccepted(c, "test.Wide");
        String trainer = generated(c, "test.WideTrainer");
        assertThat(trainer).contains("new FeatureGroup(FeatureSchema.categorical(\"codes\", \"\", List.of(), "
                + "Encoding.ONE_HOT");
        assertThat(trainer).contains("new FeatureGroup(FeatureSchema.bool(\"flags\", \"\", Missing.MOST_FREQUENT");
        assertThat(generated(c, "test.WidePredictor")).contains("public record Input(String[] codes, boolean[] flags)");
    }

    @Test
    void aGroupUnderASeriesIsRejected() {
        JavaFileObject spec = spec("Load",
                "@Model(task = Task.SCALAR_REGRESSION)",
                "@Series(window = 8)",
                "@TemporalSplit(orderBy = \"t\")",
                "class Load {",
                "    @Features double[] sensors;",
                "    @Label double load;",
                "    @Lstm(units = 8) Layer lstm;",
                "    @LastTimeStep Layer last;",
                "    @Output Layer out;",
                "}");
        assertOnlyErrorAt(spec, Message.FEATURES_INPUT.format("sensors",
                "@Series reads each feature's column as a series of its own"), "double[] sensors");
    }

    @Test
    void twoGroupsWithoutCountUnderAnImageAreRejected() {
        JavaFileObject spec = wide("@Image(height = 8, width = 8)", "    @Features(matching = \"r.*\") double[] red;",
                "    @Features(matching = \"g.*\") double[] green;");
        assertOnlyErrorAt(spec, Message.FEATURES_IMAGE_OPEN.format(64, "red", "green"), "double[] green");
    }

    @Test
    void countsThatDoNotMakeTheImageAreRejectedOnTheImage() {
        JavaFileObject spec = wide("@Image(height = 8, width = 8)", "    @Feature double bias;",
                "    @Features(count = 60) double[] pixels;");
        assertOnlyErrorAt(spec, Message.IMAGE_SIZE.format(8, 8, 1, 64, "61"), "@Image(height = 8");
        JavaFileObject full = wide("@Image(height = 2, width = 2)", "    @Feature double a;", "    @Feature double b;",
                "    @Feature double c;", "    @Feature double d;", "    @Features(matching = \"p.*\") double[] pixels;");
        assertOnlyErrorAt(full, Message.IMAGE_SIZE.format(2, 2, 1, 4, "at least 5"), "@Image(height = 2");
    }

    @Test
    void aGroupNamedAfterARecordMethodIsRejectedWithoutAColumnToKeep() {
        JavaFileObject spec = wide(null, "    @Features double[] hashCode;");
        assertOnlyErrorAt(spec, Message.RESERVED_NAME.format("hashCode", "Input", "a method every Java record has", ""),
                "double[] hashCode");
    }

    @Test
    void aHeaderlessFileCannotBeSearchedByName() {
        JavaFileObject spec = wide("@CsvData(file = \"x.csv\", header = false)",
                "    @Features(matching = \"p.*\") double[] pixels;");
        assertOnlyErrorAt(spec, Message.FEATURES_NEEDS_HEADER.format("pixels", "matching = \"p.*\""),
                "matching = \"p.*\"");
    }

    @Test
    void aHeaderlessFileTakesTheColumnsLeftOverOnce() {
        JavaFileObject spec = wide("@CsvData(file = \"x.csv\", header = false)", "    @Features double[] a;",
                "    @Features(count = 0) double[] b;");
        assertOnlyErrorAt(spec, Message.FEATURES_HEADERLESS_COUNT.format("a", "b"), "double[] b");
        assertAccepted(compile(wide("@CsvData(file = \"x.csv\", header = false)", "    @Features(count = 3) double[] a;",
                "    @Features double[] b;")), "test.Wide");
    }

    @Test
    void idxDataTakesNoGroup() {
        JavaFileObject spec = wide("@Image(height = 28, width = 28) @IdxData(images = \"i.gz\", labels = \"l.gz\")",
                "    @Features double[] pixels;");
        assertOnlyErrorAt(spec, Message.IDX_FEATURES.format("pixels"), "double[] pixels");
    }
}
