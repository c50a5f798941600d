package io.kiln.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static io.kiln.processor.KilnTesting.assertAccepted;
import static io.kiln.processor.KilnTesting.assertOnlyError;
import static io.kiln.processor.KilnTesting.compile;
import static io.kiln.processor.KilnTesting.spec;

import com.google.testing.compile.Compilation;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * The evaluation protocol ({@code @Holdout}, {@code @KFold}, {@code @TemporalSplit}) and what
 * watches its validation data ({@code @EarlyStopping}, {@code @ReduceOnPlateau}).
 */
class ProtocolValidationTest {

    private static final String BINARY_METRICS =
            "loss, accuracy, balanced_accuracy, precision, recall, specificity, f1, macro_f1, roc_auc, pr_auc, log_loss";

    /** A valid binary spec carrying the given class annotation lines. */
    private static JavaFileObject annotated(String... classAnnotations) {
        return withTask("BINARY_CLASSIFICATION", "    @Label boolean spam;", classAnnotations);
    }

    /** A valid scalar-regression spec carrying the given class annotation lines. */
    private static JavaFileObject regression(String... classAnnotations) {
        return withTask("SCALAR_REGRESSION", "    @Label double score;", classAnnotations);
    }

    private static JavaFileObject withTask(String task, String label, String... classAnnotations) {
        String[] lines = new String[classAnnotations.length + 7];
        lines[0] = "@Model(task = Task." + task + ")";
        System.arraycopy(classAnnotations, 0, lines, 1, classAnnotations.length);
        int i = classAnnotations.length + 1;
        lines[i++] = "class Spam {";
        lines[i++] = "    @Feature double length;";
        lines[i++] = label;
        lines[i++] = "    @Dense(units = 8) Layer hidden;";
        lines[i++] = "    @Output Layer out;";
        lines[i] = "}";
        return spec("Spam", lines);
    }

    // ------------------------------------------------------------------ one protocol

    @Test
    void holdoutAndKFoldAreRejectedTogether() {
        JavaFileObject spec = annotated(
                "@Holdout(validation = 0.1)",
                "@KFold(k = 10)");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.PROTOCOL_CONFLICT.format("Spam", "@Holdout", "@KFold",
                        "@KFold validates on every fold in turn and holds out its own final test set (test = ...)."))
                .inFile(spec).onLineContaining("@KFold(k = 10)");
        assertOnlyError(c);
    }

    @Test
    void temporalSplitContradictsAHoldout() {
        JavaFileObject spec = annotated(
                "@TemporalSplit(orderBy = \"date\")",
                "@Holdout(shuffle = true)");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.PROTOCOL_CONFLICT.format("Spam", "@TemporalSplit", "@Holdout",
                        "They contradict: a temporal split never shuffles and trains on the earliest rows, validates "
                                + "and tests on the latest. Keep @TemporalSplit and give it the validation and test "
                                + "fractions."))
                .inFile(spec).onLineContaining("@Holdout(shuffle = true)");
        assertOnlyError(c);
    }

    @Test
    void kFoldAndTemporalSplitAreRejectedTogether() {
        JavaFileObject spec = annotated(
                "@KFold",
                "@TemporalSplit(orderBy = \"date\")");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.PROTOCOL_CONFLICT.format("Spam", "@KFold", "@TemporalSplit",
                        "k-fold validates on folds drawn from the whole time range, so the model would be validated "
                                + "on the past after training on the future; for time-ordered data keep "
                                + "@TemporalSplit."))
                .inFile(spec).onLineContaining("@TemporalSplit(orderBy = \"date\")");
        assertOnlyError(c);
    }

    // ------------------------------------------------------------------ @KFold

    @Test
    void kFoldNeedsTwoFolds() {
        JavaFileObject spec = annotated(
                "@KFold(",
                "    k = 1)");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.KFOLD_K.format(1))
                .inFile(spec).onLineContaining("k = 1");
        assertOnlyError(c);
    }

    @Test
    void kFoldRepeatsMustBePositive() {
        JavaFileObject spec = annotated(
                "@KFold(",
                "    repeats = 0)");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.POSITIVE.format("repeats", "0", "repeats = 1"))
                .inFile(spec).onLineContaining("repeats = 0");
        assertOnlyError(c);
    }

    @Test
    void repeatedKFoldMustShuffle() {
        JavaFileObject spec = annotated(
                "@KFold(repeats = 3,",
                "    shuffle = false)");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.KFOLD_REPEATS_UNSHUFFLED.format(3, 3))
                .inFile(spec).onLineContaining("shuffle = false");
        assertOnlyError(c);
    }

    @Test
    void unshuffledPlainKFoldIsAccepted() {
        Compilation c = compile(annotated("@KFold(k = 3, shuffle = false)"));
        assertAccepted(c, "test.Spam");
    }

    @Test
    void kFoldTestFractionMustBeBelowOne() {
        JavaFileObject spec = annotated(
                "@KFold(",
                "    test = 1.0)");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.FRACTION.format("test", "[0, 1)", 1.0, "test = 0.2"))
                .inFile(spec).onLineContaining("test = 1.0");
        assertOnlyError(c);
    }

    @Test
    void kFoldTestFractionMustNotBeNegative() {
        JavaFileObject spec = annotated(
                "@KFold(",
                "    test = -0.1)");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.FRACTION.format("test", "[0, 1)", -0.1, "test = 0.2"))
                .inFile(spec).onLineContaining("test = -0.1");
        assertOnlyError(c);
    }

    // ------------------------------------------------------------------ @TemporalSplit

    @Test
    void temporalSplitNeedsAnOrderColumn() {
        JavaFileObject spec = annotated(
                "@TemporalSplit(",
                "    orderBy = \" \")");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.TEMPORAL_NO_ORDER.format())
                .inFile(spec).onLineContaining("orderBy = \" \"");
        assertOnlyError(c);
    }

    @Test
    void temporalValidationFractionMustBeBelowOne() {
        JavaFileObject spec = annotated(
                "@TemporalSplit(orderBy = \"date\",",
                "    validation = 1.5)");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.FRACTION.format("validation", "[0, 1)", 1.5, "validation = 0.2"))
                .inFile(spec).onLineContaining("validation = 1.5");
        assertOnlyError(c);
    }

    @Test
    void temporalTestFractionMustBePositive() {
        JavaFileObject spec = annotated(
                "@TemporalSplit(orderBy = \"date\",",
                "    test = 0)");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.FRACTION.format("test", "(0, 1)", 0.0, "test = 0.2"))
                .inFile(spec).onLineContaining("test = 0");
        assertOnlyError(c);
    }

    @Test
    void temporalSplitMustLeaveTrainingData() {
        JavaFileObject spec = annotated(
                "@TemporalSplit(orderBy = \"date\", validation = 0.6,",
                "    test = 0.4)");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.SPLIT_NO_TRAINING.format(0.6, 0.4))
                .inFile(spec).onLineContaining("test = 0.4");
        assertOnlyError(c);
    }

    // ------------------------------------------------------------------ @Holdout(retrain)

    @Test
    void retrainNeedsValidationRows() {
        JavaFileObject spec = annotated(
                "@Holdout(validation = 0,",
                "    retrain = true)");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.RETRAIN_NO_VALIDATION.format())
                .inFile(spec).onLineContaining("retrain = true");
        assertOnlyError(c);
    }

    // ------------------------------------------------------------------ validation data

    @Test
    void earlyStoppingNeedsValidationData() {
        JavaFileObject spec = annotated(
                "@Holdout(validation = 0)",
                "@EarlyStopping(patience = 5)");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.NEEDS_VALIDATION.format("@EarlyStopping", "@Holdout(validation = 0)",
                        "@EarlyStopping"))
                .inFile(spec).onLineContaining("@EarlyStopping(patience = 5)");
        assertOnlyError(c);
    }

    @Test
    void reduceOnPlateauNeedsValidationDataOfATemporalSplit() {
        JavaFileObject spec = annotated(
                "@TemporalSplit(orderBy = \"day\", validation = 0)",
                "@ReduceOnPlateau");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.NEEDS_VALIDATION.format("@ReduceOnPlateau",
                        "@TemporalSplit(validation = 0)", "@ReduceOnPlateau"))
                .inFile(spec).onLineContaining("@ReduceOnPlateau");
        assertOnlyError(c);
    }

    @Test
    void earlyStoppingValidatesOnTheFoldsOfKFold() {
        Compilation c = compile(annotated("@KFold(k = 4)", "@EarlyStopping", "@ReduceOnPlateau"));
        assertAccepted(c, "test.Spam");
    }

    @Test
    void earlyStoppingMonitorMustBeAMetricOfTheTask() {
        JavaFileObject spec = annotated(
                "@EarlyStopping(",
                "    monitor = Metric.R2)");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.MONITOR_METRIC.format("@EarlyStopping", "r2",
                        "BINARY_CLASSIFICATION", BINARY_METRICS))
                .inFile(spec).onLineContaining("monitor = Metric.R2");
        assertOnlyError(c);
    }

    @Test
    void reduceOnPlateauMonitorMustBeAMetricOfTheTask() {
        JavaFileObject spec = regression(
                "@ReduceOnPlateau(",
                "    monitor = Metric.ACCURACY)");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.MONITOR_METRIC.format("@ReduceOnPlateau", "accuracy",
                        "SCALAR_REGRESSION", "loss, mae, mse, rmse, r2"))
                .inFile(spec).onLineContaining("monitor = Metric.ACCURACY");
        assertOnlyError(c);
    }

    @Test
    void earlyStoppingPatienceMustBePositive() {
        JavaFileObject spec = annotated(
                "@EarlyStopping(",
                "    patience = 0)");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.POSITIVE.format("patience", "0", "patience = 10 (the default)"))
                .inFile(spec).onLineContaining("patience = 0");
        assertOnlyError(c);
    }

    @Test
    void earlyStoppingMinDeltaMustNotBeNegative() {
        JavaFileObject spec = annotated(
                "@EarlyStopping(",
                "    minDelta = -0.01)");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.NOT_NEGATIVE.format("minDelta", "-0.01", "minDelta = 0 (the default)"))
                .inFile(spec).onLineContaining("minDelta = -0.01");
        assertOnlyError(c);
    }
}
