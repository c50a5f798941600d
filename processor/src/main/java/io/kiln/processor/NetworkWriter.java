package io.kiln.processor;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import io.kiln.dsl.Activation;
import java.util.HashMap;
import java.util.Map;

/**
 * Where layers write themselves into a DL4J configuration: a stack of layers
 * ({@code MultiLayerConfiguration}, {@link #chain}) or a graph ({@code ComputationGraphConfiguration},
 * {@link #graph}), as {@code NetworkGenerator} chose. A layer is held until the next one arrives, so
 * that {@code @LastTimeStep} can wrap it.
 */
abstract class NetworkWriter {
    /**
     * What a layer needs to write its DL4J code: the spec, the penalties in effect, and the shapes
     * the walk found before ({@code input}) and after ({@code output}) it.
     */
    record Context(SpecModel spec, NetworkGenerator.Penalties penalties, Shapes.Shape input, Shapes.Shape output) {}

    /** A layer not written yet; {@code vectorFromSequence}: its output is a vector DL4J types as a sequence. */
    private record Pending(String name, CodeBlock built, boolean vectorFromSequence) {}

    final CodeBlock.Builder code;
    private Pending pending;

    private NetworkWriter(CodeBlock.Builder code) {
        this.code = code;
    }

    static NetworkWriter chain(CodeBlock.Builder code) {
        return new Chain(code);
    }

    static NetworkWriter graph(CodeBlock.Builder code, String input) {
        return new Graph(code, input);
    }

    /**
     * A DL4J layer. {@code vectorFromSequence}: a global pooling of a sequence, which DL4J types as
     * a sequence though it is a vector; the next layer is told it takes a vector (a dropout layer
     * after it would otherwise fail in backprop).
     */
    final void layer(LayerModel layer, CodeBlock built, boolean vectorFromSequence) {
        flush(true);
        pending = new Pending(layer.name(), built, vectorFromSequence);
    }

    /** Wraps the layer written last ({@code @LastTimeStep} around its recurrent layer). */
    final void wrapLast(LayerModel wrapper, ClassName type) {
        pending = new Pending(pending.name(), CodeBlock.of("new $T($L)", type, pending.built()),
                pending.vectorFromSequence());
        named(wrapper.name(), pending.name());
    }

    /** An element-wise sum of the layer before and {@code from}, then {@code activation} unless identity. */
    abstract void residual(LayerModel layer, String from, Activation activation);

    /** Writes the last layer. */
    final void finish() {
        flush(false);
    }

    private void flush(boolean more) {
        if (pending != null) {
            emit(pending, more);
            pending = null;
        }
    }

    /** Writes {@code p}; {@code more}: another layer follows. */
    abstract void emit(Pending p, boolean more);

    /** Records that the layer field {@code name} is written as the vertex {@code vertex} (graphs only). */
    void named(String name, String vertex) {}

    final void flushForVertex() {
        flush(true);
    }

    private static final class Chain extends NetworkWriter {
        private int index; // the DL4J layer index: a last-step layer is its recurrent layer's wrapper, not a layer

        Chain(CodeBlock.Builder code) {
            super(code);
        }

        @Override
        void emit(Pending p, boolean more) {
            code.add(".layer($L)\n", p.built());
            if (p.vectorFromSequence() && more) {
                code.add(".inputPreProcessor($L, new $T())\n", index + 1, Names.RNN_TO_FEED_FORWARD);
            }
            index++;
        }

        @Override
        void residual(LayerModel layer, String from, Activation activation) {
            throw new IllegalStateException("a residual connection makes the network a graph");
        }
    }

    /**
     * A graph: each layer takes the vertex before it, and a residual connection is an element-wise
     * sum of that and the vertex it names (followed by an activation layer of its name when it
     * declares one).
     */
    private static final class Graph extends NetworkWriter {
        private final String input;
        private final Map<String, String> vertexOf = new HashMap<>(); // a layer field's vertex
        private String previous;
        private boolean pooledSequence;

        Graph(CodeBlock.Builder code, String input) {
            super(code);
            this.input = input;
            this.previous = input;
        }

        @Override
        void emit(Pending p, boolean more) {
            if (pooledSequence) { // as in the layer stack: the pooled sequence is a vector
                code.add(".addLayer($S, $L, new $T(), $S)\n", p.name(), p.built(), Names.RNN_TO_FEED_FORWARD,
                        previous);
            } else {
                code.add(".addLayer($S, $L, $S)\n", p.name(), p.built(), previous);
            }
            pooledSequence = p.vectorFromSequence();
            previous = p.name();
            vertexOf.put(p.name(), previous);
        }

        @Override
        void named(String name, String vertex) {
            vertexOf.put(name, vertex);
        }

        @Override
        void residual(LayerModel layer, String from, Activation activation) {
            flushForVertex();
            String shortcut = LayerModel.INPUT.equals(from) ? input : vertexOf.get(from);
            boolean activated = activation != Activation.IDENTITY;
            String sum = activated ? layer.name() + "/sum" : layer.name();
            code.add(".addVertex($S, new $T($T.Op.Add), $S, $S)\n", sum, Names.ELEMENT_WISE_VERTEX,
                    Names.ELEMENT_WISE_VERTEX, previous, shortcut);
            if (activated) {
                code.add(".addLayer($S, new $T.Builder().name($S).activation($T.$L).build(), $S)\n", layer.name(),
                        Names.ACTIVATION_LAYER, layer.name(), Names.ND4J_ACTIVATION, NetworkGenerator.dl4j(activation),
                        sum);
            }
            previous = layer.name();
            vertexOf.put(layer.name(), previous);
        }

        /** The vertex the network's output is read from. */
        String output() {
            return previous;
        }
    }

    /** The graph's output vertex, after {@link #finish}. */
    String graphOutput() {
        return ((Graph) this).output();
    }
}
