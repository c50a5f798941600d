package io.kiln.processor;

import io.kiln.processor.SpecModel.EarlyStoppingModel;
import io.kiln.processor.SpecModel.FeatureModel;
import io.kiln.processor.SpecModel.HoldoutModel;
import io.kiln.processor.SpecModel.KFoldModel;
import io.kiln.processor.SpecModel.LayerModel;
import io.kiln.processor.SpecModel.PlateauModel;
import io.kiln.processor.SpecModel.ProtocolModel;
import io.kiln.processor.SpecModel.RegularizationModel;
import io.kiln.processor.SpecModel.ScheduleModel;
import io.kiln.processor.SpecModel.TemporalModel;

/**
 * A canonical, defaults-resolved text of a spec, saved in every model file as its provenance: two
 * models trained from the same text were declared the same way.
 */
final class SpecText {
    private SpecText() {}

    static String render(SpecModel spec) {
        StringBuilder t = new StringBuilder();
        t.append("@Model(task = ").append(spec.task()).append(", name = \"").append(spec.modelName()).append("\")\n");
        if (spec.image() != null) { // written only when declared, so the text of tabular specs is unchanged
            t.append("@Image(height = ").append(spec.image().height()).append(", width = ").append(spec.image().width())
                    .append(", channels = ").append(spec.image().channels()).append(")\n");
        }
        if (spec.augment() != null) {
            SpecModel.AugmentModel a = spec.augment();
            t.append("@Augment(flipHorizontal = ").append(a.flipHorizontal()).append(", flipVertical = ")
                    .append(a.flipVertical()).append(", shift = ").append(a.shift()).append(", rotation = ")
                    .append(a.rotation()).append(", noise = ").append(a.noise()).append(")\n");
        }
        if (spec.series() != null) {
            t.append("@Series(window = ").append(spec.series().window()).append(", horizon = ")
                    .append(spec.series().horizon()).append(")\n");
        }
        if (spec.data() != null) {
            t.append("@CsvData(")
                    .append(spec.data().resource().isEmpty() ? "file = \"" + spec.data().file() + "\""
                            : "resource = \"" + spec.data().resource() + "\"")
                    .append(", header = ").append(spec.data().header())
                    .append(", delimiter = '").append(spec.data().delimiter() == '\t' ? "\\t" : spec.data().delimiter())
                    .append("', missingValues = ").append(spec.data().missingValues())
                    .append(spec.data().testFile().isEmpty() ? "" : ", testFile = \"" + spec.data().testFile() + "\"")
                    .append(")\n");
        }
        if (spec.idx() != null) {
            SpecModel.IdxModel idx = spec.idx();
            t.append("@IdxData(images = \"").append(idx.images()).append("\", labels = \"").append(idx.labels())
                    .append("\"");
            if (!idx.testImages().isEmpty()) {
                t.append(", testImages = \"").append(idx.testImages()).append("\", testLabels = \"")
                        .append(idx.testLabels()).append("\"");
            }
            t.append(")\n");
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
        protocol(t, spec.protocol());
        RegularizationModel r = spec.regularization();
        if (r.l1() > 0 || r.l2() > 0 || r.weightDecay() > 0 && o.kind() != SpecModel.OptimizerKind.ADAMW) {
            t.append("@Regularization(l1 = ").append(r.l1()).append(", l2 = ").append(r.l2());
            if (o.kind() != SpecModel.OptimizerKind.ADAMW) { // AdamW's decay is on its line
                t.append(", weightDecay = ").append(r.weightDecay());
            }
            t.append(")\n");
        }
        if (spec.clipping() != null) {
            t.append(spec.clipping().norm() > 0 ? "@GradientClipping(norm = " + spec.clipping().norm()
                    : "@GradientClipping(value = " + spec.clipping().value()).append(")\n");
        }
        EarlyStoppingModel e = spec.earlyStopping();
        if (e != null) {
            t.append("@EarlyStopping(monitor = ").append(e.monitor()).append(", patience = ").append(e.patience())
                    .append(", minDelta = ").append(e.minDelta()).append(", restoreBest = ").append(e.restoreBest())
                    .append(")\n");
        }
        ScheduleModel s = spec.schedule();
        if (s != null) {
            switch (s.kind()) {
                case STEP -> t.append("@StepDecay(every = ").append(s.every()).append(", factor = ").append(s.factor())
                        .append(")\n");
                case EXPONENTIAL -> t.append("@ExponentialDecay(factor = ").append(s.factor()).append(")\n");
                case COSINE -> t.append("@CosineDecay(minLearningRate = ").append(s.minimum()).append(")\n");
                case ONE_CYCLE -> t.append("@OneCycle(maxLearningRate = ").append(s.maximum()).append(", rise = ")
                        .append(s.rise()).append(")\n");
                case CONSTANT -> { }
            }
            if (s.warmupEpochs() > 0) {
                t.append("@Warmup(epochs = ").append(s.warmupEpochs()).append(")\n");
            }
        }
        PlateauModel p = spec.plateau();
        if (p != null) {
            t.append("@ReduceOnPlateau(monitor = ").append(p.monitor()).append(", factor = ").append(p.factor())
                    .append(", patience = ").append(p.patience()).append(", minDelta = ").append(p.minDelta())
                    .append(", minLearningRate = ").append(p.minLearningRate()).append(")\n");
        }
        if (spec.perCases() != 1000) {
            t.append("@Report(perCases = ").append(spec.perCases()).append(")\n");
        }
        t.append("class ").append(spec.type().getQualifiedName()).append(" {\n");
        // IDX pixels are implied by @IdxData and @Image
        for (FeatureModel f : spec.idx() != null ? java.util.List.<FeatureModel>of() : spec.features()) {
            if (f.kind() == SpecModel.FeatureKind.TEXT) {
                t.append("  @Text(column = \"").append(f.column()).append("\", encoding = ").append(f.text().encoding())
                        .append(", maxTokens = ").append(f.text().maxTokens()).append(", vocabulary = ")
                        .append(f.text().vocabulary()).append(", lowercase = ").append(f.text().lowercase())
                        .append(") ").append(f.type()).append(' ').append(f.name()).append(";\n");
                continue;
            }
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
                .append(spec.label().classes());
        if (spec.label().threshold() != 0.5) {
            t.append(", threshold = ").append(spec.label().threshold());
        }
        t.append(") ").append(spec.label().type()).append(' ')
                .append(spec.label().name()).append(";\n");
        for (LayerModel l : spec.layers()) {
            t.append("  @").append(switch (l.kind()) {
                case DENSE -> "Dense(units = " + l.units() + ", activation = " + l.activation() + penalties(l) + ")";
                case DROPOUT -> "Dropout(rate = " + l.rate() + ")";
                case BATCH_NORM -> "BatchNorm(decay = " + l.decay() + ", epsilon = " + l.epsilon() + ")";
                case OUTPUT -> "Output(units = " + l.units() + ", activation = " + l.activation() + ", loss = "
                        + l.loss() + penalties(l)
                        + (l.labelSmoothing() > 0 ? ", labelSmoothing = " + l.labelSmoothing() : "") + ")";
                case CONV2D -> "Conv2D(filters = " + l.units() + window(l) + ", dilation = {" + l.window().dilationHeight()
                        + ", " + l.window().dilationWidth() + "}, activation = " + l.activation() + penalties(l) + ")";
                case SEPARABLE_CONV2D -> "SeparableConv2D(filters = " + l.units() + ", depthMultiplier = "
                        + l.depthMultiplier() + window(l) + ", dilation = {" + l.window().dilationHeight() + ", "
                        + l.window().dilationWidth() + "}, activation = " + l.activation() + penalties(l) + ")";
                case POOL2D -> "Pool2D(type = " + l.window().pooling() + window(l) + ")";
                case GLOBAL_POOL -> "GlobalPool(type = " + l.window().pooling() + ")";
                case LSTM, SIMPLE_RNN -> (l.kind() == SpecModel.LayerKind.LSTM ? "Lstm" : "SimpleRnn") + "(units = "
                        + l.units() + ", activation = " + l.activation() + ", bidirectional = " + l.bidirectional()
                        + ")";
                case LAST_TIME_STEP -> "LastTimeStep";
                case CONV1D -> "Conv1D(filters = " + l.units() + ", kernel = " + l.window().kernelHeight()
                        + ", stride = " + l.window().strideHeight() + ", padding = " + l.window().padHeight()
                        + ", dilation = " + l.window().dilationHeight() + ", same = " + l.window().same()
                        + ", causal = " + l.window().causal() + ", activation = " + l.activation() + ")";
                case EMBEDDING -> "Embedding(units = " + l.units() + ")";
                case SELF_ATTENTION -> "SelfAttention(heads = " + l.attention().heads() + ", headSize = "
                        + l.attention().headSize() + ", units = " + l.units() + ")";
                case RESIDUAL -> "Residual(from = \"" + l.from() + "\", activation = " + l.activation() + ")";
                case POOL1D -> "Pool1D(type = " + l.window().pooling() + ", kernel = " + l.window().kernelHeight()
                        + ", stride = " + l.window().strideHeight() + ", same = " + l.window().same() + ")";
            }).append(" Layer ").append(l.name()).append(";\n");
        }
        return t.append("}\n").toString();
    }

    private static void protocol(StringBuilder t, ProtocolModel protocol) {
        if (protocol instanceof KFoldModel k) {
            t.append("@KFold(k = ").append(k.k()).append(", repeats = ").append(k.repeats()).append(", stratified = ")
                    .append(k.stratified()).append(", shuffle = ").append(k.shuffle()).append(", test = ")
                    .append(k.test()).append(")\n");
        } else if (protocol instanceof TemporalModel s) {
            t.append("@TemporalSplit(orderBy = \"").append(s.orderBy()).append("\", validation = ")
                    .append(s.validation()).append(", test = ").append(s.test()).append(")\n");
        } else {
            HoldoutModel h = (HoldoutModel) protocol;
            t.append("@Holdout(validation = ").append(h.validation()).append(", test = ").append(h.test())
                    .append(", stratified = ").append(h.stratified()).append(", shuffle = ").append(h.shuffle());
            if (h.retrain()) { // written only when set, so specs from before 'retrain' keep their text
                t.append(", retrain = true");
            }
            t.append(")\n");
        }
    }

    private static String window(LayerModel l) {
        SpecModel.Window w = l.window();
        return ", kernel = {" + w.kernelHeight() + ", " + w.kernelWidth() + "}, stride = {" + w.strideHeight() + ", "
                + w.strideWidth() + "}, padding = {" + w.padHeight() + ", " + w.padWidth() + "}, same = " + w.same();
    }

    /** A layer's own penalties, as declared (a negative value inherits and is not written). */
    private static String penalties(LayerModel l) {
        return (l.l1() >= 0 ? ", l1 = " + l.l1() : "") + (l.l2() >= 0 ? ", l2 = " + l.l2() : "");
    }
}
