package io.kiln.processor;

/**
 * {@code @LastTimeStep}: keeps the last step of the recurrent layer right before it, as a vector.
 * DL4J has it as a wrapper of that layer, not a layer of its own.
 */
record LastTimeStepLayer(String name) implements LayerModel {
    static LastTimeStepLayer read(LayerReading r) {
        return new LastTimeStepLayer(r.name);
    }

    @Override
    public String annotation() {
        return "LastTimeStep";
    }

    @Override
    public Shapes.Step infer(Shapes.Walk walk) {
        LayerModel before = walk.before();
        if (before == null || !before.recurrent() || !(walk.shape instanceof Shapes.Sequence)) {
            walk.problem(null, Message.LAST_STEP_NEEDS_RECURRENT.format(name, before == null ? "it is the first layer"
                    : "'" + before.name() + "' before it is @" + before.annotation()));
            Shapes.Shape shape = walk.shape;
            if (shape instanceof Shapes.Sequence in) { // as if it had collapsed the sequence
                shape = new Shapes.Flat(in.channels());
                walk.flattener = this;
            }
            return Shapes.Step.recovered(shape, 0);
        }
        walk.flattener = this;
        return Shapes.Step.of(new Shapes.Flat(((Shapes.Sequence) walk.shape).channels()), 0);
    }

    @Override
    public void write(NetworkWriter writer, NetworkWriter.Context c) {
        writer.wrapLast(this, Names.LAST_TIME_STEP);
    }

    @Override
    public String detail() {
        return "";
    }

    @Override
    public String specText() {
        return "LastTimeStep";
    }
}
