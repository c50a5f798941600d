package io.kiln.runtime.internal.train;

import io.kiln.dsl.Metric;
import io.kiln.dsl.Task;
import io.kiln.runtime.EarlyStopping;
import io.kiln.runtime.FeatureKind;
import io.kiln.runtime.FitSettings;
import io.kiln.runtime.KFoldProtocol;
import io.kiln.runtime.ModelDefinition;
import io.kiln.runtime.NetworkFactory;
import io.kiln.runtime.Report;
import io.kiln.runtime.internal.data.LabeledData;
import io.kiln.runtime.internal.data.Rows;
import io.kiln.runtime.internal.data.Splits;
import io.kiln.runtime.internal.evaluate.Metrics;
import io.kiln.runtime.internal.preprocess.Preprocessor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The reference models trained beside the network: a linear model (logistic or linear regression:
 * the task's output layer alone, Adam) trained by {@link TrainingLoop}, and
 * gradient-boosted trees ({@link BoostedTrees}). Both see the network's preprocessed features
 * (preprocessing fitted on each run's own training rows) and the network's rows: the same training,
 * validation and test rows for a holdout or temporal split (retrained on training + validation rows
 * when the network was), the same folds for k-fold, scored with the same metrics on the same rows.
 * Only tables of flat features get references, up to {@value #MAX_ROWS} rows, {@value #MAX_COLUMNS}
 * encoded columns and {@value #MAX_CELLS} cells.
 */
public final class References {
    public static final int MAX_ROWS = 100_000;
    public static final int MAX_COLUMNS = 1_000;
    public static final long MAX_CELLS = 5_000_000L;
    /**
     * The most rows × encoded columns × trees per round (classes, or 1) the boosted trees are trained
     * for, so that they stay a fraction of the network's training time (5,000 rows of 784 pixels in
     * ten classes took XGBoost 72 s, 36 times the network's 3 epochs).
     */
    public static final long MAX_TREE_CELLS = 4_000_000L;
    /**
     * The linear regression's L2 coefficient: next to nothing, so it is the least-squares fit a
     * reference linear regression is expected to be (scikit-learn's {@code LinearRegression}).
     */
    static final double L2 = 1e-4;
    static final double LEARNING_RATE = 0.01;
    static final int MAX_EPOCHS = 200;
    static final int PATIENCE = 10;
    /** Updates a linear model gets at most (fewer epochs on large tables), before early stopping. */
    static final int MAX_UPDATES = 30_000;

    /** Why there are none when the user turned them off. */
    public static final String TURNED_OFF = Report.REFERENCES_TURNED_OFF;

    private References() {}

    /** The references, or why there are none (then {@code list} is null). */
    public record Outcome(List<Report.Reference> list, String skipped) {
        public static Outcome skipped(String why) {
            return new Outcome(null, why);
        }
    }

    /** Why a definition gets no references, or null when it does. */
    public static String skipReason(ModelDefinition def, LabeledData data, Splits.Holdout split) {
        if (def.image() != null) {
            return "not trained for image inputs (only for tables of flat features)";
        }
        if (def.series() != null) {
            return "not trained for series windows (only for tables of flat features)";
        }
        if (def.features().stream().anyMatch(f -> f.kind() == FeatureKind.TEXT)) {
            return "not trained for text inputs (only for tables of flat features)";
        }
        int rows = split.train().length + split.validation().length + split.test().length;
        if (rows > MAX_ROWS) {
            return String.format(Locale.ROOT, "not trained: %d rows, more than the %d references are trained for",
                    rows, MAX_ROWS);
        }
        return null;
    }

    /**
     * Why the boosted trees are not trained for {@code rows} rows of {@code width} encoded columns with
     * {@code treesPerRound} trees a round (one per class), or null when they are.
     */
    static String treesSkipped(int rows, int width, long treesPerRound) {
        if ((long) width * rows * treesPerRound <= MAX_TREE_CELLS) {
            return null;
        }
        return String.format(Locale.ROOT, "gradient-boosted trees not trained: %d rows of %d encoded columns%s are "
                + "more than the %d cells they are trained for (they would take longer than the network)", rows, width,
                treesPerRound > 1 ? " in " + treesPerRound + " classes" : "", MAX_TREE_CELLS);
    }

    /** Trains and scores the references as the network was by {@code trained}. */
    public static Outcome run(ModelDefinition def, LabeledData data, Splits.Holdout split, FitSettings fit,
            ProtocolRun trained, EpochProgress progress) {
        String why = skipReason(def, data, split);
        if (why != null) {
            return Outcome.skipped(why);
        }
        int width = Preprocessor.fit(def.features(), data.features(), split.train()).width();
        int rows = split.train().length + split.validation().length + split.test().length;
        if (width > MAX_COLUMNS || (long) width * rows > MAX_CELLS) {
            return Outcome.skipped(String.format(Locale.ROOT, "not trained: %d rows of %d encoded columns, more than "
                    + "the %d columns and %d cells references are trained for", rows, width, MAX_COLUMNS, MAX_CELLS));
        }
        String linear = def.task().isClassification() ? "logistic regression" : "linear regression";
        List<Report.Reference> list = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        List<String> names = new ArrayList<>(List.of(linear, "gradient-boosted trees"));
        long treesPerRound = def.task() == io.kiln.dsl.Task.MULTICLASS_CLASSIFICATION ? def.label().classes().size()
                : def.task() == io.kiln.dsl.Task.MULTILABEL_CLASSIFICATION ? def.label().classes().size() : 1;
        String noTrees = treesSkipped(rows, width, treesPerRound);
        if (noTrees != null) {
            names.remove(1);
            failed.add(noTrees);
        }
        for (String name : names) {
            long started = System.nanoTime();
            boolean trees = !name.equals(linear);
            Report.Reference ref;
            try {
                ref = trained.cv() == null
                        ? holdout(def, data, split, fit, trained.retrained(), trees, name, started)
                        : kfold(def, data, split.train(), (KFoldProtocol) def.protocol(), fit, trees, name, started);
            } catch (RuntimeException e) {
                // a reference never fails the network's training: it is left out, and the report says why
                String first = String.valueOf(e.getMessage()).split("(?<=\\.) ", 2)[0];
                failed.add(name + " failed: " + first);
                progress.line("reference " + name + " failed: " + first);
                continue;
            }
            String primary = Metrics.primary(def.task());
            progress.line(String.format(Locale.ROOT, "reference %s: %s %.4f%s (%.1f s)", name, primary,
                    ref.metrics().get(primary), ref.std() == null ? " on the test rows"
                            : String.format(Locale.ROOT, " ± %.4f over %d folds", ref.std().get(primary), ref.folds()),
                    ref.seconds()));
            list.add(ref);
        }
        return new Outcome(List.copyOf(list), failed.isEmpty() ? null : String.join("; ", failed));
    }

    private static Report.Reference holdout(ModelDefinition def, LabeledData data, Splits.Holdout split,
            FitSettings fit, boolean retrain, boolean trees, String name, long started) {
        int[] test = split.test();
        double[][] outputs = trees
                ? trees(def, data, split.train(), split.validation(), test, retrain, fit.seed())
                : linear(def, data, split.train(), split.validation(), test, retrain, true, fit);
        Map<String, Double> m = Metrics.evaluate(def.task(), Rows.rows(data.targets(), test), outputs,
                def.threshold()).metrics();
        return new Report.Reference(name, "test", m, null, test.length, 0, (System.nanoTime() - started) / 1e9, null);
    }

    /** Per fold of the network's cross-validation (the same {@link CrossValidation#folds}), mean ± std. */
    private static Report.Reference kfold(ModelDefinition def, LabeledData data, int[] rows, KFoldProtocol k,
            FitSettings fit, boolean trees, String name, long started) {
        List<Map<String, Double>> folds = foldMetrics(def, data, rows, k, fit, trees);
        int scored = 0;
        for (int r = 0; r < k.repeats(); r++) {
            for (Splits.Fold fold : folds(def, data, rows, k, fit, r)) {
                scored += fold.validation().length;
            }
        }
        CrossValidation.Summary summary = CrossValidation.summarize(folds);
        return new Report.Reference(name, "cross-validation", summary.mean(), summary.std(), scored, folds.size(),
                (System.nanoTime() - started) / 1e9, null);
    }

    /**
     * The folds of repeat {@code r} (0-based) of the network's cross-validation of {@code rows}: the
     * rows the network and the references train and are scored on (for comparisons with other libraries).
     */
    public static List<Splits.Fold> folds(ModelDefinition def, LabeledData data, int[] rows, KFoldProtocol k,
            FitSettings fit, int r) {
        return CrossValidation.folds(def, data, rows, k, fit, r);
    }

    /**
     * One reference's metrics on each held-out fold of {@link #folds}, repeat by repeat: the linear
     * model (trained on the fold's training rows for its full epochs, never stopped early), or the
     * boosted trees when {@code trees} (which, like the network's folds, stop early when the spec does,
     * on the rows {@link CrossValidation#monitored} sets aside from the fold's training rows: never on
     * the held-out fold they are scored on).
     */
    public static List<Map<String, Double>> foldMetrics(ModelDefinition def, LabeledData data, int[] rows,
            KFoldProtocol k, FitSettings fit, boolean trees) {
        List<Map<String, Double>> folds = new ArrayList<>();
        boolean stopping = def.earlyStopping() != null;
        for (int r = 0; r < k.repeats(); r++) {
            List<Splits.Fold> split = folds(def, data, rows, k, fit, r);
            for (int f = 0; f < split.size(); f++) {
                Splits.Fold fold = split.get(f);
                int[] held = fold.validation();
                // the network's own training and watched rows for the fold
                Splits.Fold watched = CrossValidation.monitored(def, data, fold, fit.seed(), r * k.k() + f);
                // the trees stop as the network's fold does; the linear model trains to the end on all the
                // fold's training rows, as a logistic or linear regression is fitted
                double[][] outputs = trees
                        ? trees(def, data, stopping ? watched.train() : fold.train(),
                                stopping ? watched.validation() : new int[0], held, false, fit.seed())
                        : linear(def, data, fold.train(), new int[0], held, false, false, fit);
                folds.add(Metrics.evaluate(def.task(), Rows.rows(data.targets(), held), outputs, def.threshold())
                        .metrics());
            }
        }
        return folds;
    }

    /**
     * The linear model trained on {@code train}, stopped early on {@code validation} (when there are
     * rows and {@code stopping}); with {@code retrain}, trained again on both for its best epoch count.
     */
    static double[][] linear(ModelDefinition def, LabeledData data, int[] train, int[] validation, int[] score,
            boolean retrain, boolean stopping, FitSettings fit) {
        boolean monitor = stopping && validation.length > 0;
        ModelDefinition lin = def.withNetwork(
                linearNetwork(def.task(), def.numOutputs(), l2(def.task(), train.length)),
                monitor ? new EarlyStopping(Metric.LOSS, PATIENCE, 0, true) : null);
        int perEpoch = Math.max(1, (train.length + fit.batchSize() - 1) / fit.batchSize());
        int epochs = Math.max(20, Math.min(MAX_EPOCHS, (MAX_UPDATES + perEpoch - 1) / perEpoch));
        FitSettings settings = new FitSettings(epochs, fit.batchSize(), fit.seed());
        Run run = TrainingLoop.fit(lin, data, train, monitor ? validation : new int[0], settings, epochs,
                EpochProgress.NONE, null);
        if (retrain && validation.length > 0) {
            int best = monitor ? Math.max(1, run.bestEpoch()) : epochs;
            int[] all = Rows.concat(train, validation);
            ModelDefinition again = def.withNetwork(linearNetwork(def.task(), def.numOutputs(),
                    l2(def.task(), all.length)), null);
            run = TrainingLoop.fit(again, data, all, new int[0], settings, best, EpochProgress.NONE, null);
        }
        return run.model().output(run.model().preprocessor().matrix(data, score));
    }

    /**
     * The L2 coefficient of the linear model trained on {@code rows} rows. Logistic regression: 1 /
     * rows, the penalty of a default logistic regression (scikit-learn's {@code LogisticRegression},
     * C = 1, minimizes C · Σ loss + ½‖w‖², i.e. the mean loss + ½ (1 / (C · rows)) ‖w‖², and DL4J's
     * {@code l2} adds ½ l2 ‖w‖² to the mean loss; biases are not penalized by either). Without it a
     * nearly separable table is fitted to weights as large as the epochs allow. Linear regression:
     * {@value #L2}, ordinary least squares.
     */
    static double l2(Task task, int rows) {
        return task.isClassification() ? 1.0 / Math.max(1, rows) : L2;
    }

    /** The task's output layer alone: softmax or sigmoid with cross-entropy, or linear with squared error. */
    static NetworkFactory linearNetwork(Task task, int outputs, double l2) {
        return (numInputs, seed) -> {
            Activation activation = switch (task) {
                case MULTICLASS_CLASSIFICATION -> Activation.SOFTMAX;
                case BINARY_CLASSIFICATION, MULTILABEL_CLASSIFICATION -> Activation.SIGMOID;
                case SCALAR_REGRESSION, VECTOR_REGRESSION -> Activation.IDENTITY;
            };
            LossFunctions.LossFunction loss = switch (task) {
                case MULTICLASS_CLASSIFICATION -> LossFunctions.LossFunction.MCXENT;
                case BINARY_CLASSIFICATION, MULTILABEL_CLASSIFICATION -> LossFunctions.LossFunction.XENT;
                case SCALAR_REGRESSION, VECTOR_REGRESSION -> LossFunctions.LossFunction.MSE;
            };
            return new NeuralNetConfiguration.Builder().seed(seed).updater(new Adam(LEARNING_RATE)).l2(l2)
                    .weightInit(WeightInit.XAVIER).list()
                    .layer(new OutputLayer.Builder(loss).nIn(numInputs).nOut(outputs).activation(activation)
                            .build())
                    .build();
        };
    }

    /**
     * Boosted trees on the rows encoded by preprocessing fitted on {@code train} (and
     * {@code validation} after a retrain), stopped early on {@code validation} when there are rows.
     */
    static double[][] trees(ModelDefinition def, LabeledData data, int[] train, int[] validation, int[] score,
            boolean retrain, long seed) {
        Task task = def.task();
        int classes = task.isClassification() ? def.label().classes().size() : 0;
        Preprocessor pre = Preprocessor.fit(def.features(), data.features(), train);
        boolean monitor = validation.length > 0;
        BoostedTrees.Fit fit = BoostedTrees.fit(task, classes, pre.encode(data.features(), train),
                Rows.rows(data.targets(), train), weights(def, data, train),
                monitor ? pre.encode(data.features(), validation) : null,
                monitor ? Rows.rows(data.targets(), validation) : null, pre.encode(data.features(), score), null,
                seed);
        if (!retrain || !monitor) {
            return fit.outputs();
        }
        int[] all = Rows.concat(train, validation);
        Preprocessor again = Preprocessor.fit(def.features(), data.features(), all);
        return BoostedTrees.fit(task, classes, again.encode(data.features(), all), Rows.rows(data.targets(), all),
                weights(def, data, all), null, null, again.encode(data.features(), score), fit.rounds(), seed).outputs();
    }

    /** Each row's class weight for training on {@code rows}, as the network weighs it; null without class weights. */
    static float[] weights(ModelDefinition def, LabeledData data, int[] rows) {
        if (def.classWeights() == null) {
            return null;
        }
        double[] perRow = def.classWeights().perRow(data.classes(), rows, def.label().classes().size());
        float[] w = new float[rows.length];
        for (int i = 0; i < rows.length; i++) {
            w[i] = (float) perRow[i];
        }
        return w;
    }
}
