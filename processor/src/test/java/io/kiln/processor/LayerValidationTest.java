package io.kiln.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static io.kiln.processor.KilnTesting.assertOnlyError;
import static io.kiln.processor.KilnTesting.assertRejected;
import static io.kiln.processor.KilnTesting.compile;
import static io.kiln.processor.KilnTesting.kilnErrors;
import static io.kiln.processor.KilnTesting.spec;

import com.google.testing.compile.Compilation;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** Layer fields: their types and order, units, dropout and batch-norm values, and the output against the task. */
class LayerValidationTest {

    private static final String BINARY = "BINARY_CLASSIFICATION";
    private static final String MULTICLASS = "MULTICLASS_CLASSIFICATION";
    private static final String MULTILABEL = "MULTILABEL_CLASSIFICATION";
    private static final String SCALAR = "SCALAR_REGRESSION";
    private static final String VECTOR = "VECTOR_REGRESSION";

    /** The label line that suits each task. */
    private static String labelFor(String task) {
        return switch (task) {
            case BINARY -> "    @Label boolean spam;";
            case MULTICLASS -> "    @Label(classes = {\"setosa\", \"versicolor\", \"virginica\"}) String species;";
            case MULTILABEL -> "    @Label(classes = {\"news\", \"sport\", \"tech\"}) boolean[] topics;";
            case SCALAR -> "    @Label double price;";
            case VECTOR -> "    @Label(columns = {\"x\", \"y\"}) double[] position;";
            default -> throw new IllegalArgumentException(task);
        };
    }

    /** A spec of the task with one feature, the task's label and the given layer lines. */
    private static JavaFileObject withLayers(String task, String... layers) {
        String[] lines = new String[layers.length + 5];
        lines[0] = "@Model(task = Task." + task + ")";
        lines[1] = "class Spec {";
        lines[2] = "    @Feature double length;";
        lines[3] = labelFor(task);
        System.arraycopy(layers, 0, lines, 4, layers.length);
        lines[layers.length + 4] = "}";
        return spec("Spec", lines);
    }

    // ------------------------------------------------------------------ layer fields

    @Test
    void layerFieldMustHaveTypeLayer() {
        JavaFileObject spec = withLayers(BINARY,
                "    @Dense(units = 8) int hidden;",
                "    @Output Layer out;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.LAYER_FIELD_TYPE.format("hidden", "int"))
                .inFile(spec).onLineContaining("int hidden");
        assertOnlyError(c);
    }

    @Test
    void fieldCannotBeBothFeatureAndLayer() {
        JavaFileObject spec = withLayers(BINARY,
                "    @Feature",
                "    @Dense(units = 8)",
                "    Layer hidden;",
                "    @Output Layer out;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.LAYER_CONFLICT.format("hidden", "@Feature", "@Dense"))
                .inFile(spec).onLineContaining("@Dense(units = 8)");
        assertOnlyError(c);
    }

    @Test
    void secondOutputLayerIsRejected() {
        JavaFileObject spec = withLayers(BINARY,
                "    @Output Layer out;",
                "    @Output Layer out2;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.MULTIPLE_OUTPUTS.format("Spec", "out"))
                .inFile(spec).onLineContaining("Layer out2");
        assertOnlyError(c);
    }

    @Test
    void layerAfterOutputIsRejected() {
        JavaFileObject spec = withLayers(BINARY,
                "    @Output Layer out;",
                "    @Dropout(rate = 0.2) Layer late;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.OUTPUT_NOT_LAST.format("late", "out"))
                .inFile(spec).onLineContaining("Layer late");
        assertOnlyError(c);
    }

    // ------------------------------------------------------------------ units

    @Test
    void denseUnitsMustBePositive() {
        JavaFileObject spec = withLayers(BINARY,
                "    @Dense(",
                "        units = 0)",
                "    Layer hidden;",
                "    @Output Layer out;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.UNITS_POSITIVE.format(0))
                .inFile(spec).onLineContaining("units = 0");
        assertOnlyError(c);
    }

    @Test
    void outputUnitsMustBePositive() {
        JavaFileObject spec = withLayers(MULTICLASS,
                "    @Output(",
                "        units = -3)",
                "    Layer out;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.UNITS_POSITIVE.format(-3))
                .inFile(spec).onLineContaining("units = -3");
        assertOnlyError(c);
    }

    @Test
    void multiclassOutputUnitsMustMatchClasses() {
        JavaFileObject spec = withLayers(MULTICLASS,
                "    @Output(",
                "        units = 2)",
                "    Layer out;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.OUTPUT_UNITS.format(2, MULTICLASS, 3,
                        "one unit per class of label 'species'", 3))
                .inFile(spec).onLineContaining("units = 2");
        assertOnlyError(c);
    }

    @Test
    void binaryOutputHasOneUnit() {
        JavaFileObject spec = withLayers(BINARY,
                "    @Output(",
                "        units = 2)",
                "    Layer out;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.OUTPUT_UNITS.format(2, BINARY, 1,
                        "one sigmoid unit gives the probability of class \"true\"", 1))
                .inFile(spec).onLineContaining("units = 2");
        assertOnlyError(c);
    }

    @Test
    void vectorRegressionOutputUnitsMustMatchTargets() {
        JavaFileObject spec = withLayers(VECTOR,
                "    @Output(",
                "        units = 3)",
                "    Layer out;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.OUTPUT_UNITS.format(3, VECTOR, 2,
                        "one unit per target of label 'position'", 2))
                .inFile(spec).onLineContaining("units = 3");
        assertOnlyError(c);
    }

    /** Regression: this used to throw IndexOutOfBoundsException and report an internal error. */
    @Test
    void binaryOutputUnitsWithOneClassReportsBothErrors() {
        JavaFileObject spec = spec("Spec",
                "@Model(task = Task.BINARY_CLASSIFICATION)",
                "class Spec {",
                "    @Feature double length;",
                "    @Label(",
                "        classes = {\"spam\"})",
                "    int verdict;",
                "    @Output(",
                "        units = 2)",
                "    Layer out;",
                "}");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.CLASSES_COUNT.tag()).inFile(spec).onLineContaining("classes = {");
        assertThat(c).hadErrorContaining(Message.OUTPUT_UNITS.tag()).inFile(spec).onLineContaining("units = 2");
        assertThat(kilnErrors(c)).hasSize(2);
        assertRejected(c);
    }

    // ------------------------------------------------------------------ dropout and batch norm

    @Test
    void dropoutRateMustBeBelowOne() {
        JavaFileObject spec = withLayers(BINARY,
                "    @Dropout(",
                "        rate = 1.0)",
                "    Layer drop;",
                "    @Output Layer out;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.DROPOUT_RATE.format(1.0))
                .inFile(spec).onLineContaining("rate = 1.0");
        assertOnlyError(c);
    }

    @Test
    void dropoutRateMustNotBeNegative() {
        JavaFileObject spec = withLayers(BINARY,
                "    @Dropout(",
                "        rate = -0.2)",
                "    Layer drop;",
                "    @Output Layer out;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.DROPOUT_RATE.format(-0.2))
                .inFile(spec).onLineContaining("rate = -0.2");
        assertOnlyError(c);
    }

    @Test
    void batchNormDecayMustBeBelowOne() {
        JavaFileObject spec = withLayers(BINARY,
                "    @BatchNorm(",
                "        decay = 1.0)",
                "    Layer norm;",
                "    @Output Layer out;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.BATCH_NORM_DECAY.format(1.0))
                .inFile(spec).onLineContaining("decay = 1.0");
        assertOnlyError(c);
    }

    @Test
    void batchNormDecayMustBePositive() {
        JavaFileObject spec = withLayers(BINARY,
                "    @BatchNorm(",
                "        decay = 0)",
                "    Layer norm;",
                "    @Output Layer out;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.BATCH_NORM_DECAY.format(0.0))
                .inFile(spec).onLineContaining("decay = 0");
        assertOnlyError(c);
    }

    @Test
    void batchNormEpsilonMustBePositive() {
        JavaFileObject spec = withLayers(BINARY,
                "    @BatchNorm(",
                "        epsilon = 0)",
                "    Layer norm;",
                "    @Output Layer out;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.POSITIVE.format("epsilon", "0", "epsilon = 0.00001 (the default)"))
                .inFile(spec).onLineContaining("epsilon = 0");
        assertOnlyError(c);
    }

    // ------------------------------------------------------------------ output activation against the task

    @Test
    void binaryTaskRejectsSoftmaxOutput() {
        JavaFileObject spec = withLayers(BINARY,
                "    @Output(",
                "        activation = Activation.SOFTMAX)",
                "    Layer out;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.ACTIVATION_TASK.format(BINARY, "SOFTMAX",
                        "a softmax over one unit is always 1; two exclusive classes use one sigmoid unit "
                                + "(or declare MULTICLASS_CLASSIFICATION for a softmax)", "SIGMOID"))
                .inFile(spec).onLineContaining("activation = Activation.SOFTMAX");
        assertOnlyError(c);
    }

    @Test
    void binaryTaskRejectsTanhOutput() {
        JavaFileObject spec = withLayers(BINARY,
                "    @Output(",
                "        activation = Activation.TANH)",
                "    Layer out;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.ACTIVATION_TASK.format(BINARY, "TANH",
                        "binary classification outputs a probability, which only SIGMOID gives", "SIGMOID"))
                .inFile(spec).onLineContaining("activation = Activation.TANH");
        assertOnlyError(c);
    }

    @Test
    void multilabelTaskRejectsSoftmaxOutput() {
        JavaFileObject spec = withLayers(MULTILABEL,
                "    @Output(",
                "        activation = Activation.SOFTMAX)",
                "    Layer out;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.ACTIVATION_TASK.format(MULTILABEL, "SOFTMAX",
                        "softmax makes the labels compete for one unit of probability, but multilabel labels are "
                                + "independent; each needs its own sigmoid", "SIGMOID"))
                .inFile(spec).onLineContaining("activation = Activation.SOFTMAX");
        assertOnlyError(c);
    }

    @Test
    void multilabelTaskRejectsReluOutput() {
        JavaFileObject spec = withLayers(MULTILABEL,
                "    @Output(",
                "        activation = Activation.RELU)",
                "    Layer out;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.ACTIVATION_TASK.format(MULTILABEL, "RELU",
                        "each label needs an independent probability, which only SIGMOID gives", "SIGMOID"))
                .inFile(spec).onLineContaining("activation = Activation.RELU");
        assertOnlyError(c);
    }

    @Test
    void multiclassTaskRejectsSigmoidOutput() {
        JavaFileObject spec = withLayers(MULTICLASS,
                "    @Output(",
                "        activation = Activation.SIGMOID)",
                "    Layer out;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.ACTIVATION_TASK.format(MULTICLASS, "SIGMOID",
                        "independent sigmoids do not sum to 1 over exclusive classes (that is "
                                + "MULTILABEL_CLASSIFICATION); single-label multiclass needs SOFTMAX", "SOFTMAX"))
                .inFile(spec).onLineContaining("activation = Activation.SIGMOID");
        assertOnlyError(c);
    }

    @Test
    void multiclassTaskRejectsIdentityOutput() {
        JavaFileObject spec = withLayers(MULTICLASS,
                "    @Output(",
                "        activation = Activation.IDENTITY)",
                "    Layer out;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.ACTIVATION_TASK.format(MULTICLASS, "IDENTITY",
                        "exclusive classes need a probability distribution, which only SOFTMAX gives", "SOFTMAX"))
                .inFile(spec).onLineContaining("activation = Activation.IDENTITY");
        assertOnlyError(c);
    }

    @Test
    void scalarRegressionRejectsSoftmaxOutput() {
        JavaFileObject spec = withLayers(SCALAR,
                "    @Output(",
                "        activation = Activation.SOFTMAX)",
                "    Layer out;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.ACTIVATION_TASK.format(SCALAR, "SOFTMAX",
                        "softmax turns the outputs into class probabilities summing to 1, not values", "IDENTITY"))
                .inFile(spec).onLineContaining("activation = Activation.SOFTMAX");
        assertOnlyError(c);
    }

    @Test
    void vectorRegressionRejectsSoftmaxOutput() {
        JavaFileObject spec = withLayers(VECTOR,
                "    @Output(",
                "        activation = Activation.SOFTMAX)",
                "    Layer out;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.ACTIVATION_TASK.tag() + " Task VECTOR_REGRESSION cannot use a "
                        + "SOFTMAX output")
                .inFile(spec).onLineContaining("activation = Activation.SOFTMAX");
        assertOnlyError(c);
    }

    // ------------------------------------------------------------------ loss against the task

    @Test
    void binaryTaskRejectsMeanSquaredError() {
        JavaFileObject spec = withLayers(BINARY,
                "    @Output(",
                "        loss = Loss.MEAN_SQUARED_ERROR)",
                "    Layer out;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.LOSS_TASK.format(BINARY, "MEAN_SQUARED_ERROR",
                        "it is a regression loss; classification is trained on the log loss of its probabilities",
                        "BINARY_CROSS_ENTROPY"))
                .inFile(spec).onLineContaining("loss = Loss.MEAN_SQUARED_ERROR");
        assertOnlyError(c);
    }

    @Test
    void binaryTaskRejectsCategoricalCrossEntropy() {
        JavaFileObject spec = withLayers(BINARY,
                "    @Output(",
                "        loss = Loss.CATEGORICAL_CROSS_ENTROPY)",
                "    Layer out;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.LOSS_TASK.format(BINARY, "CATEGORICAL_CROSS_ENTROPY",
                        "categorical losses assume one softmax distribution over exclusive classes; independent "
                                + "sigmoid outputs use BINARY_CROSS_ENTROPY", "BINARY_CROSS_ENTROPY"))
                .inFile(spec).onLineContaining("loss = Loss.CATEGORICAL_CROSS_ENTROPY");
        assertOnlyError(c);
    }

    @Test
    void multilabelTaskRejectsMeanAbsoluteError() {
        JavaFileObject spec = withLayers(MULTILABEL,
                "    @Output(",
                "        loss = Loss.MEAN_ABSOLUTE_ERROR)",
                "    Layer out;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.LOSS_TASK.tag() + " Task MULTILABEL_CLASSIFICATION cannot use "
                        + "MEAN_ABSOLUTE_ERROR loss: it is a regression loss")
                .inFile(spec).onLineContaining("loss = Loss.MEAN_ABSOLUTE_ERROR");
        assertOnlyError(c);
    }

    @Test
    void multiclassTaskRejectsMeanSquaredError() {
        JavaFileObject spec = withLayers(MULTICLASS,
                "    @Output(",
                "        loss = Loss.MEAN_SQUARED_ERROR)",
                "    Layer out;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.LOSS_TASK.format(MULTICLASS, "MEAN_SQUARED_ERROR",
                        "it is a regression loss; classification is trained on the log loss of its probabilities",
                        "CATEGORICAL_CROSS_ENTROPY"))
                .inFile(spec).onLineContaining("loss = Loss.MEAN_SQUARED_ERROR");
        assertOnlyError(c);
    }

    @Test
    void multiclassTaskRejectsBinaryCrossEntropy() {
        JavaFileObject spec = withLayers(MULTICLASS,
                "    @Output(",
                "        loss = Loss.BINARY_CROSS_ENTROPY)",
                "    Layer out;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.LOSS_TASK.format(MULTICLASS, "BINARY_CROSS_ENTROPY",
                        "binary cross-entropy treats each class as an independent yes/no label; exclusive classes "
                                + "use CATEGORICAL_CROSS_ENTROPY", "CATEGORICAL_CROSS_ENTROPY"))
                .inFile(spec).onLineContaining("loss = Loss.BINARY_CROSS_ENTROPY");
        assertOnlyError(c);
    }

    @Test
    void regressionRejectsCrossEntropy() {
        JavaFileObject spec = withLayers(SCALAR,
                "    @Output(",
                "        loss = Loss.BINARY_CROSS_ENTROPY)",
                "    Layer out;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.LOSS_TASK.format(SCALAR, "BINARY_CROSS_ENTROPY",
                        "cross-entropy and divergence losses compare probabilities; regression compares values",
                        "MEAN_SQUARED_ERROR"))
                .inFile(spec).onLineContaining("loss = Loss.BINARY_CROSS_ENTROPY");
        assertOnlyError(c);
    }

    @Test
    void vectorRegressionRejectsKlDivergence() {
        JavaFileObject spec = withLayers(VECTOR,
                "    @Output(",
                "        loss = Loss.KL_DIVERGENCE)",
                "    Layer out;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.LOSS_TASK.tag() + " Task VECTOR_REGRESSION cannot use "
                        + "KL_DIVERGENCE loss: cross-entropy and divergence losses compare probabilities")
                .inFile(spec).onLineContaining("loss = Loss.KL_DIVERGENCE");
        assertOnlyError(c);
    }

    @Test
    void poissonLossNeedsNonNegativeActivation() {
        JavaFileObject spec = withLayers(SCALAR,
                "    @Output(",
                "        loss = Loss.POISSON)",
                "    Layer out;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.LOSS_TASK.format(SCALAR, "POISSON",
                        "it needs non-negative predictions, which a IDENTITY output does not guarantee; set "
                                + "activation = SOFTPLUS", "MEAN_SQUARED_ERROR"))
                .inFile(spec).onLineContaining("loss = Loss.POISSON");
        assertOnlyError(c);
    }

    @Test
    void meanSquaredLogarithmicErrorRejectsTanhActivation() {
        JavaFileObject spec = withLayers(SCALAR,
                "    @Output(activation = Activation.TANH,",
                "        loss = Loss.MEAN_SQUARED_LOGARITHMIC_ERROR)",
                "    Layer out;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.LOSS_TASK.tag() + " Task SCALAR_REGRESSION cannot use "
                        + "MEAN_SQUARED_LOGARITHMIC_ERROR loss: it needs non-negative predictions, which a TANH output")
                .inFile(spec).onLineContaining("loss = Loss.MEAN_SQUARED_LOGARITHMIC_ERROR");
        assertOnlyError(c);
    }

    @Test
    void outputChecksSeeALabelDeclaredAfterTheOutput() {
        JavaFileObject spec = spec("Spec",
                "@Model(task = Task.MULTICLASS_CLASSIFICATION)",
                "class Spec {",
                "    @Feature double length;",
                "    @Output(",
                "        activation = Activation.SIGMOID)",
                "    Layer out;",
                "    @Label(classes = {\"a\", \"b\", \"c\"}) String species;",
                "}");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.ACTIVATION_TASK.tag())
                .inFile(spec).onLineContaining("activation = Activation.SIGMOID");
        assertOnlyError(c);
    }
}
