package io.kiln.processor;

import static com.google.common.truth.Truth.assertThat;
import static io.kiln.processor.KilnTesting.assertAccepted;
import static io.kiln.processor.KilnTesting.compile;
import static io.kiln.processor.KilnTesting.generated;
import static io.kiln.processor.KilnTesting.spec;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.CompilationSubject;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Protocols, early stopping, learning-rate schedules, reporting, regularization and clipping: each
 * declaration generates the runtime or DL4J call that carries it, and appears in the spec text.
 */
class TrainingGenerationTest {

    /** A binary spec: class annotation lines, then a class with one feature, the label and the given layers. */
    private static JavaFileObject binary(String[] classAnnotations, String label, String... layers) {
        String[] lines = new String[classAnnotations.length + layers.length + 5];
        int i = 0;
        lines[i++] = "@Model(task = Task.BINARY_CLASSIFICATION)";
        for (String a : classAnnotations) {
            lines[i++] = a;
        }
        lines[i++] = "class Spam {";
        lines[i++] = "    @Feature double length;";
        lines[i++] = label;
        for (String l : layers) {
            lines[i++] = l;
        }
        lines[i] = "}";
        return spec("Spam", lines);
    }

    private static JavaFileObject annotated(String... classAnnotations) {
        return binary(classAnnotations, "    @Label boolean spam;", "    @Dense(units = 8) Layer hidden;",
                "    @Output Layer out;");
    }

    private static Compilation accepted(JavaFileObject spec) {
        Compilation c = compile(List.of("-Akiln.debug=true"), spec);
        assertAccepted(c, "test.Spam");
        return c;
    }

    private static String trainer(String... classAnnotations) {
        return generated(accepted(annotated(classAnnotations)), "test.SpamTrainer");
    }

    private static String network(String... classAnnotations) {
        return generated(accepted(annotated(classAnnotations)), "test.SpamNetwork");
    }

    /**
     * The canonical spec text (printed as a note with -Akiln.debug=true) has these lines. javac
     * indents the continuation lines of a note, so each line is looked up on its own.
     */
    private static void assertSpecText(Compilation c, String lines) {
        for (String line : lines.split("\n")) {
            CompilationSubject.assertThat(c).hadNoteContaining(line);
        }
    }

    // ------------------------------------------------------------------ protocols

    @Test
    void defaultProtocolIsAStratifiedShuffledHoldout() {
        String trainer = trainer();
        assertThat(trainer).contains(".protocol(new HoldoutProtocol(0.2, 0.2, true, true, false))");
        assertThat(trainer).doesNotContain(".holdout(");
        for (String absent : List.of(".earlyStopping(", ".learningRate(", ".plateau(", ".labelSmoothing(",
                ".threshold(", ".perCases(")) {
            assertThat(trainer).doesNotContain(absent);
        }
    }

    @Test
    void holdoutRetrainIsPassedOn() {
        Compilation c = accepted(annotated("@Holdout(validation = 0.1, retrain = true)"));
        assertThat(generated(c, "test.SpamTrainer"))
                .contains(".protocol(new HoldoutProtocol(0.1, 0.2, true, true, true))");
        assertSpecText(c, "@Holdout(validation = 0.1, test = 0.2, stratified = true, shuffle = true, retrain = true)");
    }

    @Test
    void kFoldGeneratesAKFoldProtocol() {
        Compilation c = accepted(annotated("@KFold(k = 10, repeats = 3)"));
        String trainer = generated(c, "test.SpamTrainer");
        assertThat(trainer).contains(".protocol(new KFoldProtocol(10, 3, true, true, 0.0))");
        assertThat(trainer).contains("import io.kiln.runtime.KFoldProtocol;");
        assertThat(trainer).doesNotContain("HoldoutProtocol");
        assertSpecText(c, "@KFold(k = 10, repeats = 3, stratified = true, shuffle = true, test = 0.0)\n");
    }

    @Test
    void kFoldWithATestSet() {
        assertThat(trainer("@KFold(k = 3, stratified = false, test = 0.2)"))
                .contains(".protocol(new KFoldProtocol(3, 1, false, true, 0.2))");
    }

    @Test
    void temporalSplitGeneratesATemporalProtocol() {
        Compilation c = accepted(annotated("@TemporalSplit(orderBy = \"date\", validation = 0.1, test = 0.25)"));
        assertThat(generated(c, "test.SpamTrainer"))
                .contains(".protocol(new TemporalProtocol(\"date\", 0.1, 0.25))");
        assertSpecText(c, "@TemporalSplit(orderBy = \"date\", validation = 0.1, test = 0.25)\n");
    }

    // ------------------------------------------------------------------ early stopping and plateau

    @Test
    void earlyStoppingDefaultsWatchTheLoss() {
        Compilation c = accepted(annotated("@EarlyStopping"));
        String trainer = generated(c, "test.SpamTrainer");
        assertThat(trainer).contains(".earlyStopping(new EarlyStopping(Metric.LOSS, 10, 0.0, true))");
        assertThat(trainer).contains("import io.kiln.dsl.Metric;");
        assertThat(trainer).contains("import io.kiln.runtime.EarlyStopping;");
        assertSpecText(c, "@EarlyStopping(monitor = LOSS, patience = 10, minDelta = 0.0, restoreBest = true)\n");
    }

    @Test
    void earlyStoppingOnATaskMetric() {
        assertThat(trainer("@EarlyStopping(monitor = Metric.ROC_AUC, patience = 5, minDelta = 0.001, "
                + "restoreBest = false)"))
                .contains(".earlyStopping(new EarlyStopping(Metric.ROC_AUC, 5, 0.001, false))");
    }

    @Test
    void reduceOnPlateauIsPassedOn() {
        Compilation c = accepted(annotated("@ReduceOnPlateau(monitor = Metric.F1, factor = 0.2, patience = 3, "
                + "minDelta = 0.01, minLearningRate = 1e-5)"));
        assertThat(generated(c, "test.SpamTrainer"))
                .contains(".plateau(new ReduceOnPlateau(Metric.F1, 0.2, 3, 0.01, 1.0E-5))");
        assertSpecText(c, "@ReduceOnPlateau(monitor = F1, factor = 0.2, patience = 3, minDelta = 0.01, "
                + "minLearningRate = 1.0E-5)\n");
    }

    @Test
    void reduceOnPlateauDefaults() {
        assertThat(trainer("@ReduceOnPlateau"))
                .contains(".plateau(new ReduceOnPlateau(Metric.LOSS, 0.5, 5, 0.0, 0.0))");
    }

    // ------------------------------------------------------------------ learning-rate schedules

    @Test
    void stepDecayStartsAtTheOptimizersLearningRate() {
        Compilation c = accepted(annotated("@Sgd(learningRate = 0.1)", "@StepDecay(every = 5, factor = 0.5)"));
        assertThat(generated(c, "test.SpamTrainer")).contains(".learningRate(LearningRate.step(0.1, 5, 0.5))");
        assertThat(generated(c, "test.SpamTrainer")).contains("import io.kiln.runtime.LearningRate;");
        assertSpecText(c, "@StepDecay(every = 5, factor = 0.5)\n");
    }

    @Test
    void exponentialDecayDefaults() {
        assertThat(trainer("@ExponentialDecay")).contains(".learningRate(LearningRate.exponential(0.001, 0.95))");
    }

    @Test
    void cosineDecay() {
        assertThat(trainer("@Adam(learningRate = 0.01)", "@CosineDecay(minLearningRate = 1e-5)"))
                .contains(".learningRate(LearningRate.cosine(0.01, 1.0E-5))");
    }

    @Test
    void oneCycle() {
        Compilation c = accepted(annotated("@OneCycle(maxLearningRate = 0.01)"));
        assertThat(generated(c, "test.SpamTrainer")).contains(".learningRate(LearningRate.oneCycle(0.001, 0.01, 0.3))");
        assertSpecText(c, "@OneCycle(maxLearningRate = 0.01, rise = 0.3)\n");
    }

    @Test
    void warmupFollowsTheSchedule() {
        Compilation c = accepted(annotated("@CosineDecay", "@Warmup"));
        assertThat(generated(c, "test.SpamTrainer"))
                .contains(".learningRate(LearningRate.cosine(0.001, 0.0).withWarmup(5))");
        assertSpecText(c, "@CosineDecay(minLearningRate = 0.0)\n@Warmup(epochs = 5)\n");
    }

    @Test
    void warmupAloneWarmsUpAConstantRate() {
        assertThat(trainer("@RmsProp(learningRate = 0.002)", "@Warmup(epochs = 3)"))
                .contains(".learningRate(LearningRate.constant(0.002).withWarmup(3))");
    }

    @Test
    void warmupCombinesWithReduceOnPlateau() {
        String trainer = trainer("@Warmup(epochs = 2)", "@ReduceOnPlateau");
        assertThat(trainer).contains(".learningRate(LearningRate.constant(0.001).withWarmup(2))");
        assertThat(trainer).contains(".plateau(new ReduceOnPlateau(Metric.LOSS, 0.5, 5, 0.0, 0.0))");
    }

    // ------------------------------------------------------------------ output, label and report

    @Test
    void labelSmoothingIsPassedOnWhenPositive() {
        Compilation c = accepted(binary(new String[0], "    @Label boolean spam;",
                "    @Output(labelSmoothing = 0.1) Layer out;"));
        assertThat(generated(c, "test.SpamTrainer")).contains(".labelSmoothing(0.1)");
        assertSpecText(c, "loss = BINARY_CROSS_ENTROPY, labelSmoothing = 0.1) Layer out;");
    }

    @Test
    void thresholdIsPassedOnWhenNotOneHalf() {
        Compilation c = accepted(binary(new String[0], "    @Label(threshold = 0.3) boolean spam;",
                "    @Output Layer out;"));
        assertThat(generated(c, "test.SpamTrainer")).contains(".threshold(0.3)");
        assertSpecText(c, "classes = [false, true], threshold = 0.3) boolean spam;");
    }

    @Test
    void thresholdOfOneHalfIsTheDefault() {
        Compilation c = accepted(binary(new String[0], "    @Label(threshold = 0.5) boolean spam;",
                "    @Output Layer out;"));
        assertThat(generated(c, "test.SpamTrainer")).doesNotContain(".threshold(");
    }

    @Test
    void perCasesIsPassedOnWhenNotOneThousand() {
        Compilation c = accepted(annotated("@Report(perCases = 100)"));
        assertThat(generated(c, "test.SpamTrainer")).contains(".perCases(100)");
        assertSpecText(c, "@Report(perCases = 100)\n");
        assertThat(trainer("@Report")).doesNotContain(".perCases(");
    }

    // ------------------------------------------------------------------ network: penalties and clipping

    @Test
    void globalL2AndClippingByNorm() {
        Compilation c = accepted(annotated("@Regularization(l2 = 0.001)", "@GradientClipping(norm = 1.0)"));
        String network = generated(c, "test.SpamNetwork");
        assertThat(network).contains(".updater(new Adam(0.001, 0.9, 0.999, 1.0E-8)) .l2(0.001) "
                + ".gradientNormalization(GradientNormalization.ClipL2PerLayer) .gradientNormalizationThreshold(1.0) "
                + ".weightInit(WeightInit.XAVIER)");
        assertThat(network).contains("import org.deeplearning4j.nn.conf.GradientNormalization;");
        assertThat(network).contains(".activation(Activation.RELU).weightInit(WeightInit.RELU).build()");
        assertThat(network).contains(".activation(Activation.SIGMOID).build()");
        assertThat(network).doesNotContain("weightDecay");
        assertSpecText(c, "@Regularization(l1 = 0.0, l2 = 0.001, weightDecay = 0.0)\n@GradientClipping(norm = 1.0)\n");
    }

    @Test
    void clippingByValue() {
        assertThat(network("@GradientClipping(value = 0.5)"))
                .contains(".gradientNormalization(GradientNormalization.ClipElementWiseAbsoluteValue) "
                        + ".gradientNormalizationThreshold(0.5)");
    }

    @Test
    void globalL1() {
        assertThat(network("@Regularization(l1 = 1e-4)")).contains(".l1(1.0E-4) .weightInit(WeightInit.XAVIER)");
    }

    @Test
    void layerPenaltyOverridesTheGlobalOne() {
        Compilation c = accepted(binary(new String[] {"@Regularization(l2 = 0.001)"}, "    @Label boolean spam;",
                "    @Dense(units = 8, l2 = 0.01) Layer hidden;",
                "    @Output(l1 = 0.002) Layer out;"));
        String network = generated(c, "test.SpamNetwork");
        assertThat(network).contains(".l2(0.001) .weightInit(WeightInit.XAVIER)");
        assertThat(network).contains("name(\"hidden\").nOut(8).activation(Activation.RELU).weightInit(WeightInit.RELU)"
                + ".l2(0.01).build()");
        assertThat(network).contains(".activation(Activation.SIGMOID).l1(0.002).build()");
        assertThat(network).contains("hidden Dense 8 16 RELU, l2 0.01"); // the layer table, white space collapsed
        assertThat(network).contains("out Output 1 9 SIGMOID, loss BINARY_CROSS_ENTROPY, l1 0.002, l2 0.001");
        assertThat(network).contains("total params: 25");
        assertSpecText(c, "@Dense(units = 8, activation = RELU, l2 = 0.01) Layer hidden;");
        assertSpecText(c, "loss = BINARY_CROSS_ENTROPY, l1 = 0.002) Layer out;");
    }

    /** DL4J copies a global l2 into every layer, even one built with .l2(0): such a spec regularizes per layer. */
    @Test
    void layerPenaltyOfZeroTurnsTheGlobalOneOff() {
        Compilation c = accepted(binary(new String[] {"@Regularization(l2 = 0.001)"}, "    @Label boolean spam;",
                "    @Dense(units = 8, l2 = 0) Layer hidden;",
                "    @Dense(units = 4) Layer second;",
                "    @Output Layer out;"));
        String network = generated(c, "test.SpamNetwork");
        assertThat(network).doesNotContain(".l2(0.001) .weightInit(WeightInit.XAVIER)");
        assertThat(network).contains("name(\"hidden\").nOut(8).activation(Activation.RELU).weightInit(WeightInit.RELU)"
                + ".build()");
        assertThat(network).contains("name(\"second\").nOut(4).activation(Activation.RELU).weightInit(WeightInit.RELU)"
                + ".l2(0.001).build()");
        assertThat(network).contains(".activation(Activation.SIGMOID).l2(0.001).build()");
    }

    @Test
    void regularizationWeightDecayIsAppliedPerLayer() {
        Compilation c = accepted(annotated("@Regularization(weightDecay = 5e-4)"));
        String network = generated(c, "test.SpamNetwork");
        assertThat(network).contains(".updater(new Adam(0.001, 0.9, 0.999, 1.0E-8)) .weightInit(WeightInit.XAVIER)");
        assertThat(network).contains(".weightInit(WeightInit.RELU).weightDecay(5.0E-4, true).build()");
        assertThat(network).contains(".activation(Activation.SIGMOID).weightDecay(5.0E-4, true).build()");
        assertSpecText(c, "@Regularization(l1 = 0.0, l2 = 0.0, weightDecay = 5.0E-4)\n");
    }

    @Test
    void batchNormAndDropoutCarryNoPenalty() {
        Compilation c = accepted(binary(new String[] {"@Regularization(l1 = 0.001, weightDecay = 0.01)"},
                "    @Label boolean spam;",
                "    @BatchNorm Layer norm;",
                "    @Dropout(rate = 0.5) Layer drop;",
                "    @Output Layer out;"));
        String network = generated(c, "test.SpamNetwork");
        assertThat(network).contains("new BatchNormalization.Builder().name(\"norm\").decay(0.9).eps(1.0E-5).build()");
        assertThat(network).contains("new DropoutLayer.Builder(0.5).name(\"drop\").build()");
        assertThat(network).contains(".activation(Activation.SIGMOID).weightDecay(0.01, true).build()");
    }

    @Test
    void specWithoutNewDeclarationsKeepsItsText() {
        Compilation c = accepted(annotated());
        assertSpecText(c, "@Fit(epochs = 100, batchSize = 32, seed = 42)\n"
                + "@Holdout(validation = 0.2, test = 0.2, stratified = true, shuffle = true)\nclass test.Spam {");
        assertSpecText(c, "@Label(columns = [spam], classes = [false, true]) boolean spam;");
        assertSpecText(c, "@Output(units = 1, activation = SIGMOID, loss = BINARY_CROSS_ENTROPY) Layer out;");
    }
}
