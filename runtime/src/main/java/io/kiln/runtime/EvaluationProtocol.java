package io.kiln.runtime;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * How a model is evaluated (seed 001, "Choose an evaluation protocol"): a holdout split, k-fold
 * cross-validation, or a temporal split. Stored in the model file and the report with a
 * {@code "type"} of {@code holdout}, {@code kfold} or {@code temporal}.
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
