package io.kiln.processor;

import static com.google.common.truth.Truth.assertThat;
import static io.kiln.processor.KilnTesting.assertAccepted;
import static io.kiln.processor.KilnTesting.compile;
import static io.kiln.processor.KilnTesting.generated;
import static io.kiln.processor.KilnTesting.spec;

import com.google.testing.compile.Compilation;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Valid specs of every task and label type: the processor accepts them, and the generated network
 * and predictor carry the task's output layer and the label's Java type.
 */
class TaskGenerationTest {

    private static final String XENT_SIGMOID = "new OutputLayer.Builder(LossFunctions.LossFunction.XENT).name(\"out\")";

    /** A spec of the task with two numeric features, the given label lines and an output layer. */
    private static JavaFileObject withLabel(String name, String task, String... label) {
        String[] lines = new String[label.length + 7];
        lines[0] = "@Model(task = Task." + task + ")";
        lines[1] = "class " + name + " {";
        lines[2] = "    @Feature double length;";
        lines[3] = "    @Feature double width;";
        System.arraycopy(label, 0, lines, 4, label.length);
        lines[label.length + 4] = "    @Dense(units = 8) Layer hidden;";
        lines[label.length + 5] = "    @Output Layer out;";
        lines[label.length + 6] = "}";
        return spec(name, lines);
    }

    // ------------------------------------------------------------------ binary

    @Test
    void binaryBooleanLabelPredictsBooleanWithProbability() {
        Compilation c = compile(withLabel("Spam", "BINARY_CLASSIFICATION", "    @Label boolean spam;"));
        assertAccepted(c, "test.Spam");
        assertThat(generated(c, "test.SpamNetwork")).contains(XENT_SIGMOID + ".nOut(1).activation(Activation.SIGMOID)");
        assertThat(generated(c, "test.SpamPredictor"))
                .contains("public record Prediction(boolean spam, double probability)");
        assertThat(generated(c, "test.SpamPredictor"))
                .contains("new Prediction(p.classIndex(i) == 1, p.probability(i))");
        assertThat(generated(c, "test.SpamTrainer")).contains(
                "new LabelSchema(\"spam\", LabelCoding.BOOLEAN, List.of(\"spam\"), List.of(\"false\", \"true\"))");
    }

    @Test
    void binaryBoxedBooleanLabelPredictsPrimitiveBoolean() {
        Compilation c = compile(withLabel("Spam", "BINARY_CLASSIFICATION", "    @Label Boolean spam;"));
        assertAccepted(c, "test.Spam");
        assertThat(generated(c, "test.SpamPredictor"))
                .contains("public record Prediction(boolean spam, double probability)");
    }

    @Test
    void binaryIntLabelPredictsClassIndex() {
        Compilation c = compile(withLabel("Cancer", "BINARY_CLASSIFICATION",
                "    @Label(column = \"label\", classes = {\"malignant\", \"benign\"}) int diagnosis;"));
        assertAccepted(c, "test.Cancer");
        assertThat(generated(c, "test.CancerNetwork"))
                .contains(XENT_SIGMOID + ".nOut(1).activation(Activation.SIGMOID)");
        assertThat(generated(c, "test.CancerPredictor"))
                .contains("public record Prediction(int diagnosis, Map<String, Double> probabilities)");
        assertThat(generated(c, "test.CancerTrainer")).contains("new LabelSchema(\"diagnosis\", LabelCoding.INDEX, "
                + "List.of(\"label\"), List.of(\"malignant\", \"benign\"))");
    }

    @Test
    void binaryStringLabelPredictsClassName() {
        Compilation c = compile(withLabel("Mail", "BINARY_CLASSIFICATION",
                "    @Label(classes = {\"ham\", \"spam\"}) String verdict;"));
        assertAccepted(c, "test.Mail");
        assertThat(generated(c, "test.MailPredictor"))
                .contains("public record Prediction(String verdict, Map<String, Double> probabilities)");
        assertThat(generated(c, "test.MailPredictor"))
                .contains("new Prediction(p.className(i), p.probabilities(i))");
        assertThat(generated(c, "test.MailTrainer")).contains("LabelCoding.NAME, List.of(\"verdict\"), "
                + "List.of(\"ham\", \"spam\")");
    }

    @Test
    void binaryEnumLabelPredictsEnumConstant() {
        Compilation c = compile(withLabel("Mail", "BINARY_CLASSIFICATION",
                "    enum Verdict { HAM, SPAM }",
                "    @Label Verdict verdict;"));
        assertAccepted(c, "test.Mail");
        assertThat(generated(c, "test.MailNetwork"))
                .contains(XENT_SIGMOID + ".nOut(1).activation(Activation.SIGMOID)");
        assertThat(generated(c, "test.MailPredictor"))
                .contains("public record Prediction(Mail.Verdict verdict, Map<String, Double> probabilities)");
        assertThat(generated(c, "test.MailPredictor"))
                .contains("new Prediction(Mail.Verdict.valueOf(p.className(i)), p.probabilities(i))");
        assertThat(generated(c, "test.MailTrainer")).contains("List.of(\"HAM\", \"SPAM\")");
    }

    @Test
    void binaryExplicitSigmoidAndCrossEntropyAreAccepted() {
        JavaFileObject spec = spec("Spam",
                "@Model(task = Task.BINARY_CLASSIFICATION)",
                "class Spam {",
                "    @Feature double length;",
                "    @Label boolean spam;",
                "    @Output(units = 1, activation = Activation.SIGMOID, loss = Loss.BINARY_CROSS_ENTROPY) Layer out;",
                "}");
        Compilation c = compile(spec);
        assertAccepted(c, "test.Spam");
        assertThat(generated(c, "test.SpamNetwork")).contains(XENT_SIGMOID + ".nOut(1).activation(Activation.SIGMOID)");
    }

    // ------------------------------------------------------------------ multiclass

    @Test
    void multiclassIntLabelUsesSoftmaxAndCategoricalCrossEntropy() {
        Compilation c = compile(withLabel("Iris", "MULTICLASS_CLASSIFICATION",
                "    @Label(classes = {\"setosa\", \"versicolor\", \"virginica\"}) int species;"));
        assertAccepted(c, "test.Iris");
        assertThat(generated(c, "test.IrisNetwork")).contains("new OutputLayer.Builder(LossFunctions.LossFunction."
                + "MCXENT).name(\"out\").nOut(3).activation(Activation.SOFTMAX).build()");
        assertThat(generated(c, "test.IrisPredictor"))
                .contains("public record Prediction(int species, Map<String, Double> probabilities)");
        assertThat(generated(c, "test.IrisPredictor")).contains("new Prediction(p.classIndex(i), p.probabilities(i))");
    }

    @Test
    void multiclassLongLabelCastsTheClassIndex() {
        Compilation c = compile(withLabel("Digits", "MULTICLASS_CLASSIFICATION",
                "    @Label(classes = {\"0\", \"1\", \"2\"}) Long digit;"));
        assertAccepted(c, "test.Digits");
        assertThat(generated(c, "test.DigitsPredictor"))
                .contains("public record Prediction(long digit, Map<String, Double> probabilities)");
        assertThat(generated(c, "test.DigitsPredictor")).contains("new Prediction((long) p.classIndex(i), ");
    }

    @Test
    void multiclassStringLabelPredictsClassName() {
        Compilation c = compile(withLabel("Iris", "MULTICLASS_CLASSIFICATION",
                "    @Label(classes = {\"setosa\", \"versicolor\", \"virginica\"}) String species;"));
        assertAccepted(c, "test.Iris");
        assertThat(generated(c, "test.IrisNetwork")).contains(".nOut(3).activation(Activation.SOFTMAX)");
        assertThat(generated(c, "test.IrisPredictor"))
                .contains("public record Prediction(String species, Map<String, Double> probabilities)");
    }

    @Test
    void multiclassTopLevelEnumLabelPredictsEnumConstant() {
        JavaFileObject species = spec("Species", "public enum Species { SETOSA, VERSICOLOR, VIRGINICA, OTHER }");
        Compilation c = compile(species, withLabel("Iris", "MULTICLASS_CLASSIFICATION",
                "    @Label Species species;"));
        assertAccepted(c, "test.Iris");
        assertThat(generated(c, "test.IrisNetwork")).contains(".nOut(4).activation(Activation.SOFTMAX)");
        assertThat(generated(c, "test.IrisPredictor"))
                .contains("public record Prediction(Species species, Map<String, Double> probabilities)");
        assertThat(generated(c, "test.IrisTrainer"))
                .contains("List.of(\"SETOSA\", \"VERSICOLOR\", \"VIRGINICA\", \"OTHER\")");
    }

    @Test
    void multiclassKlDivergenceOverrideIsGenerated() {
        JavaFileObject spec = spec("Iris",
                "@Model(task = Task.MULTICLASS_CLASSIFICATION)",
                "class Iris {",
                "    @Feature double length;",
                "    @Label(classes = {\"a\", \"b\", \"c\"}) String species;",
                "    @Output(loss = Loss.KL_DIVERGENCE) Layer out;",
                "}");
        Compilation c = compile(spec);
        assertAccepted(c, "test.Iris");
        assertThat(generated(c, "test.IrisNetwork")).contains("new OutputLayer.Builder(LossFunctions.LossFunction."
                + "KL_DIVERGENCE).name(\"out\").nOut(3).activation(Activation.SOFTMAX)");
    }

    // ------------------------------------------------------------------ multilabel

    @Test
    void multilabelBooleanArrayLabelUsesOneSigmoidPerLabel() {
        Compilation c = compile(withLabel("Topics", "MULTILABEL_CLASSIFICATION",
                "    @Label(classes = {\"news\", \"sport\", \"tech\"}) boolean[] topics;"));
        assertAccepted(c, "test.Topics");
        assertThat(generated(c, "test.TopicsNetwork"))
                .contains(XENT_SIGMOID + ".nOut(3).activation(Activation.SIGMOID)");
        assertThat(generated(c, "test.TopicsPredictor"))
                .contains("public record Prediction(boolean[] topics, Map<String, Double> probabilities)");
        assertThat(generated(c, "test.TopicsPredictor")).contains("new Prediction(p.labels(i), p.probabilities(i))");
        assertThat(generated(c, "test.TopicsTrainer")).contains("new LabelSchema(\"topics\", LabelCoding.MULTI_HOT, "
                + "List.of(\"news\", \"sport\", \"tech\"), List.of(\"news\", \"sport\", \"tech\"))");
    }

    @Test
    void multilabelColumnsNameTheDataColumns() {
        Compilation c = compile(withLabel("Topics", "MULTILABEL_CLASSIFICATION",
                "    @Label(classes = {\"news\", \"sport\"}, columns = {\"is_news\", \"is_sport\"}) boolean[] topics;"));
        assertAccepted(c, "test.Topics");
        assertThat(generated(c, "test.TopicsTrainer")).contains("LabelCoding.MULTI_HOT, "
                + "List.of(\"is_news\", \"is_sport\"), List.of(\"news\", \"sport\"))");
    }

    // ------------------------------------------------------------------ regression

    @Test
    void scalarRegressionUsesIdentityAndMeanSquaredError() {
        Compilation c = compile(withLabel("House", "SCALAR_REGRESSION", "    @Label double price;"));
        assertAccepted(c, "test.House");
        assertThat(generated(c, "test.HouseNetwork")).contains("new OutputLayer.Builder(LossFunctions.LossFunction."
                + "MSE).name(\"out\").nOut(1).activation(Activation.IDENTITY).build()");
        assertThat(generated(c, "test.HousePredictor")).contains("public record Prediction(double price)");
        assertThat(generated(c, "test.HousePredictor")).contains("new Prediction(p.value(i))");
        assertThat(generated(c, "test.HouseTrainer")).contains(".outputActivationIsIdentity(true)");
        assertThat(generated(c, "test.HouseTrainer"))
                .contains("new LabelSchema(\"price\", LabelCoding.VALUES, List.of(\"price\"), List.of())");
    }

    @Test
    void scalarRegressionAcceptsFloatLabel() {
        Compilation c = compile(withLabel("House", "SCALAR_REGRESSION", "    @Label(column = \"y\") float price;"));
        assertAccepted(c, "test.House");
        assertThat(generated(c, "test.HouseTrainer")).contains("LabelCoding.VALUES, List.of(\"y\"), List.of())");
    }

    @Test
    void vectorRegressionPredictsDoubleArray() {
        Compilation c = compile(withLabel("Arm", "VECTOR_REGRESSION",
                "    @Label(columns = {\"x\", \"y\"}) double[] position;"));
        assertAccepted(c, "test.Arm");
        assertThat(generated(c, "test.ArmNetwork")).contains("new OutputLayer.Builder(LossFunctions.LossFunction."
                + "MSE).name(\"out\").nOut(2).activation(Activation.IDENTITY).build()");
        assertThat(generated(c, "test.ArmPredictor")).contains("public record Prediction(double[] position)");
        assertThat(generated(c, "test.ArmPredictor")).contains("new Prediction(p.values(i))");
        assertThat(generated(c, "test.ArmTrainer"))
                .contains("LabelCoding.VALUES, List.of(\"x\", \"y\"), List.of())");
    }

    @Test
    void regressionMeanAbsoluteErrorOverrideIsGenerated() {
        JavaFileObject spec = spec("House",
                "@Model(task = Task.SCALAR_REGRESSION)",
                "class House {",
                "    @Feature double size;",
                "    @Label double price;",
                "    @Output(loss = Loss.MEAN_ABSOLUTE_ERROR) Layer out;",
                "}");
        Compilation c = compile(spec);
        assertAccepted(c, "test.House");
        assertThat(generated(c, "test.HouseNetwork")).contains("new OutputLayer.Builder(LossFunctions.LossFunction."
                + "MEAN_ABSOLUTE_ERROR).name(\"out\").nOut(1).activation(Activation.IDENTITY)");
    }

    @Test
    void poissonRegressionWithSoftplusIsGenerated() {
        JavaFileObject spec = spec("Visits",
                "@Model(task = Task.SCALAR_REGRESSION)",
                "class Visits {",
                "    @Feature double hour;",
                "    @Label double count;",
                "    @Output(activation = Activation.SOFTPLUS, loss = Loss.POISSON) Layer out;",
                "}");
        Compilation c = compile(spec);
        assertAccepted(c, "test.Visits");
        assertThat(generated(c, "test.VisitsNetwork")).contains("new OutputLayer.Builder(LossFunctions.LossFunction."
                + "POISSON).name(\"out\").nOut(1).activation(Activation.SOFTPLUS)");
        assertThat(generated(c, "test.VisitsTrainer")).contains(".outputActivationIsIdentity(false)");
    }

    @Test
    void meanSquaredLogarithmicErrorWithReluIsGenerated() {
        JavaFileObject spec = spec("Visits",
                "@Model(task = Task.VECTOR_REGRESSION)",
                "class Visits {",
                "    @Feature double hour;",
                "    @Label(columns = {\"a\", \"b\"}) double[] counts;",
                "    @Output(activation = Activation.RELU, loss = Loss.MEAN_SQUARED_LOGARITHMIC_ERROR) Layer out;",
                "}");
        Compilation c = compile(spec);
        assertAccepted(c, "test.Visits");
        assertThat(generated(c, "test.VisitsNetwork")).contains("LossFunctions.LossFunction."
                + "MEAN_SQUARED_LOGARITHMIC_ERROR).name(\"out\").nOut(2).activation(Activation.RELU)");
    }
}
