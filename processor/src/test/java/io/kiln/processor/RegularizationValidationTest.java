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
 * Weight penalties ({@code @Regularization}, a layer's {@code l1}/{@code l2}), gradient clipping,
 * label smoothing and the binary decision threshold.
 */
class RegularizationValidationTest {

    /** A binary spec: class annotation lines, then a class with one feature, the label and the given layers. */
    private static JavaFileObject binary(String[] classAnnotations, String label, String... layers) {
        return withTask("BINARY_CLASSIFICATION", classAnnotations, label, layers);
    }

    private static JavaFileObject withTask(String task, String[] classAnnotations, String label, String... layers) {
        String[] lines = new String[classAnnotations.length + layers.length + 5];
        int i = 0;
        lines[i++] = "@Model(task = Task." + task + ")";
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

    /** A valid binary spec with the given class annotation lines. */
    private static JavaFileObject annotated(String... classAnnotations) {
        return binary(classAnnotations, "    @Label boolean spam;", "    @Dense(units = 8) Layer hidden;",
                "    @Output Layer out;");
    }

    private static final String[] NONE = new String[0];

    // ------------------------------------------------------------------ @Regularization

    @Test
    void l1MustNotBeNegative() {
        JavaFileObject spec = annotated(
                "@Regularization(",
                "    l1 = -0.001)");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.NOT_NEGATIVE.format("l1", "-0.001", "l1 = 0 (the default)"))
                .inFile(spec).onLineContaining("l1 = -0.001");
        assertOnlyError(c);
    }

    @Test
    void l2MustNotBeNaN() {
        JavaFileObject spec = annotated(
                "@Regularization(",
                "    l2 = Double.NaN)");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.NOT_NEGATIVE.format("l2", "NaN", "l2 = 0 (the default)"))
                .inFile(spec).onLineContaining("l2 = Double.NaN");
        assertOnlyError(c);
    }

    @Test
    void weightDecayMustNotBeNegative() {
        JavaFileObject spec = annotated(
                "@Regularization(",
                "    weightDecay = -1)");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.NOT_NEGATIVE.format("weightDecay", "-1", "weightDecay = 0 (the default)"))
                .inFile(spec).onLineContaining("weightDecay = -1");
        assertOnlyError(c);
    }

    @Test
    void weightDecayIsDeclaredOnceWithAdamW() {
        JavaFileObject spec = annotated(
                "@AdamW(weightDecay = 0.02)",
                "@Regularization(",
                "    weightDecay = 0.01)");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.WEIGHT_DECAY_CONFLICT.format("0.01", "0.02"))
                .inFile(spec).onLineContaining("weightDecay = 0.01");
        assertOnlyError(c);
    }

    @Test
    void l2AndWeightDecayAreAlternatives() {
        JavaFileObject spec = annotated(
                "@Regularization(weightDecay = 0.01,",
                "    l2 = 0.001)");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.L2_WEIGHT_DECAY.format("0.001", "@Regularization", "0.01",
                        "@Regularization"))
                .inFile(spec).onLineContaining("l2 = 0.001");
        assertOnlyError(c);
    }

    @Test
    void layerL2ConflictsWithAdamWDecay() {
        JavaFileObject spec = binary(new String[] {"@AdamW"}, "    @Label boolean spam;",
                "    @Dense(units = 8,",
                "        l2 = 0.05) Layer hidden;",
                "    @Output Layer out;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.L2_WEIGHT_DECAY.format("0.05", "layer 'hidden'", "0.01", "@AdamW"))
                .inFile(spec).onLineContaining("l2 = 0.05");
        assertOnlyError(c);
    }

    @Test
    void layerL2OfZeroIsAcceptedWithWeightDecay() {
        Compilation c = compile(binary(new String[] {"@AdamW"}, "    @Label boolean spam;",
                "    @Dense(units = 8, l2 = 0) Layer hidden;",
                "    @Output(l1 = 0.001) Layer out;"));
        assertAccepted(c, "test.Spam");
    }

    @Test
    void layerL1MustNotBeNaN() {
        JavaFileObject spec = binary(NONE, "    @Label boolean spam;",
                "    @Dense(units = 8,",
                "        l1 = Double.NaN) Layer hidden;",
                "    @Output Layer out;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.NOT_NEGATIVE.format("l1", "NaN", "l1 = 0.0001, or a negative value to inherit @Regularization's"))
                .inFile(spec).onLineContaining("l1 = Double.NaN");
        assertOnlyError(c);
    }

    @Test
    void negativeLayerPenaltyInheritsAndIsAccepted() {
        Compilation c = compile(binary(new String[] {"@Regularization(l2 = 0.01)"}, "    @Label boolean spam;",
                "    @Dense(units = 8, l2 = -5) Layer hidden;",
                "    @Output(l2 = -1) Layer out;"));
        assertAccepted(c, "test.Spam");
    }

    // ------------------------------------------------------------------ label smoothing

    @Test
    void labelSmoothingMustBeBelowOne() {
        JavaFileObject spec = binary(NONE, "    @Label boolean spam;",
                "    @Output(",
                "        labelSmoothing = 1.0) Layer out;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.FRACTION.format("labelSmoothing", "[0, 1)", "1", "labelSmoothing = 0.1"))
                .inFile(spec).onLineContaining("labelSmoothing = 1.0");
        assertOnlyError(c);
    }

    @Test
    void labelSmoothingMustNotBeNegative() {
        JavaFileObject spec = binary(NONE, "    @Label boolean spam;",
                "    @Output(",
                "        labelSmoothing = -0.1) Layer out;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.FRACTION.format("labelSmoothing", "[0, 1)", "-0.1", "labelSmoothing = 0.1"))
                .inFile(spec).onLineContaining("labelSmoothing = -0.1");
        assertOnlyError(c);
    }

    @Test
    void labelSmoothingNeedsAClassificationTask() {
        JavaFileObject spec = withTask("SCALAR_REGRESSION", NONE, "    @Label double price;",
                "    @Output(",
                "        labelSmoothing = 0.1) Layer out;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.LABEL_SMOOTHING_TASK.format("SCALAR_REGRESSION"))
                .inFile(spec).onLineContaining("labelSmoothing = 0.1");
        assertOnlyError(c);
    }

    // ------------------------------------------------------------------ threshold

    @Test
    void thresholdMustBeBelowOne() {
        JavaFileObject spec = binary(NONE,
                "    @Label(",
                "        threshold = 1.0) boolean spam;",
                "    @Output Layer out;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.FRACTION.format("threshold", "(0, 1)", "1", "threshold = 0.5"))
                .inFile(spec).onLineContaining("threshold = 1.0");
        assertOnlyError(c);
    }

    @Test
    void thresholdMustBeAboveZero() {
        JavaFileObject spec = binary(NONE,
                "    @Label(",
                "        threshold = 0) boolean spam;",
                "    @Output Layer out;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.FRACTION.format("threshold", "(0, 1)", "0", "threshold = 0.5"))
                .inFile(spec).onLineContaining("threshold = 0");
        assertOnlyError(c);
    }

    @Test
    void thresholdIsForBinaryClassificationOnly() {
        JavaFileObject spec = withTask("MULTICLASS_CLASSIFICATION", NONE,
                "    @Label(classes = {\"a\", \"b\", \"c\"},",
                "        threshold = 0.3) String kind;",
                "    @Output Layer out;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.THRESHOLD_TASK.format("MULTICLASS_CLASSIFICATION",
                        "decides for the most probable class"))
                .inFile(spec).onLineContaining("threshold = 0.3");
        assertOnlyError(c);
    }

    @Test
    void thresholdOnARegressionIsRejected() {
        JavaFileObject spec = withTask("SCALAR_REGRESSION", NONE,
                "    @Label(",
                "        threshold = 0.5) double price;",
                "    @Output Layer out;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.THRESHOLD_TASK.format("SCALAR_REGRESSION",
                        "predicts values, not classes"))
                .inFile(spec).onLineContaining("threshold = 0.5");
        assertOnlyError(c);
    }

    // ------------------------------------------------------------------ @GradientClipping

    @Test
    void clippingByNormAndValueIsRejected() {
        JavaFileObject spec = annotated(
                "@GradientClipping(norm = 1.0,",
                "    value = 0.5)");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.CLIPPING_CONFLICT.format("1", "0.5"))
                .inFile(spec).onLineContaining("value = 0.5");
        assertOnlyError(c);
    }

    @Test
    void clippingNeedsNormOrValue() {
        JavaFileObject spec = annotated("@GradientClipping");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.CLIPPING_MISSING.format())
                .inFile(spec).onLineContaining("@GradientClipping");
        assertOnlyError(c);
    }

    @Test
    void clippingNormMustNotBeNegative() {
        JavaFileObject spec = annotated(
                "@GradientClipping(",
                "    norm = -1)");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.NOT_NEGATIVE.format("norm", "-1", "norm = 0 (the default)"))
                .inFile(spec).onLineContaining("norm = -1");
        assertOnlyError(c);
    }
}
