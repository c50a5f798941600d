package io.kiln.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static io.kiln.processor.KilnTesting.assertAccepted;
import static io.kiln.processor.KilnTesting.compile;
import static io.kiln.processor.KilnTesting.generatedFiles;
import static io.kiln.processor.KilnTesting.kilnErrors;
import static io.kiln.processor.KilnTesting.spec;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Odd input never makes an exception escape the processor (compile-testing would rethrow it), and
 * never ends in an internal error: every spec gets either generated code or a Kiln diagnostic.
 */
class RobustnessTest {

    /** Compiles without an exception escaping and without a {@code [kiln.internal]} report. */
    private static Compilation compileSafely(JavaFileObject... sources) {
        Compilation c = compile(sources);
        for (String error : kilnErrors(c)) {
            assertWithMessage("internal error").that(error).doesNotContain(Message.INTERNAL.tag());
        }
        return c;
    }

    private static void assertRejectedWith(Compilation c, Message message) {
        assertThat(c.status()).isEqualTo(Compilation.Status.FAILURE);
        assertThat(String.join("\n", kilnErrors(c))).contains(message.tag());
        assertThat(generatedFiles(c)).isEmpty();
    }

    @Test
    void modelOnInterface() {
        assertRejectedWith(compileSafely(spec("Odd",
                "@Model(task = Task.BINARY_CLASSIFICATION)",
                "interface Odd {",
                "    @Feature double length = 0;",
                "    @Output Layer out = null;",
                "}")), Message.SPEC_KIND);
    }

    @Test
    void modelOnEnumWithFields() {
        assertRejectedWith(compileSafely(spec("Odd",
                "@Model(task = Task.BINARY_CLASSIFICATION)",
                "enum Odd {",
                "    A, B;",
                "    @Feature double length;",
                "    @Label boolean spam;",
                "}")), Message.SPEC_KIND);
    }

    @Test
    void modelOnPrivateNestedClass() {
        assertRejectedWith(compileSafely(spec("Odd",
                "class Odd {",
                "    @Model(task = Task.SCALAR_REGRESSION)",
                "    private static class Hidden {",
                "        @Feature double size;",
                "        @Label double price;",
                "        @Output Layer out;",
                "    }",
                "}")), Message.SPEC_PRIVATE);
    }

    @Test
    void modelOnNonStaticInnerClass() {
        assertRejectedWith(compileSafely(spec("Odd",
                "class Odd {",
                "    @Model(task = Task.SCALAR_REGRESSION)",
                "    class Inner {",
                "        @Feature double size;",
                "        @Label double price;",
                "        @Output Layer out;",
                "    }",
                "}")), Message.SPEC_INNER);
    }

    @Test
    void modelOnPrivateNonStaticInnerClassReportsBoth() {
        Compilation c = compileSafely(spec("Odd",
                "class Odd {",
                "    @Model(task = Task.SCALAR_REGRESSION)",
                "    private class Inner {",
                "        @Feature double size;",
                "        @Label double price;",
                "        @Output Layer out;",
                "    }",
                "}"));
        assertRejectedWith(c, Message.SPEC_PRIVATE);
        assertRejectedWith(c, Message.SPEC_INNER);
    }

    @Test
    void modelOnLocalClassIsIgnored() {
        Compilation c = compileSafely(spec("Odd",
                "class Odd {",
                "    static Object make() {",
                "        @Model(task = Task.SCALAR_REGRESSION)",
                "        class Local {",
                "            @Label int wrong;",
                "            @Output Layer out;",
                "        }",
                "        return new Local();",
                "    }",
                "}"));
        assertThat(c.status()).isEqualTo(Compilation.Status.SUCCESS);
        assertThat(c.diagnostics()).isEmpty();
    }

    @Test
    void modelInDefaultPackage() {
        JavaFileObject spec = JavaFileObjects.forSourceLines("Odd",
                "import io.kiln.dsl.*;",
                "@Model(task = Task.SCALAR_REGRESSION)",
                "class Odd {",
                "    @Feature double size;",
                "    @Label double price;",
                "    @Output Layer out;",
                "}");
        Compilation c = compileSafely(spec);
        assertAccepted(c, "Odd");
    }

    @Test
    void genericSpecWithTypeVariableFeature() {
        assertRejectedWith(compileSafely(spec("Odd",
                "@Model(task = Task.SCALAR_REGRESSION)",
                "class Odd<T extends Number> {",
                "    @Feature T size;",
                "    @Label double price;",
                "    @Output Layer out;",
                "}")), Message.FEATURE_TYPE);
    }

    @Test
    void abstractFinalAndGenericSpecsAreAccepted() {
        Compilation c = compileSafely(
                spec("A",
                        "@Model(task = Task.SCALAR_REGRESSION)",
                        "abstract class A {",
                        "    @Feature double size;",
                        "    @Label double price;",
                        "    @Output Layer out;",
                        "}"),
                spec("F",
                        "@Model(task = Task.SCALAR_REGRESSION)",
                        "final class F {",
                        "    @Feature static double size;",
                        "    @Label double price = 1;",
                        "    @Output Layer out;",
                        "}"),
                spec("G",
                        "@Model(task = Task.SCALAR_REGRESSION)",
                        "class G<T> {",
                        "    T unused;",
                        "    @Feature double size;",
                        "    @Label double price;",
                        "    @Output Layer out;",
                        "}"));
        assertAccepted(c, "test.A", "test.F", "test.G");
    }

    @Test
    void unresolvedFieldTypes() {
        Compilation c = compileSafely(spec("Odd",
                "@Model(task = Task.BINARY_CLASSIFICATION)",
                "class Odd {",
                "    @Feature Unknown length;",
                "    @Label AlsoUnknown spam;",
                "    @Output Nope out;",
                "}"));
        assertRejectedWith(c, Message.FEATURE_TYPE);
        assertRejectedWith(c, Message.LABEL_TYPE);
        assertRejectedWith(c, Message.LAYER_FIELD_TYPE);
    }

    @Test
    void missingRequiredTaskLeavesOnlyTheJavacError() {
        Compilation c = compileSafely(spec("Odd",
                "@Model",
                "class Odd {",
                "    @Feature double length;",
                "    @Label boolean spam;",
                "    @Output Layer out;",
                "}"));
        assertThat(c.status()).isEqualTo(Compilation.Status.FAILURE);
        assertThat(generatedFiles(c)).isEmpty();
    }

    @Test
    void misspeltTaskLeavesOnlyTheJavacError() {
        Compilation c = compileSafely(spec("Odd",
                "@Model(task = Task.BINARY)",
                "class Odd {",
                "    @Feature double length;",
                "    @Label boolean spam;",
                "    @Output Layer out;",
                "}"));
        assertThat(c.status()).isEqualTo(Compilation.Status.FAILURE);
        assertThat(generatedFiles(c)).isEmpty();
    }

    @Test
    void emptySpec() {
        Compilation c = compileSafely(spec("Odd",
                "@Model(task = Task.BINARY_CLASSIFICATION)",
                "class Odd {}"));
        assertRejectedWith(c, Message.NO_FEATURES);
        assertRejectedWith(c, Message.NO_LABEL);
        assertRejectedWith(c, Message.NO_OUTPUT);
        assertThat(kilnErrors(c)).hasSize(3);
    }

    @Test
    void featuresInheritedFromASuperclassAreNotSeen() {
        Compilation c = compileSafely(
                spec("Base", "class Base { @Feature double length; }"),
                spec("Odd",
                        "@Model(task = Task.BINARY_CLASSIFICATION)",
                        "class Odd extends Base {",
                        "    @Label boolean spam;",
                        "    @Output Layer out;",
                        "}"));
        assertRejectedWith(c, Message.NO_FEATURES);
    }

    @Test
    void outputUnitsWithEmptyEnumLabel() {
        Compilation c = compileSafely(spec("Odd",
                "@Model(task = Task.MULTICLASS_CLASSIFICATION)",
                "class Odd {",
                "    enum Nothing {}",
                "    @Feature double length;",
                "    @Label Nothing label;",
                "    @Output(units = 3) Layer out;",
                "}"));
        assertRejectedWith(c, Message.CLASSES_COUNT);
        assertRejectedWith(c, Message.OUTPUT_UNITS);
    }

    @Test
    void outputUnitsWithOneClassBinaryEnumLabel() {
        Compilation c = compileSafely(spec("Odd",
                "@Model(task = Task.BINARY_CLASSIFICATION)",
                "class Odd {",
                "    enum Only { YES }",
                "    @Feature double length;",
                "    @Label Only label;",
                "    @Output(units = 2, activation = Activation.SOFTMAX, loss = Loss.POISSON) Layer out;",
                "}"));
        assertRejectedWith(c, Message.CLASSES_COUNT);
        assertRejectedWith(c, Message.OUTPUT_UNITS);
        assertRejectedWith(c, Message.ACTIVATION_TASK);
        assertRejectedWith(c, Message.LOSS_TASK);
    }

    @Test
    void outputUnitsWithVectorLabelWithoutColumns() {
        Compilation c = compileSafely(spec("Odd",
                "@Model(task = Task.VECTOR_REGRESSION)",
                "class Odd {",
                "    @Feature double length;",
                "    @Label double[] targets;",
                "    @Output(units = 3) Layer out;",
                "}"));
        assertRejectedWith(c, Message.TARGETS_COUNT);
    }

    @Test
    void everythingWrongAtOnce() {
        Compilation c = compileSafely(spec("Odd",
                "@Model(task = Task.MULTILABEL_CLASSIFICATION, name = \"\u00e9\u00e9\")",
                "@CsvData(delimiter = '\\r')",
                "@Preprocessing(numericMissing = Missing.MISSING_CATEGORY, categoricalMissing = Missing.MEAN)",
                "@Sgd(learningRate = Double.NaN, momentum = Double.NaN, nesterov = true)",
                "@Adam @AdamW @RmsProp @AdaGrad",
                "@Fit(epochs = 0, batchSize = 0)",
                "@Holdout(validation = -1, test = 2)",
                "class Odd {",
                "    @Feature(levels = {\"a\", \"a\"}, encoding = Encoding.ORDINAL, scaling = Scaling.NONE,",
                "        missing = Missing.CONSTANT, constant = \"b\") String a;",
                "    @Feature(column = \"a\", constant = \"x\", encoding = Encoding.ONE_HOT) boolean b;",
                "    @Feature @Label @Dense(units = 1) Layer c;",
                "    @Label(classes = {\"x\", \"x\"}, column = \"a\", columns = {\"y\"}) boolean[] d;",
                "    @Label int e;",
                "    @Dense(units = -1, activation = Activation.SOFTMAX) String f;",
                "    @Dropout(rate = Double.NaN) Layer g;",
                "    @BatchNorm(decay = Double.NaN, epsilon = Double.NEGATIVE_INFINITY) Layer h;",
                "    @Output(units = 0, activation = Activation.SOFTMAX, loss = Loss.KL_DIVERGENCE) Layer i;",
                "    @Output Layer j;",
                "    @Dense(units = 2) Layer k;",
                "}"));
        assertThat(c.status()).isEqualTo(Compilation.Status.FAILURE);
        assertThat(generatedFiles(c)).isEmpty();
        assertThat(kilnErrors(c).size()).isAtLeast(25);
    }

    @Test
    void everyTrainingAnnotationWrongAtOnce() {
        Compilation c = compileSafely(spec("Odd",
                "@Model(task = Task.VECTOR_REGRESSION)",
                "@Sgd(learningRate = Double.NaN)",
                "@Fit(epochs = -3)",
                "@Holdout(validation = 0, retrain = true)",
                "@KFold(k = Integer.MIN_VALUE, repeats = -1, shuffle = false, test = Double.NaN)",
                "@TemporalSplit(orderBy = \"\", validation = Double.NaN, test = Double.POSITIVE_INFINITY)",
                "@Regularization(l1 = Double.NaN, l2 = Double.NEGATIVE_INFINITY, weightDecay = Double.POSITIVE_INFINITY)",
                "@GradientClipping(norm = Double.NaN, value = Double.POSITIVE_INFINITY)",
                "@EarlyStopping(monitor = Metric.F1, patience = Integer.MIN_VALUE, minDelta = Double.NaN)",
                "@StepDecay(every = Integer.MIN_VALUE, factor = Double.NaN)",
                "@ExponentialDecay(factor = Double.NEGATIVE_INFINITY)",
                "@CosineDecay(minLearningRate = Double.NaN)",
                "@OneCycle(maxLearningRate = Double.NaN, rise = Double.NaN)",
                "@Warmup(epochs = Integer.MAX_VALUE)",
                "@ReduceOnPlateau(monitor = Metric.ROC_AUC, factor = Double.NaN, patience = 0, minDelta = -1,",
                "    minLearningRate = Double.NaN)",
                "@Report(perCases = Integer.MIN_VALUE)",
                "class Odd {",
                "    @Feature double a;",
                "    @Label(columns = {\"x\", \"y\"}, threshold = Double.NaN) double[] target;",
                "    @Dense(units = 4, l1 = Double.NaN, l2 = Double.POSITIVE_INFINITY) Layer hidden;",
                "    @Output(labelSmoothing = Double.NaN, l1 = Double.NEGATIVE_INFINITY) Layer out;",
                "}"));
        assertThat(c.status()).isEqualTo(Compilation.Status.FAILURE);
        assertThat(generatedFiles(c)).isEmpty();
        assertThat(kilnErrors(c).size()).isAtLeast(20);
    }
}
