package io.kiln.processor;

import io.kiln.dsl.Activation;
import io.kiln.dsl.Lstm;

/** {@code @Lstm}: a long short-term memory layer over a sequence, optionally bidirectional. */
record LstmLayer(String name, int units, Activation activation, boolean bidirectional) implements LayerModel {
    static final Attr<Integer> UNITS = Attr.of(Lstm.class, Lstm::units);
    static final Attr<Activation> ACTIVATION = Attr.of(Lstm.class, Lstm::activation);
    static final Attr<Boolean> BIDIRECTIONAL = Attr.of(Lstm.class, Lstm::bidirectional);

    static LstmLayer read(LayerReading r) {
        // DL4J's recurrent layers would inherit the global sigmoid: tanh is the usual cell activation
        return new LstmLayer(r.name, r.units(UNITS), r.activation(ACTIVATION, Activation.TANH), r.get(BIDIRECTIONAL));
    }

    @Override
    public String annotation() {
        return "Lstm";
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
        return RecurrentLayers.infer(this, units, bidirectional, 4, walk);
    }

    @Override
    public void write(NetworkWriter writer, NetworkWriter.Context c) {
        RecurrentLayers.write(this, Names.LSTM, units, activation, bidirectional, writer, c);
    }

    @Override
    public String detail() {
        return RecurrentLayers.detail(activation, bidirectional);
    }

    @Override
    public String specText() {
        return RecurrentLayers.specText("Lstm", units, activation, bidirectional);
    }
}
