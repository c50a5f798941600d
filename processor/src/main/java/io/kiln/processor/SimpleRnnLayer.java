package io.kiln.processor;

import io.kiln.dsl.Activation;
import io.kiln.dsl.SimpleRnn;

/** {@code @SimpleRnn}: a simple recurrent layer over a sequence, optionally bidirectional. */
record SimpleRnnLayer(String name, int units, Activation activation, boolean bidirectional) implements LayerModel {
    static final Attr<Integer> UNITS = Attr.of(SimpleRnn.class, SimpleRnn::units);
    static final Attr<Activation> ACTIVATION = Attr.of(SimpleRnn.class, SimpleRnn::activation);
    static final Attr<Boolean> BIDIRECTIONAL = Attr.of(SimpleRnn.class, SimpleRnn::bidirectional);

    static SimpleRnnLayer read(LayerReading r) {
        // DL4J's recurrent layers would inherit the global sigmoid: tanh is the usual cell activation
        return new SimpleRnnLayer(r.name, r.units(UNITS), r.activation(ACTIVATION, Activation.TANH), r.get(BIDIRECTIONAL));
    }

    @Override
    public String annotation() {
        return "SimpleRnn";
    }

    @Override
    public boolean hasWeights() {
        return true;
    }

    @Override
    public boolean recurrent() {
        return true;
    }

    @Override
    public Shapes.Step infer(Shapes.Walk walk) {
        return RecurrentLayers.infer(this, units, bidirectional, 1, walk);
    }

    @Override
    public void write(NetworkWriter writer, NetworkWriter.Context c) {
        RecurrentLayers.write(this, Names.SIMPLE_RNN, units, activation, bidirectional, writer, c);
    }

    @Override
    public String detail() {
        return RecurrentLayers.detail(activation, bidirectional);
    }

    @Override
    public String specText() {
        return RecurrentLayers.specText("SimpleRnn", units, activation, bidirectional);
    }
}
