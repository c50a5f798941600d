package io.kiln.runtime.internal.train;

import io.kiln.dsl.Members;
import io.kiln.dsl.Metric;
import io.kiln.runtime.FitSettings;
import io.kiln.runtime.KFoldProtocol;
import io.kiln.runtime.ModelDefinition;
import io.kiln.runtime.internal.data.LabeledData;
import io.kiln.runtime.internal.data.Rows;
import io.kiln.runtime.internal.data.Splits;
import java.util.Locale;

/**
 * What an evaluation protocol's training gives: the final model's run (with the curves to report),
 * the epochs it ran, whether it was retrained on training + validation rows, and the
 * cross-validation (k-fold only, else null).
 *
 * <p>The static methods are the protocols' ways of running, called by the protocol records.
 */
public record ProtocolRun(Run run, Run reported, int finalEpochs, boolean retrained, CrossValidation cv) {

    /**
     * A holdout or temporal split: one run on the training rows monitored on the validation rows,
     * then with {@code retrain} a fresh run on training + validation rows for the best number of epochs.
     */
    public static ProtocolRun holdout(Units units, Splits.Holdout split, FitSettings fit, boolean retrain,
            EpochProgress progress) {
        ModelDefinition def = units.def();
        LabeledData data = units.data();
        if (split.train().length == 0 || split.test().length == 0) {
            throw new IllegalArgumentException(String.format("The split of %d rows leaves %d training and %d test "
                    + "rows; both need at least one. Use more data or other fractions.", data.size(),
                    split.train().length, split.test().length));
        }
        Run run = units.fit(split.train(), split.validation(), fit, fit.epochs(), progress);
        int finalEpochs = run.history().size();
        if (!retrain) {
            return new ProtocolRun(run, run, finalEpochs, false, null);
        }
        int epochs = def.earlyStopping() != null ? Math.max(1, run.bestEpoch()) : fit.epochs();
        int[] all = Rows.concat(split.train(), split.validation());
        progress.line(String.format(Locale.ROOT, "retraining: %d epochs on %d training + validation rows",
                epochs, all.length));
        Run first = run;
        // a hard-only student beside a distilled one is retrained for its own best epoch
        Run hardFirst = first.companions() == null ? null : first.companions().hardOnly();
        int hardEpochs = hardFirst != null && def.earlyStopping() != null ? Math.max(1, hardFirst.bestEpoch()) : epochs;
        run = units.fit(all, new int[0], fit, epochs, hardEpochs, progress, null);
        finalEpochs = run.history().size();
        // keep the monitored curve of the first run: the retrain has no validation data
        run = run.withValidationHistory(first);
        return new ProtocolRun(run, run, finalEpochs, true, null);
    }

    /**
     * K-fold cross-validation of the split's training rows, then the final model on all of them
     * (for the mean best epoch with early stopping); the reported curves are the folds' mean.
     */
    public static ProtocolRun kfold(Units units, Splits.Holdout split, FitSettings fit, KFoldProtocol k,
            EpochProgress progress) {
        ModelDefinition def = units.def();
        LabeledData data = units.data();
        if (split.train().length < k.k()) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "%d-fold cross-validation needs at "
                    + "least %d rows outside the test set, has %d.", k.k(), k.k(), split.train().length));
        }
        boolean folds = def.ensemble() != null && def.ensemble().members() == Members.FOLDS;
        // without early stopping the final model's epochs are the declared ones: it needs nothing from the folds,
        // so it trains beside them
        boolean alongside = !folds && def.earlyStopping() == null;
        if (alongside) {
            progress.line(String.format(Locale.ROOT, "final model: %d epochs on all %d cross-validated rows, "
                    + "beside the folds", fit.epochs(), split.train().length));
        }
        // a fold ensemble's members share the preprocessing of all cross-validated rows, to be one network
        CrossValidation.WithAlongside both = CrossValidation.run(units, split.train(), k, fit, progress,
                folds ? split.train() : null, alongside ? () -> units.fit(split.train(), new int[0], fit, fit.epochs(),
                        progress.withPrefix("final ")) : null);
        CrossValidation cv = both.cv();
        Run run;
        if (folds) {
            progress.line(String.format(Locale.ROOT, "final model: the average of the %d fold models",
                    cv.runs().size()));
            run = Units.combine(cv.runs());
        } else if (alongside) {
            run = both.alongside();
        } else {
            progress.line(String.format(Locale.ROOT, "final model: %d epochs on all %d cross-validated rows",
                    cv.summary().finalEpochs(), split.train().length));
            run = units.fit(split.train(), new int[0], fit, cv.summary().finalEpochs(), progress);
        }
        // the curves of the folds, averaged, to draw; the final model trains without validation, so it
        // has no best epoch of its own (each fold's is in the fold table)
        Run reported = run.withCurves(cv.meanHistory(), 0, false, false, def.earlyStopping() != null ? def.earlyStopping().monitor().key() : Metric.LOSS.key(),
                cv.meanFirstLoss());
        return new ProtocolRun(run, reported, run.history().size(), false, cv);
    }
}
