package io.kiln.runtime.internal.search;

import io.kiln.runtime.FitSettings;
import io.kiln.runtime.KFoldProtocol;
import io.kiln.runtime.ModelDefinition;
import io.kiln.runtime.Report;
import io.kiln.runtime.Trainer;
import io.kiln.runtime.internal.data.LabeledData;
import io.kiln.runtime.internal.data.Rows;
import io.kiln.runtime.internal.data.Splits;
import io.kiln.runtime.internal.evaluate.Metrics;
import io.kiln.runtime.internal.train.CrossValidation;
import io.kiln.runtime.internal.train.EpochProgress;
import io.kiln.runtime.internal.train.Run;
import io.kiln.runtime.internal.train.TrainingLoop;
import java.util.ArrayList;
import java.util.List;

/**
 * Trains one configuration and scores it on validation rows only: the holdout's (or temporal split's)
 * validation rows, or, under k-fold, folds of the cross-validated rows (the protocol's k, drawn once
 * from the declared seed, so every configuration sees the same folds). The test rows are never
 * passed to training or scoring: they are the outer split's, which this class does not hold.
 */
public final class TrialScorer {
    /** A configuration's validation score. */
    public record Score(double metric, List<Double> curve, int epochsTrained) {}

    private final LabeledData data;
    private final String metric;
    private final List<Splits.Fold> folds;
    private final long foldSeed;
    private final boolean inner;

    /**
     * Scores by {@code metric} (null: the task's primary metric) on the validation rows of {@code prepared}'s
     * split, or on folds of its training rows under k-fold.
     */
    public TrialScorer(Trainer.Prepared prepared, String metric) {
        this.data = prepared.data();
        this.metric = metric != null ? metric : Metrics.primary(prepared.definition().task());
        Splits.Holdout split = prepared.split();
        this.foldSeed = prepared.fit().seed();
        if (prepared.definition().protocol() instanceof KFoldProtocol k) {
            int[] strata = k.stratified() && prepared.definition().task().isClassification() ? data.classes() : null;
            this.folds = Splits.kfold(split.train(), strata, k.k(), k.shuffle(), foldSeed);
            this.inner = true;
        } else {
            if (split.validation().length == 0) {
                throw new IllegalArgumentException("[kiln.search-no-validation] A search scores each trial on "
                        + "validation rows, but " + prepared.definition().protocol().describe() + " keeps none. Set "
                        + "validation = 0.2, or cross-validate with @KFold(test = 0.2).");
            }
            this.folds = List.of(new Splits.Fold(split.train(), split.validation()));
            this.inner = false;
        }
    }

    /** The primary metric scored. */
    public String metric() {
        return metric;
    }

    /** "the 30 validation rows" or "5 folds of the 120 training rows". */
    public String describe() {
        if (!inner) {
            return "the " + folds.get(0).validation().length + " validation rows";
        }
        int rows = folds.stream().mapToInt(f -> f.validation().length).sum();
        return folds.size() + " folds of the " + rows + " cross-validated rows";
    }

    /** Trains {@code def} for {@code epochs} epochs with {@code seed} and scores it on the validation rows. */
    public Score score(ModelDefinition def, int epochs, long seed) {
        FitSettings fit = new FitSettings(epochs, def.fit().batchSize(), seed);
        double total = 0;
        int trained = 0;
        List<List<Double>> curves = new ArrayList<>();
        for (int f = 0; f < folds.size(); f++) {
            Splits.Fold fold = folds.get(f);
            // under k-fold, early stopping watches a tenth of the fold's training rows: the held-out fold chooses nothing
            Splits.Fold watched = inner ? CrossValidation.monitored(def, data, fold, foldSeed, f) : fold;
            Run run = TrainingLoop.fit(def, data, watched.train(), watched.validation(), fit, epochs,
                    EpochProgress.NONE, null);
            double[][] targets = Rows.rows(data.targets(), fold.validation());
            double[][] outputs = run.model().output(run.model().preprocessor().matrix(data, fold.validation()));
            total += Metrics.evaluate(def.task(), targets, outputs, def.threshold()).metrics().get(metric);
            trained += run.history().size();
            curves.add(run.history().stream().map(Report.Epoch::validationMetric).toList());
        }
        return new Score(total / folds.size(), meanCurve(curves), trained);
    }

    /** The curves' mean, epoch by epoch, up to the shortest. */
    static List<Double> meanCurve(List<List<Double>> curves) {
        int n = curves.stream().mapToInt(List::size).min().orElse(0);
        List<Double> mean = new ArrayList<>(n);
        for (int e = 0; e < n; e++) {
            final int epoch = e;
            mean.add(curves.stream().mapToDouble(c -> c.get(epoch)).average().orElse(Double.NaN));
        }
        return mean;
    }
}
