package io.kiln.runtime;

import java.util.Locale;

/**
 * K-fold cross-validation, optionally iterated with reshuffling, with an optional final test set.
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
            throw new IllegalArgumentException("k-fold needs k >= 2, was " + k);
        }
        if (repeats < 1) {
            throw new IllegalArgumentException("k-fold needs repeats >= 1, was " + repeats);
        }
        if (repeats > 1 && !shuffle) {
            throw new IllegalArgumentException("Repeating k-fold without shuffling draws the same folds every time; "
                    + "shuffle, or use repeats = 1");
        }
    }

    @Override
    public boolean hasValidation() {
        return true;
    }

    @Override
    public String describe() {
        return String.format(Locale.ROOT, "%s%d-fold cross-validation%s%s%s", repeats > 1 ? repeats + " x " : "", k,
                stratified ? ", stratified" : "", shuffle ? ", shuffled" : ", in file order",
                test > 0 ? String.format(Locale.ROOT, ", final test %.2f", test) : "");
    }
}
