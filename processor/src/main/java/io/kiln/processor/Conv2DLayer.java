package io.kiln.processor;

import com.palantir.javapoet.CodeBlock;
import io.kiln.dsl.Activation;
import io.kiln.dsl.Conv2D;

/** {@code @Conv2D}: a 2-D convolution of {@code filters} over an image. */
record Conv2DLayer(String name, int filters, Activation activation, Window window, double learningRate) implements LayerModel {
    static final Attr<Integer> FILTERS = Attr.of(Conv2D.class, Conv2D::filters);
    static final Attr<Double> LEARNING_RATE = Attr.of(Conv2D.class, Conv2D::learningRate);
    static final Attr<int[]> KERNEL = Attr.of(Conv2D.class, Conv2D::kernel);
    static final Attr<int[]> STRIDE = Attr.of(Conv2D.class, Conv2D::stride);
    static final Attr<int[]> PADDING = Attr.of(Conv2D.class, Conv2D::padding);
    static final Attr<int[]> DILATION = Attr.of(Conv2D.class, Conv2D::dilation);
    static final Attr<Boolean> SAME = Attr.of(Conv2D.class, Conv2D::same);
    static final Attr<Activation> ACTIVATION = Attr.of(Conv2D.class, Conv2D::activation);

    static Conv2DLayer read(LayerReading r) {
        int filters = r.filters(FILTERS);
        return new Conv2DLayer(r.name, filters, r.activation(ACTIVATION, Activation.RELU),
                r.window2d(KERNEL, STRIDE, PADDING, DILATION, SAME, null), r.rate(LEARNING_RATE));
    }

    @Override
    public String annotation() {
        return "Conv2D";
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
        Shapes.Image out = Shapes.fitted(walk, this, in, Shapes.window2d(walk, this, in, window, filters, STRIDE),
                window, false, KERNEL);
        long taps = (long) window.kernelHeight() * window.kernelWidth();
        return Shapes.Step.of(out, (taps * in.channels() + 1) * filters);
    }

    @Override
    public void write(NetworkWriter writer, NetworkWriter.Context c) {
        Window w = window;
        writer.layer(this, CodeBlock.of("new $T.Builder($L, $L).name($S).nOut($L).stride($L, $L).padding($L, $L)"
                        + ".dilation($L, $L).convolutionMode($T.$L).activation($T.$L)$L$L.build()",
                Names.CONVOLUTION_LAYER, w.kernelHeight(), w.kernelWidth(), name, filters, w.strideHeight(),
                w.strideWidth(), w.padHeight(), w.padWidth(), w.dilationHeight(), w.dilationWidth(),
                Names.CONVOLUTION_MODE, w.mode(), Names.ND4J_ACTIVATION, NetworkGenerator.dl4j(activation),
                NetworkGenerator.reluInit(activation), c.penalties().layerCalls(this)), false);
    }

    @Override
    public String detail() {
        return window.describe2d(true) + ", " + activation.name();
    }

    @Override
    public String specText() {
        return "Conv2D(filters = " + filters + window.specText2d() + ", dilation = {" + window.dilationHeight() + ", "
                + window.dilationWidth() + "}, activation = " + activation + ")";
    }
}
