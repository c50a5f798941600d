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
        if (task == Task.BINARY_CLASSIFICATION) {
            p.put(classes.get(0), 1 - outputs[row][0]);
            p.put(classes.get(1), outputs[row][0]);
        } else {
            for (int j = 0; j < classes.size(); j++) {
                p.put(classes.get(j), outputs[row][j]);
            }
        }
        return p;
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
