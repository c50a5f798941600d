package io.kiln.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static io.kiln.processor.KilnTesting.assertAccepted;
import static io.kiln.processor.KilnTesting.assertOnlyError;
import static io.kiln.processor.KilnTesting.assertOnlyErrorAt;
import static io.kiln.processor.KilnTesting.compile;
import static io.kiln.processor.KilnTesting.generated;
import static io.kiln.processor.KilnTesting.kilnErrors;
import static io.kiln.processor.KilnTesting.spec;

import com.google.testing.compile.Compilation;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Image inputs and convolution layers: compile-time shape inference rejects each impossible
 * network at the layer that breaks it (DL4J would build most of these and fail, or silently
 * compute nonsense, once data flows).
 */
class ImageValidationTest {

    /** A ten-class spec whose features are {@code pixels} numeric pixels, with the class annotation and layer lines. */
    private static JavaFileObject image(String imageAnnotation, int pixels, String... layers) {
        List<String> lines = new ArrayList<>();
        lines.add("@Model(task = Task.MULTICLASS_CLASSIFICATION)");
        if (imageAnnotation != null) {
            lines.add(imageAnnotation);
        }
        lines.add("class Digits {");
        StringBuilder features = new StringBuilder("   ");
        for (int i = 0; i < pixels; i++) {
            features.append(" @Feature double p").append(i).append(';');
        }
        lines.add(features.toString());
        lines.add("    @Label(classes = {\"0\", \"1\", \"2\", \"3\", \"4\", \"5\", \"6\", \"7\", \"8\", \"9\"}) int digit;");
        lines.addAll(List.of(layers));
        lines.add("    @Output Layer out;");
        lines.add("}");
        return spec("Digits", lines.toArray(String[]::new));
    }

    // ------------------------------------------------------------------ impossible networks

    @Test
    void aSeparableConvolutionOfOneChannelIsRejected() {
        JavaFileObject spec = image("@Image(height = 8, width = 8)", 64,
                "    @SeparableConv2D(filters = 8) Layer sep;");
        assertOnlyErrorAt(spec, Message.SEPARABLE_ONE_CHANNEL.format("sep", "8x8x1"), "Layer sep");
    }

    @Test
    void aSeparableConvolutionAfterAConvolutionIsGeneratedWithItsParameterCount() {
        Compilation c = compile(image("@Image(height = 8, width = 8)", 64,
                "    @Conv2D(filters = 8, same = true) Layer conv;",
                "    @SeparableConv2D(filters = 16, depthMultiplier = 2, same = true) Layer sep;",
                "    @GlobalPool Layer pool;"));
        assertAccepted(c, "test.Digits");
        String network = generated(c, "test.DigitsNetwork");
        assertThat(network).contains("new SeparableConvolution2D.Builder(3, 3).name(\"sep\").nOut(16)"
                + ".depthMultiplier(2).stride(1, 1).padding(0, 0).dilation(1, 1)"
                + ".convolutionMode(ConvolutionMode.Same).activation(Activation.RELU)");
        // 3·3·8·2 depthwise + 8·2·16 pointwise + 16 biases
        assertThat(network).contains("sep SeparableConv2D 8x8x16 416 3x3, stride 1, same, depth x2, RELU");
        JavaFileObject bad = image("@Image(height = 8, width = 8)", 64,
                "    @Conv2D(filters = 8) Layer conv;", "    @SeparableConv2D(filters = 4, depthMultiplier = 0) Layer sep;");
        assertOnlyErrorAt(bad, Message.POSITIVE.format("depthMultiplier", 0, "depthMultiplier = 1 (the default)"), "depthMultiplier = 0");
    }

    @Test
    void kernelLargerThanTheImageIsRejectedAtTheConvolution() {
        JavaFileObject spec = image("@Image(height = 7, width = 7)", 49,
                "    @Conv2D(filters = 8, kernel = 9) Layer conv;");
        assertOnlyErrorAt(spec, Message.KERNEL_TOO_LARGE.format("Conv2D", "conv", "7x7x1", "kernel of 9", "height", 7,
                0, "Use a kernel at most 7, padding = 1, or same = true (output 7). Earlier layers' strides and "
                        + "pooling may have shrunk the image too far."), "kernel = 9");
    }

    @Test
    void paddingThatStillLeavesTheKernelTooLargeIsRejected() {
        JavaFileObject spec = image("@Image(height = 4, width = 4)", 16,
                "    @Conv2D(filters = 8, kernel = 7, padding = 1) Layer conv;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining("its kernel of 7 is larger than the height of 4 plus padding 1 on each side")
                .inFile(spec).onLineContaining("kernel = 7");
        assertOnlyError(c);
    }

    @Test
    void dilationThatWidensTheKernelBeyondTheImageIsRejected() {
        JavaFileObject spec = image("@Image(height = 5, width = 5)", 25,
                "    @Conv2D(filters = 4, kernel = 3, dilation = 3) Layer conv;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining("its kernel of 3 with dilation 3 (7 wide) is larger than the height of 5")
                .inFile(spec).onLineContaining("dilation = 3");
        assertOnlyError(c);
    }

    @Test
    void aWindowTooWideForOneDimensionNamesThatDimension() {
        JavaFileObject spec = image("@Image(height = 8, width = 4)", 32,
                "    @Conv2D(filters = 4, kernel = {3, 5}) Layer conv;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining("cannot run on its 8x4x1 input: its kernel of 5 is larger than the width of 4")
                .inFile(spec).onLineContaining("kernel = {3, 5}");
        assertOnlyError(c);
    }

    @Test
    void poolingThatShrinksTheImageBelowItsWindowIsRejectedAtThatPooling() {
        // 6x6 -> conv 3 -> 4x4 -> pool 2 -> 2x2 -> pool 2 -> 1x1 -> pool 2: nothing left
        JavaFileObject spec = image("@Image(height = 6, width = 6)", 36,
                "    @Conv2D(filters = 4) Layer conv;",
                "    @Pool2D Layer pool1;",
                "    @Pool2D Layer pool2;",
                "    @Pool2D(type = Pooling.AVG) Layer pool3;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining("@Pool2D 'pool3' cannot run on its 1x1x4 input: its window of 2 is larger "
                + "than the height of 1").inFile(spec).onLineContaining("Layer pool3");
        assertOnlyError(c);
    }

    @Test
    void convolutionWithoutAnImageIsRejected() {
        JavaFileObject spec = image(null, 9, "    @Conv2D(filters = 4) Layer conv;");
        assertOnlyErrorAt(spec, Message.NEEDS_IMAGE.format("Conv2D", "conv", "a flat vector"), "Layer conv");
    }

    @Test
    void convolutionAfterADenseLayerIsRejected() {
        JavaFileObject spec = image("@Image(height = 6, width = 6)", 36,
                "    @Dense(units = 16) Layer hidden;",
                "    @Conv2D(filters = 4) Layer conv;");
        assertOnlyErrorAt(spec, Message.FLAT_BEFORE_IMAGE_LAYER.format("Conv2D", "conv", "hidden", "Dense", "16"),
                "Layer conv");
    }

    @Test
    void poolingAfterGlobalPoolingIsRejected() {
        JavaFileObject spec = image("@Image(height = 6, width = 6)", 36,
                "    @Conv2D(filters = 4) Layer conv;",
                "    @GlobalPool Layer gap;",
                "    @Pool2D Layer pool;");
        assertOnlyErrorAt(spec, Message.FLAT_BEFORE_IMAGE_LAYER.format("Pool2D", "pool", "gap", "GlobalPool", "4"),
                "Layer pool;");
    }

    @Test
    void globalPoolingOfTabularFeaturesIsRejected() {
        JavaFileObject spec = image(null, 5, "    @GlobalPool Layer gap;");
        assertOnlyErrorAt(spec, Message.GLOBAL_POOL_FLAT.format("gap", " of 5 values"), "Layer gap");
    }

    @Test
    void imageWhosePixelCountDiffersFromTheFeaturesIsRejected() {
        JavaFileObject spec = image("@Image(height = 3, width = 3)", 8, "    @Conv2D(filters = 4, kernel = 2) Layer c;");
        assertOnlyErrorAt(spec, Message.IMAGE_SIZE.format(3, 3, 1, 9, 8), "@Image(height = 3");
    }

    @Test
    void imageOfANonNumericFeatureIsRejected() {
        JavaFileObject spec = spec("Digits",
                "@Model(task = Task.BINARY_CLASSIFICATION)",
                "@Image(height = 1, width = 2)",
                "class Digits {",
                "    @Feature double p0;",
                "    @Feature String colour;",
                "    @Label boolean on;",
                "    @Output Layer out;",
                "}");
        assertOnlyErrorAt(spec, Message.IMAGE_FEATURE.format("colour", "categorical"), "@Image(height = 1");
    }

    @Test
    void imageDimensionsMustBePositive() {
        JavaFileObject spec = image("@Image(height = 0, width = 4)", 4);
        assertOnlyErrorAt(spec, Message.IMAGE_DIMENSION.format("height", 0), "height = 0");
    }

    @Test
    void sameWithExplicitPaddingIsRejected() {
        JavaFileObject spec = image("@Image(height = 6, width = 6)", 36,
                "    @Conv2D(filters = 4, same = true, padding = 1) Layer conv;");
        assertOnlyErrorAt(spec, Message.SAME_WITH_PADDING.format("Conv2D", "same"), "padding = 1");
    }

    @Test
    void kernelOfThreeNumbersIsRejected() {
        JavaFileObject spec = image("@Image(height = 6, width = 6)", 36,
                "    @Conv2D(filters = 4, kernel = {3, 3, 3}) Layer conv;");
        assertOnlyErrorAt(spec, Message.WINDOW_SIZE_COUNT.format("kernel", "Conv2D", 3), "kernel = {3, 3, 3}");
    }

    @Test
    void zeroStrideIsRejected() {
        JavaFileObject spec = image("@Image(height = 6, width = 6)", 36,
                "    @Pool2D(stride = 0) Layer pool;");
        assertOnlyErrorAt(spec, Message.WINDOW_VALUE.format("stride", "Pool2D", "positive", 0, "stride = 1"), "stride = 0");
    }

    @Test
    void negativePaddingIsRejected() {
        JavaFileObject spec = image("@Image(height = 6, width = 6)", 36,
                "    @Conv2D(filters = 4, padding = {1, -1}) Layer conv;");
        assertOnlyErrorAt(spec, Message.WINDOW_VALUE.format("padding", "Conv2D", "0 or more", -1, "padding = 0 (the default)"), "padding = {1, -1}");
    }

    @Test
    void convolutionNeedsFilters() {
        JavaFileObject spec = image("@Image(height = 6, width = 6)", 36,
                "    @Conv2D(filters = 0) Layer conv;");
        assertOnlyErrorAt(spec, Message.FILTERS_POSITIVE.format(0), "filters = 0");
    }

    @Test
    void everyBrokenLayerOfOneSpecIsReported() {
        JavaFileObject spec = image("@Image(height = 4, width = 4)", 16,
                "    @Conv2D(filters = 4, kernel = 5) Layer conv;",
                "    @Dense(units = 8) Layer hidden;",
                "    @Pool2D Layer pool;");
        Compilation c = compile(spec);
        assertThat(kilnErrors(c)).hasSize(2);
        assertThat(c).hadErrorContaining("@Conv2D 'conv' cannot run").inFile(spec).onLineContaining("Layer conv");
        assertThat(c).hadErrorContaining(Message.FLAT_BEFORE_IMAGE_LAYER.format("Pool2D", "pool", "hidden", "Dense",
                "8")).inFile(spec).onLineContaining("Layer pool");
    }

    // ------------------------------------------------------------------ accepted networks

    @Test
    void aConvolutionalNetworkGeneratesItsLayersAndShapeTable() {
        JavaFileObject spec = image("@Image(height = 8, width = 8)", 64,
                "    @Conv2D(filters = 16, same = true) Layer conv1;",
                "    @BatchNorm Layer norm;",
                "    @Pool2D Layer pool;",
                "    @Conv2D(filters = 32, kernel = {3, 2}, stride = {1, 2}, dilation = 1) Layer conv2;",
                "    @Dropout(rate = 0.25) Layer drop;",
                "    @GlobalPool(type = Pooling.MAX) Layer gap;",
                "    @Dense(units = 32) Layer hidden;");
        Compilation c = compile(spec);
        assertAccepted(c, "test.Digits");
        String network = generated(c, "test.DigitsNetwork");
        assertThat(network).contains(".setInputType(InputType.convolutionalFlat(8, 8, 1))");
        assertThat(network).contains("new ConvolutionLayer.Builder(3, 3).name(\"conv1\").nOut(16).stride(1, 1)"
                + ".padding(0, 0).dilation(1, 1).convolutionMode(ConvolutionMode.Same).activation(Activation.RELU)");
        assertThat(network).contains("new SubsamplingLayer.Builder(PoolingType.MAX).name(\"pool\").kernelSize(2, 2)"
                + ".stride(2, 2).padding(0, 0).convolutionMode(ConvolutionMode.Truncate).build()");
        assertThat(network).contains("new GlobalPoolingLayer.Builder(PoolingType.MAX).name(\"gap\").build()");
        // 8x8x1 -> same 3x3: 8x8x16, (9+1)*16 = 160 -> batch norm 4*16 = 64 -> pool 2: 4x4x16
        // -> 3x2 stride {1,2}: height (4-3)/1+1 = 2, width (4-2)/2+1 = 2: 2x2x32, (3*2*16+1)*32 = 3,104
        // -> global max: 32 -> dense 32: 32*32+32 = 1,056 -> output 10: 330
        assertThat(network).containsMatch("conv1 +Conv2D +8x8x16 +160 ");
        assertThat(network).containsMatch("norm +BatchNorm +8x8x16 +64 ");
        assertThat(network).containsMatch("pool +Pool2D +4x4x16 +0 ");
        assertThat(network).containsMatch("conv2 +Conv2D +2x2x32 +3,104 ");
        assertThat(network).containsMatch("gap +GlobalPool +32 +0 ");
        assertThat(network).containsMatch("hidden +Dense +32 +1,056 ");
        assertThat(network).containsMatch("out +Output +10 +330 ");
        assertThat(network).contains("total params: 4,714");
    }

    @Test
    void denseRightAfterAConvolutionFlattensTheImage() {
        JavaFileObject spec = image("@Image(height = 5, width = 5)", 25,
                "    @Conv2D(filters = 2, kernel = 2) Layer conv;",
                "    @Dense(units = 4) Layer hidden;");
        Compilation c = compile(spec);
        assertAccepted(c, "test.Digits");
        // 5x5 -> 2x2 valid: 4x4x2 = 32 values -> dense 4: 32*4+4 = 132
        assertThat(generated(c, "test.DigitsNetwork")).containsMatch("hidden +Dense +4 +132 ");
    }
}
