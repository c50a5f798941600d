package io.kiln.processor;

import com.palantir.javapoet.CodeBlock;
import io.kiln.dsl.Activation;
import io.kiln.dsl.Conv1D;

/** {@code @Conv1D}: a 1-D convolution of {@code filters} along a sequence, optionally causal. */
record Conv1DLayer(String name, int filters, Activation activation, Window window, double learningRate) implements LayerModel {
    static final Attr<Integer> FILTERS = Attr.of(Conv1D.class, Conv1D::filters);
    static final Attr<Double> LEARNING_RATE = Attr.of(Conv1D.class, Conv1D::learningRate);
    static final Attr<Integer> KERNEL = Attr.of(Conv1D.class, Conv1D::kernel);
    static final Attr<Integer> STRIDE = Attr.of(Conv1D.class, Conv1D::stride);
    static final Attr<Integer> PADDING = Attr.of(Conv1D.class, Conv1D::padding);
    static final Attr<Integer> DILATION = Attr.of(Conv1D.class, Conv1D::dilation);
    static final Attr<Boolean> SAME = Attr.of(Conv1D.class, Conv1D::same);
    static final Attr<Boolean> CAUSAL = Attr.of(Conv1D.class, Conv1D::causal);
    static final Attr<Activation> ACTIVATION = Attr.of(Conv1D.class, Conv1D::activation);

    static Conv1DLayer read(LayerReading r) {
        int filters = r.filters(FILTERS);
        int kernel = r.atLeast(KERNEL, 1);
        int stride = r.atLeast(STRIDE, 1);
        int padding = r.atLeast(PADDING, 0);
        int dilation = r.atLeast(DILATION, 1);
        boolean same = r.get(SAME);
        boolean causal = r.get(CAUSAL);
        r.samePadding(same || causal, padding != 0, PADDING, causal ? "causal" : "same");
        if (same && causal) {
            r.error(SAME, Message.CAUSAL_WITH_SAME.format(r.name));
        }
        return new Conv1DLayer(r.name, filters, r.activation(ACTIVATION, Activation.RELU),
                new Window(kernel, 1, stride, 1, padding, 0, dilation, 1, same, null, causal), r.rate(LEARNING_RATE));
    }

    @Override
    public String annotation() {
        return "Conv1D";
    }

    @Override
    public boolean hasWeights() {
        return true;
    }

    @Override
    public Shapes.Step infer(Shapes.Walk walk) {
        Shapes.Sequence in = walk.sequence(this);
        walk.sequencer = this;
        if (in == null) { // go on from a one-step sequence, so the layers after it are checked on their own
            return Shapes.Step.recovered(new Shapes.Sequence(1, filters), -1);
        }
        long steps = Shapes.window1d(walk, this, in, window, false, KERNEL, STRIDE);
        return Shapes.Step.of(new Shapes.Sequence(steps, filters),
                ((long) window.kernelHeight() * in.channels() + 1) * filters);
    }

    @Override
    public void write(NetworkWriter writer, NetworkWriter.Context c) {
        Window w = window;
        writer.layer(this, CodeBlock.of("new $T.Builder($L, $L, $L).name($S).nOut($L).dilation($L)"
                        + ".convolutionMode($T.$L).activation($T.$L)$L$L.build()",
                Names.CONVOLUTION_1D, w.kernelHeight(), w.strideHeight(), w.padHeight(), name, filters,
                w.dilationHeight(), Names.CONVOLUTION_MODE, w.mode(), Names.ND4J_ACTIVATION,
                NetworkGenerator.dl4j(activation), NetworkGenerator.reluInit(activation),
                c.penalties().layerCalls(this)), false);
    }

    @Override
    public String detail() {
        return window.describe1d(true) + ", " + activation.name();
    }

    @Override
    public String specText() {
        return "Conv1D(filters = " + filters + ", kernel = " + window.kernelHeight() + ", stride = "
                + window.strideHeight() + ", padding = " + window.padHeight() + ", dilation = "
                + window.dilationHeight() + ", same = " + window.same() + ", causal = " + window.causal()
                + ", activation = " + activation + ")";
    }
}
