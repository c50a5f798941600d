package io.kiln.processor;

import static com.google.common.truth.Truth.assertThat;
import static io.kiln.processor.KilnTesting.assertAccepted;
import static io.kiln.processor.KilnTesting.assertOnlyErrorAt;
import static io.kiln.processor.KilnTesting.compile;
import static io.kiln.processor.KilnTesting.generated;
import static io.kiln.processor.KilnTesting.spec;

import com.google.testing.compile.Compilation;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** {@code @ClassWeights} and {@code @TuneThreshold}: where they apply and what values they take. */
class DecisionValidationTest {

    private static JavaFileObject spec(String task, String label, String... classAnnotations) {
        java.util.List<String> lines = new java.util.ArrayList<>();
        lines.add("@Model(task = Task." + task + ")");
        lines.addAll(java.util.List.of(classAnnotations));
        lines.addAll(java.util.List.of("class Risk {", "    @Feature double age;", "    " + label,
                "    @Dense(units = 4) Layer hidden;", "    @Output Layer out;", "}"));
        return KilnTesting.spec("Risk", lines.toArray(String[]::new));
    }

    private static final String BINARY = "@Label boolean sick;";
    private static final String THREE = "@Label(classes = {\"low\", \"mid\", \"high\"}) String level;";

    @Test
    void balancedAndDeclaredWeightsAreGenerated() {
        Compilation balanced = compile(spec("BINARY_CLASSIFICATION", BINARY, "@ClassWeights"));
        assertAccepted(balanced, "test.Risk");
        assertThat(generated(balanced, "test.RiskTrainer")).contains(".classWeights(ClassWeights.balanced())");
        Compilation declared = compile(spec("MULTICLASS_CLASSIFICATION", THREE, "@ClassWeights({1, 2, 4.5})"));
        assertAccepted(declared, "test.Risk");
        assertThat(generated(declared, "test.RiskTrainer")).contains(".classWeights(ClassWeights.of(1.0, 2.0, 4.5))");
    }

    @Test
    void weightsOfATaskWithoutClassesAreRejected() {
        assertOnlyErrorAt(spec("SCALAR_REGRESSION", "@Label double cost;", "@ClassWeights"),
                Message.CLASS_WEIGHTS_TASK.format("SCALAR_REGRESSION"), "@ClassWeights");
    }

    @Test
    void aWeightPerClassIsRequired() {
        assertOnlyErrorAt(spec("MULTICLASS_CLASSIFICATION", THREE, "@ClassWeights({1, 2})"),
                Message.CLASS_WEIGHTS_COUNT.format(2, 3, "[low, mid, high]"), "@ClassWeights({1, 2})");
    }

    @Test
    void aWeightThatIsNotPositiveIsRejected() {
        assertOnlyErrorAt(spec("BINARY_CLASSIFICATION", BINARY, "@ClassWeights({1, 0})"),
                Message.CLASS_WEIGHTS_VALUE.format("true", "0"), "@ClassWeights({1, 0})");
    }

    @Test
    void aMetricOrCostsAreGenerated() {
        Compilation metric = compile(spec("BINARY_CLASSIFICATION", BINARY, "@Holdout(validation = 0.2)",
                "@TuneThreshold(metric = Metric.BALANCED_ACCURACY)"));
        assertAccepted(metric, "test.Risk");
        assertThat(generated(metric, "test.RiskTrainer"))
                .contains(".tuneThreshold(ThresholdTuning.maximize(Metric.BALANCED_ACCURACY))");
        Compilation costs = compile(spec("BINARY_CLASSIFICATION", BINARY, "@KFold(k = 5)",
                "@TuneThreshold(falsePositiveCost = 1, falseNegativeCost = 8)"));
        assertAccepted(costs, "test.Risk");
        assertThat(generated(costs, "test.RiskTrainer")).contains(".tuneThreshold(ThresholdTuning.minimizeCost(1.0, 8.0))");
    }

    @Test
    void aThresholdOfAnotherTaskIsRejected() {
        assertOnlyErrorAt(spec("MULTICLASS_CLASSIFICATION", THREE, "@Holdout(validation = 0.2)", "@TuneThreshold"),
                Message.TUNE_THRESHOLD_TASK.format("MULTICLASS_CLASSIFICATION"), "@TuneThreshold");
    }

    @Test
    void aMetricNoThresholdChangesIsRejectedWithTheReason() {
        assertOnlyErrorAt(spec("BINARY_CLASSIFICATION", BINARY, "@Holdout(validation = 0.2)",
                        "@TuneThreshold(metric = Metric.ROC_AUC)"),
                Message.TUNE_THRESHOLD_METRIC.format("ROC_AUC",
                        "roc_auc scores the probabilities themselves, so no threshold changes it"), "Metric.ROC_AUC");
        assertOnlyErrorAt(spec("BINARY_CLASSIFICATION", BINARY, "@Holdout(validation = 0.2)",
                        "@TuneThreshold(metric = Metric.RECALL)"),
                Message.TUNE_THRESHOLD_METRIC.format("RECALL",
                        "recall alone is highest at a threshold that decides (almost) every row one way"), "Metric.RECALL");
    }

    @Test
    void oneCostAloneIsRejected() {
        assertOnlyErrorAt(spec("BINARY_CLASSIFICATION", BINARY, "@Holdout(validation = 0.2)",
                        "@TuneThreshold(falseNegativeCost = 5)"),
                Message.TUNE_THRESHOLD_COSTS.format("falsePositiveCost", "0"), "falseNegativeCost = 5");
    }

    @Test
    void aMetricWithCostsIsRejected() {
        assertOnlyErrorAt(spec("BINARY_CLASSIFICATION", BINARY, "@Holdout(validation = 0.2)",
                        "@TuneThreshold(metric = Metric.F1, falsePositiveCost = 1, falseNegativeCost = 5)"),
                Message.TUNE_THRESHOLD_CONFLICT.format(), "metric = Metric.F1");
    }

    @Test
    void aDeclaredThresholdBesideTuningIsRejectedOnTheLabel() {
        assertOnlyErrorAt(spec("BINARY_CLASSIFICATION", "@Label(threshold = 0.3) boolean sick;",
                        "@Holdout(validation = 0.2)", "@TuneThreshold"),
                Message.TUNE_THRESHOLD_LABEL.format("0.3"), "threshold = 0.3");
    }

    @Test
    void tuningWithoutValidationDataIsRejected() {
        assertOnlyErrorAt(spec("BINARY_CLASSIFICATION", BINARY, "@Holdout(validation = 0)", "@TuneThreshold"),
                Message.NEEDS_VALIDATION.format("@TuneThreshold", "@Holdout(validation = 0)", "@TuneThreshold"),
                "@TuneThreshold");
    }
}
