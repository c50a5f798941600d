package io.kiln.processor;

import com.palantir.javapoet.CodeBlock;
import io.kiln.dsl.Activation;
import io.kiln.dsl.Dense;

/** {@code @Dense}: a fully connected layer of {@code units}, with its own penalties. */
record DenseLayer(String name, int units, Activation activation, double l1, double l2, double learningRate) implements LayerModel {
    static final Attr<Integer> UNITS = Attr.of(Dense.class, Dense::units);
    static final Attr<Double> LEARNING_RATE = Attr.of(Dense.class, Dense::learningRate);
    static final Attr<Activation> ACTIVATION = Attr.of(Dense.class, Dense::activation);
    static final Attr<Double> L1 = Attr.of(Dense.class, Dense::l1);
    static final Attr<Double> L2 = Attr.of(Dense.class, Dense::l2);

    static DenseLayer read(LayerReading r) {
        return new DenseLayer(r.name, r.units(UNITS), r.activation(ACTIVATION, Activation.RELU), r.penalty(L1),
                r.penalty(L2), r.rate(LEARNING_RATE));
    }

    @Override
    public String annotation() {
        return "Dense";
    }

    @Override
    public boolean hasWeights() {
        return true;
    }

    @Override
    public Shapes.Shape afterTokens(Shapes.Tokens tokens, Shapes.Walk walk) {
        walk.flattener = this;
        return new Shapes.Flat(units);
    }

    @Override
    public Shapes.Step infer(Shapes.Walk walk) {
        return fullyConnected(this, units, walk);
    }

    /** A dense or output layer: {@code units} outputs, each weighing every input value (an image flattened). */
    static Shapes.Step fullyConnected(LayerModel layer, int units, Shapes.Walk walk) {
        Shapes.Shape shape = walk.vectorInput(layer);
        long in = shape instanceof Shapes.Image image ? image.size() : ((Shapes.Flat) shape).size();
        if (shape instanceof Shapes.Image) {
            walk.flattener = layer;
        }
        return Shapes.Step.of(new Shapes.Flat(units), in < 0 ? -1 : in * units + units);
    }

    @Override
    public void write(NetworkWriter writer, NetworkWriter.Context c) {
        writer.layer(this, CodeBlock.of("new $T.Builder().name($S).nOut($L).activation($T.$L)$L$L.build()",
                Names.DENSE_LAYER, name, units, Names.ND4J_ACTIVATION, NetworkGenerator.dl4j(activation),
                NetworkGenerator.reluInit(activation), c.penalties().layerCalls(this)), false);
    }

    @Override
    public String detail() {
        return activation.name();
    }

    @Override
    public String specText() {
        return "Dense(units = " + units + ", activation = " + activation + SpecText.penalties(this) + ")";
    }
}
