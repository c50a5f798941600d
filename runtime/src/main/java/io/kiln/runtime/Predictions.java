package io.kiln.runtime;

import io.kiln.dsl.Task;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Network outputs for a batch, in the units of the data: class probabilities for classification
 * (binary tasks decide with the model's threshold, 0.5 unless the spec declares another;
 * multilabel with 0.5), target values for regression.
 */
public final class Predictions {
    private final Task task;
    private final List<String> classes;
    private final double[][] outputs;

    private final double threshold;

    Predictions(Task task, List<String> classes, double[][] outputs) {
        this(task, classes, outputs, 0.5);
    }

    Predictions(Task task, List<String> classes, double[][] outputs, double threshold) {
        this.threshold = threshold;
        this.task = task;
        this.classes = classes;
        this.outputs = outputs;
    }

    public int size() {
        return outputs.length;
    }

    public Task task() {
        return task;
    }

    /** Class (or label) names in output order; empty for regression. */
    public List<String> classes() {
        return classes;
    }

    /** Binary classification's decision threshold. */
    public double threshold() {
        return threshold;
    }

    /** Rows {@code [from, to)} as their own predictions (no copy of the rows' outputs). */
    public Predictions slice(int from, int to) {
        return new Predictions(task, classes, java.util.Arrays.copyOfRange(outputs, from, to), threshold);
    }

    /** The raw output row: probabilities or values. */
    public double[] output(int row) {
        return outputs[row].clone();
    }

    /** The predicted class index (binary: 1 when the probability is at least the threshold). */
    public int classIndex(int row) {
        double[] o = outputs[row];
        if (task == Task.BINARY_CLASSIFICATION) {
            return o[0] >= threshold ? 1 : 0;
        }
        int best = 0;
        for (int j = 1; j < o.length; j++) {
            if (o[j] > o[best]) {
                best = j;
            }
        }
        return best;
    }

    public String className(int row) {
        return classes.get(classIndex(row));
    }

    /** Binary: the probability of the positive (second) class. */
    public double probability(int row) {
        return outputs[row][0];
    }

    /** Each class's (or label's) probability, keyed by name, in output order. */
    public Map<String, Double> probabilities(int row) {
        Map<String, Double> p = new LinkedHashMap<>();
        for (int j = 0; j < classes.size(); j++) {
            p.put(classes.get(j), probability(row, j));
        }
        return p;
    }

    /**
     * The probability of class (or label) {@code j}, the {@code j}-th value of {@link
     * #probabilities}, without building the map. Binary: {@code 1 - p} for the first class.
     */
    public double probability(int row, int j) {
        if (task == Task.BINARY_CLASSIFICATION) {
            return j == 0 ? 1 - outputs[row][0] : outputs[row][0];
        }
        return outputs[row][j];
    }

    /** Output {@code j} of a row (a probability or a value), without copying the row. */
    public double output(int row, int j) {
        return outputs[row][j];
    }

    /** The number of outputs per row. */
    public int outputWidth() {
        return outputs.length == 0 ? 0 : outputs[0].length;
    }

    /** Multilabel: which labels apply (probability at least 0.5). */
    public boolean[] labels(int row) {
        boolean[] l = new boolean[outputs[row].length];
        for (int j = 0; j < l.length; j++) {
            l[j] = outputs[row][j] >= 0.5;
        }
        return l;
    }

    /** Scalar regression: the predicted value. */
    public double value(int row) {
        return outputs[row][0];
    }

    /** Vector regression: the predicted values. */
    public double[] values(int row) {
        return outputs[row].clone();
    }
}
