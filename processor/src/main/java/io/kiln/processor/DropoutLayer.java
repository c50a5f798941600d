package io.kiln.processor;

import com.palantir.javapoet.CodeBlock;
import io.kiln.dsl.Dropout;

/** {@code @Dropout}: drops each input at {@code rate} during training. */
record DropoutLayer(String name, double rate) implements LayerModel {
    static final Attr<Double> RATE = Attr.of(Dropout.class, Dropout::rate);

    static DropoutLayer read(LayerReading r) {
        double rate = r.get(RATE);
        if (!(rate >= 0 && rate < 1)) {
            r.error(RATE, Message.DROPOUT_RATE.format(rate));
        }
        return new DropoutLayer(r.name, rate);
    }

    @Override
    public String annotation() {
        return "Dropout";
    }

    @Override
    public Shapes.Step infer(Shapes.Walk walk) {
        LayerModel before = walk.before();
        LayerModel after = walk.after();
        if (before instanceof DropoutLayer d) {
            walk.problem(null, Message.DROPOUT_TWICE.format(name, d.name(), 1 - (1 - d.rate()) * (1 - rate)));
        } else if (before == null && walk.input instanceof Shapes.Image && after != null
                && !(after instanceof DenseLayer) && !(after instanceof OutputLayer)) {
            walk.problem(null, Message.DROPOUT_ON_IMAGE_INPUT.format(name, after.name(), after.annotation()));
        } else if (walk.input instanceof Shapes.Tokens t && walk.shape instanceof Shapes.Sequence) {
            walk.problem(null, Message.DROPOUT_MASKED_SEQUENCE.format(name, t.feature()));
        }
        return Shapes.Step.of(walk.shape, 0);
    }

    @Override
    public void write(NetworkWriter writer, NetworkWriter.Context c) {
        // DL4J takes the probability of keeping a unit; the spec declares the drop rate.
        writer.layer(this, CodeBlock.of("new $T.Builder($L).name($S).build()", Names.DROPOUT_LAYER, keep(rate), name),
                false);
    }

    /** 1 - rate, printed without binary noise (0.1 drop rate keeps 0.9, not 0.9000000000000000222). */
    private static String keep(double rate) {
        return new java.math.BigDecimal(Double.toString(1.0)).subtract(new java.math.BigDecimal(Double.toString(rate)))
                .stripTrailingZeros().toPlainString();
    }

    @Override
    public String detail() {
        return "rate " + rate;
    }

    @Override
    public String specText() {
        return "Dropout(rate = " + rate + ")";
    }
}
