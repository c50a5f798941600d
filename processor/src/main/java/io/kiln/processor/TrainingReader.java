package io.kiln.processor;

import io.kiln.dsl.Metric;
import io.kiln.dsl.Task;
import io.kiln.processor.SpecModel.ClippingModel;
import io.kiln.processor.SpecModel.EarlyStoppingModel;
import io.kiln.processor.SpecModel.FitModel;
import io.kiln.processor.SpecModel.PlateauModel;
import io.kiln.processor.SpecModel.RegularizationModel;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Reads how the network trains: {@code @Fit}, the optimizer, {@code @Regularization},
 * {@code @GradientClipping}, {@code @EarlyStopping}, the learning-rate schedule and
 * {@code @Warmup}, {@code @ReduceOnPlateau} and {@code @Report}. Learning-rate bounds are checked
 * against the optimizer's rate and the training epochs ({@link LearningRateContext}).
 */
final class TrainingReader {
    static final Attr<Double> EARLYSTOPPING_MIN_DELTA = Attr.of(io.kiln.dsl.EarlyStopping.class, io.kiln.dsl.EarlyStopping::minDelta);
    static final Attr<Metric> EARLYSTOPPING_MONITOR = Attr.of(io.kiln.dsl.EarlyStopping.class, io.kiln.dsl.EarlyStopping::monitor);
    static final Attr<Integer> EARLYSTOPPING_PATIENCE = Attr.of(io.kiln.dsl.EarlyStopping.class, io.kiln.dsl.EarlyStopping::patience);
    static final Attr<Boolean> EARLYSTOPPING_RESTORE_BEST = Attr.of(io.kiln.dsl.EarlyStopping.class, io.kiln.dsl.EarlyStopping::restoreBest);
    static final Attr<Integer> FIT_BATCH_SIZE = Attr.of(io.kiln.dsl.Fit.class, io.kiln.dsl.Fit::batchSize);
    static final Attr<Integer> FIT_EPOCHS = Attr.of(io.kiln.dsl.Fit.class, io.kiln.dsl.Fit::epochs);
    static final Attr<Long> FIT_SEED = Attr.of(io.kiln.dsl.Fit.class, io.kiln.dsl.Fit::seed);
    static final Attr<Double> GRADIENTCLIPPING_NORM = Attr.of(io.kiln.dsl.GradientClipping.class, io.kiln.dsl.GradientClipping::norm);
    static final Attr<Double> GRADIENTCLIPPING_VALUE = Attr.of(io.kiln.dsl.GradientClipping.class, io.kiln.dsl.GradientClipping::value);
    static final Attr<Double> REDUCEONPLATEAU_FACTOR =
            Attr.of(io.kiln.dsl.ReduceOnPlateau.class, io.kiln.dsl.ReduceOnPlateau::factor);
    static final Attr<Double> REDUCEONPLATEAU_MIN_DELTA = Attr.of(io.kiln.dsl.ReduceOnPlateau.class, io.kiln.dsl.ReduceOnPlateau::minDelta);
    static final Attr<Double> REDUCEONPLATEAU_MIN_LEARNING_RATE = Attr.of(io.kiln.dsl.ReduceOnPlateau.class, io.kiln.dsl.ReduceOnPlateau::minLearningRate);
    static final Attr<Metric> REDUCEONPLATEAU_MONITOR = Attr.of(io.kiln.dsl.ReduceOnPlateau.class, io.kiln.dsl.ReduceOnPlateau::monitor);
    static final Attr<Integer> REDUCEONPLATEAU_PATIENCE = Attr.of(io.kiln.dsl.ReduceOnPlateau.class, io.kiln.dsl.ReduceOnPlateau::patience);
    static final Attr<Double> REGULARIZATION_L1 = Attr.of(io.kiln.dsl.Regularization.class, io.kiln.dsl.Regularization::l1);
    static final Attr<Double> REGULARIZATION_L2 = Attr.of(io.kiln.dsl.Regularization.class, io.kiln.dsl.Regularization::l2);
    static final Attr<Double> REGULARIZATION_WEIGHT_DECAY = Attr.of(io.kiln.dsl.Regularization.class, io.kiln.dsl.Regularization::weightDecay);
    static final Attr<Integer> REPORT_PER_CASES = Attr.of(io.kiln.dsl.Report.class, io.kiln.dsl.Report::perCases);
    static final Attr<double[]> CLASS_WEIGHTS_VALUE = Attr.of(io.kiln.dsl.ClassWeights.class, io.kiln.dsl.ClassWeights::value);
    static final Attr<Metric> TUNE_THRESHOLD_METRIC = Attr.of(io.kiln.dsl.TuneThreshold.class, io.kiln.dsl.TuneThreshold::metric);
    static final Attr<Double> TUNE_THRESHOLD_FP_COST =
            Attr.of(io.kiln.dsl.TuneThreshold.class, io.kiln.dsl.TuneThreshold::falsePositiveCost);
    static final Attr<Double> TUNE_THRESHOLD_FN_COST =
            Attr.of(io.kiln.dsl.TuneThreshold.class, io.kiln.dsl.TuneThreshold::falseNegativeCost);
    static final Attr<Integer> WARMUP_EPOCHS = Attr.of(io.kiln.dsl.Warmup.class, io.kiln.dsl.Warmup::epochs);

    final ReadContext context;
    private final Reporter reporter;
    private final Task task;
    final FitModel fit;
    final OptimizerModel optimizer;
    final LearningRateContext lr;

    TrainingReader(ReadContext context, Task task) {
        this.context = context;
        this.reporter = context.reporter;
        this.task = task;
        this.optimizer = readOptimizer();
        this.fit = readFit();
        this.lr = learningRateContext();
    }

    private FitModel readFit() {
        Annotation a = context.annotation(io.kiln.dsl.Fit.class);
        if (a == null) {
            return new FitModel(100, 32, 42);
        }
        context.positive(a, FIT_EPOCHS);
        context.positive(a, FIT_BATCH_SIZE);
        return new FitModel(a.get(FIT_EPOCHS), a.get(FIT_BATCH_SIZE), a.get(FIT_SEED));
    }

    /** The optimizer: the first optimizer annotation (each further one is an error), else Adam. */
    private OptimizerModel readOptimizer() {
        Annotation chosen = chosenOptimizer();
        return chosen == null ? OptimizerModel.DEFAULT : OptimizerModel.kindOf(chosen).reader().apply(context, chosen);
    }

    private Annotation chosenOptimizer() {
        return context.chooseOne(OptimizerModel.KINDS.stream()
                        .<Class<? extends java.lang.annotation.Annotation>>map(OptimizerModel.Kind::annotation).toList(),
                (first, second) -> Message.MULTIPLE_OPTIMIZERS.format(context.type.getSimpleName(), first.display(),
                        second.display()));
    }

    /**
     * Global penalties, checked against the optimizer's decoupled decay and every layer's own l2
     * ({@code layers}: each layer read with its annotation).
     */
    RegularizationModel readRegularization(List<SpecReader.ReadLayer> layers) {
        Annotation a = context.annotation(io.kiln.dsl.Regularization.class);
        double l1 = 0;
        double l2 = 0;
        double weightDecay = 0;
        if (a != null) {
            l1 = context.notNegative(a, REGULARIZATION_L1);
            l2 = context.notNegative(a, REGULARIZATION_L2);
            weightDecay = context.notNegative(a, REGULARIZATION_WEIGHT_DECAY);
            if (weightDecay > 0 && optimizer.decouplesDecay()) {
                reporter.error(a, REGULARIZATION_WEIGHT_DECAY, Message.WEIGHT_DECAY_CONFLICT.format(
                        ReadContext.number(weightDecay), ReadContext.number(optimizer.weightDecay())));
            }
        }
        String decaySource = weightDecay > 0 ? "@Regularization" : "@AdamW";
        double decay = weightDecay > 0 ? weightDecay : optimizer.weightDecay();
        if (decay > 0) {
            // DL4J's builders treat L2 and weight decay as alternatives: adding one removes the other.
            if (l2 > 0) {
                reporter.error(a, REGULARIZATION_L2, Message.L2_WEIGHT_DECAY.format(ReadContext.number(l2),
                        "@Regularization", ReadContext.number(decay), decaySource));
            }
            for (SpecReader.ReadLayer layer : layers) {
                // only a layer's own l2 (dense and output layers); the others take the global penalties
                if (layer.model().l2() > 0) {
                    reporter.error(layer.annotation(), layer.ownL2(), Message.L2_WEIGHT_DECAY.format(
                            ReadContext.number(layer.model().l2()), "layer '" + layer.model().name() + "'",
                            ReadContext.number(decay), decaySource));
                }
            }
        }
        return new RegularizationModel(l1, l2, decay);
    }

    ClippingModel readClipping() {
        Annotation a = context.annotation(io.kiln.dsl.GradientClipping.class);
        if (a == null) {
            return null;
        }
        double norm = a.get(GRADIENTCLIPPING_NORM);
        double value = a.get(GRADIENTCLIPPING_VALUE);
        boolean ok = ReadContext.isNotNegative(norm) & ReadContext.isNotNegative(value);
        context.notNegative(a, GRADIENTCLIPPING_NORM);
        context.notNegative(a, GRADIENTCLIPPING_VALUE);
        if (ok && norm > 0 && value > 0) {
            reporter.error(a, GRADIENTCLIPPING_VALUE, Message.CLIPPING_CONFLICT.format(ReadContext.number(norm),
                    ReadContext.number(value)));
        } else if (ok && norm == 0 && value == 0) {
            reporter.error(a, Message.CLIPPING_MISSING.format());
        }
        return new ClippingModel(norm, value);
    }

    EarlyStoppingModel readEarlyStopping(ProtocolModel protocol) {
        Annotation a = context.annotation(io.kiln.dsl.EarlyStopping.class);
        if (a == null) {
            return null;
        }
        Metric monitor = a.get(EARLYSTOPPING_MONITOR);
        checkMonitor(a, EARLYSTOPPING_MONITOR, monitor);
        context.positive(a, EARLYSTOPPING_PATIENCE);
        double minDelta = context.notNegative(a, EARLYSTOPPING_MIN_DELTA);
        checkValidationData(a, protocol);
        return new EarlyStoppingModel(monitor, a.get(EARLYSTOPPING_PATIENCE), minDelta, a.get(EARLYSTOPPING_RESTORE_BEST));
    }

    // ---------------------------------------------------------------- learning rate

    /**
     * What learning-rate bounds are checked against: the optimizer's rate and the training epochs,
     * each with the words that say where it comes from. {@code lrValid} / {@code epochsValid} are
     * false when that value is itself invalid (already reported).
     */
    record LearningRateContext(double lr, String lrText, boolean lrValid, int epochs, String epochsText,
            boolean epochsValid) {
        /** " and below the optimizer's learning rate ...", or nothing when that rate is itself invalid. */
        String below() {
            return lrValid ? " and below " + lrText : "";
        }
    }

    private LearningRateContext learningRateContext() {
        List<Annotation> optimizers = context.classAnnotations(OptimizerModel.KINDS.stream()
                .<Class<? extends java.lang.annotation.Annotation>>map(OptimizerModel.Kind::annotation).toList());
        double rate = optimizer.learningRate();
        String source;
        if (optimizers.isEmpty()) {
            source = "the default optimizer, Adam";
        } else if (optimizers.get(0).isSet(OptimizerModel.kindOf(optimizers.get(0)).learningRate())) {
            source = optimizers.get(0).display();
        } else {
            source = optimizers.get(0).display() + "'s default";
        }
        Annotation f = context.annotation(io.kiln.dsl.Fit.class);
        String epochsText = f != null && f.isSet(FIT_EPOCHS)
                ? "the " + fit.epochs() + " training epochs of @Fit"
                : "the " + fit.epochs() + " training epochs (the @Fit default)";
        return new LearningRateContext(rate, "the optimizer's learning rate " + ReadContext.number(rate) + " ("
                + source + ")", rate > 0 && Double.isFinite(rate), fit.epochs(), epochsText, fit.epochs() > 0);
    }

    /** The schedule: the first schedule annotation (each further one is an error), with @Warmup. */
    ScheduleModel readSchedule() {
        Annotation chosen = context.chooseOne(ScheduleModel.annotations(), (first, second) ->
                Message.SCHEDULE_CONFLICT.format(context.type.getSimpleName(), first.display(), second.display()));
        int warmupEpochs = readWarmup(chosen);
        if (chosen == null) {
            return warmupEpochs == 0 ? null : new ScheduleModel.Constant(warmupEpochs);
        }
        return ScheduleModel.kindOf(chosen).reader().read(this, chosen, warmupEpochs);
    }

    /** The @Warmup epochs, or 0 without @Warmup. */
    private int readWarmup(Annotation schedule) {
        Annotation w = context.annotation(io.kiln.dsl.Warmup.class);
        if (w == null) {
            return 0;
        }
        int epochs = w.get(WARMUP_EPOCHS);
        if (schedule != null && ScheduleModel.kindOf(schedule).annotation() == io.kiln.dsl.OneCycle.class) {
            reporter.error(w, Message.WARMUP_ONE_CYCLE.format());
        } else if (epochs < 1 || lr.epochsValid() && epochs >= lr.epochs()) {
            bounds(w, WARMUP_EPOCHS, epochs, lr.epochsValid() && lr.epochs() < 2
                    ? "warm-up needs at least 1 epoch and fewer than " + lr.epochsText()
                            + ", so there is no room for one; remove @Warmup or train longer"
                    : "warm-up needs at least 1 epoch and fewer than " + lr.epochsText() + "; use e.g. epochs = "
                            + Math.max(1, Math.min(5, lr.epochs() / 10)));
        }
        return Math.max(epochs, 0);
    }

    PlateauModel readPlateau(ProtocolModel protocol) {
        Annotation a = context.annotation(io.kiln.dsl.ReduceOnPlateau.class);
        if (a == null) {
            return null;
        }
        List<Annotation> schedules = context.classAnnotations(ScheduleModel.annotations());
        if (!schedules.isEmpty()) {
            reporter.error(a, Message.PLATEAU_SCHEDULE.format(schedules.get(0).display()));
        }
        Metric monitor = a.get(REDUCEONPLATEAU_MONITOR);
        checkMonitor(a, REDUCEONPLATEAU_MONITOR, monitor);
        double factor = decayFactor(a, REDUCEONPLATEAU_FACTOR);
        context.positive(a, REDUCEONPLATEAU_PATIENCE);
        double minDelta = context.notNegative(a, REDUCEONPLATEAU_MIN_DELTA);
        double minimum = a.get(REDUCEONPLATEAU_MIN_LEARNING_RATE);
        if (!(minimum >= 0) || lr.lrValid() && minimum >= lr.lr()) {
            bounds(a, REDUCEONPLATEAU_MIN_LEARNING_RATE, minimum, "the rate is never reduced below minLearningRate, "
                    + "which must be zero or positive" + lr.below() + "; use e.g. minLearningRate = "
                    + shifted(lr.lr(), -2));
        }
        checkValidationData(a, protocol);
        return new PlateauModel(monitor, factor, a.get(REDUCEONPLATEAU_PATIENCE), minDelta, minimum);
    }

    /** A decay factor, which must be in (0, 1). */
    double decayFactor(Annotation a, Attr<Double> attribute) {
        double factor = a.get(attribute);
        if (!(factor > 0 && factor < 1)) {
            bounds(a, attribute, factor, "the rate is multiplied by factor, which must be in (0, 1) to lower it; use "
                    + "e.g. factor = " + (a.simpleName.equals("ExponentialDecay") ? "0.95" : "0.5"));
        }
        return factor;
    }

    void bounds(Annotation a, Attr<?> attribute, double value, String why) {
        reporter.error(a, attribute,
                Message.SCHEDULE_BOUNDS.format(a.simpleName, attribute.name, ReadContext.number(value), why));
    }

    /** {@code v} times 10^{@code places}, printed without binary noise (0.001 × 10 is 0.01). */
    static String shifted(double v, int places) {
        if (!(v > 0) || Double.isInfinite(v)) {
            return places < 0 ? "0" : "0.01";
        }
        return ReadContext.number(new java.math.BigDecimal(Double.toString(v)).movePointRight(places).doubleValue());
    }

    int readReport() {
        Annotation a = context.annotation(io.kiln.dsl.Report.class);
        if (a == null) {
            return 1000;
        }
        if (task != Task.BINARY_CLASSIFICATION) {
            reporter.error(a, Message.REPORT_TASK.format(task));
        }
        context.positive(a, REPORT_PER_CASES);
        return a.get(REPORT_PER_CASES);
    }

    /**
     * {@code @ClassWeights}: null when absent, empty for balanced weights, else one positive finite
     * weight per class of a binary or multiclass label.
     */
    double[] readClassWeights(SpecModel.LabelModel label) {
        Annotation a = context.annotation(io.kiln.dsl.ClassWeights.class);
        if (a == null) {
            return null;
        }
        if (task != Task.BINARY_CLASSIFICATION && task != Task.MULTICLASS_CLASSIFICATION) {
            reporter.error(a, Message.CLASS_WEIGHTS_TASK.format(task));
            return null;
        }
        double[] weights = a.get(CLASS_WEIGHTS_VALUE);
        if (label == null || weights.length == 0) {
            return new double[0];
        }
        if (weights.length != label.classes().size()) {
            reporter.error(a, CLASS_WEIGHTS_VALUE, Message.CLASS_WEIGHTS_COUNT.format(weights.length,
                    label.classes().size(), label.classes()));
            return null;
        }
        for (int c = 0; c < weights.length; c++) {
            if (!(weights[c] > 0) || Double.isInfinite(weights[c])) {
                reporter.error(a, CLASS_WEIGHTS_VALUE, Message.CLASS_WEIGHTS_VALUE.format(label.classes().get(c),
                        ReadContext.number(weights[c])));
                return null;
            }
        }
        return weights;
    }

    /** The metrics a decision threshold can be chosen for. */
    private static final java.util.Set<Metric> THRESHOLD_METRICS =
            java.util.EnumSet.of(Metric.ACCURACY, Metric.BALANCED_ACCURACY, Metric.F1, Metric.MACRO_F1);

    /** {@code @TuneThreshold}: a binary task, a metric a threshold decides or two positive costs, validation data. */
    SpecModel.ThresholdModel readTuneThreshold(ProtocolModel protocol, Annotation labelAnnotation) {
        Annotation a = context.annotation(io.kiln.dsl.TuneThreshold.class);
        if (a == null) {
            return null;
        }
        if (task != Task.BINARY_CLASSIFICATION) {
            reporter.error(a, Message.TUNE_THRESHOLD_TASK.format(task));
            return null;
        }
        if (labelAnnotation != null && labelAnnotation.isSet(SchemaReader.LABEL_THRESHOLD)) {
            reporter.error(labelAnnotation, SchemaReader.LABEL_THRESHOLD, Message.TUNE_THRESHOLD_LABEL.format(
                    ReadContext.number(labelAnnotation.get(SchemaReader.LABEL_THRESHOLD))));
        }
        boolean costs = a.isSet(TUNE_THRESHOLD_FP_COST) || a.isSet(TUNE_THRESHOLD_FN_COST);
        Metric metric = a.get(TUNE_THRESHOLD_METRIC);
        if (costs && a.isSet(TUNE_THRESHOLD_METRIC)) {
            reporter.error(a, TUNE_THRESHOLD_METRIC, Message.TUNE_THRESHOLD_CONFLICT.format());
        } else if (costs) {
            for (Attr<Double> cost : List.of(TUNE_THRESHOLD_FP_COST, TUNE_THRESHOLD_FN_COST)) {
                double v = a.get(cost);
                if (!(v > 0) || Double.isInfinite(v)) {
                    reporter.error(a, a.isSet(cost) ? cost : null, Message.TUNE_THRESHOLD_COSTS.format(cost.name,
                            ReadContext.number(v)));
                    break;
                }
            }
        } else if (!THRESHOLD_METRICS.contains(metric)) {
            String why = switch (metric) {
                case ROC_AUC, PR_AUC, LOG_LOSS, LOSS -> metric.key() + " scores the probabilities themselves, so no "
                        + "threshold changes it";
                case PRECISION, RECALL, SPECIFICITY -> metric.key() + " alone is highest at a threshold that decides "
                        + "(almost) every row one way";
                default -> metric.key() + " is not a metric of binary classification";
            };
            reporter.error(a, TUNE_THRESHOLD_METRIC, Message.TUNE_THRESHOLD_METRIC.format(metric, why));
        }
        checkValidationData(a, protocol);
        return new SpecModel.ThresholdModel(costs ? null : metric, costs ? a.get(TUNE_THRESHOLD_FP_COST) : 0,
                costs ? a.get(TUNE_THRESHOLD_FN_COST) : 0);
    }

    /** A feature that watches validation data ({@code a}) under a protocol that sets none aside. */
    private void checkValidationData(Annotation a, ProtocolModel protocol) {
        String protocolText = protocol.noValidation();
        if (protocolText != null) {
            reporter.error(a, Message.NEEDS_VALIDATION.format(a.display(), protocolText, a.display()));
        }
    }

    private void checkMonitor(Annotation a, Attr<Metric> attribute, Metric monitor) {
        if (!monitor.appliesTo(task)) {
            String metrics = Metric.of(task).stream().map(Metric::key).collect(Collectors.joining(", "));
            reporter.error(a, attribute, Message.MONITOR_METRIC.format(a.display(), monitor.key(), task,
                    Metric.LOSS.key() + ", " + metrics));
        }
    }
}
