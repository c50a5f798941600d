package io.kiln.runtime;

import io.kiln.dsl.Task;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The training loop every generated trainer calls: read the data, split it (seeded, stratified),
 * fit preprocessing on the training split only, train with per-epoch progress, evaluate once on
 * the test split beside the baseline, and package a {@link KilnModel}.
 */
public final class Trainer {
    private static final ActivationIdentity IDENTITY = new ActivationIdentity();
    private Trainer() {}

    /** Data prepared for a definition: the rows, the split and the fitted preprocessing. */
    public record Prepared(CsvSource source, LabeledData data, Splits.Holdout split, FitSettings fit) {}

    /** Reads the data (the override in {@code options} or the declared source) and splits it. */
    public static Prepared prepare(ModelDefinition def, TrainOptions options) {
        CsvSource source = source(def, options.data());
        try {
            CsvTable table = CsvTable.read(source);
            LabeledData data = LabeledData.read(table, source, def.features(), def.label(), def.task());
            FitSettings fit = options.apply(def.fit());
            return new Prepared(source, data, split(def, data, fit.seed()), fit);
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

    /** The holdout split a definition's protocol gives for this data and seed. */
    public static Splits.Holdout split(ModelDefinition def, LabeledData data, long seed) {
        return split(def.holdout(), data, seed);
    }

    /** The split a protocol gives for this data and seed (the same rows every time). */
    public static Splits.Holdout split(HoldoutProtocol h, LabeledData data, long seed) {
        boolean stratify = h.stratified() && data.classes() != null;
        return Splits.holdout(data.size(), stratify ? data.classes() : null, h.validation(), h.test(), h.shuffle(),
                seed);
    }

    public static TrainingResult train(ModelDefinition def, TrainOptions options) {
        return train(def, prepare(def, options), options.progress(), options.everyEpoch());
    }

    public static TrainingResult train(ModelDefinition def, Prepared prepared, PrintStream progress,
            boolean everyEpoch) {
        long started = System.nanoTime();
        LabeledData data = prepared.data();
        Splits.Holdout split = prepared.split();
        FitSettings fit = prepared.fit();
        Task task = def.task();
        if (split.train().length == 0 || split.test().length == 0) {
            throw new IllegalArgumentException(String.format("The split of %d rows leaves %d training and %d test "
                    + "rows; both need at least one. Use more data or other @Holdout fractions.", data.size(),
                    split.train().length, split.test().length));
        }

        Preprocessor pre = Preprocessor.fit(def.features(), data.features(), split.train());
        double[][] trainTargets = rows(data.targets(), split.train());
        int outputs = trainTargets[0].length;
        double[] center = new double[outputs];
        double[] scale = new double[outputs];
        java.util.Arrays.fill(scale, 1);
        if (def.standardizeTargets()) {
            for (int j = 0; j < outputs; j++) {
                final int col = j;
                double[] cs = Preprocessor.centerScale(io.kiln.dsl.Scaling.STANDARDIZE,
                        java.util.Arrays.stream(trainTargets).mapToDouble(t -> t[col]).toArray());
                center[j] = cs[0];
                scale[j] = cs[1];
            }
        }
        INDArray xTrain = features(pre, data, split.train());
        INDArray yTrain = targets(data, split.train(), center, scale);
        INDArray xVal = split.validation().length > 0 ? features(pre, data, split.validation()) : null;
        DataSet val = xVal == null ? null : new DataSet(xVal, targets(data, split.validation(), center, scale));
        double[][] valTargets = rows(data.targets(), split.validation());

        MultiLayerNetwork net = new MultiLayerNetwork(def.network().configuration(pre.width(), fit.seed()));
        net.init();
        double[] baselineOutput = Metrics.baselineOutput(trainTargets);
        ModelMetadata draft = metadata(def, prepared, pre, center, scale, baselineOutput, null, null, null, List.of(), 0);
        KilnModel model = new KilnModel(net, draft);

        String primary = Metrics.primary(task);
        ILossFunction lossFunction = ((BaseOutputLayer) net.getOutputLayer().conf().getLayer()).getLossFn();
        List<ModelMetadata.EpochRecord> history = new ArrayList<>();
        Random shuffle = new Random(fit.seed());
        int n = split.train().length;
        int step = everyEpoch ? 1 : Math.max(1, (fit.epochs() + 9) / 10);
        for (int epoch = 1; epoch <= fit.epochs(); epoch++) {
            long t0 = System.nanoTime();
            int[] order = new int[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            Splits.shuffle(order, shuffle);
            double lossSum = 0;
            INDArray xs = Nd4j.pullRows(xTrain, 1, order);
            INDArray ys = Nd4j.pullRows(yTrain, 1, order);
            for (int from = 0; from < n; from += fit.batchSize()) {
                int to = Math.min(n, from + fit.batchSize());
                INDArray xb = rowRange(xs, from, to);
                INDArray yb = rowRange(ys, from, to);
                net.fit(new DataSet(xb, yb));
                lossSum += net.score() * (to - from);
            }
            double trainLoss = lossSum / n;
            if (!Double.isFinite(trainLoss)) {
                throw new TrainingDivergedException(epoch, trainLoss);
            }
            double valLoss = Double.NaN;
            double valMetric = Double.NaN;
            if (val != null) {
                // one forward pass gives both: the loss of the output layer on the outputs (data loss,
                // no regularization terms) and the task's metric in data units
                INDArray out = net.output(xVal, false);
                valLoss = lossFunction.computeScore(val.getLabels(), out, IDENTITY, null, true);
                valMetric = Metrics.evaluate(task, valTargets, model.toDataUnits(out)).metrics().get(primary);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            history.add(new ModelMetadata.EpochRecord(epoch, trainLoss, valLoss, valMetric, seconds));
            if (progress != null && (epoch == 1 || epoch == fit.epochs() || epoch % step == 0)) {
                double elapsed = (System.nanoTime() - started) / 1e9;
                double eta = elapsed / epoch * (fit.epochs() - epoch);
                progress.printf(Locale.ROOT, "epoch %" + digits(fit.epochs()) + "d/%d  loss %.4f%s  %.0f ms/epoch  ETA %s%n",
                        epoch, fit.epochs(), trainLoss,
                        val == null ? "" : String.format(Locale.ROOT, "  val_loss %.4f  val_%s %.4f", valLoss, primary,
                                valMetric),
                        seconds * 1000, duration(eta));
            }
        }

        Metrics.Evaluation[] evaluation = model.evaluate(data, split.test());
        Metrics.Evaluation test = evaluation[0];
        Metrics.Evaluation baseline = evaluation[1];
        double seconds = (System.nanoTime() - started) / 1e9;
        ModelMetadata meta = metadata(def, prepared, pre, center, scale, baselineOutput, test.metrics(),
                baseline.metrics(),
                test.confusion(), history, seconds);
        return new TrainingResult(new KilnModel(net, meta), test, baseline);
    }

    private static ModelMetadata metadata(ModelDefinition def, Prepared p, Preprocessor pre, double[] center,
            double[] scale, double[] baselineOutput, java.util.Map<String, Double> test, java.util.Map<String, Double> baseline,
            int[][] confusion, List<ModelMetadata.EpochRecord> history, double seconds) {
        ModelMetadata.Provenance provenance = new ModelMetadata.Provenance(p.source().name(), p.data().sha256(),
                p.data().size(), p.split().train().length, p.split().validation().length, p.split().test().length,
                def.holdout(), p.fit(), Versions.kiln(), Versions.dl4j(), System.getProperty("java.version"),
                Nd4j.getBackend().getClass().getSimpleName(), Instant.now().toString(), seconds);
        return new ModelMetadata(ModelMetadata.FORMAT, def.name(), def.task(),
                def.specClass() == null ? null : def.specClass().getName(), def.specText(), pre.transforms(),
                def.label(), def.task().isClassification() ? null : center,
                def.task().isClassification() ? null : scale, pre.width(), provenance, baselineOutput, test, baseline, confusion,
                history);
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

    static INDArray features(Preprocessor pre, LabeledData data, int[] which) {
        float[][] x = pre.encode(data.features(), which);
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

    private static int digits(int n) {
        return Integer.toString(n).length();
    }

    static String duration(double seconds) {
        if (seconds < 60) {
            return String.format(Locale.ROOT, "%.1fs", seconds);
        }
        return String.format(Locale.ROOT, "%dm%02ds", (long) seconds / 60, (long) seconds % 60);
    }
}
