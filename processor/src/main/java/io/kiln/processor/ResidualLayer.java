package io.kiln.processor;

import io.kiln.dsl.Activation;
import io.kiln.dsl.Residual;
import java.util.List;

/**
 * {@code @Residual}: adds the output of the layer named {@code from} (or the network's input) to
 * the output of the layer before it, then applies {@code activation}. A spec with one is a DL4J
 * graph; which layer {@code from} names, and whether the shapes agree, is the shape walk's to check.
 */
record ResidualLayer(String name, String from, Activation activation) implements LayerModel {
    static final Attr<String> FROM = Attr.of(Residual.class, Residual::from);
    static final Attr<Activation> ACTIVATION = Attr.of(Residual.class, Residual::activation);

    static ResidualLayer read(LayerReading r) {
        Activation activation = r.activation(ACTIVATION, Activation.IDENTITY);
        return new ResidualLayer(r.name, r.get(FROM), activation);
    }

    @Override
    public String annotation() {
        return "Residual";
    }

    @Override
    public boolean needsGraph() {
        return true;
    }

    @Override
    public Shapes.Step infer(Shapes.Walk walk) {
        List<LayerModel> layers = walk.layers;
        int i = walk.index;
        int source = source(layers, i);
        String why = source >= i - 1 || source < -1 ? problem(layers, i, source) : null;
        if (why == null && source >= 0 && layers.get(source).recurrent() && source + 1 < layers.size()
                && layers.get(source + 1) instanceof LastTimeStepLayer lastStep) {
            why = "@LastTimeStep '" + lastStep.name() + "' right after it keeps only its last step, so its sequence "
                    + "is not an output of the network; name '" + lastStep.name() + "' to add that last step";
        }
        if (why != null) {
            walk.problem(FROM, Message.RESIDUAL_FROM.format(name, from, why));
            return Shapes.Step.of(walk.shape, 0);
        }
        Shapes.Shape shortcut = source == -1 ? walk.input : walk.rows.get(source).output();
        Shapes.Shape shape = walk.shape;
        boolean unknown = shortcut instanceof Shapes.Flat f && f.size() < 0
                || shape instanceof Shapes.Flat g && g.size() < 0;
        if (!shortcut.equals(shape) || unknown) {
            walk.problem(FROM, Message.RESIDUAL_SHAPE.format(name, from, shortcut.describe(),
                    layers.get(i - 1).name(), shape.describe(), fix(layers.get(i - 1), shortcut, shape, unknown)));
        }
        return Shapes.Step.of(shape, 0);
    }

    /**
     * The index of the layer the connection at {@code index} adds: -1 for the network's input,
     * {@code layers.size()} for a layer declared after it, -2 when no layer has that name.
     */
    private static int source(List<LayerModel> layers, int index) {
        String from = ((ResidualLayer) layers.get(index)).from();
        if (INPUT.equals(from)) {
            return -1;
        }
        for (int j = 0; j < layers.size(); j++) {
            if (layers.get(j).name().equals(from)) {
                return j < index ? j : j == index ? index : layers.size();
            }
        }
        return -2;
    }

    private String problem(List<LayerModel> layers, int index, int source) {
        if (source == -2) {
            return from.isEmpty() ? "'from' is empty" : "no layer is named '" + from + "'";
        }
        if (source == index) {
            return "that is the connection itself";
        }
        if (source > index) {
            return "'" + from + "' is declared after it";
        }
        return source == -1 ? "the input is what it already gets: it is the first layer"
                : "'" + from + "' is the layer right before it, whose output is already one of the two added";
    }

    /** How to make the two shapes agree. */
    private static String fix(LayerModel before, Shapes.Shape shortcut, Shapes.Shape main, boolean unknown) {
        if (unknown) {
            return "One of them is the width of the encoded features, which depends on one-hot levels learnt from the "
                    + "data: declare each categorical feature's levels = {...}, or add the output of a @Dense layer "
                    + "instead of the input.";
        }
        if (shortcut instanceof Shapes.Image s && main instanceof Shapes.Image m) {
            if (s.height() != m.height() || s.width() != m.width()) {
                return "The layers in between change the size from " + s.height() + "x" + s.width() + " to "
                        + m.height() + "x" + m.width() + ": keep it with same = true and no stride or pooling "
                        + "inside the block, or start the block after the size changes.";
            }
            return "Give '" + before.name() + "' " + s.channels() + " filters, the shortcut's channels, or start the "
                    + "block from a layer with " + m.channels() + ".";
        }
        if (shortcut instanceof Shapes.Flat s && main instanceof Shapes.Flat m) {
            return "Give '" + before.name() + "' " + s.size() + " units, the shortcut's, or start the block from a "
                    + "layer with " + m.size() + ".";
        }
        if (shortcut instanceof Shapes.Sequence s && main instanceof Shapes.Sequence m && s.steps() == m.steps()) {
            return "Give '" + before.name() + "' " + s.channels() + " units or filters, the shortcut's, or start the "
                    + "block from a layer with " + m.channels() + ".";
        }
        return "Make both outputs of the same kind and size, as a residual connection adds them: both images, both "
                + "sequences of the same length, or both vectors.";
    }

    @Override
    public void write(NetworkWriter writer, NetworkWriter.Context c) {
        writer.residual(this, from, activation);
    }

    @Override
    public String detail() {
        return "+ " + from + (activation == Activation.IDENTITY ? "" : ", " + activation.name());
    }

    @Override
    public String specText() {
        return "Residual(from = \"" + from + "\", activation = " + activation + ")";
    }
}
