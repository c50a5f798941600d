package io.kiln.dsl;

/**
 * What a model predicts. The task decides the output layer's default activation and loss, the
 * label types it accepts, the metrics it is evaluated with and its common-sense baseline.
 *
 * <table>
 *   <caption>Defaults per task (seed 001, "Last-layer activation and loss functions")</caption>
 *   <tr><th>task</th><th>output units</th><th>activation</th><th>loss</th><th>baseline</th></tr>
 *   <tr><td>{@link #BINARY_CLASSIFICATION}</td><td>1</td><td>sigmoid</td>
 *       <td>binary cross-entropy</td><td>majority class</td></tr>
 *   <tr><td>{@link #MULTICLASS_CLASSIFICATION}</td><td>number of classes</td><td>softmax</td>
 *       <td>categorical cross-entropy</td><td>majority class</td></tr>
 *   <tr><td>{@link #MULTILABEL_CLASSIFICATION}</td><td>number of labels</td><td>sigmoid</td>
 *       <td>binary cross-entropy</td><td>majority value of each label</td></tr>
 *   <tr><td>{@link #SCALAR_REGRESSION}</td><td>1</td><td>identity</td>
 *       <td>mean squared error</td><td>mean of the training targets</td></tr>
 *   <tr><td>{@link #VECTOR_REGRESSION}</td><td>number of targets</td><td>identity</td>
 *       <td>mean squared error</td><td>mean of each training target</td></tr>
 * </table>
 */
public enum Task {
    /** Two mutually exclusive classes; one sigmoid unit gives the probability of the second. */
    BINARY_CLASSIFICATION,
    /** Three or more mutually exclusive classes; a softmax over one unit per class. */
    MULTICLASS_CLASSIFICATION,
    /** Any number of independent yes/no labels per sample; one sigmoid unit per label. */
    MULTILABEL_CLASSIFICATION,
    /** One continuous target. */
    SCALAR_REGRESSION,
    /** Two or more continuous targets predicted together. */
    VECTOR_REGRESSION;

    /** Whether this task predicts classes (as opposed to continuous values). */
    public boolean isClassification() {
        return this == BINARY_CLASSIFICATION
                || this == MULTICLASS_CLASSIFICATION
                || this == MULTILABEL_CLASSIFICATION;
    }
}
