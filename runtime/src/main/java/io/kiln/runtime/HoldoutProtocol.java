package io.kiln.runtime;

import io.kiln.runtime.internal.data.CsvTable;
import io.kiln.runtime.internal.data.LabeledData;
import io.kiln.runtime.internal.data.Splits;
import io.kiln.runtime.internal.train.EpochProgress;
import io.kiln.runtime.internal.train.ProtocolRun;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * <b>Public API</b>. A single train / validation / test split.
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
    public boolean acceptsTestFile() {
        return true;
    }

    @Override
    public Splits.Holdout split(CsvTable table, LabeledData data, long seed) {
        return Splits.holdout(data.size(), stratified ? data.classes() : null, validation, test, shuffle, seed);
    }

    @Override
    public Splits.Holdout splitWithTestSet(LabeledData data, int testRows, long seed) {
        Splits.Holdout inner = Splits.holdout(data.size(), stratified ? data.classes() : null, validation, 0, shuffle,
                seed);
        return new Splits.Holdout(inner.train(), inner.validation(),
                IntStream.range(data.size(), data.size() + testRows).toArray());
    }

    @Override
    public ProtocolRun run(io.kiln.runtime.internal.train.Units units, Splits.Holdout split, FitSettings fit,
            EpochProgress progress) {
        return ProtocolRun.holdout(units, split, fit, retrain, progress);
    }

    @Override
    public String describe(io.kiln.dsl.Task task, String testSet) {
        return describeWithTestSet(task, testSet);
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
