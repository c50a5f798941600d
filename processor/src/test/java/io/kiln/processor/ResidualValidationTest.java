package io.kiln.processor;

import static com.google.common.truth.Truth.assertThat;
import static io.kiln.processor.KilnTesting.assertAccepted;
import static io.kiln.processor.KilnTesting.assertOnlyErrorAt;
import static io.kiln.processor.KilnTesting.compile;
import static io.kiln.processor.KilnTesting.generated;
import static io.kiln.processor.KilnTesting.spec;

import com.google.testing.compile.Compilation;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Residual connections: a spec with {@code @Residual} becomes a DL4J ComputationGraph, and a
 * connection that names no earlier layer, or adds outputs of different shapes, is rejected at its
 * {@code from}, with the shapes and the fix (DL4J reports the latter only when data first flows).
 */
class ResidualValidationTest {

    /** A ten-class spec over an 8x8 image of 64 pixel features, with the given layer lines. */
    private static JavaFileObject image(String... layers) {
        List<String> lines = new ArrayList<>();
        lines.add("@Model(task = Task.MULTICLASS_CLASSIFICATION)");
        lines.add("@Image(height = 8, width = 8)");
        lines.add("class Digits {");
        StringBuilder features = new StringBuilder("   ");
        for (int i = 0; i < 64; i++) {
            features.append(" @Feature double p").append(i).append(';');
        }
        lines.add(features.toString());
        lines.add("    @Label(classes = {\"0\", \"1\", \"2\", \"3\", \"4\", \"5\", \"6\", \"7\", \"8\", \"9\"}) int digit;");
        lines.addAll(List.of(layers));
        lines.add("    @Output Layer out;");
        lines.add("}");
        return spec("Digits", lines.toArray(String[]::new));
    }

    /** A regression over four numeric features (or the given feature lines), with the given layer lines. */
    private static JavaFileObject table(List<String> features, String... layers) {
        List<String> lines = new ArrayList<>();
        lines.add("@Model(task = Task.SCALAR_REGRESSION)");
        lines.add("class Houses {");
        lines.addAll(features);
        lines.add("    @Label double price;");
        lines.addAll(List.of(layers));
        lines.add("    @Output Layer out;");
        lines.add("}");
        return spec("Houses", lines.toArray(String[]::new));
    }

    private static final List<String> FOUR_NUMBERS = List.of("    @Feature double a; @Feature double b; "
            + "@Feature double c; @Feature double d;");

    @Test
    void aResidualImageBlockIsGeneratedAsAComputationGraph() {
        Compilation c = compile(image(
                "    @Conv2D(filters = 8, same = true) Layer conv1;",
                "    @Conv2D(filters = 8, same = true) Layer conv2;",
                "    @BatchNorm Layer norm;",
                "    @Residual(from = \"conv1\", activation = Activation.RELU) Layer block;",
                "    @GlobalPool Layer pool;"));
        assertAccepted(c, "test.Digits");
        String network = generated(c, "test.DigitsNetwork");
        assertThat(network).contains("public static ComputationGraphConfiguration configuration(int numInputs, long seed)");
        assertThat(network).contains(".graphBuilder()");
        assertThat(network).contains(".addInputs(\"kiln-input\")");
        // the pixels are shaped into an image once, so that "input" would be the image the layers see
        assertThat(network).contains(".addVertex(\"kiln-image\", new PreprocessorVertex("
                + "new FeedForwardToCnnPreProcessor(8, 8, 1)), \"kiln-input\")");
        assertThat(network).contains(".addLayer(\"conv1\", new ConvolutionLayer.Builder(3, 3).name(\"conv1\")");
        assertThat(network).contains(", \"kiln-image\")");
        assertThat(network).contains(".addVertex(\"block/sum\", new ElementWiseVertex(ElementWiseVertex.Op.Add), "
                + "\"norm\", \"conv1\")");
        assertThat(network).contains(".addLayer(\"block\", new ActivationLayer.Builder().name(\"block\")"
                + ".activation(Activation.RELU).build(), \"block/sum\")");
        assertThat(network).contains(".addLayer(\"pool\", new GlobalPoolingLayer.Builder(PoolingType.AVG)"
                + ".name(\"pool\").build(), \"block\")");
        assertThat(network).contains(".setInputTypes(InputType.convolutionalFlat(8, 8, 1))");
        assertThat(network).contains(".setOutputs(\"out\")");
        // the layer table: the sum has the shape of both sides and no weights
        assertThat(network).contains("block Residual 8x8x8 0 + conv1, RELU");
        assertThat(generated(c, "test.DigitsTrainer")).contains(".graph(DigitsNetwork::configuration)");
    }

    @Test
    void aResidualWithoutActivationIsTheSumVertexItself() {
        Compilation c = compile(table(FOUR_NUMBERS,
                "    @Dense(units = 4) Layer hidden;",
                "    @Dense(units = 4, activation = Activation.IDENTITY) Layer linear;",
                "    @Residual(from = \"input\") Layer skip;"));
        assertAccepted(c, "test.Houses");
        String network = generated(c, "test.HousesNetwork");
        assertThat(network).contains(".addVertex(\"skip\", new ElementWiseVertex(ElementWiseVertex.Op.Add), "
                + "\"linear\", \"kiln-input\")");
        assertThat(network).contains(".addLayer(\"out\", new OutputLayer.Builder(LossFunctions.LossFunction.MSE)");
        assertThat(network).contains(".setInputTypes(InputType.feedForward(numInputs))");
        assertThat(network).doesNotContain("ActivationLayer");
    }

    @Test
    void aSpecWithoutResidualStaysALayerStack() {
        Compilation c = compile(table(FOUR_NUMBERS, "    @Dense(units = 4) Layer hidden;"));
        assertAccepted(c, "test.Houses");
        assertThat(generated(c, "test.HousesNetwork")).contains("public static MultiLayerConfiguration configuration(");
        assertThat(generated(c, "test.HousesTrainer")).contains(".network(HousesNetwork::configuration)");
    }

    @Test
    void differentChannelCountsAreRejectedAtFrom() {
        JavaFileObject spec = image(
                "    @Conv2D(filters = 8, same = true) Layer conv1;",
                "    @Conv2D(filters = 16, same = true) Layer conv2;",
                "    @Residual(from = \"conv1\") Layer block;");
        assertOnlyErrorAt(spec, Message.RESIDUAL_SHAPE.format("block", "conv1", "8x8x8", "conv2", "8x8x16",
                "Give 'conv2' 8 filters, the shortcut's channels, or start the block from a layer with 16."),
                "from = \"conv1\"");
    }

    @Test
    void aBlockThatShrinksTheImageIsRejectedWithTheSizes() {
        JavaFileObject spec = image(
                "    @Conv2D(filters = 8, same = true) Layer conv1;",
                "    @Conv2D(filters = 8) Layer conv2;",
                "    @Residual(from = \"conv1\") Layer block;");
        assertOnlyErrorAt(spec, Message.RESIDUAL_SHAPE.format("block", "conv1", "8x8x8", "conv2", "6x6x8",
                "The layers in between change the size from 8x8 to 6x6: keep it with same = true and no stride or "
                        + "pooling inside the block, or start the block after the size changes."),
                "from = \"conv1\"");
    }

    @Test
    void aVectorAddedToAnImageIsRejected() {
        JavaFileObject spec = image(
                "    @Conv2D(filters = 8, same = true) Layer conv1;",
                "    @Dense(units = 8) Layer dense;",
                "    @Residual(from = \"conv1\") Layer block;");
        assertOnlyErrorAt(spec, Message.RESIDUAL_SHAPE.format("block", "conv1", "8x8x8", "dense", "8",
                "Make both outputs of the same kind and size, as a residual connection adds them: both images, both "
                        + "sequences of the same length, or both vectors."),
                "from = \"conv1\"");
    }

    @Test
    void differentUnitCountsAreRejected() {
        JavaFileObject spec = table(FOUR_NUMBERS,
                "    @Dense(units = 8) Layer hidden;",
                "    @Residual(from = \"input\") Layer skip;");
        assertOnlyErrorAt(spec, Message.RESIDUAL_SHAPE.format("skip", "input", "4", "hidden", "8",
                "Give 'hidden' 4 units, the shortcut's, or start the block from a layer with 8."), "from = \"input\"");
    }

    @Test
    void anInputWidthKnownOnlyFromTheDataIsRejected() {
        JavaFileObject spec = table(List.of("    @Feature String city;",
                        "    @Feature double a;"),
                "    @Dense(units = 4) Layer hidden;",
                "    @Residual(from = \"input\") Layer skip;");
        assertOnlyErrorAt(spec, Message.RESIDUAL_SHAPE.format("skip", "input", "n", "hidden", "4",
                "One of them is the width of the encoded features, which depends on one-hot levels learnt from the "
                        + "data: declare each categorical feature's levels = {...}, or add the output of a @Dense layer "
                        + "instead of the input."), "from = \"input\"");
    }

    @Test
    void fromMustNameALayerAtLeastTwoBefore() {
        assertOnlyErrorAt(table(FOUR_NUMBERS, "    @Dense(units = 4) Layer hidden;",
                        "    @Residual(from = \"hiden\") Layer skip;"),
                Message.RESIDUAL_FROM.format("skip", "hiden", "no layer is named 'hiden'"), "from = \"hiden\"");
        assertOnlyErrorAt(table(FOUR_NUMBERS, "    @Dense(units = 4) Layer hidden;",
                        "    @Residual(from = \"hidden\") Layer skip;"),
                Message.RESIDUAL_FROM.format("skip", "hidden",
                        "'hidden' is the layer right before it, whose output is already one of the two added"),
                "from = \"hidden\"");
        assertOnlyErrorAt(table(FOUR_NUMBERS, "    @Residual(from = \"input\") Layer skip;",
                        "    @Dense(units = 4) Layer hidden;"),
                Message.RESIDUAL_FROM.format("skip", "input", "the input is what it already gets: it is the first layer"),
                "from = \"input\"");
        assertOnlyErrorAt(table(FOUR_NUMBERS, "    @Dense(units = 4) Layer hidden;",
                        "    @Residual(from = \"later\") Layer skip;", "    @Dense(units = 4) Layer later;"),
                Message.RESIDUAL_FROM.format("skip", "later", "'later' is declared after it"), "from = \"later\"");
    }

    @Test
    void aRecurrentLayerReducedToItsLastStepCannotBeAdded() {
        JavaFileObject spec = spec("Sunspots",
                "@Model(task = Task.SCALAR_REGRESSION)",
                "@Series(window = 8)",
                "@TemporalSplit(orderBy = \"day\")",
                "class Sunspots {",
                "    @Feature double count;",
                "    @Label(column = \"count\") double next;",
                "    @Lstm(units = 4) Layer lstm;",
                "    @LastTimeStep Layer last;",
                "    @Dense(units = 4) Layer dense;",
                "    @Residual(from = \"lstm\") Layer skip;",
                "    @Output Layer out;",
                "}");
        assertOnlyErrorAt(spec, Message.RESIDUAL_FROM.format("skip", "lstm", "@LastTimeStep 'last' right after it "
                + "keeps only its last step, so its sequence is not an output of the network; name 'last' to add "
                + "that last step"), "from = \"lstm\"");
    }
}
