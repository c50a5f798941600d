package io.kiln.runtime.internal.report;

import io.kiln.dsl.Task;
import io.kiln.runtime.HoldoutProtocol;
import io.kiln.runtime.KFoldProtocol;
import io.kiln.runtime.LearningRate;
import io.kiln.runtime.Report;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Real-looking {@link Report}s for the HTML report tests, generated deterministically. */
final class ReportFixtures {
    private ReportFixtures() {}

    static final String CREATED = "2025-01-15T10:42:07Z";

    /** A multiclass holdout run with early stopping and a constant learning rate. */
    static Report multiclassHoldout(List<String> classes) {
        int k = classes.size();
        int[][] cm = new int[k][k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                cm[i][j] = i == j ? 40 + 3 * i : (i + j) % 3 == 0 ? 2 : i + j == 3 ? 5 : 0;
            }
        }
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (int i = 0; i < k; i++) {
            counts.put(classes.get(i), 200 + 15 * i);
        }
        return new Report(Report.SCHEMA, "iris", Task.MULTICLASS_CLASSIFICATION, CREATED,
                new HoldoutProtocol(0.2, 0.2, true, true), "test",
                new Report.DataSummary("iris.csv", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                        675, 405, 135, 135, counts, 0),
                new Report.TrainingSummary(80, 42, 30, true, true, "loss", LearningRate.constant(0.01).describe(),
                        12.8, false, map("dense_1", 0.0, "dense_2", 0.0625)),
                "accuracy", map("accuracy", 0.9185, "macro_precision", 0.9201, "macro_recall", 0.9167, "macro_f1",
                        0.9172, "log_loss", 0.2314),
                map("accuracy", 0.3556, "macro_precision", 0.1185, "macro_recall", 0.3333, "macro_f1", 0.1749,
                        "log_loss", 1.0981),
                "majority class", classes, cm, null, null, null, null, history(42, 1.10, 0.18, 30, true, 0.01, false),
                null,
                new Report.Diagnosis("good fit", 30, 0.2087, 0.1502, 0.2240, 0.12,
                        List.of("The model generalizes: try more data or a larger network for more accuracy.")),
                List.of(new Report.Warning("feature-scale",
                        "Feature 'petal_area' ranges over 4 orders of magnitude; it is standardized.")));
    }

    /** A binary holdout run with ROC and precision-recall curves and decision outcomes. */
    static Report binary() {
        double[] fpr = new double[101];
        double[] tpr = new double[101];
        double[] recall = new double[101];
        double[] precision = new double[101];
        for (int i = 0; i <= 100; i++) {
            double t = i / 100.0;
            fpr[i] = t;
            tpr[i] = Math.pow(t, 0.168);
            recall[i] = t;
            precision[i] = 1 - 0.62 * Math.pow(t, 4);
        }
        return new Report(Report.SCHEMA, "heart-risk", Task.BINARY_CLASSIFICATION, CREATED,
                new HoldoutProtocol(0.2, 0.2, true, true), "test",
                new Report.DataSummary("heart.csv", "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae",
                        3000, 1800, 600, 600, counts("healthy", 2070, "sick", 930), 3),
                new Report.TrainingSummary(60, 60, 38, false, true, "loss",
                        LearningRate.step(0.001, 20, 0.5).describe(), 95.3, false, map("dense_1", 0.0)),
                "accuracy", map("accuracy", 0.8367, "precision", 0.7821, "recall", 0.6559, "f1", 0.7135, "roc_auc",
                        0.8560, "pr_auc", 0.8760, "log_loss", 0.3822),
                map("accuracy", 0.69, "precision", 0.0, "recall", 0.0, "f1", 0.0, "roc_auc", 0.5, "pr_auc", 0.31,
                        "log_loss", 0.6192),
                "majority class", List.of("healthy", "sick"), new int[][] {{380, 34}, {64, 122}},
                new Report.Outcomes(0.5, 1000, 122, 34, 380, 64, 34 / 414.0, 64 / 186.0, 34 / 0.6, 64 / 0.6, "sick"),
                new Report.Curve(fpr, tpr, 1 / 1.168), new Report.Curve(recall, precision, 0.876), null,
                history(60, 0.69, 0.33, 38, false, 0.001, true), null,
                new Report.Diagnosis("overfitting", 38, 0.3611, 0.2107, 0.3985, 0.31,
                        List.of("Add dropout or L2 regularization.", "Use early stopping on the validation loss.",
                                "Get more training data.")),
                List.of(new Report.Warning("class-imbalance", "The classes are imbalanced: 69% healthy, 31% sick."),
                        new Report.Warning("duplicates", "3 rows occur on both sides of a split.")));
    }

    /** A scalar-regression 5-fold run with a cosine schedule, residuals and the fold table. */
    static Report regressionKFold() {
        Random rnd = new Random(7);
        int n = 400;
        double[] actual = new double[n];
        double[] predicted = new double[n];
        for (int i = 0; i < n; i++) {
            actual[i] = 10 + 40 * rnd.nextDouble();
            predicted[i] = actual[i] + rnd.nextGaussian() * (1.5 + 0.06 * actual[i]);
        }
        List<Report.Fold> folds = new ArrayList<>();
        for (int f = 1; f <= 5; f++) {
            double d = (f - 3) * 0.01;
            folds.add(new Report.Fold(1, f, 1600, 400, 50 + 4 * f, 70, map("r2", 0.91 + d, "mae", 2.41 - d * 20,
                    "rmse", 3.05 - d * 25), map("r2", -0.002, "mae", 10.1, "rmse", 11.6)));
        }
        return new Report(Report.SCHEMA, "house-prices", Task.SCALAR_REGRESSION, CREATED,
                new KFoldProtocol(5, 1, false, true, 0), "cross-validation",
                new Report.DataSummary("houses.csv", "fcde2b2edba56bf408601fb721fe9b5c338d10ee429ea04fae5511b68fbf8fb9",
                        2000, 2000, 0, 0, null, 0),
                new Report.TrainingSummary(70, 62, 0, false, false, null,
                        LearningRate.cosine(0.003, 0.0001).withWarmup(3).describe(), 241.7, false, null),
                "r2", map("r2", 0.91, "mae", 2.41, "rmse", 3.05), map("r2", -0.002, "mae", 10.1, "rmse", 11.6),
                "mean predictor", null, null, null, null, null,
                new Report.Residuals("price", predicted, actual), regressionHistory(62),
                new Report.CrossValidation(folds, map("r2", 0.91, "mae", 2.41, "rmse", 3.05),
                        map("r2", 0.0158, "mae", 0.316, "rmse", 0.395), map("r2", -0.002, "mae", 10.1, "rmse", 11.6),
                        62),
                null, List.of());
    }

    /**
     * One epoch per row: losses falling exponentially from {@code start} to about {@code end},
     * validation loss turning up after {@code best} when {@code overfit}.
     */
    static List<Report.Epoch> history(int epochs, double start, double end, int best, boolean earlyStopped, double lr,
            boolean stepDecay) {
        Random rnd = new Random(epochs);
        List<Report.Epoch> out = new ArrayList<>();
        for (int e = 1; e <= epochs; e++) {
            double decay = Math.exp(-e / (epochs / 5.0));
            double train = end * 0.8 + (start - end * 0.8) * decay + rnd.nextGaussian() * 0.004;
            double val = end + (start - end) * Math.exp(-e / (epochs / 4.5)) + rnd.nextGaussian() * 0.008;
            if (e > best) {
                val += (earlyStopped ? 0.0012 : 0.0025) * (e - best);
            }
            double trainMetric = 1 - 0.6 * Math.exp(-e / (epochs / 6.0)) - 0.05;
            double valMetric = trainMetric - 0.03 - (e > best ? 0.0008 * (e - best) : 0) + rnd.nextGaussian() * 0.006;
            double rate = stepDecay ? lr * Math.pow(0.5, Math.floor((e - 1) / 20.0)) : lr;
            out.add(new Report.Epoch(e, train, val, trainMetric, valMetric, rate, 0.3));
        }
        return out;
    }

    /** A regression run's history: no training metric measured (NaN), a cosine schedule with warm-up. */
    static List<Report.Epoch> regressionHistory(int epochs) {
        LearningRate lr = LearningRate.cosine(0.003, 0.0001).withWarmup(3);
        Random rnd = new Random(3);
        List<Report.Epoch> out = new ArrayList<>();
        for (int e = 1; e <= epochs; e++) {
            double train = 0.08 + 0.9 * Math.exp(-e / 9.0) + rnd.nextGaussian() * 0.004;
            double val = 0.10 + 0.85 * Math.exp(-e / 10.0) + rnd.nextGaussian() * 0.006;
            double r2 = 0.92 - 0.9 * Math.exp(-e / 10.0) + rnd.nextGaussian() * 0.004;
            out.add(new Report.Epoch(e, train, val, Double.NaN, r2, lr.at(e - 1, epochs), 3.4));
        }
        return out;
    }

    /** The same report with other history, training summary and diagnosis. */
    static Report withHistory(Report r, List<Report.Epoch> history, Report.TrainingSummary training) {
        return new Report(r.schema(), r.model(), r.task(), r.createdAt(), r.protocol(), r.evaluatedOn(), r.data(),
                training, r.primaryMetric(), r.metrics(), r.baseline(), r.baselineName(), r.classes(), r.confusion(),
                r.outcomes(), r.roc(), r.precisionRecall(), r.residuals(), history, r.crossValidation(), r.diagnosis(),
                r.warnings());
    }

    /** The report with every plotted part removed: no history, confusion matrix, curves or residuals. */
    static Report withoutPlots(Report r) {
        return new Report(r.schema(), r.model(), r.task(), r.createdAt(), r.protocol(), r.evaluatedOn(), r.data(),
                r.training(), r.primaryMetric(), r.metrics(), r.baseline(), r.baselineName(), r.classes(), null,
                r.outcomes(), null, null, null, List.of(), r.crossValidation(), r.diagnosis(), r.warnings());
    }

    /** Class counts in the order given: name, count, name, count... */
    static Map<String, Integer> counts(Object... kv) {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], (Integer) kv[i + 1]);
        }
        return m;
    }

    /** A map in the order given: key, value, key, value... */
    static Map<String, Double> map(Object... kv) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], ((Number) kv[i + 1]).doubleValue());
        }
        return m;
    }
}
