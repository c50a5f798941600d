package io.kiln.processor;

/**
 * One layer as declared, with every default resolved. Each layer kind is one record that holds
 * everything about it: how its annotation is read and checked (a static {@code read}, registered
 * in {@link LayerKinds}), its shape rule ({@link #infer}), its DL4J code ({@link #write}), its row
 * in the layer table ({@link #detail}) and its canonical spec text ({@link #specText}). The
 * interface is sealed and every method without a default is abstract, so a kind that misses one
 * does not compile.
 */
sealed interface LayerModel permits DenseLayer, DropoutLayer, BatchNormLayer, OutputLayer, Conv2DLayer,
        SeparableConv2DLayer, Pool2DLayer, GlobalPoolLayer, RecurrentLayer, LastTimeStepLayer, Conv1DLayer,
        Pool1DLayer, EmbeddingLayer, ResidualLayer, SelfAttentionLayer {

    /** The input of the network, as a residual connection's {@code from} names it. */
    String INPUT = "input";

    /** The field's name, which is the DL4J layer's name. */
    String name();

    /** The simple name of the layer's annotation, as messages and the layer table write it. */
    String annotation();

    /** Whether the layer has weights that l1 and l2 penalize. */
    default boolean hasWeights() {
        return false;
    }

    /** The layer's own l1 penalty; negative when it inherits {@code @Regularization}'s. */
    default double l1() {
        return -1;
    }

    /** The layer's own l2 penalty; negative when it inherits {@code @Regularization}'s. */
    default double l2() {
        return -1;
    }

    /** The layer's own learning rate ({@code learningRate} on its annotation), or negative: the optimizer's. */
    default double learningRate() {
        return -1;
    }

    /** Recurrent layers, which {@code @LastTimeStep} can follow. */
    default boolean recurrent() {
        return false;
    }

    /** Whether the layer makes the network a graph rather than a stack (a residual connection). */
    default boolean needsGraph() {
        return false;
    }

    /** Whether the layer takes the token ids of a {@code @Text} feature. */
    default boolean takesTokens() {
        return false;
    }

    /**
     * The shape the walk goes on from after this layer was wrongly given token ids: by default a
     * sequence of one value per token.
     */
    default Shapes.Shape afterTokens(Shapes.Tokens tokens, Shapes.Walk walk) {
        walk.sequencer = this;
        return new Shapes.Sequence(tokens.length(), 1);
    }

    /** The layer's output shape and parameters from the walk's current shape, reporting what cannot run. */
    Shapes.Step infer(Shapes.Walk walk);

    /** Writes the layer into the DL4J configuration. */
    void write(NetworkWriter writer, NetworkWriter.Context context);

    /** The layer table's detail column, without the penalties (which the table adds). */
    String detail();

    /** The canonical text of the annotation, without the {@code @}: {@code Dense(units = 64, ...)}. */
    String specText();
}
