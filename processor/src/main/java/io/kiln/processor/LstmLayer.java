package io.kiln.processor;

import com.palantir.javapoet.ClassName;
import io.kiln.dsl.Activation;
import io.kiln.dsl.Lstm;

/** {@code @Lstm}: a long short-term memory layer over a sequence, optionally bidirectional. */
record LstmLayer(String name, int units, Activation activation, boolean bidirectional, double learningRate) implements RecurrentLayer {
    static final Attr<Integer> UNITS = Attr.of(Lstm.class, Lstm::units);
    static final Attr<Double> LEARNING_RATE = Attr.of(Lstm.class, Lstm::learningRate);
    static final Attr<Activation> ACTIVATION = Attr.of(Lstm.class, Lstm::activation);
    static final Attr<Boolean> BIDIRECTIONAL = Attr.of(Lstm.class, Lstm::bidirectional);

    static LstmLayer read(LayerReading r) {
        // DL4J's recurrent layers would inherit the global sigmoid: tanh is the usual cell activation
        return new LstmLayer(r.name, r.units(UNITS), r.activation(ACTIVATION, Activation.TANH), r.get(BIDIRECTIONAL),
                r.rate(LEARNING_RATE));
    }

    @Override
    public String annotation() {
        return "Lstm";
    }

    @Override
    public int gates() {
        return 4;
    }

    @Override
    public ClassName dl4jType() {
        return Names.LSTM;
    }
}
