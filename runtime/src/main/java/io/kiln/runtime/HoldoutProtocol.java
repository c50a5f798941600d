package io.kiln.runtime;

import java.util.Locale;

/**
 * A single train / validation / test split.
 *
 * @param validation fraction of rows for validation, in [0, 1)
 * @param test fraction of rows for the final test, in (0, 1)
 * @param stratified keep class proportions in every split (classification)
 * @param shuffle shuffle rows before splitting
 * @param retrain after training, retrain a fresh model on training + validation rows for the best
 *     number of epochs before the one test evaluation
 */
public record HoldoutProtocol(double validation, double test, boolean stratified, boolean shuffle, boolean retrain)
        implements EvaluationProtocol {

    public HoldoutProtocol(double validation, double test, boolean stratified, boolean shuffle) {
        this(validation, test, stratified, shuffle, false);
    }

    @Override
    public boolean hasValidation() {
        return validation > 0;
    }

    @Override
    public String describe() {
        return describe(String.format(Locale.ROOT, "test %.2f", test));
    }

    /** {@link #describe(io.kiln.dsl.Task)} for data with an official test set, named in place of the test fraction. */
    public String describeWithTestSet(io.kiln.dsl.Task task, String testSet) {
        return EvaluationProtocol.forTask(describe("test set " + testSet), task);
    }

    private String describe(String testPart) {
        return String.format(Locale.ROOT, "holdout (validation %.2f, %s%s%s%s)", validation, testPart,
                stratified ? ", stratified" : "", shuffle ? ", shuffled" : ", in file order",
                retrain ? ", final retrain on train + validation" : "");
    }
}
