package io.kiln.runtime.internal.train;

import io.kiln.runtime.FitSettings;
import io.kiln.runtime.KFoldProtocol;
import io.kiln.runtime.ModelDefinition;
import io.kiln.runtime.Report;
import io.kiln.runtime.internal.data.LabeledData;
import io.kiln.runtime.internal.data.Rows;
import io.kiln.runtime.internal.data.Splits;
import io.kiln.runtime.internal.evaluate.Diagnostics;
import io.kiln.runtime.internal.evaluate.Metrics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The fold table, and the out-of-fold targets and outputs of the first repeat (every
 * cross-validated row once), for the confusion matrix and curves when there is no test set.
 */
public record CrossValidation(Report.CrossValidation summary, double[][] targets, double[][] outputs,
        List<Report.Epoch> meanHistory, double meanFirstLoss, Report.Diagnosis diagnosis, List<Run> runs,
        Comparison comparison) {

    /**
     * Cross-validates: p × k models, each with preprocessing fitted on its own training folds (or, for
     * the members of a fold ensemble, on {@code preprocessOn}, all cross-validated rows). The folds'
     * runs are kept, and what trained beside each fold's model is scored on its held-out fold.
     */
    static CrossValidation run(Units units, int[] rows, KFoldProtocol k, FitSettings fit, EpochProgress progress,
            int[] preprocessOn) {
        return run(units, rows, k, fit, progress, preprocessOn, null).cv();
    }

    /** A cross-validation and what trained beside its folds (null when nothing did). */
    record WithAlongside(CrossValidation cv, Run alongside) {}

    /**
     * {@link #run(Units, int[], KFoldProtocol, FitSettings, EpochProgress, int[])} with {@code alongside}
     * (null for none), a training that needs nothing from the folds (the final model when no epoch count is
     * chosen from them), trained in the same pool after the folds (in that order when they run one after
     * another, as a listener sees them).
     */
    static WithAlongside run(Units units, int[] rows, KFoldProtocol k, FitSettings fit, EpochProgress progress,
            int[] preprocessOn, java.util.function.Supplier<Run> alongside) {
        ModelDefinition def = units.def();
        LabeledData data = units.data();
        List<Run> runs = new ArrayList<>();
        Comparison comparison = new Comparison();
        List<Report.Fold> folds = new ArrayList<>();
        List<List<Report.Epoch>> histories = new ArrayList<>();
        List<double[]> oofTargets = new ArrayList<>();
        List<double[]> oofOutputs = new ArrayList<>();
        List<Diagnostics.Curve> curves = new ArrayList<>();
        int total = k.k() * k.repeats();
        String primary = Metrics.primary(def.task());
        // every fold's rows first; the folds then train side by side (each result as if alone), and are scored in order
        List<Splits.Fold> held = new ArrayList<>();
        List<Splits.Fold> watchedFolds = new ArrayList<>();
        for (int r = 0; r < k.repeats(); r++) {
            List<Splits.Fold> split = folds(def, data, rows, k, fit, r);
            for (int f = 0; f < split.size(); f++) {
                held.add(split.get(f));
                watchedFolds.add(monitored(def, data, split.get(f), fit.seed(), r * k.k() + f));
            }
        }
        int extra = alongside == null ? 0 : 1;
        List<Run> all = Parallel.map(total + extra, j -> j == total ? alongside.get()
                : units.fit(watchedFolds.get(j).train(), watchedFolds.get(j).validation(), fit, fit.epochs(),
                        progress.withPrefix(String.format(Locale.ROOT, "fold %d/%d ", j + 1, total)), preprocessOn),
                units.listener() == null);
        List<Run> trained = all.subList(0, total);
        for (int i = 0; i < total; i++) {
            int r = i / k.k();
            int f = i % k.k();
            Splits.Fold fold = held.get(i);
            Splits.Fold watched = watchedFolds.get(i);
            Run run = trained.get(i);
            runs.add(run);
            curves.add(new Diagnostics.Curve(run.history(), run.firstLoss(), run.stoppedEarly()));
            double[][] targets = Rows.rows(data.targets(), fold.validation());
            double[][] outputs = run.model().output(run.model().preprocessor().matrix(data, fold.validation()));
            Map<String, Double> m = Metrics.evaluate(def.task(), targets, outputs, def.threshold()).metrics();
            comparison.add(def, run, data, fold.validation(), m);
            if (r == 0) {
                oofTargets.addAll(List.of(targets));
                oofOutputs.addAll(List.of(outputs));
            }
            Map<String, Double> b = Metrics.evaluate(def.task(), targets,
                    Rows.repeat(run.model().metadata().baselineOutput(), fold.validation().length)).metrics();
            histories.add(run.history());
            folds.add(new Report.Fold(r + 1, f + 1, watched.train().length, fold.validation().length, run.bestEpoch(),
                    run.history().size(), m, b, run.stoppedEarly(), run.restoredBest(), null));
            progress.line(String.format(Locale.ROOT, "fold %d/%d: %d epochs (best %d)  %s %.4f  baseline %.4f",
                    folds.size(), total, run.history().size(), run.bestEpoch(), primary, m.get(primary),
                    b.get(primary)));
        }
        // each fold diagnosed on its own curve, its verdict kept in the fold table
        Diagnostics.FoldDiagnosis diagnosis = Diagnostics.diagnoseFolds(curves, def.earlyStopping() != null);
        for (int i = 0; i < folds.size(); i++) {
            Report.Fold fo = folds.get(i);
            folds.set(i, new Report.Fold(fo.repeat(), fo.fold(), fo.trainRows(), fo.validationRows(), fo.bestEpoch(),
                    fo.epochsRun(), fo.metrics(), fo.baseline(), fo.stoppedEarly(), fo.restoredBest(),
                    diagnosis.verdicts().get(i)));
        }
        Summary metrics = summarize(folds.stream().map(Report.Fold::metrics).toList());
        Map<String, Double> mean = metrics.mean();
        Map<String, Double> std = metrics.std();
        Map<String, Double> baselineMean = summarize(folds.stream().map(Report.Fold::baseline).toList()).mean();
        int finalEpochs = def.earlyStopping() != null
                ? (int) Math.max(1, Math.round(folds.stream().mapToInt(Report.Fold::bestEpoch).average().orElse(1)))
                : fit.epochs();
        progress.line(String.format(Locale.ROOT, "%s: %s %.4f ± %.4f (baseline %.4f)", k.describe(def.task()),
                primary,
                mean.get(primary), std.get(primary), baselineMean.get(primary)));
        return new WithAlongside(new CrossValidation(new Report.CrossValidation(folds, mean, std, baselineMean,
                finalEpochs), oofTargets.toArray(new double[0][]), oofOutputs.toArray(new double[0][]),
                meanHistory(histories), histories.stream().mapToDouble(h -> h.get(0).trainLoss()).average()
                        .orElse(Double.NaN), diagnosis.diagnosis(), List.copyOf(runs), comparison),
                extra == 1 ? all.get(total) : null);
    }

    /** The share of a fold's training rows set aside to watch, when the spec stops early or reduces on plateau. */
    static final int INNER_FOLDS = 10;

    /**
     * What a fold's model trains on and watches epoch by epoch. Without early stopping or
     * reduce-on-plateau nothing is chosen by watching, so it trains on the fold's training rows and
     * its learning curves show the held-out fold. With them, the epoch to stop at and the rate
     * reductions are chosen on one tenth of the fold's training rows (stratified like the folds,
     * drawn from {@code seed} and the fold's {@code index}), so the held-out fold that scores the model
     * chose nothing.
     */
    public static Splits.Fold monitored(ModelDefinition def, LabeledData data, Splits.Fold fold, long seed, int index) {
        if (def.earlyStopping() == null && def.plateau() == null) {
            return fold;
        }
        int[] strata = def.task().isClassification() && data.classes() != null ? data.classes() : null;
        Splits.Fold inner = Splits.kfold(fold.train(), strata, Math.min(INNER_FOLDS, fold.train().length), true,
                seed + 104_729L * (index + 1)).get(0);
        return new Splits.Fold(inner.train(), inner.validation());
    }

    /** The folds of repeat {@code r} (0-based): the same rows every time, for the network and the references. */
    static List<Splits.Fold> folds(ModelDefinition def, LabeledData data, int[] rows, KFoldProtocol k, FitSettings fit,
            int r) {
        return Splits.kfold(rows, k.stratified() ? data.classes() : null, k.k(), k.shuffle(), fit.seed() + 7919L * r);
    }

    /**
     * The learning curves averaged over folds, epoch by epoch, up to the epoch every fold reached
     * (early stopping may end some folds sooner): the curves to read the fit from.
     */
    /** Each metric's mean and standard deviation over the folds. */
    record Summary(Map<String, Double> mean, Map<String, Double> std) {}

    /** The mean and standard deviation of each metric of {@code folds} (keyed as the first fold's). */
    static Summary summarize(List<Map<String, Double>> folds) {
        Map<String, Double> mean = new LinkedHashMap<>();
        Map<String, Double> std = new LinkedHashMap<>();
        for (String key : folds.get(0).keySet()) {
            double[] v = folds.stream().mapToDouble(f -> f.get(key)).toArray();
            mean.put(key, Arrays.stream(v).average().orElse(Double.NaN));
            std.put(key, Rows.std(v));
        }
        return new Summary(mean, std);
    }

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
}
