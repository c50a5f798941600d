package io.kiln.dsl;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The metrics Kiln computes, each for the tasks it applies to. {@link #key()} is the name used in
 * reports, model files and the command line ({@code accuracy}, {@code r2}, ...). {@link #LOSS} is the
 * output layer's loss, for monitoring.
 */
public enum Metric {
    /** The output layer's loss (data loss, without regularization terms). Every task. */
    LOSS(false, Task.values()),
    /** Fraction of correct decisions. */
    ACCURACY(true, Task.BINARY_CLASSIFICATION, Task.MULTICLASS_CLASSIFICATION),
    /** Mean recall over classes; robust to class imbalance. */
    BALANCED_ACCURACY(true, Task.BINARY_CLASSIFICATION, Task.MULTICLASS_CLASSIFICATION),
    /** Precision of the positive class. */
    PRECISION(true, Task.BINARY_CLASSIFICATION),
    /** Recall (true-positive rate) of the positive class. */
    RECALL(true, Task.BINARY_CLASSIFICATION),
    /** True-negative rate. */
    SPECIFICITY(true, Task.BINARY_CLASSIFICATION),
    /** F1 of the positive class. */
    F1(true, Task.BINARY_CLASSIFICATION),
    /** Precision averaged over classes. */
    MACRO_PRECISION(true, Task.MULTICLASS_CLASSIFICATION),
    /** Recall averaged over classes. */
    MACRO_RECALL(true, Task.MULTICLASS_CLASSIFICATION),
    /** F1 averaged over classes (or labels). */
    MACRO_F1(true, Task.BINARY_CLASSIFICATION, Task.MULTICLASS_CLASSIFICATION, Task.MULTILABEL_CLASSIFICATION),
    /** F1 of all label decisions pooled. */
    MICRO_F1(true, Task.MULTILABEL_CLASSIFICATION),
    /** Area under the ROC curve. */
    ROC_AUC(true, Task.BINARY_CLASSIFICATION),
    /** Area under the precision-recall curve (average precision). */
    PR_AUC(true, Task.BINARY_CLASSIFICATION),
    /** Cross-entropy of the predicted probabilities. */
    LOG_LOSS(false, Task.BINARY_CLASSIFICATION, Task.MULTICLASS_CLASSIFICATION),
    /** Fraction of rows whose every label is right. */
    SUBSET_ACCURACY(true, Task.MULTILABEL_CLASSIFICATION),
    /** Fraction of label decisions that are right. */
    HAMMING_ACCURACY(true, Task.MULTILABEL_CLASSIFICATION),
    /** Mean absolute error, in the target's units. */
    MAE(false, Task.SCALAR_REGRESSION, Task.VECTOR_REGRESSION),
    /** Mean squared error. */
    MSE(false, Task.SCALAR_REGRESSION, Task.VECTOR_REGRESSION),
    /** Root mean squared error, in the target's units. */
    RMSE(false, Task.SCALAR_REGRESSION, Task.VECTOR_REGRESSION),
    /** Coefficient of determination (1 is perfect, 0 is the mean predictor). */
    R2(true, Task.SCALAR_REGRESSION, Task.VECTOR_REGRESSION);

    private final boolean higherIsBetter;
    private final Set<Task> tasks;

    Metric(boolean higherIsBetter, Task... tasks) {
        this.higherIsBetter = higherIsBetter;
        this.tasks = EnumSet.noneOf(Task.class);
        this.tasks.addAll(Set.of(tasks));
    }

    /** The metric's name in reports and model files, e.g. {@code balanced_accuracy}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether a larger value is better. */
    public boolean higherIsBetter() {
        return higherIsBetter;
    }

    /** Whether Kiln computes this metric for the task. */
    public boolean appliesTo(Task task) {
        return tasks.contains(task);
    }

    /** The metrics of a task, in report order ({@link #LOSS} excluded). */
    public static Set<Metric> of(Task task) {
        EnumSet<Metric> result = EnumSet.noneOf(Metric.class);
        for (Metric m : values()) {
            if (m != LOSS && m.appliesTo(task)) {
                result.add(m);
            }
        }
        return result;
    }
}
