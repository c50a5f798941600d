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
 * the task's output layer alone, L2 {@value #L2}, Adam) trained by {@link TrainingLoop}, and
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
        for (String name : List.of(linear, "gradient-boosted trees")) {
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
        List<Map<String, Double>> folds = new ArrayList<>();
        int scored = 0;
        // like the network's folds: monitored on the held-out fold only when the spec stops early
        boolean stopping = def.earlyStopping() != null;
        for (int r = 0; r < k.repeats(); r++) {
            for (Splits.Fold fold : CrossValidation.folds(def, data, rows, k, fit, r)) {
                int[] held = fold.validation();
                int[] monitored = stopping ? held : new int[0];
                double[][] outputs = trees
                        ? trees(def, data, fold.train(), monitored, held, false, fit.seed())
                        : linear(def, data, fold.train(), monitored, held, false, stopping, fit);
                folds.add(Metrics.evaluate(def.task(), Rows.rows(data.targets(), held), outputs, def.threshold())
                        .metrics());
                scored += held.length;
            }
        }
        CrossValidation.Summary summary = CrossValidation.summarize(folds);
        return new Report.Reference(name, "cross-validation", summary.mean(), summary.std(), scored, folds.size(),
                (System.nanoTime() - started) / 1e9, null);
    }

    /**
     * The linear model trained on {@code train}, stopped early on {@code validation} (when there are
     * rows and {@code stopping}); with {@code retrain}, trained again on both for its best epoch count.
     */
    static double[][] linear(ModelDefinition def, LabeledData data, int[] train, int[] validation, int[] score,
            boolean retrain, boolean stopping, FitSettings fit) {
        boolean monitor = stopping && validation.length > 0;
        ModelDefinition lin = def.withNetwork(linearNetwork(def.task(), def.numOutputs()),
                monitor ? new EarlyStopping(Metric.LOSS, PATIENCE, 0, true) : null);
        int perEpoch = Math.max(1, (train.length + fit.batchSize() - 1) / fit.batchSize());
        int epochs = Math.max(20, Math.min(MAX_EPOCHS, (MAX_UPDATES + perEpoch - 1) / perEpoch));
        FitSettings settings = new FitSettings(epochs, fit.batchSize(), fit.seed());
        Run run = TrainingLoop.fit(lin, data, train, monitor ? validation : new int[0], settings, epochs,
                EpochProgress.NONE, null);
        if (retrain && validation.length > 0) {
            int best = monitor ? Math.max(1, run.bestEpoch()) : epochs;
            run = TrainingLoop.fit(lin, data, Rows.concat(train, validation), new int[0], settings, best,
                    EpochProgress.NONE, null);
        }
        return run.model().output(run.model().preprocessor().matrix(data, score));
    }

    /** The task's output layer alone: softmax or sigmoid with cross-entropy, or linear with squared error. */
    static NetworkFactory linearNetwork(Task task, int outputs) {
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
            return new NeuralNetConfiguration.Builder().seed(seed).updater(new Adam(LEARNING_RATE)).l2(L2)
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
                Rows.rows(data.targets(), train), monitor ? pre.encode(data.features(), validation) : null,
                monitor ? Rows.rows(data.targets(), validation) : null, pre.encode(data.features(), score), null,
                seed);
        if (!retrain || !monitor) {
            return fit.outputs();
        }
        int[] all = Rows.concat(train, validation);
        Preprocessor again = Preprocessor.fit(def.features(), data.features(), all);
        return BoostedTrees.fit(task, classes, again.encode(data.features(), all), Rows.rows(data.targets(), all),
                null, null, again.encode(data.features(), score), fit.rounds(), seed).outputs();
    }
}
