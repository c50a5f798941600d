package io.kiln.processor;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import io.kiln.dsl.Activation;

/**
 * What the recurrent kinds ({@link LstmLayer}, {@link SimpleRnnLayer}) share: weights, the shape
 * rule, the DL4J code, the layer-table detail and the spec text. Each kind gives its gates (4 for
 * an LSTM, 1 for a simple RNN) and its DL4J class.
 */
sealed interface RecurrentLayer extends LayerModel permits LstmLayer, SimpleRnnLayer {
    int units();

    Activation activation();

    boolean bidirectional();

    /** Weight matrices per unit: 4 for an LSTM's gates, 1 for a simple RNN. */
    int gates();

    /** The DL4J layer class. */
    ClassName dl4jType();

    @Override
    default boolean hasWeights() {
        return true;
    }

    @Override
    default boolean recurrent() {
        return true;
    }

    /** {@code units} over a sequence; bidirectional doubles the outputs and the weights. */
    @Override
    default Shapes.Step infer(Shapes.Walk walk) {
        Shapes.Sequence in = walk.sequence(this);
        walk.sequencer = this;
        long width = bidirectional() ? 2L * units() : units();
        if (in == null) { // go on from a one-step sequence, so the layers after it are checked on their own
            return Shapes.Step.recovered(new Shapes.Sequence(1, width), -1);
        }
        long n = units();
        long one = gates() * (in.channels() * n + n * n + n);
        return Shapes.Step.of(new Shapes.Sequence(in.steps(), width), bidirectional() ? 2 * one : one);
    }

    @Override
    default void write(NetworkWriter writer, NetworkWriter.Context c) {
        CodeBlock rnn = CodeBlock.of("new $T.Builder().name($S).nOut($L).activation($T.$L)$L.build()", dl4jType(),
                name(), units(), Names.ND4J_ACTIVATION, NetworkGenerator.dl4j(activation()),
                c.penalties().layerCalls(this));
        writer.layer(this, bidirectional()
                ? CodeBlock.of("new $T($T.Mode.CONCAT, $L)", Names.BIDIRECTIONAL, Names.BIDIRECTIONAL, rnn)
                : rnn, false);
    }

    @Override
    default String detail() {
        return activation().name() + (bidirectional() ? ", bidirectional" : "");
    }

    @Override
    default String specText() {
        return annotation() + "(units = " + units() + ", activation = " + activation() + ", bidirectional = "
                + bidirectional() + ")";
    }
}
