package io.kiln.processor;

import com.palantir.javapoet.CodeBlock;
import io.kiln.dsl.Embedding;

/** {@code @Embedding}: a vector of {@code units} for each token id of a {@code @Text} feature. */
record EmbeddingLayer(String name, int units, String vectors, boolean freeze) implements LayerModel {
    static final Attr<Integer> UNITS = Attr.of(Embedding.class, Embedding::units);
    static final Attr<String> VECTORS = Attr.of(Embedding.class, Embedding::vectors);
    static final Attr<Boolean> FREEZE = Attr.of(Embedding.class, Embedding::freeze);

    static EmbeddingLayer read(LayerReading r) {
        String vectors = r.annotation.get(VECTORS);
        boolean freeze = r.annotation.get(FREEZE);
        if (freeze && vectors.isEmpty()) {
            r.context.reporter.error(r.annotation, FREEZE, Message.EMBEDDING_FREEZE.format(r.name));
        }
        return new EmbeddingLayer(r.name, r.units(UNITS), vectors, freeze);
    }

    @Override
    public String annotation() {
        return "Embedding";
    }

    @Override
    public boolean hasWeights() {
        return true;
    }

    @Override
    public boolean takesTokens() {
        return true;
    }

    @Override
    public Shapes.Step infer(Shapes.Walk walk) {
        walk.sequencer = this;
        if (!(walk.shape instanceof Shapes.Tokens t)) {
            LayerModel before = walk.before();
            walk.problem(null, Message.EMBEDDING_NEEDS_TOKENS.format(name, before == null
                    ? "the spec's features form " + walk.inputWords()
                    : "it follows '" + before.name() + "' (@" + before.annotation() + ")"));
            return Shapes.Step.recovered(new Shapes.Sequence(walk.shape instanceof Shapes.Sequence s ? s.steps() : 1,
                    units), -1);
        }
        return Shapes.Step.of(new Shapes.Sequence(t.length(), units), (t.vocabulary() + 2) * units);
    }

    @Override
    public void write(NetworkWriter writer, NetworkWriter.Context c) { // ids 0 (padding) and 1 (unknown), then the vocabulary
        SpecModel.TextModel text = c.spec().features().get(0).text();
        writer.layer(this, CodeBlock.of("new $T.Builder().name($S).nIn($L).nOut($L).inputLength($L).build()",
                Names.EMBEDDING_SEQUENCE, name, text.vocabulary() + 2, units, text.maxTokens()), false);
    }

    @Override
    public String detail() {
        return vectors.isEmpty() ? "" : "pretrained " + vectors + (freeze ? ", frozen" : "");
    }

    @Override
    public String specText() {
        return "Embedding(units = " + units + (vectors.isEmpty() ? "" : ", vectors = \"" + vectors + "\", freeze = "
                + freeze) + ")";
    }
}
