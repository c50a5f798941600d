package io.kiln.runtime;

import io.kiln.dsl.Task;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * <b>Public API</b>. Network outputs for a batch, in the units of the data: class probabilities for classification
 * (binary tasks decide with the model's threshold, 0.5 unless the spec declares another;
 * multilabel with 0.5), target values for regression.
 */
public final class Predictions {
    private final Task task;
    private final List<String> classes;
    /** Row-major: output {@code j} of row {@code i} is {@code values[i * width + j]}. */
    private final double[] values;
    private final int width;
    private final int rows;

    private final double threshold;

    Predictions(Task task, List<String> classes, double[][] outputs) {
        this(task, classes, outputs, 0.5);
    }

    Predictions(Task task, List<String> classes, double[][] outputs, double threshold) {
        this(task, classes, flatten(outputs), outputs.length == 0 ? 0 : outputs[0].length, threshold);
    }

    /** From {@code rows × width} outputs in row-major order (not copied). */
    Predictions(Task task, List<String> classes, double[] values, int width, double threshold) {
        this.threshold = threshold;
        this.task = task;
        this.classes = classes;
        this.values = values;
        this.width = width;
        this.rows = width == 0 ? 0 : values.length / width;
    }

    private static double[] flatten(double[][] outputs) {
        int width = outputs.length == 0 ? 0 : outputs[0].length;
        double[] flat = new double[outputs.length * width];
        for (int i = 0; i < outputs.length; i++) {
            if (outputs[i].length != width) {
                throw new IllegalArgumentException("row " + i + " has " + outputs[i].length + " outputs, not " + width);
            }
            System.arraycopy(outputs[i], 0, flat, i * width, width);
        }
        return flat;
    }

    public int size() {
        return rows;
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

    /** Rows {@code [from, to)} as their own predictions. */
    public Predictions slice(int from, int to) {
        return new Predictions(task, classes, Arrays.copyOfRange(values, from * width, to * width), width, threshold);
    }

    /** The raw output row: probabilities or values. */
    public double[] output(int row) {
        return Arrays.copyOfRange(values, row * width, (row + 1) * width);
    }

    /** The predicted class index (binary: 1 when the probability is at least the threshold). */
    public int classIndex(int row) {
        int at = row * width;
        if (task == Task.BINARY_CLASSIFICATION) {
            return values[at] >= threshold ? 1 : 0;
        }
        int best = 0;
        double max = values[at];
        for (int j = 1; j < width; j++) {
            double v = values[at + j];
            if (v > max) {
                best = j;
                max = v;
            }
        }
        return best;
    }

    public String className(int row) {
        return classes.get(classIndex(row));
    }

    /** Binary: the probability of the positive (second) class. */
    public double probability(int row) {
        return values[row * width];
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
            double p = values[row * width];
            return j == 0 ? 1 - p : p;
        }
        return values[row * width + j];
    }

    /** Output {@code j} of a row (a probability or a value), without copying the row. */
    public double output(int row, int j) {
        return values[row * width + j];
    }

    /** The number of outputs per row. */
    public int outputWidth() {
        return rows == 0 ? 0 : width;
    }

    /** Multilabel: which labels apply (probability at least 0.5). */
    public boolean[] labels(int row) {
        boolean[] l = new boolean[width];
        for (int j = 0; j < width; j++) {
            l[j] = values[row * width + j] >= 0.5;
        }
        return l;
    }

    /** Scalar regression: the predicted value. */
    public double value(int row) {
        return values[row * width];
    }

    /** Vector regression: the predicted values. */
    public double[] values(int row) {
        return output(row);
    }
}
