package io.kiln.processor;

import com.palantir.javapoet.ClassName;
import io.kiln.dsl.Activation;
import io.kiln.dsl.SimpleRnn;

/** {@code @SimpleRnn}: a simple recurrent layer over a sequence, optionally bidirectional. */
record SimpleRnnLayer(String name, int units, Activation activation, boolean bidirectional, double learningRate) implements RecurrentLayer {
    static final Attr<Integer> UNITS = Attr.of(SimpleRnn.class, SimpleRnn::units);
    static final Attr<Double> LEARNING_RATE = Attr.of(SimpleRnn.class, SimpleRnn::learningRate);
    static final Attr<Activation> ACTIVATION = Attr.of(SimpleRnn.class, SimpleRnn::activation);
    static final Attr<Boolean> BIDIRECTIONAL = Attr.of(SimpleRnn.class, SimpleRnn::bidirectional);

    static SimpleRnnLayer read(LayerReading r) {
        // DL4J's recurrent layers would inherit the global sigmoid: tanh is the usual cell activation
        return new SimpleRnnLayer(r.name, r.units(UNITS), r.activation(ACTIVATION, Activation.TANH),
                r.get(BIDIRECTIONAL), r.rate(LEARNING_RATE));
    }

    @Override
    public String annotation() {
        return "SimpleRnn";
    }

    @Override
    public int gates() {
        return 1;
    }

    @Override
    public ClassName dl4jType() {
        return Names.SIMPLE_RNN;
    }
}
