package io.kiln.processor;

import com.palantir.javapoet.CodeBlock;
import io.kiln.dsl.BatchNorm;

/** {@code @BatchNorm}: normalizes each unit or channel over the minibatch. */
record BatchNormLayer(String name, double decay, double epsilon) implements LayerModel {
    static final Attr<Double> DECAY = Attr.of(BatchNorm.class, BatchNorm::decay);
    static final Attr<Double> EPSILON = Attr.of(BatchNorm.class, BatchNorm::epsilon);

    static BatchNormLayer read(LayerReading r) {
        double decay = r.get(DECAY);
        if (!(decay > 0 && decay < 1)) {
            r.error(DECAY, Message.BATCH_NORM_DECAY.format(decay));
        }
        r.context.positive(r.annotation, EPSILON);
        return new BatchNormLayer(r.name, decay, r.get(EPSILON));
    }

    @Override
    public String annotation() {
        return "BatchNorm";
    }

    @Override
    public Shapes.Step infer(Shapes.Walk walk) {
        Shapes.Shape shape = walk.vectorInput(this);
        // DL4J keeps gamma, beta, the running mean and the variance: 4 per channel or unit
        long n = shape instanceof Shapes.Image in ? in.channels() : ((Shapes.Flat) shape).size();
        return Shapes.Step.of(shape, n < 0 ? -1 : 4 * n);
    }

    @Override
    public void write(NetworkWriter writer, NetworkWriter.Context c) {
        writer.layer(this, CodeBlock.of("new $T.Builder().name($S).decay($L).eps($L).build()",
                Names.BATCH_NORMALIZATION, name, decay, epsilon), false);
    }

    @Override
    public String detail() {
        return "decay " + decay;
    }

    @Override
    public String specText() {
        return "BatchNorm(decay = " + decay + ", epsilon = " + epsilon + ")";
    }
}
