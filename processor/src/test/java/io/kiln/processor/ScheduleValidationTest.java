package io.kiln.processor;

import static com.google.common.truth.Truth.assertWithMessage;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static io.kiln.processor.KilnTesting.assertOnlyError;
import static io.kiln.processor.KilnTesting.compile;
import static io.kiln.processor.KilnTesting.generatedFiles;
import static io.kiln.processor.KilnTesting.kilnErrors;
import static io.kiln.processor.KilnTesting.spec;

import com.google.testing.compile.Compilation;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** Learning-rate schedules, warm-up, reduce-on-plateau and {@code @Report}. */
class ScheduleValidationTest {

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

    private static final String DEFAULT_LR = "the optimizer's learning rate 0.001 (the default optimizer, Adam)";

    // ------------------------------------------------------------------ combinations

    @Test
    void twoSchedulesAreRejected() {
        JavaFileObject spec = annotated(
                "@StepDecay",
                "@CosineDecay");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.SCHEDULE_CONFLICT.format("Spam", "@StepDecay", "@CosineDecay"))
                .inFile(spec).onLineContaining("@CosineDecay");
        assertOnlyError(c);
    }

    @Test
    void reduceOnPlateauIsNotCombinedWithASchedule() {
        JavaFileObject spec = annotated(
                "@ExponentialDecay",
                "@ReduceOnPlateau(patience = 3)");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.PLATEAU_SCHEDULE.format("@ExponentialDecay"))
                .inFile(spec).onLineContaining("@ReduceOnPlateau(patience = 3)");
        assertOnlyError(c);
    }

    @Test
    void oneCycleNeedsNoWarmup() {
        JavaFileObject spec = annotated(
                "@OneCycle(maxLearningRate = 0.01)",
                "@Warmup(epochs = 3)");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.WARMUP_ONE_CYCLE.format())
                .inFile(spec).onLineContaining("@Warmup(epochs = 3)");
        assertOnlyError(c);
    }

    // ------------------------------------------------------------------ bounds

    @Test
    void stepDecayEveryMustBeAtLeastOne() {
        JavaFileObject spec = annotated(
                "@StepDecay(",
                "    every = 0)");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.SCHEDULE_BOUNDS.format("StepDecay", "every", "0",
                        "the rate decays every 'every' epochs, at least 1; use e.g. every = 10"))
                .inFile(spec).onLineContaining("every = 0");
        assertOnlyError(c);
    }

    @Test
    void stepDecayFactorMustLowerTheRate() {
        JavaFileObject spec = annotated(
                "@StepDecay(",
                "    factor = 1.5)");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.SCHEDULE_BOUNDS.format("StepDecay", "factor", "1.5",
                        "the rate is multiplied by factor, which must be in (0, 1) to lower it; use e.g. factor = 0.5"))
                .inFile(spec).onLineContaining("factor = 1.5");
        assertOnlyError(c);
    }

    @Test
    void exponentialDecayFactorMustBePositive() {
        JavaFileObject spec = annotated(
                "@ExponentialDecay(",
                "    factor = 0)");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.SCHEDULE_BOUNDS.format("ExponentialDecay", "factor", "0",
                        "the rate is multiplied by factor, which must be in (0, 1) to lower it; use e.g. factor = 0.95"))
                .inFile(spec).onLineContaining("factor = 0");
        assertOnlyError(c);
    }

    @Test
    void cosineMinimumMustBeBelowTheLearningRate() {
        JavaFileObject spec = annotated(
                "@Sgd(learningRate = 0.1)",
                "@CosineDecay(",
                "    minLearningRate = 0.1)");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.SCHEDULE_BOUNDS.format("CosineDecay", "minLearningRate", "0.1",
                        "the rate anneals down to minLearningRate, which must be zero or positive and below the "
                                + "optimizer's learning rate 0.1 (@Sgd); use e.g. minLearningRate = 0.001"))
                .inFile(spec).onLineContaining("minLearningRate = 0.1");
        assertOnlyError(c);
    }

    @Test
    void cosineMinimumMustNotBeNegative() {
        JavaFileObject spec = annotated(
                "@CosineDecay(",
                "    minLearningRate = -1)");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.SCHEDULE_BOUNDS.format("CosineDecay", "minLearningRate", "-1",
                        "the rate anneals down to minLearningRate, which must be zero or positive and below "
                                + DEFAULT_LR + "; use e.g. minLearningRate = 1.0E-5"))
                .inFile(spec).onLineContaining("minLearningRate = -1");
        assertOnlyError(c);
    }

    @Test
    void oneCyclePeakMustBeAboveTheLearningRate() {
        JavaFileObject spec = annotated(
                "@Adam",
                "@OneCycle(",
                "    maxLearningRate = 0.001)");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.SCHEDULE_BOUNDS.format("OneCycle", "maxLearningRate", "0.001",
                        "the cycle rises from the optimizer's learning rate 0.001 (@Adam's default) to "
                                + "maxLearningRate, which must be above it; use e.g. maxLearningRate = 0.01"))
                .inFile(spec).onLineContaining("maxLearningRate = 0.001");
        assertOnlyError(c);
    }

    @Test
    void oneCycleRiseMustBeBelowOne() {
        JavaFileObject spec = annotated(
                "@OneCycle(maxLearningRate = 0.01,",
                "    rise = 1.0)");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.SCHEDULE_BOUNDS.format("OneCycle", "rise", "1",
                        "rise is the fraction of the run spent rising to the peak, in (0, 1); use e.g. rise = 0.3"))
                .inFile(spec).onLineContaining("rise = 1.0");
        assertOnlyError(c);
    }

    @Test
    void warmupNeedsAnEpoch() {
        JavaFileObject spec = annotated(
                "@Warmup(",
                "    epochs = 0)");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.SCHEDULE_BOUNDS.format("Warmup", "epochs", "0",
                        "warm-up needs at least 1 epoch and fewer than the 100 training epochs (the @Fit default); "
                                + "use e.g. epochs = 5"))
                .inFile(spec).onLineContaining("epochs = 0");
        assertOnlyError(c);
    }

    @Test
    void warmupMustEndBeforeTraining() {
        JavaFileObject spec = annotated(
                "@Fit(epochs = 10)",
                "@Warmup(",
                "    epochs = 10)");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.SCHEDULE_BOUNDS.format("Warmup", "epochs", "10",
                        "warm-up needs at least 1 epoch and fewer than the 10 training epochs of @Fit; use e.g. "
                                + "epochs = 1"))
                .inFile(spec).onLineContaining("    epochs = 10)");
        assertOnlyError(c);
    }

    @Test
    void plateauFactorMustLowerTheRate() {
        JavaFileObject spec = annotated(
                "@ReduceOnPlateau(",
                "    factor = 1.0)");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.SCHEDULE_BOUNDS.format("ReduceOnPlateau", "factor", "1",
                        "the rate is multiplied by factor, which must be in (0, 1) to lower it; use e.g. factor = 0.5"))
                .inFile(spec).onLineContaining("factor = 1.0");
        assertOnlyError(c);
    }

    @Test
    void plateauPatienceMustBePositive() {
        JavaFileObject spec = annotated(
                "@ReduceOnPlateau(",
                "    patience = 0)");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.POSITIVE.format("patience", "0", "patience = 5 (the default)"))
                .inFile(spec).onLineContaining("patience = 0");
        assertOnlyError(c);
    }

    @Test
    void plateauMinDeltaMustNotBeNegative() {
        JavaFileObject spec = annotated(
                "@ReduceOnPlateau(",
                "    minDelta = -1e-4)");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.NOT_NEGATIVE.format("minDelta", "-1.0E-4", "minDelta = 0 (the default)"))
                .inFile(spec).onLineContaining("minDelta = -1e-4");
        assertOnlyError(c);
    }

    @Test
    void plateauFloorMustBeBelowTheLearningRate() {
        JavaFileObject spec = annotated(
                "@RmsProp(learningRate = 0.01)",
                "@ReduceOnPlateau(",
                "    minLearningRate = 0.05)");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.SCHEDULE_BOUNDS.format("ReduceOnPlateau", "minLearningRate", "0.05",
                        "the rate is never reduced below minLearningRate, which must be zero or positive and below "
                                + "the optimizer's learning rate 0.01 (@RmsProp); use e.g. minLearningRate = 1.0E-4"))
                .inFile(spec).onLineContaining("minLearningRate = 0.05");
        assertOnlyError(c);
    }

    // ------------------------------------------------------------------ warning

    @Test
    void stepDecayThatNeverFiresIsAWarning() {
        JavaFileObject spec = annotated(
                "@Fit(epochs = 20)",
                "@StepDecay(",
                "    every = 20)");
        Compilation c = compile(spec);
        assertThat(c).hadWarningContaining(Message.STEP_NEVER_DECAYS.format(20, 20,
                        "the 20 training epochs of @Fit"))
                .inFile(spec).onLineContaining("every = 20");
        assertWithMessage("processor errors").that(kilnErrors(c)).isEmpty();
        assertWithMessage("a warning still generates").that(generatedFiles(c)).containsKey("test.SpamTrainer");
    }

    // ------------------------------------------------------------------ @Report

    @Test
    void reportPerCasesMustBePositive() {
        JavaFileObject spec = annotated(
                "@Report(",
                "    perCases = 0)");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.POSITIVE.format("perCases", "0", "perCases = 1000 (the default)"))
                .inFile(spec).onLineContaining("perCases = 0");
        assertOnlyError(c);
    }
}
