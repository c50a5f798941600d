package io.kiln.runtime;

import io.kiln.dsl.Metric;
import io.kiln.dsl.Task;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The training loop every generated trainer calls: read the data, split it by the declared
 * {@link EvaluationProtocol}, fit preprocessing on training rows only (inside each fold), train
 * with early stopping, learning-rate schedules and divergence checks, evaluate once beside the
 * common-sense baseline, diagnose the fit, and package a {@link KilnModel} and a {@link Report}.
 */
public final class Trainer {
    private static final ActivationIdentity IDENTITY = new ActivationIdentity();
    /** Rows sampled from the training split for the dead-unit count. */
    static final int SAMPLE_ROWS = 1000;
    /**
     * Rows of that sample scored every epoch for the training metric: enough for a curve, few enough
     * to cost about 3% of an epoch (1000 rows cost about 10% on digits).
     */
    static final int METRIC_ROWS = 256;
    /** A training loss this many times the first epoch's is an explosion. */
    static final double EXPLODING = 100;
    /** A training loss this many times the constant baseline's has diverged. */
    static final double WORSE_THAN_BASELINE = 10;

    private Trainer() {}

    /**
     * Data prepared for a definition: the rows, the outer split and the training settings. For
     * k-fold the split's {@code train} rows are those cross-validated and its {@code test} rows the
     * final test set (possibly empty); its validation is empty.
     */
    public record Prepared(CsvSource source, LabeledData data, Splits.Holdout split, FitSettings fit) {}

    /**
     * Reads the data (the override in {@code options} or the declared source) and splits it; with a
     * {@link TrainOptions#sample()}, keeps that many of the training rows.
     */
    public static Prepared prepare(ModelDefinition def, TrainOptions options) {
        Prepared all = prepareAll(def, options);
        Integer rows = options.sample();
        if (rows == null || rows >= all.split().train().length) {
            return all;
        }
        int[] kept = sample(all.split().train(), rows, all.fit().seed());
        Arrays.sort(kept);
        return new Prepared(all.source(), all.data(), new Splits.Holdout(kept, all.split().validation(),
                all.split().test()), all.fit());
    }

    private static Prepared prepareAll(ModelDefinition def, TrainOptions options) {
        CsvSource source = source(def, options.data());
        try {
            // a temporal split orders rows by a column of the table, so the table is kept
            CsvTable table = def.protocol() instanceof TemporalProtocol ? def.readTable(source) : null;
            LabeledData data = table != null ? LabeledData.read(table, source, def.features(), def.label(), def.task())
                    : def.readData(source, true);
            FitSettings fit = options.apply(def.fit());
            if (def.testData() != null && options.data() == null) {
                // the official test set: its rows follow the data's; validation rows come from the data alone
                LabeledData test = def.readData(def.testData(), true);
                HoldoutProtocol h = (HoldoutProtocol) def.protocol();
                Splits.Holdout inner = Splits.holdout(data.size(), strata(h.stratified(), data), h.validation(), 0,
                        h.shuffle(), fit.seed());
                int[] testRows = IntStream.range(data.size(), data.size() + test.size()).toArray();
                return new Prepared(source, data.concat(test), new Splits.Holdout(inner.train(), inner.validation(),
                        testRows), fit);
            }
            return new Prepared(source, data, split(def.protocol(), table, data, fit.seed()), fit);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static CsvSource source(ModelDefinition def, Path override) {
        if (override != null) {
            return def.data() != null ? def.data().withFile(override) : CsvSource.file(override);
        }
        if (def.data() == null) {
            throw new IllegalArgumentException("Model '" + def.name()
                    + "' declares no @CsvData; pass the training data with --data FILE.");
        }
        return def.data();
    }

    /** The outer split a protocol gives for this data and seed (the same rows every time). */
    public static Splits.Holdout split(EvaluationProtocol protocol, CsvTable table, LabeledData data, long seed) {
        if (protocol instanceof HoldoutProtocol h) {
            return Splits.holdout(data.size(), strata(h.stratified(), data), h.validation(), h.test(), h.shuffle(),
                    seed);
        }
        if (protocol instanceof KFoldProtocol k) {
            return Splits.holdout(data.size(), strata(k.stratified(), data), 0, k.test(), k.shuffle(), seed);
        }
        TemporalProtocol t = (TemporalProtocol) protocol;
        return Splits.temporal(TemporalKeys.read(table, t.orderBy()), t.validation(), t.test());
    }

    /** The final test rows of a saved model's protocol, rebuilt from the data it was trained on. */
    public static int[] testRows(ModelDefinition def, EvaluationProtocol protocol, CsvSource source, LabeledData data,
            long seed) throws IOException {
        CsvTable table = protocol instanceof TemporalProtocol ? def.readTable(source) : null;
        return split(protocol, table, data, seed).test();
    }

    private static int[] strata(boolean stratified, LabeledData data) {
        return stratified ? data.classes() : null;
    }

    public static TrainingResult train(ModelDefinition def, TrainOptions options) {
        return train(def, prepare(def, options), options);
    }

    /** Trains by the definition's protocol and evaluates the final model. */
    public static TrainingResult train(ModelDefinition def, Prepared prepared, TrainOptions options) {
        long started = System.nanoTime();
        LabeledData data = prepared.data();
        Splits.Holdout split = prepared.split();
        FitSettings fit = prepared.fit();
        Progress progress = new Progress(options.progress(), options.everyEpoch());
        List<Report.Warning> warnings = new ArrayList<>(Diagnostics.dataWarnings(def, data, split.train()));
        int duplicates = 0;
        // each held-out row counted once: test rows against training and validation rows, validation
        // rows against training rows
        String[] what = {"test rows (against training and validation rows)", "validation rows (against training rows)"};
        int[][][] pairs = {{concat(split.train(), split.validation()), split.test()}, {split.train(), split.validation()}};
        for (int p = 0; p < pairs.length; p++) {
            int[][] sides = pairs[p];
            Diagnostics.Duplicates d = Diagnostics.duplicates(data, sides[0], sides[1], what[p]);
            duplicates += d.count();
            d.warning().ifPresent(warnings::add);
        }
        warnings.forEach(w -> progress.line("warning: " + w.message()));

        Report.CrossValidation cv = null;
        double[][] oofTargets = null;
        double[][] oofOutputs = null;
        CrossValidation cvRun = null;
        Run run;
        int finalEpochs;
        boolean retrained = false;
        EvaluationProtocol protocol = def.protocol();
        if (protocol instanceof KFoldProtocol k) {
            if (split.train().length < k.k()) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "%d-fold cross-validation needs at "
                        + "least %d rows outside the test set, has %d.", k.k(), k.k(), split.train().length));
            }
            CrossValidation c = crossValidate(def, data, split.train(), k, fit, progress, options.listener());
            cvRun = c;
            cv = c.summary();
            oofTargets = c.targets();
            oofOutputs = c.outputs();
            progress.line(String.format(Locale.ROOT, "final model: %d epochs on all %d cross-validated rows",
                    cv.finalEpochs(), split.train().length));
            run = fitOnce(def, data, split.train(), new int[0], fit, cv.finalEpochs(), progress, options.listener());
            finalEpochs = run.history().size();
        } else {
            if (split.train().length == 0 || split.test().length == 0) {
                throw new IllegalArgumentException(String.format("The split of %d rows leaves %d training and %d test "
                        + "rows; both need at least one. Use more data or other fractions.", data.size(),
                        split.train().length, split.test().length));
            }
            run = fitOnce(def, data, split.train(), split.validation(), fit, fit.epochs(), progress, options.listener());
            finalEpochs = run.history().size();
            if (protocol instanceof HoldoutProtocol h && h.retrain()) {
                int epochs = def.earlyStopping() != null ? Math.max(1, run.bestEpoch()) : fit.epochs();
                int[] all = concat(split.train(), split.validation());
                progress.line(String.format(Locale.ROOT, "retraining: %d epochs on %d training + validation rows",
                        epochs, all.length));
                Run first = run;
                run = fitOnce(def, data, all, new int[0], fit, epochs, progress, options.listener());
                finalEpochs = run.history().size();
                // keep the monitored curve of the first run: the retrain has no validation data
                run = run.withValidationHistory(first);
                retrained = true;
            }
        }

        Metrics.Evaluation test;
        Metrics.Evaluation baseline;
        String evaluatedOn;
        double[][] testTargets = null;
        double[][] testOutputs = null;
        if (split.test().length > 0) {
            testTargets = rows(data.targets(), split.test());
            testOutputs = run.model().output(features(run.model().preprocessor(), data, split.test()));
            test = Metrics.evaluate(def.task(), testTargets, testOutputs, def.threshold());
            baseline = Metrics.evaluate(def.task(), testTargets, run.model().baselineOutputs(data, split.test()));
            evaluatedOn = "test";
        } else { // k-fold without a test set: the cross-validated means are the estimate
            testTargets = oofTargets;
            testOutputs = oofOutputs;
            test = new Metrics.Evaluation(cv.mean(),
                    Metrics.evaluate(def.task(), oofTargets, oofOutputs, def.threshold()).confusion());
            baseline = new Metrics.Evaluation(cv.baselineMean(), null);
            evaluatedOn = "cross-validation";
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        int validationRows = retrained || cv != null ? 0 : split.validation().length;
        // the rows the final model trained on: all cross-validated rows, training + validation after a retrain
        int[] finalRows = retrained ? concat(split.train(), split.validation()) : split.train();
        int trainRows = finalRows.length;
        DriftProfile drift = DriftProfile.fit(run.model().metadata().features(), data.features(), finalRows);
        ModelMetadata meta = metadata(def, prepared, run, trainRows, validationRows, test.metrics(),
                baseline.metrics(), test.confusion(), seconds, drift);
        KilnModel model = new KilnModel(run.model().network(), meta);
        // k-fold: the curves of the folds, averaged (the final model trains without validation)
        Run reported = cvRun == null ? run : run.withCurves(cvRun.meanHistory(),
                Math.max(1, bestEpoch(cvRun.meanHistory())), false, false,
                def.earlyStopping() != null ? def.earlyStopping().monitor().key() : Metric.LOSS.key(),
                cvRun.meanFirstLoss());
        Report.Diagnosis diagnosis = Diagnostics.diagnose(reported.history(), reported.firstLoss(),
                def.earlyStopping() != null);
        warnings.addAll(Diagnostics.deadUnitWarnings(run.deadRelu()));
        Report report = Reports.build(def, prepared, reported, finalEpochs, cv, retrained, evaluatedOn, test, baseline,
                testTargets, testOutputs, diagnosis, warnings, duplicates, trainRows, validationRows, seconds);
        return new TrainingResult(model, test, baseline, report);
    }

    /**
     * The result of the sanity check (seed 003: "always make sure your model is able to overfit"):
     * the model trained on a few rows, scored on those same rows.
     *
     * @param rows the rows trained on
     * @param epochs epochs trained
     * @param firstLoss training loss after the first epoch
     * @param finalLoss training loss after the last epoch
     * @param metric the primary metric's name
     * @param score the primary metric on the rows trained on
     * @param passed whether the model fitted them (accuracy at least 0.99, or R² at least 0.95)
     */
    public record Sanity(int rows, int epochs, double firstLoss, double finalLoss, String metric, double score,
            boolean passed) {

        /** The verdict, and what to check when the model cannot overfit. */
        public String describe() {
            String head = String.format(Locale.ROOT, "trained %d epochs on %d rows: loss %.4f -> %.4f, %s on those "
                    + "rows %.4f", epochs, rows, firstLoss, finalLoss, metric, score);
            if (passed) {
                return head + "\nPASS: the model can overfit a small sample, so it can learn; now regularize and "
                        + "train on all the data.";
            }
            return head + "\nFAIL: the model cannot even fit " + rows + " rows. Check that labels line up with "
                    + "their rows, that features are scaled, that the learning rate is not far too small or too "
                    + "large, and that the network has enough capacity (regularization, dropout or label smoothing "
                    + "can also keep it from memorizing).";
        }
    }

    /**
     * Trains on {@code rows} training rows (full batch) for {@code epochs} epochs and checks that
     * the model fits them.
     */
    public static Sanity sanity(ModelDefinition def, TrainOptions options, int rows, int epochs) {
        Prepared p = prepare(def, options);
        int[] pool = p.split().train();
        int[] sample = sample(pool, rows, p.fit().seed());
        FitSettings fit = new FitSettings(epochs, sample.length, p.fit().seed());
        Run run = fitOnce(def, p.data(), sample, new int[0], fit, epochs, new Progress(options.progress(), false),
                options.listener());
        double[][] targets = rows(p.data().targets(), sample);
        double[][] outputs = run.model().output(features(run.model().preprocessor(), p.data(), sample));
        String primary = Metrics.primary(def.task());
        double score = Metrics.evaluate(def.task(), targets, outputs, def.threshold()).metrics().get(primary);
        boolean passed = def.task().isClassification() ? score >= 0.99 : score >= 0.95;
        return new Sanity(sample.length, epochs, run.firstLoss(), run.history().get(run.history().size() - 1)
                .trainLoss(), primary, score, passed);
    }

    /**
     * The fold table, and the out-of-fold targets and outputs of the first repeat (every
     * cross-validated row once), for the confusion matrix and curves when there is no test set.
     */
    record CrossValidation(Report.CrossValidation summary, double[][] targets, double[][] outputs,
            List<Report.Epoch> meanHistory, double meanFirstLoss) {}

    /** Cross-validates: p × k models, each with preprocessing fitted on its own training folds. */
    private static CrossValidation crossValidate(ModelDefinition def, LabeledData data, int[] rows,
            KFoldProtocol k, FitSettings fit, Progress progress, EpochListener listener) {
        List<Report.Fold> folds = new ArrayList<>();
        List<List<Report.Epoch>> histories = new ArrayList<>();
        List<double[]> oofTargets = new ArrayList<>();
        List<double[]> oofOutputs = new ArrayList<>();
        int total = k.k() * k.repeats();
        String primary = Metrics.primary(def.task());
        for (int r = 0; r < k.repeats(); r++) {
            List<Splits.Fold> split = Splits.kfold(rows, strata(k.stratified(), data), k.k(), k.shuffle(),
                    fit.seed() + 7919L * r);
            for (int f = 0; f < split.size(); f++) {
                Splits.Fold fold = split.get(f);
                Run run = fitOnce(def, data, fold.train(), fold.validation(), fit, fit.epochs(),
                        progress.everyEpoch() ? progress : Progress.NONE, listener);
                double[][] targets = rows(data.targets(), fold.validation());
                double[][] outputs = run.model().output(features(run.model().preprocessor(), data, fold.validation()));
                Map<String, Double> m = Metrics.evaluate(def.task(), targets, outputs, def.threshold()).metrics();
                if (r == 0) {
                    oofTargets.addAll(List.of(targets));
                    oofOutputs.addAll(List.of(outputs));
                }
                Map<String, Double> b = Metrics.evaluate(def.task(), targets,
                        repeat(run.model().metadata().baselineOutput(), fold.validation().length)).metrics();
                histories.add(run.history());
                folds.add(new Report.Fold(r + 1, f + 1, fold.train().length, fold.validation().length, run.bestEpoch(),
                        run.history().size(), m, b));
                progress.line(String.format(Locale.ROOT, "fold %d/%d: %d epochs (best %d)  %s %.4f  baseline %.4f",
                        folds.size(), total, run.history().size(), run.bestEpoch(), primary, m.get(primary),
                        b.get(primary)));
            }
        }
        Map<String, Double> mean = new LinkedHashMap<>();
        Map<String, Double> std = new LinkedHashMap<>();
        Map<String, Double> baselineMean = new LinkedHashMap<>();
        for (String key : folds.get(0).metrics().keySet()) {
            double[] v = folds.stream().mapToDouble(fo -> fo.metrics().get(key)).toArray();
            mean.put(key, Arrays.stream(v).average().orElse(Double.NaN));
            std.put(key, std(v));
            baselineMean.put(key, folds.stream().mapToDouble(fo -> fo.baseline().get(key)).average().orElse(Double.NaN));
        }
        int finalEpochs = def.earlyStopping() != null
                ? (int) Math.max(1, Math.round(folds.stream().mapToInt(Report.Fold::bestEpoch).average().orElse(1)))
                : fit.epochs();
        progress.line(String.format(Locale.ROOT, "%s: %s %.4f ± %.4f (baseline %.4f)", k.describe(def.task()),
                primary,
                mean.get(primary), std.get(primary), baselineMean.get(primary)));
        return new CrossValidation(new Report.CrossValidation(folds, mean, std, baselineMean, finalEpochs),
                oofTargets.toArray(new double[0][]), oofOutputs.toArray(new double[0][]), meanHistory(histories),
                histories.stream().mapToDouble(h -> h.get(0).trainLoss()).average().orElse(Double.NaN));
    }

    /**
     * The learning curves averaged over folds, epoch by epoch, up to the epoch every fold reached
     * (early stopping may end some folds sooner): the curves to read the fit from.
     */
    static List<Report.Epoch> meanHistory(List<List<Report.Epoch>> histories) {
        int longest = histories.stream().mapToInt(List::size).min().orElse(0);
        List<Report.Epoch> mean = new ArrayList<>(longest);
        for (int e = 0; e < longest; e++) {
            final int i = e;
            List<Report.Epoch> at = histories.stream().filter(h -> h.size() > i).map(h -> h.get(i)).toList();
            mean.add(new Report.Epoch(e + 1, at.stream().mapToDouble(Report.Epoch::trainLoss).average().orElseThrow(),
                    at.stream().mapToDouble(Report.Epoch::validationLoss).average().orElseThrow(),
                    at.stream().mapToDouble(Report.Epoch::trainMetric).average().orElseThrow(),
                    at.stream().mapToDouble(Report.Epoch::validationMetric).average().orElseThrow(),
                    at.stream().mapToDouble(Report.Epoch::learningRate).average().orElseThrow(),
                    at.stream().mapToDouble(Report.Epoch::seconds).average().orElseThrow()));
        }
        return mean;
    }

    /** The epoch of the lowest validation loss (0 when there is none). */
    static int bestEpoch(List<Report.Epoch> history) {
        int best = 0;
        for (Report.Epoch e : history) {
            if (!Double.isNaN(e.validationLoss())
                    && (best == 0 || e.validationLoss() < history.get(best - 1).validationLoss())) {
                best = e.epoch();
            }
        }
        return best;
    }

    static double std(double[] v) {
        if (v.length < 2) {
            return 0;
        }
        double mean = Arrays.stream(v).average().orElse(0);
        double ss = Arrays.stream(v).map(x -> (x - mean) * (x - mean)).sum();
        return Math.sqrt(ss / (v.length - 1));
    }

    /**
     * One model trained on {@code train}, monitored on {@code validation} (may be empty).
     *
     * @param firstLoss the first epoch's training loss, for the diagnosis
     * @param deadRelu per ReLU layer, the fraction of units dead on sampled training rows
     */
    record Run(KilnModel model, List<Report.Epoch> history, int bestEpoch, boolean stoppedEarly, boolean restoredBest, String monitor,
            String learningRate, double firstLoss, Map<String, Double> deadRelu) {

        /** This run with the validation curve of {@code monitored} (a retrain has none of its own). */
        Run withValidationHistory(Run monitored) {
            return withCurves(monitored.history(), monitored.bestEpoch(), monitored.stoppedEarly(),
                    monitored.restoredBest(), monitored.monitor(), monitored.firstLoss());
        }

        /** This run's model with other learning curves to report and diagnose. */
        Run withCurves(List<Report.Epoch> curves, int best, boolean stopped, boolean restored, String monitored,
                double first) {
            return new Run(model, curves, best, stopped, restored,
                    monitored, learningRate, first, deadRelu);
        }
    }

    static Run fitOnce(ModelDefinition def, LabeledData data, int[] train, int[] validation, FitSettings fit,
            int epochs, Progress progress, EpochListener listener) {
        long started = System.nanoTime();
        Task task = def.task();
        Preprocessor pre = Preprocessor.fit(def.features(), data.features(), train);
        double[][] trainTargets = rows(data.targets(), train);
        int outputs = trainTargets[0].length;
        double[] center = new double[outputs];
        double[] scale = new double[outputs];
        Arrays.fill(scale, 1);
        if (def.standardizeTargets()) {
            for (int j = 0; j < outputs; j++) {
                final int col = j;
                double[] cs = Preprocessor.centerScale(io.kiln.dsl.Scaling.STANDARDIZE,
                        Arrays.stream(trainTargets).mapToDouble(t -> t[col]).toArray());
                center[j] = cs[0];
                scale[j] = cs[1];
            }
        }
        INDArray xTrain = features(pre, data, train);
        int tokens = pre.tokenColumns(); // token-id inputs are masked beyond each text's end
        INDArray yTrain = targets(data, train, center, scale);
        if (def.labelSmoothing() > 0) {
            smooth(yTrain, def.labelSmoothing(), task);
        }
        boolean validate = validation.length > 0;
        INDArray xVal = validate ? features(pre, data, validation) : null;
        INDArray yVal = validate ? targets(data, validation, center, scale) : null;
        double[][] valTargets = rows(data.targets(), validation);
        int[] sample = sample(train, SAMPLE_ROWS, fit.seed());
        INDArray xSample = features(pre, data, sample);
        int[] metricRows = Arrays.copyOf(sample, Math.min(METRIC_ROWS, sample.length));
        INDArray xMetric = features(pre, data, metricRows);
        double[][] metricTargets = rows(data.targets(), metricRows);

        Network net = def.newNetwork(pre.width(), fit.seed());
        double[] baselineOutput = Metrics.baselineOutput(trainTargets);
        KilnModel model = new KilnModel(net, draftMetadata(def, pre, center, scale, baselineOutput));
        int n = train.length;
        int iterationsPerEpoch = (n + fit.batchSize() - 1) / fit.batchSize();
        KilnSchedule schedule = null;
        double baseRate = learningRateOf(net);
        LearningRate declared = def.learningRate();
        if (declared != null && !declared.isConstant() || def.plateau() != null && validate) {
            LearningRate lr = declared != null ? declared : LearningRate.constant(baseRate);
            // the schedule spans the planned epochs, so a retrain or final model that runs fewer
            // epochs follows the same rates as the monitored run did
            schedule = new KilnSchedule(lr, fit.epochs(), iterationsPerEpoch);
            net.setLearningRate(schedule);
        }
        String scheduleText = schedule != null ? schedule.learningRate().describe()
                : LearningRate.constant(baseRate).describe();

        String primary = Metrics.primary(task);
        ILossFunction lossFunction = ((BaseOutputLayer) net.outputLayer()).getLossFn();
        // the constant baseline's loss on the training targets: a model far worse than it has diverged
        double[] baselineTrainOutput = baselineOutput.clone();
        for (int j = 0; j < baselineTrainOutput.length; j++) {
            baselineTrainOutput[j] = (baselineTrainOutput[j] - center[j]) / scale[j];
        }
        double baselineLoss = lossFunction.computeScore(yTrain, clip(Nd4j.create(repeat(baselineTrainOutput, n))
                .castTo(DataType.FLOAT), task), IDENTITY, null, true);
        EarlyStopping es = validate ? def.earlyStopping() : null;
        ReduceOnPlateau plateau = validate ? def.plateau() : null;
        Monitor stopMonitor = es != null ? new Monitor(es.monitor(), es.minDelta()) : null;
        Monitor plateauMonitor = plateau != null ? new Monitor(plateau.monitor(), plateau.minDelta()) : null;
        Monitor lossMonitor = new Monitor(Metric.LOSS, 0);
        INDArray bestParams = null;
        int bestEpoch = 0;
        boolean stoppedEarly = false;
        double plateauScale = 1;
        double firstLoss = Double.NaN;
        List<Report.Epoch> history = new ArrayList<>();
        Random shuffle = new Random(fit.seed());
        ImageAugmentation augment = def.augmentation() != null && def.augmentation().isActive()
                ? def.augmentation() : null;
        Random augmentRandom = new Random(fit.seed() * 31 + 17);
        // the geometric transforms undo and redo each pixel's scaling
        double[] pixelCenters = augment == null ? null
                : pre.transforms().stream().mapToDouble(FeatureTransform::center).toArray();
        double[] pixelScales = augment == null ? null
                : pre.transforms().stream().mapToDouble(FeatureTransform::scale).toArray();
        int[] order = new int[n];
        for (int epoch = 1; epoch <= epochs; epoch++) {
            long t0 = System.nanoTime();
            double rate = schedule != null ? schedule.valueAt(net.iterationCount(), epoch - 1) : baseRate;
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            Splits.shuffle(order, shuffle);
            double lossSum = 0;
            INDArray xs = Nd4j.pullRows(xTrain, 1, order);
            INDArray ys = Nd4j.pullRows(yTrain, 1, order);
            INDArray masks = TokenMask.of(xs, tokens);
            for (int from = 0; from < n; from += fit.batchSize()) {
                int to = Math.min(n, from + fit.batchSize());
                INDArray xb = rowRange(xs, from, to);
                if (augment != null) {
                    xb = augment(augment, xb, def.image(), pixelCenters, pixelScales, augmentRandom);
                }
                net.fit(new DataSet(xb, rowRange(ys, from, to),
                        masks == null ? null : rowRange(masks, from, to), null));
                lossSum += net.score() * (to - from);
            }
            double trainLoss = lossSum / n;
            if (epoch == 1) {
                firstLoss = trainLoss;
            }
            if (!Double.isFinite(trainLoss)) {
                throw new TrainingDivergedException(epoch, trainLoss, rate, def);
            }
            if (epoch > 1 && firstLoss > 0 && trainLoss > EXPLODING * firstLoss) {
                throw new TrainingDivergedException(epoch, trainLoss, firstLoss, rate, def);
            }
            // from the third epoch: a bad first epoch can recover
            if (epoch >= 3 && baselineLoss > 0 && trainLoss > WORSE_THAN_BASELINE * baselineLoss) {
                throw new TrainingDivergedException(epoch, trainLoss, rate, baselineLoss, def, true);
            }
            double trainMetric = Metrics.evaluate(task, metricTargets, model.toDataUnits(net.output(xMetric,
                    TokenMask.of(xMetric, tokens))),
                    def.threshold()).metrics().get(primary);
            double valLoss = Double.NaN;
            double valMetric = Double.NaN;
            Map<String, Double> valMetrics = Map.of();
            if (validate) {
                // one forward pass gives both: the loss of the output layer on the outputs (data loss,
                // no regularization terms) and the task's metrics in data units
                INDArray out = net.output(xVal, TokenMask.of(xVal, tokens));
                valLoss = lossFunction.computeScore(yVal, clip(out, task), IDENTITY, null, true);
                valMetrics = Metrics.evaluate(task, valTargets, model.toDataUnits(out), def.threshold()).metrics();
                valMetric = valMetrics.get(primary);
            }
            Report.Epoch record = new Report.Epoch(epoch, trainLoss, valLoss, trainMetric, valMetric, rate,
                    (System.nanoTime() - t0) / 1e9);
            history.add(record);
            progress.epoch(record, epochs, started, validate, primary);
            if (listener != null) {
                listener.onEpoch(record, model);
            }
            if (!validate) {
                continue;
            }
            if (lossMonitor.improved(valLoss, valMetrics) && es == null) {
                bestEpoch = epoch;
            }
            if (stopMonitor != null) {
                if (stopMonitor.improved(valLoss, valMetrics)) {
                    bestEpoch = epoch;
                    if (es.restoreBest()) {
                        bestParams = net.params().dup();
                    }
                } else if (stopMonitor.waited() >= es.patience()) {
                    stoppedEarly = true;
                    progress.line(String.format(Locale.ROOT, "early stopping at epoch %d: validation %s has not "
                            + "improved for %d epochs (best %.4f at epoch %d)", epoch, es.monitor().key(),
                            es.patience(), stopMonitor.best(), bestEpoch));
                    break;
                }
            }
            if (plateauMonitor != null && !plateauMonitor.improved(valLoss, valMetrics)
                    && plateauMonitor.waited() >= plateau.patience()) {
                plateauScale *= plateau.factor();
                schedule = schedule.scaled(plateauScale, plateau.minLearningRate());
                net.setLearningRate(schedule);
                plateauMonitor.resetWait();
                progress.line(String.format(Locale.ROOT, "epoch %d: validation %s on a plateau for %d epochs; "
                        + "learning rate x%.3g", epoch, plateau.monitor().key(), plateau.patience(), plateauScale));
            }
        }
        boolean restored = false;
        if (bestParams != null && bestEpoch != history.size()) {
            net.setParams(bestParams);
            restored = true;
            progress.line(String.format(Locale.ROOT, "restored the weights of epoch %d (best validation %s)",
                    bestEpoch, es.monitor().key()));
        }
        Map<String, Double> dead = Diagnostics.deadRelu(net, xSample);
        return new Run(model, history, bestEpoch, stoppedEarly, restored,
                es != null ? es.monitor().key() : validate ? Metric.LOSS.key() : null, scheduleText, firstLoss, dead);
    }

    /** Tracks the best value of a monitored validation quantity and the epochs since it improved. */
    static final class Monitor {
        private final Metric metric;
        private final double minDelta;
        private double best = Double.NaN;
        private int waited;

        Monitor(Metric metric, double minDelta) {
            this.metric = metric;
            this.minDelta = minDelta;
        }

        /** Records an epoch's value; true if it improved on the best by more than minDelta. */
        boolean improved(double loss, Map<String, Double> metrics) {
            double v = metric == Metric.LOSS ? loss : metrics.get(metric.key());
            boolean better = Double.isNaN(best) || (metric.higherIsBetter() ? v > best + minDelta : v < best - minDelta);
            if (better) {
                best = v;
                waited = 0;
            } else {
                waited++;
            }
            return better;
        }

        int waited() {
            return waited;
        }

        void resetWait() {
            waited = 0;
        }

        double best() {
            return best;
        }
    }

    /**
     * Softmax outputs with probabilities clipped away from 0, as DL4J's own softmax cross-entropy
     * does in training: with the identity activation it skips that, and a probability that
     * underflows to 0 makes 0 · log 0 = NaN.
     */
    static INDArray clip(INDArray out, Task task) {
        return task == Task.MULTICLASS_CLASSIFICATION ? Transforms.max(out, 1e-10, true) : out;
    }

    /** The learning rate of the network's output layer's updater. */
    static double learningRateOf(Network net) {
        var updater = ((BaseLayer) net.outputLayer()).getIUpdater();
        return updater.hasLearningRate() ? updater.getLearningRate(0, 0) : Double.NaN;
    }

    /** Moves one-hot (or 0/1) targets toward uniform: y(1 - e) + e / K. */
    static void smooth(INDArray y, double epsilon, Task task) {
        long k = task == Task.MULTICLASS_CLASSIFICATION ? y.columns() : 2;
        y.muli(1 - epsilon).addi(epsilon / k);
    }

    /** Up to {@code max} of {@code rows}, drawn with the seed (all of them, in order, when there are fewer). */
    static int[] sample(int[] rows, int max, long seed) {
        if (rows.length <= max) {
            return rows;
        }
        int[] copy = rows.clone();
        Splits.shuffle(copy, new Random(seed ^ 0x5DEECE66DL));
        return Arrays.copyOf(copy, max);
    }

    static int[] concat(int[] a, int[] b) {
        int[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private static ModelMetadata draftMetadata(ModelDefinition def, Preprocessor pre, double[] center, double[] scale,
            double[] baselineOutput) {
        boolean classification = def.task().isClassification();
        // no drift profile: only the final model's metadata gets one (in metadata(..))
        return new ModelMetadata(ModelMetadata.FORMAT, def.name(), def.task(),
                def.specClass() == null ? null : def.specClass().getName(), def.specText(), pre.transforms(),
                def.label(), classification ? null : center, classification ? null : scale, pre.width(), null,
                baselineOutput, null, null, null, List.of(), def.threshold(), null);
    }

    private static ModelMetadata metadata(ModelDefinition def, Prepared p, Run run, int trainRows, int validationRows,
            Map<String, Double> test, Map<String, Double> baseline, int[][] confusion, double seconds,
            DriftProfile drift) {
        ModelMetadata.Provenance provenance = new ModelMetadata.Provenance(p.source().name(), p.data().sha256(),
                p.data().size(), trainRows, validationRows, p.split().test().length, def.protocol(), p.fit(),
                Versions.kiln(), Versions.dl4j(), System.getProperty("java.version"),
                Nd4j.getBackend().getClass().getSimpleName(), Instant.now().toString(), seconds);
        ModelMetadata d = run.model().metadata();
        return new ModelMetadata(d.format(), d.name(), d.task(), d.specClass(), d.spec(), d.features(), d.label(),
                d.targetCenter(), d.targetScale(), d.numInputs(), provenance, d.baselineOutput(), test, baseline,
                confusion, run.history(), d.threshold(), drift);
    }

    /**
     * Rows [from, to) of a C-ordered matrix as a view, built directly from the buffer: measurably
     * cheaper per minibatch than {@code get(NDArrayIndex.interval(..), all())}, which resolves
     * indexes in Java.
     */
    static INDArray rowRange(INDArray m, int from, int to) {
        long cols = m.columns();
        return Nd4j.create(m.data(), new long[] {to - from, cols}, new long[] {cols, 1}, from * cols, 'c',
                m.dataType());
    }

    public static double[][] repeat(double[] row, int n) {
        double[][] out = new double[n][];
        for (int i = 0; i < n; i++) {
            out[i] = row.clone();
        }
        return out;
    }

    /** A randomly transformed copy of a batch of encoded images. */
    private static INDArray augment(ImageAugmentation augment, INDArray batch, int[] image, double[] centers,
            double[] scales, Random random) {
        float[] x = batch.dup('c').data().asFloat();
        augment.apply(x, (int) batch.size(0), image[0], image[1], image[2], centers, scales, random);
        return Nd4j.create(x, batch.shape(), 'c');
    }

    static INDArray features(Preprocessor pre, LabeledData data, int[] which) {
        float[][] x = pre.encode(data.features(), which);
        if (x.length == 0) {
            return Nd4j.create(DataType.FLOAT, 0, pre.width());
        }
        return Nd4j.create(x).castTo(DataType.FLOAT);
    }

    private static INDArray targets(LabeledData data, int[] which, double[] center, double[] scale) {
        float[][] y = new float[which.length][];
        for (int i = 0; i < which.length; i++) {
            double[] t = data.targets()[which[i]];
            y[i] = new float[t.length];
            for (int j = 0; j < t.length; j++) {
                y[i][j] = (float) ((t[j] - center[j]) / scale[j]);
            }
        }
        return Nd4j.create(y).castTo(DataType.FLOAT);
    }

    static double[][] rows(double[][] all, int[] which) {
        double[][] out = new double[which.length][];
        for (int i = 0; i < which.length; i++) {
            out[i] = all[which[i]];
        }
        return out;
    }

    /** Per-epoch progress: about ten lines a run, or every epoch. */
    static final class Progress {
        static final Progress NONE = new Progress(null, false);
        private final PrintStream out;
        private final boolean everyEpoch;

        Progress(PrintStream out, boolean everyEpoch) {
            this.out = out;
            this.everyEpoch = everyEpoch;
        }

        boolean everyEpoch() {
            return everyEpoch;
        }

        void line(String text) {
            if (out != null) {
                out.println(text);
            }
        }

        void epoch(Report.Epoch e, int epochs, long started, boolean validate, String primary) {
            if (out == null) {
                return;
            }
            int step = everyEpoch ? 1 : Math.max(1, (epochs + 9) / 10);
            if (e.epoch() == 1 || e.epoch() == epochs || e.epoch() % step == 0) {
                double elapsed = (System.nanoTime() - started) / 1e9;
                double eta = elapsed / e.epoch() * (epochs - e.epoch());
                out.printf(Locale.ROOT, "epoch %" + Integer.toString(epochs).length() + "d/%d  loss %.4f%s  lr %.3g  "
                        + "%.0f ms/epoch  ETA %s%n", e.epoch(), epochs, e.trainLoss(),
                        validate ? String.format(Locale.ROOT, "  val_loss %.4f  val_%s %.4f", e.validationLoss(),
                                primary, e.validationMetric()) : "",
                        e.learningRate(), e.seconds() * 1000, duration(eta));
            }
        }
    }

    static String duration(double seconds) {
        if (seconds < 60) {
            return String.format(Locale.ROOT, "%.1fs", seconds);
        }
        return String.format(Locale.ROOT, "%dm%02ds", (long) seconds / 60, (long) seconds % 60);
    }
}
