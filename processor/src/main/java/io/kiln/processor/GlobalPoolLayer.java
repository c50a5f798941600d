package io.kiln.processor;

import com.palantir.javapoet.CodeBlock;
import io.kiln.dsl.GlobalPool;
import io.kiln.dsl.Pooling;

/** {@code @GlobalPool}: pools an image over its height and width, or a sequence over its steps, into a vector. */
record GlobalPoolLayer(String name, Pooling type) implements LayerModel {
    static final Attr<Pooling> TYPE = Attr.of(GlobalPool.class, GlobalPool::type);

    static GlobalPoolLayer read(LayerReading r) {
        return new GlobalPoolLayer(r.name, r.get(TYPE));
    }

    @Override
    public String annotation() {
        return "GlobalPool";
    }

    @Override
    public Shapes.Step infer(Shapes.Walk walk) {
        if (walk.shape instanceof Shapes.Image in) {
            walk.flattener = this;
            return Shapes.Step.of(new Shapes.Flat(in.channels()), 0);
        }
        if (walk.shape instanceof Shapes.Sequence in) {
            walk.flattener = this;
            return Shapes.Step.of(new Shapes.Flat(in.channels()), 0);
        }
        walk.problem(null, Message.GLOBAL_POOL_FLAT.format(name,
                ((Shapes.Flat) walk.shape).size() < 0 ? "" : " of " + walk.shape.describe() + " values"));
        return Shapes.Step.of(walk.shape, 0);
    }

    @Override
    public void write(NetworkWriter writer, NetworkWriter.Context c) {
        writer.layer(this, CodeBlock.of("new $T.Builder($T.$L).name($S).build()", Names.GLOBAL_POOLING_LAYER,
                Names.POOLING_TYPE, type, name), c.input() instanceof Shapes.Sequence);
    }

    @Override
    public String detail() {
        return type.name();
    }

    @Override
    public String specText() {
        return "GlobalPool(type = " + type + ")";
    }
}
