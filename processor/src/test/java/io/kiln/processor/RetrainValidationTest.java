package io.kiln.processor;

import static com.google.common.truth.Truth.assertThat;
import static io.kiln.processor.DistillationValidationTest.assertError;
import static io.kiln.processor.KilnTesting.compile;
import static io.kiln.processor.KilnTesting.generated;
import static io.kiln.processor.KilnTesting.kilnErrors;

import com.google.testing.compile.Compilation;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * {@code @Retrain}: contradictory or impossible retraining policies, each an error on the attribute at
 * fault (on the annotation's line), and the policy the trainer's definition carries when it is sound.
 */
class RetrainValidationTest {

    /** A classifier with three layers with weights (h1, h2, out) and a dropout; {@code annotations} on the class. */
    static JavaFileObject spec(String... annotations) {
        return DistillationValidationTest.spec("Stream", "MULTICLASS_CLASSIFICATION", List.of(annotations),
                List.of("    @Feature double a;", "    @Feature double b;"),
                "    @Label(classes = {\"x\", \"y\", \"z\"}) String kind;", "    @Dense(units = 16) Layer h1;",
                "    @Dropout(rate = 0.2) Layer drop;", "    @Dense(units = 8) Layer h2;");
    }

    static void assertRetrainError(String retrain, String message) {
        assertError(spec(retrain), message, "@Retrain(");
    }

    @Test
    void aSoundPolicyIsPartOfTheDefinitionAndTheSpecText() {
        Compilation c = compile(spec("@Retrain(everyRows = 2000, driftPsi = 0.25, data = RetrainData.WINDOW, "
                + "window = 6000, replay = 0.2, level = RetrainLevel.TOP_LAYERS, trainTop = 2, l2sp = 0.01, "
                + "epochs = 5, accept = 1000, margin = 0.005)"));
        assertThat(kilnErrors(c)).isEmpty();
        String trainer = generated(c, "test.StreamTrainer");
        assertThat(trainer).contains(".retrain(new RetrainPolicy(2000, 0.25, 500, 0.0, RetrainData.WINDOW, 6000, \"\", 0.0, "
                + "0.2, RetrainLevel.TOP_LAYERS, 2, 0.01, 5, 1000, 0.005, 100000, false))");
        assertThat(trainer).contains("@Retrain(everyRows = 2000, driftPsi = 0.25, driftRows = 500, metricDrop = 0.0, "
                + "data = WINDOW, window = 6000, span = \\\"\\\", halfLife = 0.0, replay = 0.2, level = TOP_LAYERS, trainTop = 2, "
                + "l2sp = 0.01, epochs = 5, accept = 1000, margin = 0.005, retain = 100000, refitPreprocessing = false)");
    }

    @Test
    void aPolicyWithoutATriggerWouldNeverRetrain() {
        assertRetrainError("@Retrain(data = RetrainData.ALL)", Message.RETRAIN_NO_TRIGGER.format());
    }

    @Test
    void triggersAreOffOrPositive() {
        assertRetrainError("@Retrain(everyRows = -1)", Message.RETRAIN_TRIGGER.format("everyRows", -1, "everyRows = 2000"));
        assertRetrainError("@Retrain(driftPsi = -0.1)", Message.RETRAIN_TRIGGER.format("driftPsi", "-0.1", "driftPsi = 0.25"));
        assertRetrainError("@Retrain(metricDrop = Double.NaN)", Message.RETRAIN_TRIGGER.format("metricDrop", "NaN",
                "metricDrop = 0.05"));
    }

    @Test
    void anAccuracyCannotDropByOneOrMore() {
        assertRetrainError("@Retrain(metricDrop = 1.5)", Message.RETRAIN_METRIC_DROP.format("1.5",
                "multiclass classification"));
    }

    @Test
    void aDriftTriggerMeasuresEnoughRows() {
        assertRetrainError("@Retrain(driftPsi = 0.2, driftRows = 50)", Message.RETRAIN_DRIFT_ROWS.format(50, 100, 100));
        assertRetrainError("@Retrain(everyRows = 100, driftRows = 200)", Message.RETRAIN_DRIFT_ROWS_UNUSED.format());
    }

    @Test
    void aWindowHasASizeAndFitsTheRetainedRows() {
        assertRetrainError("@Retrain(everyRows = 100, data = RetrainData.WINDOW)", Message.RETRAIN_WINDOW.format(0));
        assertRetrainError("@Retrain(everyRows = 100, window = 500)", Message.RETRAIN_WINDOW_UNUSED.format("window", "ALL", "window"));
        assertRetrainError("@Retrain(everyRows = 100, data = RetrainData.WINDOW, window = 90000, accept = 20000)", Message.RETRAIN_WINDOW_RETAIN.format(90000, 20000, 110000, 100000));
    }

    @Test
    void aWindowBySpanNeedsAnOrderColumnAndAReadableSpan() {
        assertRetrainError("@Retrain(everyRows = 100, data = RetrainData.WINDOW, span = \"30 days\")",
                Message.RETRAIN_SPAN.format("30 days"));
        assertRetrainError("@Retrain(everyRows = 100, data = RetrainData.WINDOW, span = \"0d\")",
                Message.RETRAIN_SPAN.format("0d"));
        assertRetrainError("@Retrain(everyRows = 100, data = RetrainData.WINDOW, span = \"30d\")",
                Message.RETRAIN_SPAN_ORDER.format());
        assertRetrainError("@Retrain(everyRows = 100, data = RetrainData.WINDOW, window = 500, span = \"30d\")",
                Message.RETRAIN_WINDOW_BOTH.format(500, "30d"));
        assertRetrainError("@Retrain(everyRows = 100, span = \"30d\")", Message.RETRAIN_WINDOW_UNUSED.format("span",
                "ALL", "span"));
        Compilation c = compile(spec("@TemporalSplit(orderBy = \"day\")",
                "@Retrain(everyRows = 100, data = RetrainData.WINDOW, span = \"12h\")"));
        assertThat(kilnErrors(c)).isEmpty();
        assertThat(generated(c, "test.StreamTrainer")).contains("RetrainData.WINDOW, 0, \"12h\", 0.0");
    }

    @Test
    void theAcceptanceWindowHoldsRowsAndLeavesSomeToTrainOn() {
        assertRetrainError("@Retrain(everyRows = 100, accept = 0)", Message.RETRAIN_ACCEPT.format(0));
        assertRetrainError("@Retrain(everyRows = 100, accept = 1000, retain = 1000)", Message.RETRAIN_ACCEPT_RETAIN.format(1000, 1000));
        assertRetrainError("@Retrain(everyRows = 100, retain = 0)", Message.RETRAIN_RETAIN.format(0));
    }

    @Test
    void replayDrawsOlderRowsBesideAWindow() {
        assertRetrainError("@Retrain(everyRows = 100, data = RetrainData.NEW, replay = 1.5)", Message.RETRAIN_REPLAY.format("1.5"));
        assertRetrainError("@Retrain(everyRows = 100, replay = 0.2)", Message.RETRAIN_REPLAY_ALL.format());
        assertRetrainError("@Retrain(everyRows = 100, halfLife = -5)", Message.RETRAIN_HALF_LIFE.format("-5"));
    }

    @Test
    void topLayersThatDoNotExistAreAnError() {
        // h1, h2 and out have weights; the dropout does not
        assertRetrainError("@Retrain(everyRows = 100, level = RetrainLevel.TOP_LAYERS, trainTop = 4)", Message.RETRAIN_TOP.format(4, 3, "h1, h2, out", 2, 3));
        assertRetrainError("@Retrain(everyRows = 100, level = RetrainLevel.TOP_LAYERS, trainTop = 3)", Message.RETRAIN_TOP.format(3, 3, "h1, h2, out", 2, 3));
        assertRetrainError("@Retrain(everyRows = 100, level = RetrainLevel.TOP_LAYERS)", Message.RETRAIN_TOP.format(0, 3,
                "h1, h2, out", 2, 3));
        assertRetrainError("@Retrain(everyRows = 100, trainTop = 1)", Message.RETRAIN_TOP_UNUSED.format("FINE_TUNE"));
    }

    @Test
    void aBatchNormalizationBelowTheTopLayersOfAGraphCannotBeFrozen() {
        // found by the spec fuzzer: Deeplearning4j fails the backward pass through a frozen graph batch normalization
        JavaFileObject graph = DistillationValidationTest.spec("Stream", "MULTICLASS_CLASSIFICATION",
                List.of("@Retrain(everyRows = 100, level = RetrainLevel.TOP_LAYERS, trainTop = 1)"),
                List.of("    @Feature double a;", "    @Feature double b;"),
                "    @Label(classes = {\"x\", \"y\", \"z\"}) String kind;", "    @Dense(units = 8) Layer h1;",
                "    @BatchNorm Layer bn;", "    @Dense(units = 8) Layer h2;", "    @Residual(from = \"h1\") Layer res;");
        assertError(graph, Message.RETRAIN_TOP_BATCHNORM.format(1, "bn", 3), "@Retrain(");
        // trained, it is fine; and a stack freezes it as any layer
        assertThat(kilnErrors(compile(DistillationValidationTest.spec("Stream", "MULTICLASS_CLASSIFICATION",
                List.of("@Retrain(everyRows = 100, level = RetrainLevel.TOP_LAYERS, trainTop = 3)"),
                List.of("    @Feature double a;", "    @Feature double b;"),
                "    @Label(classes = {\"x\", \"y\", \"z\"}) String kind;", "    @Dense(units = 8) Layer h1;",
                "    @BatchNorm Layer bn;", "    @Dense(units = 8) Layer h2;",
                "    @Residual(from = \"h1\") Layer res;")))).isEmpty();
        assertThat(kilnErrors(compile(spec("@Retrain(everyRows = 100, level = RetrainLevel.TOP_LAYERS, trainTop = 1)"))))
                .isEmpty();
    }

    @Test
    void l2spNeedsTheChampionsWeights() {
        assertRetrainError("@Retrain(everyRows = 100, l2sp = -1)", Message.RETRAIN_L2SP.format("-1"));
        assertRetrainError("@Retrain(everyRows = 100, level = RetrainLevel.SCRATCH, l2sp = 0.01)", Message.RETRAIN_L2SP_SCRATCH.format());
        assertRetrainError("@Retrain(everyRows = 100, level = RetrainLevel.SCRATCH, refitPreprocessing = true)", Message.RETRAIN_REFIT_SCRATCH.format());
    }

    @Test
    void epochsAndMarginAreNotNegative() {
        assertRetrainError("@Retrain(everyRows = 100, epochs = -2)", Message.RETRAIN_EPOCHS.format(-2));
        assertRetrainError("@Retrain(everyRows = 100, margin = -0.1)", Message.RETRAIN_MARGIN.format("-0.1"));
    }

    @Test
    void ensemblesStudentsAndSeriesAreNotRetrained() {
        assertError(spec("@Ensemble(seeds = 3)", "@Retrain(everyRows = 100)"), Message.RETRAIN_WITH.format("Ensemble",
                "an average of several networks", "Ensemble"), "@Retrain(");
        assertError(spec("@Distillation(file = \"t.kiln\")", "@Retrain(everyRows = 100)"), Message.RETRAIN_WITH.format(
                "Distillation", "a student of a teacher", "Distillation"), "@Retrain(");
        List<String> lines = new ArrayList<>(List.of("@Model(task = Task.SCALAR_REGRESSION)", "@CsvData(file = \"s.csv\")",
                "@Series(window = 12)", "@TemporalSplit(orderBy = \"day\")", "@Retrain(everyRows = 100)",
                "class Forecast {", "    @Feature double level;", "    @Label(column = \"level\") double next;",
                "    @Lstm(units = 8) Layer lstm;", "    @LastTimeStep Layer last;", "    @Output Layer out;", "}"));
        assertError(KilnTesting.spec("Forecast", lines.toArray(String[]::new)), Message.RETRAIN_SERIES.format(),
                "@Retrain(");
    }
}
