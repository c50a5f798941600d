package io.kiln.processor;

import io.kiln.processor.SpecModel.EarlyStoppingModel;
import io.kiln.processor.SpecModel.FeatureModel;
import io.kiln.processor.SpecModel.PlateauModel;
import io.kiln.processor.SpecModel.RegularizationModel;

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
                    .append(spec.data().testResource().isEmpty() ? ""
                            : ", testResource = \"" + spec.data().testResource() + "\"")
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
        OptimizerModel o = spec.optimizer();
        t.append("@Optimizer(").append(o.specText()).append(")\n");
        t.append("@Fit(epochs = ").append(spec.fit().epochs()).append(", batchSize = ").append(spec.fit().batchSize())
                .append(", seed = ").append(spec.fit().seed()).append(")\n");
        t.append(spec.protocol().specText()).append('\n');
        RegularizationModel r = spec.regularization();
        if (r.l1() > 0 || r.l2() > 0 || r.weightDecay() > 0 && !o.decouplesDecay()) {
            t.append("@Regularization(l1 = ").append(r.l1()).append(", l2 = ").append(r.l2());
            if (!o.decouplesDecay()) { // AdamW's decay is on its line
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
            t.append(s.specText());
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
        if (spec.classWeights() != null) {
            t.append("@ClassWeights(").append(spec.classWeights().length == 0 ? "balanced"
                    : java.util.Arrays.toString(spec.classWeights())).append(")\n");
        }
        if (spec.tuneThreshold() != null) {
            SpecModel.ThresholdModel th = spec.tuneThreshold();
            t.append("@TuneThreshold(").append(th.metric() != null ? "metric = " + th.metric()
                    : "falsePositiveCost = " + th.falsePositiveCost() + ", falseNegativeCost = "
                            + th.falseNegativeCost()).append(")\n");
        }
        if (spec.transfer() != null) {
            SpecModel.TransferModel tr = spec.transfer();
            t.append("@Transfer(").append(tr.sourceSpec() != null ? "from = " + tr.sourceSpec() + ".class, " : "")
                    .append("file = \"").append(tr.file()).append("\", upTo = \"").append(tr.upTo())
                    .append("\", reuse = ").append(tr.reuse()).append(", unfreezeEvery = ").append(tr.unfreezeEvery())
                    .append(", learningRate = ").append(tr.learningRate()).append(", rateFactor = ")
                    .append(tr.rateFactor()).append(", rates = ").append(tr.rates()).append(", keepOutput = ")
                    .append(tr.keepOutput()).append(", refitPreprocessing = ").append(tr.refitPreprocessing())
                    .append(", l2sp = ").append(tr.l2sp()).append(")\n");
        }
        if (spec.ensemble() != null) {
            t.append("@Ensemble(members = ").append(spec.ensemble().members())
                    .append(spec.ensemble().members() == io.kiln.dsl.Members.SEEDS ? ", seeds = " + spec.ensemble().seeds()
                            : "").append(")\n");
        }
        if (spec.distillation() != null) {
            SpecModel.DistillationModel d = spec.distillation();
            t.append("@Distillation(").append(d.teacherPrefix() != null ? "teacher = " + d.teacherClass() + ".class"
                    : "file = \"" + d.file() + "\"").append(", temperature = ").append(d.temperature())
                    .append(", alpha = ").append(d.alpha()).append(", compare = ").append(d.compare()).append(")\n");
        }
        if (spec.retrain() != null) {
            SpecModel.RetrainModel rt = spec.retrain();
            t.append("@Retrain(everyRows = ").append(rt.everyRows()).append(", driftPsi = ").append(rt.driftPsi())
                    .append(", driftRows = ").append(rt.driftRows()).append(", metricDrop = ").append(rt.metricDrop())
                    .append(", data = ").append(rt.data()).append(", window = ").append(rt.window())
                    .append(", span = \"").append(rt.span()).append('"')
                    .append(", halfLife = ").append(rt.halfLife()).append(", replay = ").append(rt.replay())
                    .append(", level = ").append(rt.level()).append(", trainTop = ").append(rt.trainTop())
                    .append(", l2sp = ").append(rt.l2sp()).append(", epochs = ").append(rt.epochs())
                    .append(", accept = ").append(rt.accept()).append(", margin = ").append(rt.margin())
                    .append(", retain = ").append(rt.retain()).append(", refitPreprocessing = ")
                    .append(rt.refitPreprocessing()).append(")\n");
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
            if (f.isGroup()) {
                SpecModel.ColumnsModel c = f.columns();
                t.append("  @Features(matching = \"").append(c.matching()).append("\", from = \"").append(c.from())
                        .append("\", to = \"").append(c.to()).append("\", every = ").append(c.every())
                        .append(", count = ").append(c.count()).append(", kind = ").append(f.kind());
            } else {
                t.append("  @Feature(column = \"").append(f.column()).append("\", kind = ").append(f.kind());
            }
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
        for (LayerModel l : spec.layers().subList(spec.reusedCount(), spec.layers().size())) {
            String text = l.specText();
            if (l.learningRate() > 0) { // every layer text ends with its closing parenthesis
                text = text.substring(0, text.length() - 1) + ", learningRate = " + l.learningRate() + ")";
            }
            t.append("  @").append(text).append(" Layer ").append(l.name()).append(";\n");
        }
        return t.append("}\n").toString();
    }

    /** A layer's own penalties, as declared (a negative value inherits and is not written). */
    static String penalties(LayerModel l) {
        return (l.l1() >= 0 ? ", l1 = " + l.l1() : "") + (l.l2() >= 0 ? ", l2 = " + l.l2() : "");
    }
}
