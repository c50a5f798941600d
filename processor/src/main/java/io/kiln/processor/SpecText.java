package io.kiln.processor;

import io.kiln.processor.SpecModel.FeatureModel;
import io.kiln.processor.SpecModel.LayerModel;

/**
 * A canonical, defaults-resolved text of a spec, saved in every model file as its provenance: two
 * models trained from the same text were declared the same way.
 */
final class SpecText {
    private SpecText() {}

    static String render(SpecModel spec) {
        StringBuilder t = new StringBuilder();
        t.append("@Model(task = ").append(spec.task()).append(", name = \"").append(spec.modelName()).append("\")\n");
        if (spec.data() != null) {
            t.append("@CsvData(")
                    .append(spec.data().resource().isEmpty() ? "file = \"" + spec.data().file() + "\""
                            : "resource = \"" + spec.data().resource() + "\"")
                    .append(", header = ").append(spec.data().header())
                    .append(", delimiter = '").append(spec.data().delimiter() == '\t' ? "\\t" : spec.data().delimiter())
                    .append("', missingValues = ").append(spec.data().missingValues()).append(")\n");
        }
        SpecModel.OptimizerModel o = spec.optimizer();
        t.append("@Optimizer(").append(o.kind()).append(", learningRate = ").append(o.learningRate());
        switch (o.kind()) {
            case MOMENTUM, NESTEROV -> t.append(", momentum = ").append(o.momentum());
            case ADAM -> t.append(", beta1 = ").append(o.beta1()).append(", beta2 = ").append(o.beta2())
                    .append(", epsilon = ").append(o.epsilon());
            case ADAMW -> t.append(", beta1 = ").append(o.beta1()).append(", beta2 = ").append(o.beta2())
                    .append(", epsilon = ").append(o.epsilon()).append(", weightDecay = ").append(o.weightDecay());
            case RMSPROP -> t.append(", decay = ").append(o.decay()).append(", epsilon = ").append(o.epsilon());
            case ADAGRAD -> t.append(", epsilon = ").append(o.epsilon());
            default -> { }
        }
        t.append(")\n");
        t.append("@Fit(epochs = ").append(spec.fit().epochs()).append(", batchSize = ").append(spec.fit().batchSize())
                .append(", seed = ").append(spec.fit().seed()).append(")\n");
        t.append("@Holdout(validation = ").append(spec.holdout().validation()).append(", test = ")
                .append(spec.holdout().test()).append(", stratified = ").append(spec.holdout().stratified())
                .append(", shuffle = ").append(spec.holdout().shuffle()).append(")\n");
        t.append("class ").append(spec.type().getQualifiedName()).append(" {\n");
        for (FeatureModel f : spec.features()) {
            t.append("  @Feature(column = \"").append(f.column()).append("\", kind = ").append(f.kind());
            if (!f.levels().isEmpty()) {
                t.append(", levels = ").append(f.levels());
            }
            if (f.kind() == SpecModel.FeatureKind.CATEGORICAL) {
                t.append(", encoding = ").append(f.encoding());
            }
            t.append(", scaling = ").append(f.scaling()).append(", missing = ").append(f.missing());
            if (!f.constant().isEmpty()) {
                t.append(", constant = \"").append(f.constant()).append('"');
            }
            t.append(") ").append(f.type()).append(' ').append(f.name()).append(";\n");
        }
        t.append("  @Label(columns = ").append(spec.label().columns()).append(", classes = ")
                .append(spec.label().classes()).append(") ").append(spec.label().type()).append(' ')
                .append(spec.label().name()).append(";\n");
        for (LayerModel l : spec.layers()) {
            t.append("  @").append(switch (l.kind()) {
                case DENSE -> "Dense(units = " + l.units() + ", activation = " + l.activation() + ")";
                case DROPOUT -> "Dropout(rate = " + l.rate() + ")";
                case BATCH_NORM -> "BatchNorm(decay = " + l.decay() + ", epsilon = " + l.epsilon() + ")";
                case OUTPUT -> "Output(units = " + l.units() + ", activation = " + l.activation() + ", loss = "
                        + l.loss() + ")";
            }).append(" Layer ").append(l.name()).append(";\n");
        }
        return t.append("}\n").toString();
    }
}
