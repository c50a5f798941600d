package io.kiln.processor;

import com.palantir.javapoet.CodeBlock;
import io.kiln.dsl.Pool1D;
import io.kiln.dsl.Pooling;

/** {@code @Pool1D}: max or average pooling over a window of steps of a sequence. */
record Pool1DLayer(String name, Window window) implements LayerModel {
    static final Attr<Pooling> TYPE = Attr.of(Pool1D.class, Pool1D::type);
    static final Attr<Integer> KERNEL = Attr.of(Pool1D.class, Pool1D::kernel);
    static final Attr<Integer> STRIDE = Attr.of(Pool1D.class, Pool1D::stride);
    static final Attr<Boolean> SAME = Attr.of(Pool1D.class, Pool1D::same);

    static Pool1DLayer read(LayerReading r) {
        int kernel = r.atLeast(KERNEL, 1);
        int stride = r.get(STRIDE) == 0 ? kernel : r.atLeast(STRIDE, 1);
        return new Pool1DLayer(r.name, new Window(kernel, 1, stride, 1, 0, 0, 1, 1, r.get(SAME), r.get(TYPE), false));
    }

    @Override
    public String annotation() {
        return "Pool1D";
    }

    @Override
    public Shapes.Step infer(Shapes.Walk walk) {
        Shapes.Sequence in = walk.sequence(this);
        walk.sequencer = this;
        if (in == null) { // go on from a one-step sequence, so the layers after it are checked on their own
            return Shapes.Step.recovered(new Shapes.Sequence(1, Math.max(1, walk.flatSize())), -1);
        }
        long steps = Shapes.window1d(walk, this, in, window, true, KERNEL, STRIDE);
        return Shapes.Step.of(new Shapes.Sequence(steps, in.channels()), 0);
    }

    @Override
    public void write(NetworkWriter writer, NetworkWriter.Context c) {
        // no padding: DL4J M2.1's 1-D pooling fails at the first forward pass with any (docs/dl4j-notes.md)
        writer.layer(this, CodeBlock.of("new $T.Builder($T.$L).kernelSize($L).stride($L).name($S).convolutionMode($T.$L)"
                        + ".build()",
                Names.SUBSAMPLING_1D, Names.POOLING_TYPE, window.pooling(), window.kernelHeight(),
                window.strideHeight(), name, Names.CONVOLUTION_MODE, window.mode()), false);
    }

    @Override
    public String detail() {
        return window.pooling() + " " + window.describe1d(false);
    }

    @Override
    public String specText() {
        return "Pool1D(type = " + window.pooling() + ", kernel = " + window.kernelHeight() + ", stride = "
                + window.strideHeight() + ", same = " + window.same() + ")";
    }
}
