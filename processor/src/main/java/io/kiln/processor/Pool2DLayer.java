package io.kiln.processor;

import com.palantir.javapoet.CodeBlock;
import io.kiln.dsl.Pool2D;
import io.kiln.dsl.Pooling;

/** {@code @Pool2D}: max or average pooling over a window of an image. */
record Pool2DLayer(String name, Window window) implements LayerModel {
    static final Attr<Pooling> TYPE = Attr.of(Pool2D.class, Pool2D::type);
    static final Attr<int[]> KERNEL = Attr.of(Pool2D.class, Pool2D::kernel);
    static final Attr<int[]> STRIDE = Attr.of(Pool2D.class, Pool2D::stride);
    static final Attr<int[]> PADDING = Attr.of(Pool2D.class, Pool2D::padding);
    static final Attr<Boolean> SAME = Attr.of(Pool2D.class, Pool2D::same);

    static Pool2DLayer read(LayerReading r) {
        return new Pool2DLayer(r.name, r.window2d(KERNEL, STRIDE, PADDING, null, SAME, r.get(TYPE)));
    }

    @Override
    public String annotation() {
        return "Pool2D";
    }

    @Override
    public Shapes.Step infer(Shapes.Walk walk) {
        Shapes.Image in = walk.image(this);
        if (in == null) {
            return Shapes.Step.recovered(walk.shape, -1);
        }
        Shapes.Image out = Shapes.fitted(walk, this, in, Shapes.window2d(walk, this, in, window, in.channels(), STRIDE),
                window, true, KERNEL);
        return Shapes.Step.of(out, 0);
    }

    @Override
    public void write(NetworkWriter writer, NetworkWriter.Context c) {
        Window w = window;
        writer.layer(this, CodeBlock.of("new $T.Builder($T.$L).name($S).kernelSize($L, $L).stride($L, $L).padding($L, $L)"
                        + ".convolutionMode($T.$L).build()",
                Names.SUBSAMPLING_LAYER, Names.POOLING_TYPE, w.pooling(), name, w.kernelHeight(), w.kernelWidth(),
                w.strideHeight(), w.strideWidth(), w.padHeight(), w.padWidth(), Names.CONVOLUTION_MODE, w.mode()), false);
    }

    @Override
    public String detail() {
        return window.pooling() + " " + window.describe2d(false);
    }

    @Override
    public String specText() {
        return "Pool2D(type = " + window.pooling() + window.specText2d() + ")";
    }
}
