package io.kiln.processor;

import com.palantir.javapoet.CodeBlock;
import io.kiln.dsl.Activation;
import io.kiln.dsl.SeparableConv2D;

/** {@code @SeparableConv2D}: a depthwise convolution per channel, then a 1x1 mix into {@code filters}. */
record SeparableConv2DLayer(String name, int filters, int depthMultiplier, Activation activation, Window window,
        double learningRate)
        implements LayerModel {
    static final Attr<Integer> FILTERS = Attr.of(SeparableConv2D.class, SeparableConv2D::filters);
    static final Attr<Double> LEARNING_RATE = Attr.of(SeparableConv2D.class, SeparableConv2D::learningRate);
    static final Attr<Integer> DEPTH_MULTIPLIER = Attr.of(SeparableConv2D.class, SeparableConv2D::depthMultiplier);
    static final Attr<int[]> KERNEL = Attr.of(SeparableConv2D.class, SeparableConv2D::kernel);
    static final Attr<int[]> STRIDE = Attr.of(SeparableConv2D.class, SeparableConv2D::stride);
    static final Attr<int[]> PADDING = Attr.of(SeparableConv2D.class, SeparableConv2D::padding);
    static final Attr<int[]> DILATION = Attr.of(SeparableConv2D.class, SeparableConv2D::dilation);
    static final Attr<Boolean> SAME = Attr.of(SeparableConv2D.class, SeparableConv2D::same);
    static final Attr<Activation> ACTIVATION = Attr.of(SeparableConv2D.class, SeparableConv2D::activation);

    static SeparableConv2DLayer read(LayerReading r) {
        int filters = r.filters(FILTERS);
        int multiplier = r.positive(DEPTH_MULTIPLIER, "1");
        Activation activation = r.activation(ACTIVATION, Activation.RELU);
        return new SeparableConv2DLayer(r.name, filters, multiplier, activation,
                r.window2d(KERNEL, STRIDE, PADDING, DILATION, SAME, null), r.rate(LEARNING_RATE));
    }

    @Override
    public String annotation() {
        return "SeparableConv2D";
    }

    @Override
    public boolean hasWeights() {
        return true;
    }

    @Override
    public Shapes.Step infer(Shapes.Walk walk) {
        Shapes.Image in = walk.image(this);
        if (in == null) {
            return Shapes.Step.recovered(walk.shape, -1);
        }
        Shapes.Image out = Shapes.window2d(walk, this, in, window, filters, STRIDE);
        if (in.height() == 1 && in.width() == 1) {
            walk.problem(null, Message.SEPARABLE_ONE_PIXEL.format(name, in.describe()));
        }
        out = Shapes.fitted(walk, this, in, out, window, false, KERNEL);
        if (in.channels() == 1) {
            walk.problem(null, Message.SEPARABLE_ONE_CHANNEL.format(name, in.describe()));
        }
        long taps = (long) window.kernelHeight() * window.kernelWidth();
        // depthwise taps per channel and multiplier, then a 1x1 mix with a bias per filter
        return Shapes.Step.of(out, taps * in.channels() * depthMultiplier
                + in.channels() * depthMultiplier * (long) filters + filters);
    }

    @Override
    public void write(NetworkWriter writer, NetworkWriter.Context c) {
        Window w = window;
        writer.layer(this, CodeBlock.of("new $T.Builder($L, $L).name($S).nOut($L).depthMultiplier($L).stride($L, $L)"
                        + ".padding($L, $L).dilation($L, $L).convolutionMode($T.$L).activation($T.$L)$L$L.build()",
                Names.SEPARABLE_CONVOLUTION, w.kernelHeight(), w.kernelWidth(), name, filters, depthMultiplier,
                w.strideHeight(), w.strideWidth(), w.padHeight(), w.padWidth(), w.dilationHeight(), w.dilationWidth(),
                Names.CONVOLUTION_MODE, w.mode(), Names.ND4J_ACTIVATION, NetworkGenerator.dl4j(activation),
                NetworkGenerator.reluInit(activation), c.penalties().layerCalls(this)), false);
    }

    @Override
    public String detail() {
        return window.describe2d(true) + ", depth x" + depthMultiplier + ", " + activation.name();
    }

    @Override
    public String specText() {
        return "SeparableConv2D(filters = " + filters + ", depthMultiplier = " + depthMultiplier + window.specText2d()
                + ", dilation = {" + window.dilationHeight() + ", " + window.dilationWidth() + "}, activation = "
                + activation + ")";
    }
}
