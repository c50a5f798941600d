package io.kiln.runtime;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.kiln.runtime.internal.data.CsvTable;
import io.kiln.runtime.internal.data.LabeledData;
import io.kiln.runtime.internal.data.Splits;
import io.kiln.runtime.internal.train.EpochProgress;
import io.kiln.runtime.internal.train.ProtocolRun;

/**
 * <b>Public API</b> (generated trainers construct the records). How a model is evaluated (seed 001, "Choose an evaluation protocol"): a holdout split, k-fold
 * cross-validation, or a temporal split. Stored in the model file and the report with a
 * {@code "type"} of {@code holdout}, {@code kfold} or {@code temporal}.
 *
 * <p>Each protocol carries its own behaviour: how it splits the data ({@link #split}), how it
 * trains ({@link #run}), and what it needs ({@link #orderColumn}, {@link #acceptsTestFile}), so
 * that the trainer, the model definition and the command line ask the protocol instead of testing
 * its type. The methods that take {@code internal} types are called by the runtime itself.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = HoldoutProtocol.class, name = "holdout"),
    @JsonSubTypes.Type(value = KFoldProtocol.class, name = "kfold"),
    @JsonSubTypes.Type(value = TemporalProtocol.class, name = "temporal")
})
public sealed interface EvaluationProtocol permits HoldoutProtocol, KFoldProtocol, TemporalProtocol {
    /** Whether the protocol sets rows aside each epoch for validation. */
    boolean hasValidation();

    /** One line describing the protocol, for reports and the console. */
    String describe();

    /** The column that orders rows for the split, or null when the split does not order rows. */
    default String orderColumn() {
        return null;
    }

    /** Whether a separate test file may stand in for the test fraction (validation rows come from the data). */
    default boolean acceptsTestFile() {
        return false;
    }

    /**
     * The outer split of the data for a seed (the same rows every time). For k-fold, {@code train}
     * holds the rows cross-validated and {@code test} the final test rows (possibly none).
     *
     * @param table the table the data was read from, when {@link #orderColumn()} is not null (else may be null)
     */
    Splits.Holdout split(CsvTable table, LabeledData data, long seed);

    /**
     * The split when an official test set follows the data's rows ({@link #acceptsTestFile()}):
     * validation rows from the data alone, the test rows those after it.
     */
    default Splits.Holdout splitWithTestSet(LabeledData data, int testRows, long seed) {
        throw new UnsupportedOperationException(describe() + " takes no separate test file");
    }

    /** Trains by this protocol on prepared data: the final model's run and what the report needs. */
    ProtocolRun run(io.kiln.runtime.internal.train.Units units, Splits.Holdout split, FitSettings fit,
            EpochProgress progress);

    /** The split's sizes in words, e.g. {@code "120 train / 30 validation / 30 test"}. */
    default String describeSplit(int train, int validation, int test) {
        return String.format(java.util.Locale.ROOT, "%d train / %d validation / %d test", train, validation, test);
    }

    /** {@link #describe(io.kiln.dsl.Task)} for data with an official test set named {@code testSet}. */
    default String describe(io.kiln.dsl.Task task, String testSet) {
        return describe(task);
    }

    /** {@link #describe()} for a task: regression and multilabel splits are never stratified. */
    default String describe(io.kiln.dsl.Task task) {
        return forTask(describe(), task);
    }

    /** A description without "stratified" for a task whose splits never are (regression, multilabel). */
    static String forTask(String description, io.kiln.dsl.Task task) {
        boolean stratifiable = task == io.kiln.dsl.Task.BINARY_CLASSIFICATION
                || task == io.kiln.dsl.Task.MULTICLASS_CLASSIFICATION;
        return stratifiable ? description : description.replace(", stratified", "");
    }
}
