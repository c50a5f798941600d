package io.kiln.runtime;

import io.kiln.runtime.internal.data.CsvTable;
import io.kiln.runtime.internal.data.LabeledData;
import io.kiln.runtime.internal.data.Splits;
import io.kiln.runtime.internal.train.EpochProgress;
import io.kiln.runtime.internal.train.ProtocolRun;
import java.util.Locale;

/**
 * <b>Public API</b>. K-fold cross-validation, optionally iterated with reshuffling, with an optional final test set.
 *
 * @param k number of folds, at least 2
 * @param repeats number of times the folds are drawn (iterated k-fold when above 1)
 * @param stratified keep class proportions in every fold (classification)
 * @param shuffle shuffle rows before splitting into folds
 * @param test fraction of rows held out before cross-validation for one final test, in [0, 1)
 */
public record KFoldProtocol(int k, int repeats, boolean stratified, boolean shuffle, double test)
        implements EvaluationProtocol {

    public KFoldProtocol {
        if (k < 2) {
            throw new IllegalArgumentException("[kiln.kfold-k] k-fold cross-validation needs at least 2 folds, k was "
                    + k + ". Use e.g. k = 5 or k = 10.");
        }
        if (repeats < 1) {
            throw new IllegalArgumentException("[kiln.positive] k-fold repeats must be positive, was " + repeats
                    + ". Set e.g. repeats = 1.");
        }
        if (repeats > 1 && !shuffle) {
            throw new IllegalArgumentException("[kiln.kfold-repeats-unshuffled] repeats = " + repeats + " with shuffle "
                    + "= false draws the same folds " + repeats + " times: unshuffled folds follow the file order. Set "
                    + "shuffle = true (each repeat reshuffles) or repeats = 1.");
        }
    }

    @Override
    public boolean hasValidation() {
        return true;
    }

    @Override
    public Splits.Holdout split(CsvTable table, LabeledData data, long seed) {
        return Splits.holdout(data.size(), stratified ? data.classes() : null, 0, test, shuffle, seed);
    }

    @Override
    public ProtocolRun run(io.kiln.runtime.internal.train.Units units, Splits.Holdout split, FitSettings fit,
            EpochProgress progress) {
        return ProtocolRun.kfold(units, split, fit, this, progress);
    }

    @Override
    public String describeSplit(int train, int validation, int test) {
        return String.format(Locale.ROOT, "%d cross-validated / %d test", train, test);
    }

    @Override
    public String describe() {
        return String.format(Locale.ROOT, "%s%d-fold cross-validation%s%s%s", repeats > 1 ? repeats + " x " : "", k,
                stratified ? ", stratified" : "", shuffle ? ", shuffled" : ", in file order",
                test > 0 ? String.format(Locale.ROOT, ", final test %.2f", test) : "");
    }
}
