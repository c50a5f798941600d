package io.kiln.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static io.kiln.processor.KilnTesting.assertOnlyError;
import static io.kiln.processor.KilnTesting.compile;
import static io.kiln.processor.KilnTesting.spec;

import com.google.testing.compile.Compilation;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** Class annotations: optimizer, {@code @Fit}, {@code @Holdout} and {@code @CsvData}. */
class TrainingValidationTest {

    /** A valid binary spec carrying the given class annotation lines. */
    private static JavaFileObject annotated(String... classAnnotations) {
        String[] lines = new String[classAnnotations.length + 7];
        lines[0] = "@Model(task = Task.BINARY_CLASSIFICATION)";
        System.arraycopy(classAnnotations, 0, lines, 1, classAnnotations.length);
        int i = classAnnotations.length + 1;
        lines[i++] = "class Spam {";
        lines[i++] = "    @Feature double length;";
        lines[i++] = "    @Label boolean spam;";
        lines[i++] = "    @Dense(units = 8) Layer hidden;";
        lines[i++] = "    @Output Layer out;";
        lines[i] = "}";
        return spec("Spam", lines);
    }

    // ------------------------------------------------------------------ positive

    @Test
    void learningRateMustBePositive() {
        JavaFileObject spec = annotated(
                "@Adam(",
                "    learningRate = 0)");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.POSITIVE.format("learningRate", "0", "learningRate = 0.001 (the default)"))
                .inFile(spec).onLineContaining("learningRate = 0");
        assertOnlyError(c);
    }

    @Test
    void sgdLearningRateMustBePositive() {
        JavaFileObject spec = annotated(
                "@Sgd(",
                "    learningRate = -0.5)");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.POSITIVE.format("learningRate", "-0.5", "learningRate = 0.01 (the default)"))
                .inFile(spec).onLineContaining("learningRate = -0.5");
        assertOnlyError(c);
    }

    /** Regression: whole numbers beyond a long used to print as Long.MIN_VALUE. */
    @Test
    void hugeNegativeLearningRateIsPrintedAsWritten() {
        JavaFileObject spec = annotated(
                "@RmsProp(",
                "    learningRate = -1e300)");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.POSITIVE.format("learningRate", "-1.0E300", "learningRate = 0.001 (the default)"))
                .inFile(spec).onLineContaining("learningRate = -1e300");
        assertOnlyError(c);
    }

    @Test
    void infiniteLearningRateIsRejected() {
        JavaFileObject spec = annotated(
                "@AdaGrad(",
                "    learningRate = Double.POSITIVE_INFINITY)");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.POSITIVE.format("learningRate", "Infinity", "learningRate = 0.01 (the default)"))
                .inFile(spec).onLineContaining("learningRate = Double.POSITIVE_INFINITY");
        assertOnlyError(c);
    }

    @Test
    void epochsMustBePositive() {
        JavaFileObject spec = annotated(
                "@Fit(",
                "    epochs = 0)");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.POSITIVE.format("epochs", "0", "epochs = 100 (the default)"))
                .inFile(spec).onLineContaining("epochs = 0");
        assertOnlyError(c);
    }

    @Test
    void batchSizeMustBePositive() {
        JavaFileObject spec = annotated(
                "@Fit(",
                "    batchSize = -8)");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.POSITIVE.format("batchSize", "-8", "batchSize = 32 (the default)"))
                .inFile(spec).onLineContaining("batchSize = -8");
        assertOnlyError(c);
    }

    @Test
    void adamEpsilonMustBePositive() {
        JavaFileObject spec = annotated(
                "@Adam(",
                "    epsilon = 0)");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.POSITIVE.format("epsilon", "0", "epsilon = 0.00000001 (the default)"))
                .inFile(spec).onLineContaining("epsilon = 0");
        assertOnlyError(c);
    }

    @Test
    void rmsPropEpsilonMustBePositive() {
        JavaFileObject spec = annotated(
                "@RmsProp(",
                "    epsilon = -1e-8)");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.POSITIVE.format("epsilon", "-1.0E-8", "epsilon = 0.00000001 (the default)"))
                .inFile(spec).onLineContaining("epsilon = -1e-8");
        assertOnlyError(c);
    }

    @Test
    void adaGradEpsilonMustBePositive() {
        JavaFileObject spec = annotated(
                "@AdaGrad(",
                "    epsilon = 0)");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.POSITIVE.format("epsilon", "0", "epsilon = 0.000001 (the default)"))
                .inFile(spec).onLineContaining("epsilon = 0");
        assertOnlyError(c);
    }

    // ------------------------------------------------------------------ fraction

    @Test
    void adamBeta1MustBeBelowOne() {
        JavaFileObject spec = annotated(
                "@Adam(",
                "    beta1 = 1.0)");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.FRACTION.format("beta1", "[0, 1)", "1", "beta1 = 0.9 (the default)"))
                .inFile(spec).onLineContaining("beta1 = 1.0");
        assertOnlyError(c);
    }

    @Test
    void adamWBeta2MustNotBeNegative() {
        JavaFileObject spec = annotated(
                "@AdamW(",
                "    beta2 = -0.1)");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.FRACTION.format("beta2", "[0, 1)", "-0.1", "beta2 = 0.999 (the default)"))
                .inFile(spec).onLineContaining("beta2 = -0.1");
        assertOnlyError(c);
    }

    @Test
    void adamWWeightDecayMustNotBeNegative() {
        JavaFileObject spec = annotated(
                "@AdamW(",
                "    weightDecay = -0.01)");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.NOT_NEGATIVE.format("weightDecay", "-0.01", "weightDecay = 0.01 (the default)"))
                .inFile(spec).onLineContaining("weightDecay = -0.01");
        assertOnlyError(c);
    }

    @Test
    void sgdMomentumMustBeBelowOne() {
        JavaFileObject spec = annotated(
                "@Sgd(",
                "    momentum = 1.5)");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.FRACTION.format("momentum", "[0, 1)", "1.5", "momentum = 0 (the default)"))
                .inFile(spec).onLineContaining("momentum = 1.5");
        assertOnlyError(c);
    }

    @Test
    void rmsPropDecayMustBeBelowOne() {
        JavaFileObject spec = annotated(
                "@RmsProp(",
                "    decay = 1)");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.FRACTION.format("decay", "[0, 1)", "1", "decay = 0.95 (the default)"))
                .inFile(spec).onLineContaining("decay = 1");
        assertOnlyError(c);
    }

    @Test
    void validationFractionMustBeBelowOne() {
        JavaFileObject spec = annotated(
                "@Holdout(",
                "    validation = 1.0)");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.FRACTION.format("validation", "[0, 1)", 1.0, "validation = 0.2"))
                .inFile(spec).onLineContaining("validation = 1.0");
        assertOnlyError(c);
    }

    @Test
    void validationFractionMustNotBeNaN() {
        JavaFileObject spec = annotated(
                "@Holdout(",
                "    validation = Double.NaN)");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.FRACTION.format("validation", "[0, 1)", Double.NaN, "validation = 0.2"))
                .inFile(spec).onLineContaining("validation = Double.NaN");
        assertOnlyError(c);
    }

    @Test
    void testFractionMustBePositive() {
        JavaFileObject spec = annotated(
                "@Holdout(",
                "    test = 0)");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.FRACTION.format("test", "(0, 1)", 0.0, "test = 0.2"))
                .inFile(spec).onLineContaining("test = 0");
        assertOnlyError(c);
    }

    @Test
    void splitMustLeaveTrainingData() {
        JavaFileObject spec = annotated(
                "@Holdout(validation = 0.5,",
                "    test = 0.5)");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.SPLIT_NO_TRAINING.format(0.5, 0.5))
                .inFile(spec).onLineContaining("test = 0.5");
        assertOnlyError(c);
    }

    @Test
    void splitWithOnlyValidationSetPointsAtValidation() {
        JavaFileObject spec = annotated(
                "@Holdout(",
                "    validation = 0.8)");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.SPLIT_NO_TRAINING.format(0.8, 0.2))
                .inFile(spec).onLineContaining("validation = 0.8");
        assertOnlyError(c);
    }

    // ------------------------------------------------------------------ optimizer choice

    @Test
    void nesterovNeedsMomentum() {
        JavaFileObject spec = annotated(
                "@Sgd(",
                "    nesterov = true)");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.NESTEROV_NEEDS_MOMENTUM.format())
                .inFile(spec).onLineContaining("nesterov = true");
        assertOnlyError(c);
    }

    @Test
    void twoOptimizersAreRejected() {
        JavaFileObject spec = annotated(
                "@Sgd(learningRate = 0.1)",
                "@Adam(learningRate = 0.001)");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.MULTIPLE_OPTIMIZERS.format("Spam", "@Sgd", "@Adam"))
                .inFile(spec).onLineContaining("@Adam");
        assertOnlyError(c);
    }

    // ------------------------------------------------------------------ data

    @Test
    void csvDataRejectsBothResourceAndFile() {
        JavaFileObject spec = annotated(
                "@CsvData(resource = \"spam.csv\",",
                "    file = \"data/spam.csv\")");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.DATA_SOURCE.format("@CsvData gives both a resource and a file. "
                        + "Keep one."))
                .inFile(spec).onLineContaining("file = \"data/spam.csv\"");
        assertOnlyError(c);
    }

    @Test
    void csvDataNeedsResourceOrFile() {
        JavaFileObject spec = annotated("@CsvData(header = false)");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.DATA_SOURCE.format("@CsvData names no data. Give resource = "
                        + "\"...\" (on the class path) or file = \"...\"."))
                .inFile(spec).onLineContaining("@CsvData");
        assertOnlyError(c);
    }

    @Test
    void delimiterCannotBeAQuote() {
        JavaFileObject spec = annotated(
                "@CsvData(resource = \"spam.csv\",",
                "    delimiter = '\"')");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.DELIMITER.format("\""))
                .inFile(spec).onLineContaining("delimiter = '\"'");
        assertOnlyError(c);
    }

    @Test
    void delimiterCannotBeANewline() {
        JavaFileObject spec = annotated(
                "@CsvData(resource = \"spam.csv\",",
                "    delimiter = '\\n')");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.DELIMITER.format("\\n"))
                .inFile(spec).onLineContaining("delimiter = '\\n'");
        assertOnlyError(c);
    }
}
