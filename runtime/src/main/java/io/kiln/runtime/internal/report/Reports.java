package io.kiln.runtime.internal.report;

import io.kiln.dsl.Task;
import io.kiln.runtime.ModelDefinition;
import io.kiln.runtime.ModelMetadata;
import io.kiln.runtime.Report;
import io.kiln.runtime.Trainer;
import io.kiln.runtime.internal.data.Rows;
import io.kiln.runtime.internal.evaluate.Metrics;
import io.kiln.runtime.internal.train.Run;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Assembles the {@link Report} of a training run. */
public final class Reports {
    /** Residual plots show at most this many points. */
    static final int MAX_POINTS = 2000;

    private Reports() {}

    /**
     * @param run the run whose curves are reported (for k-fold, the curves averaged over folds)
     * @param epochsRun epochs the final model trained
     * @param targets the evaluated rows' targets (test rows, or out-of-fold rows for k-fold without a
     *     test set), or null
     * @param outputs the model's outputs for those rows, in data units, or null
     */
    public static Report build(ModelDefinition def, Trainer.Prepared p, Run run, int epochsRun,
            Report.CrossValidation cv,
            boolean retrained, String evaluatedOn, Metrics.Evaluation test, Metrics.Evaluation baseline,
            double[][] targets, double[][] outputs, Report.Diagnosis diagnosis, List<Report.Warning> warnings,
            int duplicates, int trainRows, int validationRows, double seconds) {
        Task task = def.task();
        List<String> classes = task.isClassification() ? def.label().classes() : null;
        Map<String, Integer> classCounts = null;
        if (p.data().classes() != null) {
            classCounts = new LinkedHashMap<>();
            int[] counts = new int[classes.size()];
            for (int c : p.data().classes()) {
                counts[c]++;
            }
            for (int c = 0; c < counts.length; c++) {
                classCounts.put(classes.get(c), counts[c]);
            }
        }
        Report.DataSummary data = new Report.DataSummary(p.source().name(), p.data().sha256(), p.data().size(),
                trainRows, validationRows, p.split().test().length, classCounts, duplicates,
                io.kiln.runtime.Trainer.testFile(def, p));
        return build(def, data, p.fit(), run, epochsRun, cv, retrained, evaluatedOn, test, baseline, targets, outputs,
                diagnosis, warnings, seconds);
    }

    /**
     * {@link #build(ModelDefinition, Trainer.Prepared, Run, int, Report.CrossValidation, boolean, String,
     * Metrics.Evaluation, Metrics.Evaluation, double[][], double[][], Report.Diagnosis, List, int, int, int, double)}
     * for data summarized already (a streamed training's); {@code targets} and {@code outputs} draw the
     * curves and residuals (a sample of the test rows may do), {@code test} has the metrics.
     */
    public static Report build(ModelDefinition def, Report.DataSummary data, io.kiln.runtime.FitSettings fit, Run run,
            int epochsRun, Report.CrossValidation cv, boolean retrained, String evaluatedOn, Metrics.Evaluation test,
            Metrics.Evaluation baseline, double[][] targets, double[][] outputs, Report.Diagnosis diagnosis,
            List<Report.Warning> warnings, double seconds) {
        Task task = def.task();
        List<String> classes = task.isClassification() ? def.label().classes() : null;
        Report.TrainingSummary training = new Report.TrainingSummary(fit.epochs(), epochsRun,
                run.bestEpoch(), run.stoppedEarly(), run.restoredBest(), run.monitor(), run.learningRate(), seconds,
                retrained, run.deadRelu());
        int[][] confusion = test.confusion();
        Report.Outcomes outcomes = null;
        Report.Curve roc = null;
        Report.Curve pr = null;
        Report.Residuals residuals = null;
        if (targets != null && targets.length > 0) {
            Metrics.Evaluation pooled = Metrics.evaluate(task, targets, outputs, def.threshold());
            if (confusion == null) {
                confusion = pooled.confusion();
            }
            if (task == Task.BINARY_CLASSIFICATION) {
                // (the evaluated rows' own counts: a streamed training's curves come from a sample of them)
                outcomes = outcomes(confusion, def.threshold(), def.perCases(), classes.get(1));
                double[][] r = Metrics.rocCurve(targets, outputs);
                roc = new Report.Curve(r[0], r[1], Metrics.rocAuc(targets, outputs));
                double[][] c = Metrics.precisionRecallCurve(targets, outputs);
                pr = new Report.Curve(c[0], c[1], Metrics.averagePrecision(targets, outputs));
            } else if (!task.isClassification()) {
                int n = Math.min(MAX_POINTS, targets.length);
                int[] rows = Rows.sample(java.util.stream.IntStream.range(0, targets.length).toArray(), n, 1);
                double[] predicted = new double[n];
                double[] actual = new double[n];
                for (int i = 0; i < n; i++) {
                    predicted[i] = outputs[rows[i]][0];
                    actual[i] = targets[rows[i]][0];
                }
                residuals = new Report.Residuals(def.label().columns().get(0), predicted, actual);
            }
        }
        return new Report(Report.SCHEMA, def.name(), task, Instant.now().toString(), def.protocol(), evaluatedOn, data,
                training, Metrics.primary(task), test.metrics(), baseline.metrics(),
                run.model().baselineName(), classes,
                task == Task.MULTILABEL_CLASSIFICATION ? null : confusion, outcomes, roc, pr, residuals, run.history(),
                cv, diagnosis, List.copyOf(warnings));
    }

    /** How much better a reference must score than the network to be reported as beating it. */
    public static final double MARGIN = 0.005;

    /**
     * The report with the reference models, each with its finding when it beats the network on the
     * primary metric (on the test rows, or against the network's cross-validated mean).
     */
    public static Report withReferences(Report r, List<Report.Reference> references, String skipped) {
        return withReferences(r, references, skipped, false);
    }

    /**
     * As above; {@code networkIsLinear}: the network has a single weighted layer (the output), so a
     * linear model that beats it points at its training, not at its size.
     */
    public static Report withReferences(Report r, List<Report.Reference> references, String skipped,
            boolean networkIsLinear) {
        if (references == null) {
            return r.withReferences(null, skipped);
        }
        // references decide at 0.5: against a network whose threshold was tuned, compare what no threshold changes
        boolean tuned = r.decision() != null && r.decision().objective() != null;
        String primary = tuned ? "roc_auc" : r.primaryMetric();
        List<Report.Reference> found = new java.util.ArrayList<>();
        for (Report.Reference ref : references) {
            Map<String, Double> network = "cross-validation".equals(ref.evaluatedOn()) && r.crossValidation() != null
                    ? r.crossValidation().mean() : r.metrics();
            Double mine = ref.metrics().get(primary);
            Double theirs = network == null ? null : network.get(primary);
            // across folds, a difference within the network's standard error is noise
            Double std = r.crossValidation() != null && r.crossValidation().std() != null
                    && "cross-validation".equals(ref.evaluatedOn()) ? r.crossValidation().std().get(primary) : null;
            double margin = std == null || ref.folds() == 0 ? MARGIN
                    : Math.max(MARGIN, std / Math.sqrt(ref.folds()));
            String finding = mine == null || theirs == null ? null
                    : referenceFinding(ref.name(), primary, mine, theirs, ref.evaluatedOn(), margin, networkIsLinear);
            found.add(new Report.Reference(ref.name(), ref.evaluatedOn(), ref.metrics(), ref.std(), ref.rows(),
                    ref.folds(), ref.seconds(), finding));
        }
        return r.withReferences(List.copyOf(found), skipped);
    }

    /**
     * The plain sentence when a reference model beats the network: by more than {@link #MARGIN} on
     * a metric where higher is better (across folds, by more than the network's standard error, its
     * standard deviation over the folds divided by the square root of their count), by more than 1%
     * on an error; null otherwise.
     */
    public static String referenceFinding(String name, String metric, double reference, double network,
            String evaluatedOn) {
        return referenceFinding(name, metric, reference, network, evaluatedOn, MARGIN);
    }

    /** As above, by more than {@code margin} (at least {@link #MARGIN}) on a metric where higher is better. */
    public static String referenceFinding(String name, String metric, double reference, double network,
            String evaluatedOn, double margin) {
        return referenceFinding(name, metric, reference, network, evaluatedOn, margin, false);
    }

    /** As above, for a network that is itself linear ({@code networkIsLinear}) or not. */
    public static String referenceFinding(String name, String metric, double reference, double network,
            String evaluatedOn, double margin, boolean networkIsLinear) {
        if (!Double.isFinite(reference) || !Double.isFinite(network)) {
            return null;
        }
        boolean beats = Metrics.higherIsBetter(metric) ? reference > network + margin
                : reference < network - 0.01 * Math.abs(network);
        if (!beats) {
            return null;
        }
        String rows = "cross-validation".equals(evaluatedOn) ? "on the same folds" : "on the same test rows";
        String scores = String.format(Locale.ROOT, " %.3f against the network's %.3f %s (%s)", reference, network,
                rows, metric);
        if (name.startsWith("gradient-boosted")) {
            return "Gradient-boosted trees score" + scores + ": on this table the trees are the stronger model; "
                    + "use them, or give the network better features or more regularization.";
        }
        if (networkIsLinear) {
            return "A linear model (" + name + ") scores" + scores + ": the network is itself linear, so the gap "
                    + "is in its training; try a larger learning rate, more epochs or less regularization.";
        }
        return "A linear model (" + name + ") scores" + scores + ": consider fewer layers or fewer units.";
    }

    /**
     * The final model's training in words, e.g. {@code "37 of 100 planned epochs, stopped early, best
     * epoch 22 (its weights restored)"}.
     *
     * @param kfold whether the final model followed a cross-validation (it then trains without validation)
     */
    public static String finalModel(Report.TrainingSummary t, boolean kfold, ModelMetadata.EnsembleProvenance ensemble) {
        if (ensemble != null && "FOLDS".equals(ensemble.members())) {
            return "the average of the " + ensemble.count() + " fold models (none trained on all cross-validated rows)";
        }
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%d of %d planned epochs", t.epochsRun(),
                t.epochsPlanned()));
        if (kfold) {
            s.append(t.epochsRun() == t.epochsPlanned() ? "" : " (the folds' mean best epoch)")
                    .append(" on all cross-validated rows, without validation data");
        } else if (t.retrained()) {
            s.append(", retrained on training + validation rows");
            if (ensemble != null) {
                s.append(" (each of the ").append(ensemble.count()).append(" networks)");
            }
            if (t.bestEpoch() > 0) {
                s.append(" (the monitored run's best epoch was ").append(t.bestEpoch())
                        .append(t.stoppedEarly() ? ", and early stopping ended that run)" : ")");
            }
        } else if (t.bestEpoch() > 0) {
            s.append(t.stoppedEarly() ? ", stopped early" : ", not stopped early").append(", best epoch ")
                    .append(t.bestEpoch()).append(t.restoredBest() ? " (its weights restored)" : "");
        }
        return s.toString();
    }

    /**
     * The folds' runs in words, e.g. {@code "5 folds: 37-60 epochs, best epochs 17-40, stopped early in 5
     * of 5, best weights restored in 5 of 5"}; null without folds.
     */
    public static String folds(List<Report.Fold> folds) {
        if (folds == null || folds.isEmpty()) {
            return null;
        }
        java.util.IntSummaryStatistics run = folds.stream().mapToInt(Report.Fold::epochsRun).summaryStatistics();
        java.util.IntSummaryStatistics best = folds.stream().mapToInt(Report.Fold::bestEpoch).summaryStatistics();
        long stopped = folds.stream().filter(Report.Fold::stoppedEarly).count();
        long restored = folds.stream().filter(Report.Fold::restoredBest).count();
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%d folds: %s epochs, best epochs %s, "
                + "stopped early in %d of %d", folds.size(), range(run), range(best), stopped, folds.size()));
        if (restored > 0) {
            s.append(String.format(Locale.ROOT, ", best weights restored in %d of %d", restored, folds.size()));
        }
        return s.toString();
    }

    private static String range(java.util.IntSummaryStatistics s) {
        return s.getMin() == s.getMax() ? Integer.toString(s.getMin()) : s.getMin() + "-" + s.getMax();
    }

    /** A binary confusion matrix (rows true, columns predicted) in business terms. */
    /**
     * "threshold 0.31, chosen on 120 validation rows to maximize f1 (0.612 at 0.50, 0.684 at 0.31)".
     */
    public static String thresholdSentence(Report.Decision d) {
        String value = d.objective().startsWith("minimize") ? "%.1f" : "%.3f";
        String t = io.kiln.runtime.ThresholdTuning.format(d.threshold());
        return String.format(java.util.Locale.ROOT, "threshold %s, chosen on %d %s rows to %s (" + value
                + " at 0.5, " + value + " at %s)", t, d.rows(), d.chosenOn(), d.objective(), d.atDefault(), d.atChosen(),
                t);
    }

    public static Report.Outcomes outcomes(int[][] cm, double threshold, int perCases, String positiveClass) {
        int tn = cm[0][0];
        int fp = cm[0][1];
        int fn = cm[1][0];
        int tp = cm[1][1];
        int n = tn + fp + fn + tp;
        return new Report.Outcomes(threshold, perCases, tp, fp, tn, fn, tn + fp == 0 ? 0 : fp / (double) (tn + fp),
                tp + fn == 0 ? 0 : fn / (double) (tp + fn), n == 0 ? 0 : fp * (double) perCases / n,
                n == 0 ? 0 : fn * (double) perCases / n, positiveClass);
    }

    /** The heading of a group of compared models ({@code "ensemble"}, {@code "distillation"}) on some rows. */
    public static String comparedHeading(Report r, String group, String evaluatedOn) {
        String on = "test".equals(evaluatedOn) ? "on the test rows" : "on the held-out folds (mean ± std)";
        if ("ensemble".equals(group)) {
            return "the ensemble and each of its members " + on;
        }
        ModelMetadata.DistillationProvenance d = r.distillation();
        boolean hard = r.compared().stream().anyMatch(c -> c.role().equals("hard-only student"));
        return "distillation" + (d == null ? "" : " " + d.describe()) + ": teacher" + (hard
                ? ", student and the student trained on the labels alone, " : " and student, ") + on;
    }

    /**
     * The compared models as text tables, one per group and rows scored on: the primary metric, the
     * weights, the model file's size and the single-row latency; null when there are none.
     */
    public static String compared(Report r) {
        if (r.compared() == null || r.compared().isEmpty()) {
            return null;
        }
        StringBuilder out = new StringBuilder();
        String primary = r.primaryMetric();
        Map<String, List<Report.Compared>> tables = new java.util.LinkedHashMap<>();
        for (Report.Compared c : r.compared()) {
            tables.computeIfAbsent(c.group() + "\u0000" + c.evaluatedOn(), k -> new ArrayList<>()).add(c);
        }
        for (List<Report.Compared> rows : tables.values()) {
            Report.Compared first = rows.get(0);
            if (out.length() > 0) {
                out.append('\n');
            }
            out.append(comparedHeading(r, first.group(), first.evaluatedOn())).append(":\n");
            out.append(String.format(Locale.ROOT, "%-18s %18s %11s %10s %12s%n", "model", primary, "parameters",
                    "file", "latency"));
            double memberSum = 0;
            int members = 0;
            for (Report.Compared c : rows) {
                Double m = c.metrics().get(primary);
                Double sd = c.std() == null ? null : c.std().get(primary);
                if (c.role().startsWith("member ") && m != null) {
                    memberSum += m;
                    members++;
                }
                out.append(String.format(Locale.ROOT, "%-18s %18s %,11d %10s %12s%n", c.role(), m == null ? ""
                        : sd == null ? String.format(Locale.ROOT, "%.4f", m)
                        : String.format(Locale.ROOT, "%.4f ± %.4f", m, sd), c.parameters(), bytes(c.fileBytes()),
                        Double.isNaN(c.latencyMillis()) ? "" : String.format(Locale.ROOT, "%.3f ms",
                                c.latencyMillis())));
            }
            if (members > 0) {
                out.append(String.format(Locale.ROOT, "%-18s %18s%n", "member mean",
                        String.format(Locale.ROOT, "%.4f", memberSum / members)));
            }
        }
        return out.toString().stripTrailing();
    }

    /** A size in bytes, KB or MB. */
    static String bytes(long n) {
        if (n < 10_000) {
            return n + " B";
        }
        return n < 10_000_000 ? (n + 512) / 1024 + " KB" : String.format(Locale.ROOT, "%.1f MB", n / 1048576.0);
    }
}
