package io.kiln.processor;

import com.palantir.javapoet.CodeBlock;
import io.kiln.dsl.SelfAttention;

/**
 * {@code @SelfAttention}: multi-head dot-product self-attention over a sequence; {@code units} 0
 * is as many as its input has, {@code headSize} 0 is units / heads.
 */
record SelfAttentionLayer(String name, int heads, int headSize, int units) implements LayerModel {
    static final Attr<Integer> HEADS = Attr.of(SelfAttention.class, SelfAttention::heads);
    static final Attr<Integer> HEAD_SIZE = Attr.of(SelfAttention.class, SelfAttention::headSize);
    static final Attr<Integer> UNITS = Attr.of(SelfAttention.class, SelfAttention::units);

    static SelfAttentionLayer read(LayerReading r) {
        int heads = r.positive(HEADS, "2");
        int headSize = r.get(HEAD_SIZE);
        if (headSize < 0) {
            r.error(HEAD_SIZE, Message.NOT_NEGATIVE.format("headSize", headSize,
                    "headSize = 0 (inferred from the width and the heads)"));
        }
        int units = r.get(UNITS);
        if (units < 0) {
            r.error(UNITS, Message.NOT_NEGATIVE.format("units", units, "units = 0 (the input's width)"));
        }
        // units 0 (the input's width) and the head size are resolved by the shape walk
        return new SelfAttentionLayer(r.name, heads, Math.max(0, headSize), Math.max(0, units));
    }

    @Override
    public String annotation() {
        return "SelfAttention";
    }

    @Override
    public Shapes.Step infer(Shapes.Walk walk) {
        Shapes.Sequence in = walk.sequence(this);
        walk.sequencer = this;
        if (in == null) { // go on from a one-step sequence, so the layers after it are checked on their own
            return Shapes.Step.recovered(new Shapes.Sequence(1, units == 0 ? Math.max(1, walk.flatSize()) : units), -1);
        }
        long width = units > 0 ? units : in.channels();
        if (headSize == 0 && width % heads != 0) {
            walk.problem(HEADS, Message.ATTENTION_HEADS.format(name, width, heads, width, heads, width));
        }
        long size = headSize > 0 ? headSize : Math.max(1, width / heads);
        // queries, keys and values: one projection each per head; then the heads to the output
        return Shapes.Step.of(new Shapes.Sequence(in.steps(), width),
                3 * heads * size * in.channels() + heads * size * width);
    }

    @Override
    public void write(NetworkWriter writer, NetworkWriter.Context c) {
        long width = ((Shapes.Sequence) c.output()).channels();
        long size = headSize > 0 ? headSize : width / heads;
        writer.layer(this, CodeBlock.of(
                "new $T.Builder().name($S).nOut($L).nHeads($L).headSize($L).projectInput(true).build()",
                Names.SELF_ATTENTION, name, width, heads, size), false);
    }

    @Override
    public String detail() {
        return heads + (heads == 1 ? " head" : " heads") + (headSize > 0 ? " of " + headSize : "");
    }

    @Override
    public String specText() {
        return "SelfAttention(heads = " + heads + ", headSize = " + headSize + ", units = " + units + ")";
    }
}
