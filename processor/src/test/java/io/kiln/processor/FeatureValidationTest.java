package io.kiln.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static io.kiln.processor.KilnTesting.assertOnlyError;
import static io.kiln.processor.KilnTesting.compile;
import static io.kiln.processor.KilnTesting.spec;

import com.google.testing.compile.Compilation;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** {@code @Feature} and {@code @Preprocessing}: types, columns, levels, encodings, scaling and missing values. */
class FeatureValidationTest {

    /** A binary spec around the given feature lines. */
    private static JavaFileObject withFeatures(String... features) {
        String[] lines = new String[features.length + 6];
        lines[0] = "@Model(task = Task.BINARY_CLASSIFICATION)";
        lines[1] = "class Spam {";
        System.arraycopy(features, 0, lines, 2, features.length);
        lines[features.length + 2] = "    @Label boolean spam;";
        lines[features.length + 3] = "    @Dense(units = 8) Layer hidden;";
        lines[features.length + 4] = "    @Output Layer out;";
        lines[features.length + 5] = "}";
        return spec("Spam", lines);
    }

    @Test
    void featureTypeMustBeNumericBooleanStringOrEnum() {
        JavaFileObject spec = withFeatures(
                "    @Feature double length;",
                "    @Feature char initial;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.FEATURE_TYPE.format("initial", "char"))
                .inFile(spec).onLineContaining("char initial");
        assertOnlyError(c);
    }

    @Test
    void featureTypeRejectsArrays() {
        JavaFileObject spec = withFeatures(
                "    @Feature double[] lengths;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.FEATURE_TYPE.format("lengths", "double[]"))
                .inFile(spec).onLineContaining("double[] lengths");
        assertOnlyError(c);
    }

    @Test
    void twoFeaturesCannotReadTheSameColumn() {
        JavaFileObject spec = withFeatures(
                "    @Feature double length;",
                "    @Feature(",
                "        column = \"length\")",
                "    double size;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.DUPLICATE_COLUMN.format("length", "length"))
                .inFile(spec).onLineContaining("column = \"length\"");
        assertOnlyError(c);
    }

    @Test
    void labelCannotReadAFeatureColumn() {
        JavaFileObject spec = spec("Spam",
                "@Model(task = Task.BINARY_CLASSIFICATION)",
                "class Spam {",
                "    @Feature double verdict;",
                "    @Label(",
                "        column = \"verdict\")",
                "    boolean spam;",
                "    @Output Layer out;",
                "}");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.DUPLICATE_COLUMN.format("verdict", "verdict"))
                .inFile(spec).onLineContaining("column = \"verdict\"");
        assertOnlyError(c);
    }

    @Test
    void featureLevelsMustBeDistinct() {
        JavaFileObject spec = withFeatures(
                "    @Feature(",
                "        levels = {\"red\", \"green\", \"red\"})",
                "    String color;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.DUPLICATE_LEVEL.format("red", "color"))
                .inFile(spec).onLineContaining("levels = {");
        assertOnlyError(c);
    }

    @Test
    void numericFeatureRejectsLevels() {
        JavaFileObject spec = withFeatures(
                "    @Feature(",
                "        levels = {\"1\", \"2\"})",
                "    int rooms;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.LEVELS_NOT_CATEGORICAL.format("rooms", "numeric"))
                .inFile(spec).onLineContaining("levels = {");
        assertOnlyError(c);
    }

    @Test
    void enumFeatureRejectsLevels() {
        JavaFileObject spec = withFeatures(
                "    enum Size { SMALL, LARGE }",
                "    @Feature(",
                "        levels = {\"SMALL\", \"LARGE\"})",
                "    Size size;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(
                        Message.LEVELS_NOT_CATEGORICAL.format("size", "an enum, whose constants are its levels"))
                .inFile(spec).onLineContaining("levels = {");
        assertOnlyError(c);
    }

    @Test
    void missingStrategyMustFitTheFeatureKind() {
        JavaFileObject spec = withFeatures(
                "    @Feature(",
                "        missing = Missing.MEAN)",
                "    String color;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.MISSING_STRATEGY.format("MEAN", "categorical", "color",
                        "ERROR, MOST_FREQUENT, CONSTANT, MISSING_CATEGORY"))
                .inFile(spec).onLineContaining("missing = Missing.MEAN");
        assertOnlyError(c);
    }

    @Test
    void ordinalFeatureRejectsMissingCategory() {
        JavaFileObject spec = withFeatures(
                "    @Feature(levels = {\"S\", \"M\", \"L\"}, encoding = Encoding.ORDINAL,",
                "        missing = Missing.MISSING_CATEGORY)",
                "    String size;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.MISSING_STRATEGY.format("MISSING_CATEGORY", "ordinal", "size",
                        "ERROR, MOST_FREQUENT, CONSTANT"))
                .inFile(spec).onLineContaining("missing = Missing.MISSING_CATEGORY");
        assertOnlyError(c);
    }

    @Test
    void preprocessingDefaultMustFitItsKind() {
        JavaFileObject spec = spec("Spam",
                "@Model(task = Task.BINARY_CLASSIFICATION)",
                "@Preprocessing(",
                "    numericMissing = Missing.MISSING_CATEGORY)",
                "class Spam {",
                "    @Feature double length;",
                "    @Label boolean spam;",
                "    @Output Layer out;",
                "}");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.MISSING_DEFAULT.format("numericMissing", "MISSING_CATEGORY",
                        "numeric", "ERROR, MEAN, MEDIAN, MOST_FREQUENT"))
                .inFile(spec).onLineContaining("numericMissing = Missing.MISSING_CATEGORY");
        assertOnlyError(c);
    }

    @Test
    void preprocessingDefaultCannotBeConstant() {
        JavaFileObject spec = spec("Spam",
                "@Model(task = Task.BINARY_CLASSIFICATION)",
                "@Preprocessing(",
                "    booleanMissing = Missing.CONSTANT)",
                "class Spam {",
                "    @Feature double length;",
                "    @Label boolean spam;",
                "    @Output Layer out;",
                "}");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.MISSING_DEFAULT.format("booleanMissing", "CONSTANT", "boolean",
                        "ERROR, MOST_FREQUENT"))
                .inFile(spec).onLineContaining("booleanMissing = Missing.CONSTANT");
        assertOnlyError(c);
    }

    @Test
    void outputUnitsZeroMeansInferred() {
        JavaFileObject spec = spec("Spam",
                "@Model(task = Task.BINARY_CLASSIFICATION)",
                "class Spam {",
                "    @Feature double length;",
                "    @Label boolean spam;",
                "    @Output(units = 0) Layer out;",
                "}");
        Compilation c = compile(spec);
        com.google.common.truth.Truth.assertThat(KilnTesting.kilnErrors(c)).isEmpty();
    }

    @Test
    void constantStrategyNeedsAConstant() {
        JavaFileObject spec = withFeatures(
                "    @Feature(",
                "        missing = Missing.CONSTANT)",
                "    double length;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.CONSTANT_REQUIRED.format("length"))
                .inFile(spec).onLineContaining("missing = Missing.CONSTANT");
        assertOnlyError(c);
    }

    @Test
    void numericConstantMustBeANumber() {
        JavaFileObject spec = withFeatures(
                "    @Feature(missing = Missing.CONSTANT,",
                "        constant = \"none\")",
                "    double length;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.CONSTANT_INVALID.format("none", "length", "a finite number",
                        "Write e.g. constant = \"0\"."))
                .inFile(spec).onLineContaining("constant = \"none\"");
        assertOnlyError(c);
    }

    @Test
    void numericConstantMustBeFinite() {
        JavaFileObject spec = withFeatures(
                "    @Feature(missing = Missing.CONSTANT,",
                "        constant = \"Infinity\")",
                "    double length;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.CONSTANT_INVALID.tag())
                .inFile(spec).onLineContaining("constant = \"Infinity\"");
        assertOnlyError(c);
    }

    @Test
    void booleanConstantMustBeABoolean() {
        JavaFileObject spec = withFeatures(
                "    @Feature(missing = Missing.CONSTANT,",
                "        constant = \"maybe\")",
                "    boolean member;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.CONSTANT_INVALID.format("maybe", "member", "a boolean",
                        "Write constant = \"true\" or \"false\"."))
                .inFile(spec).onLineContaining("constant = \"maybe\"");
        assertOnlyError(c);
    }

    @Test
    void categoricalConstantMustBeADeclaredLevel() {
        JavaFileObject spec = withFeatures(
                "    @Feature(levels = {\"red\", \"green\"}, missing = Missing.CONSTANT,",
                "        constant = \"blue\")",
                "    String color;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.CONSTANT_INVALID.format("blue", "color",
                        "one of its levels [red, green]", "Use a declared level."))
                .inFile(spec).onLineContaining("constant = \"blue\"");
        assertOnlyError(c);
    }

    @Test
    void enumConstantMustBeAnEnumConstant() {
        JavaFileObject spec = withFeatures(
                "    enum Size { SMALL, LARGE }",
                "    @Feature(missing = Missing.CONSTANT,",
                "        constant = \"MEDIUM\")",
                "    Size size;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.CONSTANT_INVALID.format("MEDIUM", "size",
                        "one of its levels [SMALL, LARGE]", "Use a declared level."))
                .inFile(spec).onLineContaining("constant = \"MEDIUM\"");
        assertOnlyError(c);
    }

    @Test
    void constantWithoutConstantStrategyIsRejected() {
        JavaFileObject spec = withFeatures(
                "    @Feature(",
                "        constant = \"0\")",
                "    double length;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.CONSTANT_UNUSED.format("length", "0", "MEAN"))
                .inFile(spec).onLineContaining("constant = \"0\"");
        assertOnlyError(c);
    }

    @Test
    void numericFeatureRejectsEncoding() {
        JavaFileObject spec = withFeatures(
                "    @Feature(",
                "        encoding = Encoding.ORDINAL)",
                "    double length;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.ENCODING_NOT_CATEGORICAL.format("length", "numeric"))
                .inFile(spec).onLineContaining("encoding = Encoding.ORDINAL");
        assertOnlyError(c);
    }

    @Test
    void ordinalEncodingNeedsDeclaredLevels() {
        JavaFileObject spec = withFeatures(
                "    @Feature(",
                "        encoding = Encoding.ORDINAL)",
                "    String size;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.ORDINAL_NEEDS_LEVELS.format("size"))
                .inFile(spec).onLineContaining("encoding = Encoding.ORDINAL");
        assertOnlyError(c);
    }

    @Test
    void booleanFeatureRejectsScaling() {
        JavaFileObject spec = withFeatures(
                "    @Feature(",
                "        scaling = Scaling.MIN_MAX)",
                "    boolean member;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.SCALING_NOT_NUMERIC.format("member", "boolean"))
                .inFile(spec).onLineContaining("scaling = Scaling.MIN_MAX");
        assertOnlyError(c);
    }

    @Test
    void oneHotFeatureRejectsScaling() {
        JavaFileObject spec = withFeatures(
                "    @Feature(",
                "        scaling = Scaling.STANDARDIZE)",
                "    String color;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.SCALING_NOT_NUMERIC.format("color", "one-hot encoded"))
                .inFile(spec).onLineContaining("scaling = Scaling.STANDARDIZE");
        assertOnlyError(c);
    }
}
