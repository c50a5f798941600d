package io.kiln.processor;

import static com.google.common.truth.Truth.assertThat;
import static io.kiln.processor.KilnTesting.assertAccepted;
import static io.kiln.processor.KilnTesting.assertOnlyErrorAt;
import static io.kiln.processor.KilnTesting.assertRejected;
import static io.kiln.processor.KilnTesting.compile;
import static io.kiln.processor.KilnTesting.generated;
import static io.kiln.processor.KilnTesting.kilnErrors;
import static io.kiln.processor.KilnTesting.spec;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regressions of the compile-time guarantee: specs that once crashed the processor, generated
 * code that did not compile, or were accepted although compile time could know they fail. The
 * spec fuzzer (examples module, {@code SpecFuzzTest}) looks for more; each class it finds gets a
 * named test here or in the validation test of its annotation.
 */
class GuaranteeValidationTest {

    /**
     * A three-class spec {@code test.<name>} over a {@code size}x{@code size} CSV image (a feature per
     * pixel), with the given class annotation line and layer lines before the output.
     */
    private static JavaFileObject image(String name, int size, String classAnnotation, String... layers) {
        List<String> lines = new ArrayList<>(List.of("@Model(task = Task.MULTICLASS_CLASSIFICATION)",
                "@Image(height = " + size + ", width = " + size + ")", classAnnotation, "class " + name + " {"));
        StringBuilder features = new StringBuilder("   ");
        for (int i = 0; i < size * size; i++) {
            features.append(" @Feature double p").append(i).append(';');
        }
        lines.add(features.toString());
        lines.add("    @Label(classes = {\"0\", \"1\", \"2\"}) int kind;");
        lines.addAll(List.of(layers));
        lines.add("    @Output Layer out;");
        lines.add("}");
        return spec(name, lines.toArray(String[]::new));
    }

    private static JavaFileObject cnn(String optimizer, String layer) {
        return image("Digits", 8, optimizer, layer);
    }

    /** A regression {@code test.<name>} over {@code n} double features x0, x1, ... */
    private static JavaFileObject doubles(String name, int n) {
        List<String> lines = new ArrayList<>(List.of("@Model(task = Task.SCALAR_REGRESSION)", "class " + name + " {"));
        for (int i = 0; i < n; i++) {
            lines.add("    @Feature double x" + i + ";");
        }
        lines.addAll(List.of("    @Label double y;", "    @Output Layer out;", "}"));
        return spec(name, lines.toArray(String[]::new));
    }

    @Test
    void adamWWithAConvolutionIsAcceptedAndDecaysItsWeights() {
        Compilation c = compile(cnn("@AdamW(weightDecay = 0.01)", "    @Conv2D(filters = 4, kernel = 3) Layer conv;"));
        assertAccepted(c, "test.Digits");
        assertThat(generated(c, "test.DigitsNetwork")).contains(".weightDecay(0.01, true)");
    }

    @Test
    void regularizationWeightDecayWithRecurrentAndEmbeddingLayersIsAccepted() {
        Compilation series = compile(spec("Sun",
                "@Model(task = Task.SCALAR_REGRESSION)",
                "@Series(window = 8)",
                "@TemporalSplit(orderBy = \"year\")",
                "@Regularization(weightDecay = 0.001)",
                "class Sun {",
                "    @Feature double spots;",
                "    @Label(column = \"spots\") double next;",
                "    @Lstm(units = 4) Layer lstm;",
                "    @LastTimeStep Layer last;",
                "    @Output Layer out;",
                "}"));
        assertAccepted(series, "test.Sun");
        Compilation text = compile(spec("Grain",
                "@Model(task = Task.BINARY_CLASSIFICATION)",
                "@AdamW",
                "class Grain {",
                "    @Text(maxTokens = 20, vocabulary = 100) String body;",
                "    @Label boolean grain;",
                "    @Embedding(units = 8) Layer embed;",
                "    @GlobalPool Layer pool;",
                "    @Output Layer out;",
                "}"));
        assertAccepted(text, "test.Grain");
    }

    /** 130 double features need 260 parameter slots: more than a record constructor's 254. */
    @Test
    void aWideSchemaGetsAnInputOfOneArray() {
        Compilation c = compile(doubles("Wide", 130));
        assertAccepted(c, "test.Wide");
        String predictor = generated(c, "test.WidePredictor");
        assertThat(predictor).contains("public record Input(double[] values)");
        assertThat(predictor).contains("rows[i] = FeatureRow.of(in.values(), FEATURES)");
    }

    @Test
    void aNarrowSchemaKeepsOneComponentPerFeature() {
        Compilation c = compile(doubles("Narrow", 127));
        assertAccepted(c, "test.Narrow");
        assertThat(generated(c, "test.NarrowPredictor")).contains("public record Input(double x0, double x1,");
    }

    @Test
    void aWideMixedSchemaGetsAnInputOfObjects() {
        List<String> lines = new ArrayList<>(List.of("@Model(task = Task.SCALAR_REGRESSION)", "class Mixed {"));
        for (int i = 0; i < 520; i++) {
            lines.add(i % 2 == 0 ? "    @Feature double x" + i + ";" : "    @Feature String c" + i + ";");
        }
        lines.addAll(List.of("    @Label double y;", "    @Output Layer out;", "}"));
        Compilation c = compile(spec("Mixed", lines.toArray(String[]::new)));
        assertAccepted(c, "test.Mixed");
        assertThat(generated(c, "test.MixedPredictor")).contains("public record Input(Object[] values)");
        // 520 names: one joined constant, and the feature schemas in a method of their own
        assertThat(generated(c, "test.MixedPredictor")).contains("List.of(\"x0,c1,x2,");
        assertThat(generated(c, "test.MixedTrainer")).contains(".features(features())");
    }

    @Test
    void aLongSeriesWindowNamesItsStepsAtRunTime() {
        Compilation c = compile(spec("Long",
                "@Model(task = Task.SCALAR_REGRESSION)",
                "@Series(window = 4000)",
                "@TemporalSplit(orderBy = \"t\")",
                "class Long {",
                "    @Feature double a; @Feature double b; @Feature double c;",
                "    @Label(column = \"a\") double next;",
                "    @Conv1D(filters = 2, kernel = 3) Layer conv;",
                "    @GlobalPool Layer pool;",
                "    @Output Layer out;",
                "}"));
        assertAccepted(c, "test.Long");
        String predictor = generated(c, "test.LongPredictor");
        assertThat(predictor).contains("FEATURES = SERIES.names(SERIES_FEATURES)");
        assertThat(predictor).doesNotContain("a[t-3999]");
    }

    @Test
    void aFeatureNamedAfterARecordMethodIsRejected() {
        JavaFileObject spec = spec("Odd",
                "@Model(task = Task.SCALAR_REGRESSION)",
                "class Odd {",
                "    @Feature double size;",
                "    @Feature(column = \"hash\") double hashCode;",
                "    @Label double price;",
                "    @Output Layer out;",
                "}");
        assertOnlyErrorAt(spec, Message.RESERVED_NAME.format("hashCode", "Input", "a method every Java record has",
                " and keep reading its column with column = \"hash\""), "double hashCode");
    }

    @Test
    void aLabelNamedLikeThePredictionsProbabilitiesIsRejected() {
        assertOnlyErrorAt(spec("Odd",
                "@Model(task = Task.BINARY_CLASSIFICATION)",
                "class Odd {",
                "    @Feature double size;",
                "    @Label boolean probability;",
                "    @Output Layer out;",
                "}"), Message.RESERVED_NAME.format("probability", "Prediction",
                "the component that holds the predicted probability",
                " and keep reading its column with column = \"probability\""), "boolean probability");
        assertOnlyErrorAt(spec("Odd",
                "@Model(task = Task.MULTICLASS_CLASSIFICATION)",
                "class Odd {",
                "    @Feature double size;",
                "    @Label(classes = {\"a\", \"b\", \"c\"}) String probabilities;",
                "    @Output Layer out;",
                "}"), Message.RESERVED_NAME.format("probabilities", "Prediction",
                "the component that holds the predicted probabilities",
                " and keep reading its column with column = \"probabilities\""), "String probabilities");
        // a regression has no probabilities: the name is free there
        assertAccepted(compile(spec("Fine",
                "@Model(task = Task.SCALAR_REGRESSION)",
                "class Fine {",
                "    @Feature double size;",
                "    @Label double probability;",
                "    @Output Layer out;",
                "}")), "test.Fine");
    }

    @Test
    void aPaddingThatOverflowsDl4jIsRejected() {
        Compilation c = compile(cnn("@Adam", "    @Conv2D(filters = 4, kernel = 3, padding = 1073741824) Layer conv;"));
        assertRejected(c);
        assertThat(String.join("\n", kilnErrors(c))).contains(Message.SIZE_LIMIT.tag());
        assertThat(String.join("\n", kilnErrors(c))).contains("@Conv2D 'conv' outputs");
    }

    @Test
    void aDenseLayerTooLargeForDl4jIsRejected() {
        assertOnlyErrorAt(spec("Huge",
                "@Model(task = Task.SCALAR_REGRESSION)",
                "class Huge {",
                "    @Feature double a; @Feature double b;",
                "    @Label double y;",
                "    @Dense(units = 2000000000) Layer hidden;",
                "    @Output Layer out;",
                "}"), Message.SIZE_LIMIT.format("Dense", "hidden", "has 6,000,000,000 parameters"),
                "units = 2000000000");
    }

    @Test
    void aTemporalSplitNeedsAHeaderToNameItsColumn() {
        assertOnlyErrorAt(spec("Sun",
                "@Model(task = Task.SCALAR_REGRESSION)",
                "@CsvData(file = \"sun.csv\", header = false)",
                "@TemporalSplit(orderBy = \"year\")",
                "class Sun {",
                "    @Feature double year;",
                "    @Label double spots;",
                "    @Output Layer out;",
                "}"), Message.HEADER_REQUIRED.format("year"), "header = false");
    }

    @Test
    void anEmptyClassNameIsRejected() {
        assertOnlyErrorAt(spec("Odd",
                "@Model(task = Task.BINARY_CLASSIFICATION)",
                "class Odd {",
                "    @Feature double size;",
                "    @Label(classes = {\"\", \"x\"}) String kind;",
                "    @Output Layer out;",
                "}"), Message.EMPTY_NAME.format("classes", "kind", "class"), "classes =");
    }

    @Test
    void anEmptyLevelIsRejected() {
        assertOnlyErrorAt(spec("Odd",
                "@Model(task = Task.SCALAR_REGRESSION)",
                "class Odd {",
                "    @Feature(levels = {\"a\", \" \"}) String kind;",
                "    @Label double y;",
                "    @Output Layer out;",
                "}"), Message.EMPTY_NAME.format("levels", "kind", "level"), "levels =");
    }

    /** A spec in a conventional source set: the resource is looked up in its resources folder. */
    @Test
    void aMissingBundledResourceIsRejected(@TempDir Path project) throws IOException {
        Path source = project.resolve("src/main/java/test/Iris.java");
        Path resources = project.resolve("src/main/resources/test");
        Files.createDirectories(source.getParent());
        Files.createDirectories(resources);
        Files.writeString(resources.resolve("iris.csv"), "a,label\n1,x\n");
        String body = String.join("\n", "package test;", "import io.kiln.dsl.*;",
                "@Model(task = Task.SCALAR_REGRESSION)",
                "@CsvData(resource = \"RESOURCE\")",
                "class Iris {",
                "    @Feature double a;",
                "    @Label double y;",
                "    @Output Layer out;",
                "}");
        Files.writeString(source, body.replace("RESOURCE", "iris.cvs"));
        // javac's own processing environment, as Maven's compiler plugin gives it (the recording one of the other
        // tests wraps it, and the source file is then unknown)
        JavaFileObject missing = JavaFileObjects.forResource(source.toUri().toURL());
        Compilation c = com.google.testing.compile.Compiler.javac().withProcessors(new KilnProcessor()).compile(missing);
        com.google.testing.compile.CompilationSubject.assertThat(c).hadErrorContaining(Message.RESOURCE_MISSING.format(
                "iris.cvs", "package test of the class path")).inFile(missing).onLineContaining("iris.cvs");
        assertThat(c.errors()).hasSize(1); // the processor's, and nothing generated that could fail to compile

        Files.writeString(source, body.replace("RESOURCE", "iris.csv"));
        Compilation found = com.google.testing.compile.Compiler.javac().withProcessors(new KilnProcessor())
                .compile(JavaFileObjects.forResource(source.toUri().toURL()));
        assertThat(found.errors().stream().map(d -> d.getMessage(null)).filter(m -> m.startsWith("[kiln."))
                .toList()).isEmpty();
        assertThat(found.errors().stream().map(d -> d.getSource().getName()).filter(n -> n.endsWith("Iris.java"))
                .toList()).isEmpty(); // only the generated code, which needs DL4J, fails here
    }

    @Test
    void aResourceOfASpecCompiledFromMemoryIsNotJudged() {
        assertAccepted(compile(spec("Iris",
                "@Model(task = Task.SCALAR_REGRESSION)",
                "@CsvData(resource = \"nowhere.csv\")",
                "class Iris {",
                "    @Feature double a;",
                "    @Label double y;",
                "    @Output Layer out;",
                "}")), "test.Iris");
    }

    @Test
    void anIdxImageTooLargeToHoldIsRejectedWithoutRunningOutOfMemory() {
        assertOnlyErrorAt(spec("Big",
                "@Model(task = Task.MULTICLASS_CLASSIFICATION)",
                "@IdxData(images = \"i.idx\", labels = \"l.idx\")",
                "@Image(height = 2048, width = 2048, channels = 3)",
                "class Big {",
                "    @Label(classes = {\"a\", \"b\", \"c\"}) int kind;",
                "    @Output Layer out;",
                "}"), Message.IMAGE_TOO_LARGE.format(2048, 2048, 3, 12582912L, SpecReader.MAX_INPUT_VALUES),
                "@Image(height = 2048");
    }

    @Test
    void aSeriesWindowTooLongToHoldIsRejected() {
        assertOnlyErrorAt(spec("Sun",
                "@Model(task = Task.SCALAR_REGRESSION)",
                "@Series(window = 5000000)",
                "@TemporalSplit(orderBy = \"year\")",
                "class Sun {",
                "    @Feature double spots;",
                "    @Label(column = \"spots\") double next;",
                "    @Conv1D(filters = 2, kernel = 3) Layer conv;",
                "    @GlobalPool Layer pool;",
                "    @Output Layer out;",
                "}"), Message.SERIES_TOO_LONG.format(5000000, "1 feature", 5000000L, SpecReader.MAX_INPUT_VALUES),
                "window = 5000000");
    }

    @Test
    void kilnAnnotationsOutsideAModelAreReported() {
        JavaFileObject spec = spec("Forgot",
                "class Forgot {",
                "    @Feature double size;",
                "    @Label double price;",
                "    @Dense(units = 4) Layer hidden;",
                "}");
        assertOnlyErrorAt(spec, Message.NO_MODEL.format("size", "Feature", "Forgot"), "double size");
        JavaFileObject classLevel = spec("Forgot", "@CsvData(file = \"x.csv\")", "class Forgot {", "}");
        assertOnlyErrorAt(classLevel, Message.NO_MODEL.format("Forgot", "CsvData", "Forgot"), "@CsvData");
    }

    @Test
    void reportIsForBinaryTasks() {
        assertOnlyErrorAt(spec("Iris",
                "@Model(task = Task.MULTICLASS_CLASSIFICATION)",
                "@Report(perCases = 100)",
                "class Iris {",
                "    @Feature double a;",
                "    @Label(classes = {\"x\", \"y\", \"z\"}) String kind;",
                "    @Output Layer out;",
                "}"), Message.REPORT_TASK.format("MULTICLASS_CLASSIFICATION"), "@Report");
    }

    @Test
    void aNonNumericSeriesFeatureIsReportedOnItsField() {
        assertOnlyErrorAt(spec("Sun",
                "@Model(task = Task.SCALAR_REGRESSION)",
                "@Series(window = 8)",
                "@TemporalSplit(orderBy = \"year\")",
                "class Sun {",
                "    @Feature double spots;",
                "    @Feature String region;",
                "    @Label(column = \"spots\") double next;",
                "    @Lstm(units = 4) Layer lstm;",
                "    @LastTimeStep Layer last;",
                "    @Output Layer out;",
                "}"), Message.SERIES_FEATURE.format("region", "categorical"), "String region");
    }

    @Test
    void aResidualFromTheInputKnowsTheOneHotWidthOfDeclaredLevels() {
        // two numbers, three declared levels and the "missing" category encode to 6 values: a dense layer of 6
        // can add the input
        assertAccepted(compile(spec("Houses",
                "@Model(task = Task.SCALAR_REGRESSION)",
                "class Houses {",
                "    @Feature double a; @Feature double b;",
                "    @Feature(levels = {\"x\", \"y\", \"z\"}) String kind;",
                "    @Label double price;",
                "    @Dense(units = 8) Layer hidden;",
                "    @Dense(units = 6) Layer back;",
                "    @Residual(from = \"input\") Layer skip;",
                "    @Output Layer out;",
                "}")), "test.Houses");
    }

    @Test
    void twoDropoutLayersInARowAreMergedIntoOne() {
        assertOnlyErrorAt(spec("Houses",
                "@Model(task = Task.SCALAR_REGRESSION)",
                "class Houses {",
                "    @Feature double a; @Feature double b;",
                "    @Label double price;",
                "    @Dropout(rate = 0.5) Layer first;",
                "    @Dropout(rate = 0.2) Layer second;",
                "    @Output Layer out;",
                "}"), Message.DROPOUT_TWICE.format("second", "first", 0.6), "Layer second");
    }

    @Test
    void dropoutOnAPaddedTokenSequenceIsRejected() {
        assertOnlyErrorAt(spec("Grain",
                "@Model(task = Task.BINARY_CLASSIFICATION)",
                "class Grain {",
                "    @Text(maxTokens = 20, vocabulary = 100) String body;",
                "    @Label boolean grain;",
                "    @Embedding(units = 8) Layer embed;",
                "    @Dropout(rate = 0.2) Layer drop;",
                "    @GlobalPool Layer pool;",
                "    @Output Layer out;",
                "}"), Message.DROPOUT_MASKED_SEQUENCE.format("drop", "body"), "Layer drop");
        // after the pooling that collapses the sequence, dropout is fine
        assertAccepted(compile(spec("Grain",
                "@Model(task = Task.BINARY_CLASSIFICATION)",
                "class Grain {",
                "    @Text(maxTokens = 20, vocabulary = 100) String body;",
                "    @Label boolean grain;",
                "    @Embedding(units = 8) Layer embed;",
                "    @GlobalPool Layer pool;",
                "    @Dropout(rate = 0.2) Layer drop;",
                "    @Output Layer out;",
                "}")), "test.Grain");
    }

    /** A processor path without the annotations jar: the processor says so instead of failing inside. */
    @Test
    void aProcessorPathWithoutTheAnnotationsIsNamed() throws Exception {
        java.net.URL processorClasses = KilnProcessor.class.getProtectionDomain().getCodeSource().getLocation();
        java.net.URL javapoet = com.palantir.javapoet.JavaFile.class.getProtectionDomain().getCodeSource().getLocation();
        try (java.net.URLClassLoader path = new java.net.URLClassLoader(new java.net.URL[] {processorClasses, javapoet},
                ClassLoader.getPlatformClassLoader())) {
            javax.annotation.processing.Processor processor = (javax.annotation.processing.Processor) path
                    .loadClass(KilnProcessor.class.getName()).getDeclaredConstructor().newInstance();
            JavaFileObject spec = spec("Plain",
                    "@Model(task = Task.SCALAR_REGRESSION)",
                    "class Plain {",
                    "    @Feature double a;",
                    "    @Label double y;",
                    "    @Output Layer out;",
                    "}");
            Compilation c = com.google.testing.compile.Compiler.javac().withProcessors(processor).compile(spec);
            com.google.testing.compile.CompilationSubject.assertThat(c).hadErrorContaining(
                    Message.PROCESSOR_PATH.format("io.kiln.dsl.Model")).inFile(spec).onLineContaining("class Plain");
            assertThat(c.errors()).hasSize(1);
        }
    }

    /** A 6x6 image spec with the given layer lines before the output. */
    private static JavaFileObject small(String... layers) {
        return image("Small", 6, "", layers);
    }

    @Test
    void sameWithAStrideTheKernelCannotCoverIsRejected() {
        assertOnlyErrorAt(small("    @Conv2D(filters = 1, kernel = 1, stride = 3, same = true) Layer conv;",
                        "    @GlobalPool Layer pool;"),
                Message.SAME_STRIDE.format("Conv2D", "conv", 3, 1L, "6x6x1", "height", 6L, 3L, 1L), "stride = 3");
        assertOnlyErrorAt(small("    @Pool2D(kernel = 1, stride = 4, same = true) Layer pool;"),
                Message.SAME_STRIDE.format("Pool2D", "pool", 4, 1L, "6x6x1", "height", 6L, 2L, 1L), "stride = 4");
        // stride 2 on 6 needs a kernel of 2 at least; a kernel of 3 covers stride 3
        assertAccepted(compile(small("    @Conv2D(filters = 1, kernel = 2, stride = 2, same = true) Layer a;",
                "    @Conv2D(filters = 1, kernel = 3, stride = 3, same = true) Layer b;",
                "    @GlobalPool Layer pool;")), "test.Small");
    }

    @Test
    void aSeparableConvolutionOnOnePixelIsRejected() {
        assertOnlyErrorAt(small("    @Conv2D(filters = 4, kernel = 6) Layer conv;",
                        "    @SeparableConv2D(filters = 1, kernel = 1) Layer sep;",
                        "    @GlobalPool Layer pool;"),
                Message.SEPARABLE_ONE_PIXEL.format("sep", "1x1x4"), "Layer sep");
    }

    @Test
    void dropoutBetweenTheImageInputAndAnImageLayerIsRejected() {
        assertOnlyErrorAt(small("    @Dropout(rate = 0.5) Layer drop;", "    @Conv2D(filters = 2) Layer conv;",
                        "    @GlobalPool Layer pool;"),
                Message.DROPOUT_ON_IMAGE_INPUT.format("drop", "conv", "Conv2D"), "Layer drop");
        // dropping pixels before a dense layer works in DL4J
        assertAccepted(compile(small("    @Dropout(rate = 0.5) Layer drop;", "    @Dense(units = 4) Layer dense;")),
                "test.Small");
    }

    @Test
    void aClassNamedLikeAMissingValueIsRejected() {
        assertOnlyErrorAt(spec("Odd",
                "@Model(task = Task.MULTICLASS_CLASSIFICATION)",
                "@CsvData(file = \"odd.csv\")",
                "class Odd {",
                "    @Feature double size;",
                "    @Label(classes = {\"NA\", \"1\", \"0\"}) String outcome;",
                "    @Output Layer out;",
                "}"), Message.MISSING_TOKEN_NAME.format("classes", "outcome", "NA", "[?, NA, NaN]", "class"),
                "classes =");
        assertOnlyErrorAt(spec("Odd",
                "@Model(task = Task.SCALAR_REGRESSION)",
                "@CsvData(file = \"odd.csv\", missingValues = {\"-\"})",
                "class Odd {",
                "    @Feature(levels = {\"+\", \"-\"}) String sign;",
                "    @Label double y;",
                "    @Output Layer out;",
                "}"), Message.MISSING_TOKEN_NAME.format("levels", "sign", "-", "[-]", "level"), "levels =");
        // with other missing-value tokens, NA is a class like any other
        assertAccepted(compile(spec("Fine",
                "@Model(task = Task.MULTICLASS_CLASSIFICATION)",
                "@CsvData(file = \"odd.csv\", missingValues = {\"?\"})",
                "class Fine {",
                "    @Feature double size;",
                "    @Label(classes = {\"NA\", \"1\", \"0\"}) String outcome;",
                "    @Output Layer out;",
                "}")), "test.Fine");
    }

    @Test
    void idxImagesCannotBeSplitByAColumn() {
        assertOnlyErrorAt(spec("Clothes",
                "@Model(task = Task.MULTICLASS_CLASSIFICATION)",
                "@IdxData(images = \"train-images-idx3-ubyte\", labels = \"train-labels-idx1-ubyte\")",
                "@Image(height = 6, width = 6)",
                "@TemporalSplit(orderBy = \"t\")",
                "class Clothes {",
                "    @Label(classes = {\"a\", \"b\", \"c\"}) int label;",
                "    @Output Layer out;",
                "}"), Message.IDX_TEMPORAL.format("t"), "orderBy = \"t\"");
    }
}
