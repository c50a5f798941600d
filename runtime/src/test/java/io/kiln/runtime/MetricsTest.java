package io.kiln.runtime;

import static com.google.common.truth.Truth.assertThat;

import io.kiln.dsl.Task;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Metric values checked against hand computations (and scikit-learn's definitions). */
class MetricsTest {
    @Test
    void binaryMetrics() {
        double[][] y = {{1}, {1}, {0}, {0}, {1}};
        double[][] p = {{0.9}, {0.4}, {0.3}, {0.6}, {0.8}};
        Metrics.Evaluation e = Metrics.evaluate(Task.BINARY_CLASSIFICATION, y, p);
        Map<String, Double> m = e.metrics();
        assertThat(m.get("accuracy")).isWithin(1e-12).of(0.6);
        assertThat(m.get("precision")).isWithin(1e-12).of(2 / 3.0);
        assertThat(m.get("recall")).isWithin(1e-12).of(2 / 3.0);
        // positives 0.9, 0.4, 0.8 vs negatives 0.3, 0.6: 5 of 6 pairs ranked right
        assertThat(m.get("roc_auc")).isWithin(1e-12).of(5 / 6.0);
        assertThat(e.confusion()).isEqualTo(new int[][] {{1, 1}, {1, 2}});
    }

    @Test
    void rocAucAveragesTies() {
        assertThat(Metrics.rocAuc(new double[][] {{1}, {0}}, new double[][] {{0.5}, {0.5}})).isWithin(1e-12).of(0.5);
    }

    @Test
    void multiclassMacroAverages() {
        double[][] y = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {0, 0, 1}};
        double[][] p = {{0.8, 0.1, 0.1}, {0.1, 0.2, 0.7}, {0.1, 0.1, 0.8}, {0.2, 0.2, 0.6}};
        Map<String, Double> m = Metrics.evaluate(Task.MULTICLASS_CLASSIFICATION, y, p).metrics();
        assertThat(m.get("accuracy")).isWithin(1e-12).of(0.75);
        // class 0: p=1 r=1; class 1: p=0 r=0; class 2: p=2/3 r=1 -> f1 0.8
        assertThat(m.get("macro_f1")).isWithin(1e-12).of((1 + 0 + 0.8) / 3);
        assertThat(m.get("log_loss")).isWithin(1e-12)
                .of(-(Math.log(0.8) + Math.log(0.2) + Math.log(0.8) + Math.log(0.6)) / 4);
    }

    @Test
    void regressionMetrics() {
        double[][] y = {{1}, {2}, {3}, {4}};
        double[][] p = {{1.5}, {2}, {2.5}, {4}};
        Map<String, Double> m = Metrics.evaluate(Task.SCALAR_REGRESSION, y, p).metrics();
        assertThat(m.get("mae")).isWithin(1e-12).of(0.25);
        assertThat(m.get("rmse")).isWithin(1e-12).of(Math.sqrt(0.125));
        assertThat(m.get("r2")).isWithin(1e-12).of(1 - 0.5 / 5.0);
    }

    @Test
    void multilabelMetrics() {
        double[][] y = {{1, 0}, {1, 1}};
        double[][] p = {{0.9, 0.1}, {0.8, 0.2}};
        Map<String, Double> m = Metrics.evaluate(Task.MULTILABEL_CLASSIFICATION, y, p).metrics();
        assertThat(m.get("subset_accuracy")).isWithin(1e-12).of(0.5);
        assertThat(m.get("hamming_accuracy")).isWithin(1e-12).of(0.75);
        assertThat(m.get("micro_f1")).isWithin(1e-12).of(0.8);
    }

    @Test
    void baselineIsTheTrainingPrior() {
        double[] b = Metrics.baselineOutput(new double[][] {{1, 0}, {1, 0}, {0, 1}});
        assertThat(b[0]).isWithin(1e-12).of(2 / 3.0);
        assertThat(b[1]).isWithin(1e-12).of(1 / 3.0);
    }
}
