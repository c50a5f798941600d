package io.kiln.processor;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import io.kiln.dsl.Activation;

/** What the two recurrent kinds ({@link LstmLayer}, {@link SimpleRnnLayer}) share: the shape rule and the DL4J code. */
final class RecurrentLayers {
    private RecurrentLayers() {}

    /**
     * A recurrent layer of {@code units} over a sequence ({@code gates}: 4 for an LSTM, 1 for a
     * simple RNN); bidirectional doubles the outputs and the weights.
     */
    static Shapes.Step infer(LayerModel layer, int units, boolean bidirectional, int gates, Shapes.Walk walk) {
        Shapes.Sequence in = walk.sequence(layer);
        walk.sequencer = layer;
        long width = bidirectional ? 2L * units : units;
        if (in == null) { // go on from a one-step sequence, so the layers after it are checked on their own
            return Shapes.Step.recovered(new Shapes.Sequence(1, width), -1);
        }
        long n = units;
        long one = gates * (in.channels() * n + n * n + n);
        return Shapes.Step.of(new Shapes.Sequence(in.steps(), width), bidirectional ? 2 * one : one);
    }

    static void write(LayerModel layer, ClassName type, int units, Activation activation, boolean bidirectional,
            NetworkWriter writer, NetworkWriter.Context c) {
        CodeBlock rnn = CodeBlock.of("new $T.Builder().name($S).nOut($L).activation($T.$L)$L.build()", type,
                layer.name(), units, Names.ND4J_ACTIVATION, NetworkGenerator.dl4j(activation),
                c.penalties().layerCalls(layer));
        writer.layer(layer, bidirectional
                ? CodeBlock.of("new $T($T.Mode.CONCAT, $L)", Names.BIDIRECTIONAL, Names.BIDIRECTIONAL, rnn)
                : rnn, false);
    }

    static String detail(Activation activation, boolean bidirectional) {
        return activation.name() + (bidirectional ? ", bidirectional" : "");
    }

    static String specText(String annotation, int units, Activation activation, boolean bidirectional) {
        return annotation + "(units = " + units + ", activation = " + activation + ", bidirectional = " + bidirectional
                + ")";
    }
}
