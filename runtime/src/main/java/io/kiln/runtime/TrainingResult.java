package io.kiln.runtime;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/** A trained model and its evaluation on the test split, beside the common-sense baseline. */
public record TrainingResult(KilnModel model, Metrics.Evaluation test, Metrics.Evaluation baseline) {

    /** The model's test metrics. */
    public Map<String, Double> metrics() {
        return test.metrics();
    }

    /** The baseline's metrics on the same test rows. */
    public Map<String, Double> baselineMetrics() {
        return baseline.metrics();
    }

    /** Prints the metrics table (model beside baseline) and, for classification, the confusion matrix. */
    public void print(PrintStream out) {
        printComparison(out, model.metadata(), test, baseline);
    }

    static void printComparison(PrintStream out, ModelMetadata meta, Metrics.Evaluation test,
            Metrics.Evaluation baseline) {
        String baselineName = meta.task().isClassification() ? "majority class" : "mean predictor";
        out.printf(Locale.ROOT, "%-18s %10s %16s%n", "metric", "model", baselineName);
        for (Map.Entry<String, Double> e : test.metrics().entrySet()) {
            Double b = baseline.metrics().get(e.getKey());
            out.printf(Locale.ROOT, "%-18s %10.4f %16s%n", e.getKey(), e.getValue(),
                    b == null ? "" : String.format(Locale.ROOT, "%.4f", b));
        }
        if (test.confusion() != null) {
            out.println();
            out.println("confusion matrix (rows: true class, columns: predicted)");
            var classes = meta.label().classes();
            int w = Math.max(6, classes.stream().mapToInt(String::length).max().orElse(6) + 1);
            out.printf("%" + w + "s", "");
            for (String c : classes) {
                out.printf(" %" + w + "s", c);
            }
            out.println();
            for (int i = 0; i < classes.size(); i++) {
                out.printf("%" + w + "s", classes.get(i));
                for (int j = 0; j < classes.size(); j++) {
                    out.printf(" %" + w + "d", test.confusion()[i][j]);
                }
                out.println();
            }
        }
    }
}
