package io.kiln.runtime.internal.evaluate;

import static com.google.common.truth.Truth.assertThat;

import io.kiln.dsl.Metric;
import io.kiln.dsl.Task;
import java.util.Map;
import java.util.stream.Collectors;
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

    // the binary example above, ranked by score: 0.9 (+), 0.8 (+), 0.6 (-), 0.4 (+), 0.3 (-)
    static final double[][] Y = {{1}, {1}, {0}, {0}, {1}};
    static final double[][] P = {{0.9}, {0.4}, {0.3}, {0.6}, {0.8}};

    @Test
    void binaryBalancedAccuracyAndSpecificity() {
        Map<String, Double> m = Metrics.evaluate(Task.BINARY_CLASSIFICATION, Y, P).metrics();
        // recall 2/3 (0.4 missed), specificity 1/2 (0.6 is a false positive)
        assertThat(m.get("specificity")).isWithin(1e-12).of(0.5);
        assertThat(m.get("balanced_accuracy")).isWithin(1e-12).of((2 / 3.0 + 0.5) / 2);
    }

    @Test
    void balancedAccuracyIsNotFooledByTheMajorityClass() {
        // 9 negatives, 1 positive; always predicting negative is 90% accurate but 50% balanced
        double[][] y = new double[10][];
        double[][] p = new double[10][];
        for (int i = 0; i < 10; i++) {
            y[i] = new double[] {i == 0 ? 1 : 0};
            p[i] = new double[] {0.1};
        }
        Map<String, Double> m = Metrics.evaluate(Task.BINARY_CLASSIFICATION, y, p).metrics();
        assertThat(m.get("accuracy")).isWithin(1e-12).of(0.9);
        assertThat(m.get("balanced_accuracy")).isWithin(1e-12).of(0.5);
        assertThat(m.get("specificity")).isWithin(1e-12).of(1.0);
        assertThat(m.get("recall")).isWithin(1e-12).of(0.0);
    }

    @Test
    void multiclassBalancedAccuracyIsMacroRecall() {
        double[][] y = {{1, 0, 0}, {1, 0, 0}, {1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
        double[][] p = {{0.8, 0.1, 0.1}, {0.8, 0.1, 0.1}, {0.1, 0.8, 0.1}, {0.1, 0.2, 0.7}, {0.1, 0.1, 0.8}};
        Map<String, Double> m = Metrics.evaluate(Task.MULTICLASS_CLASSIFICATION, y, p).metrics();
        // recalls: class 0 2/3, class 1 0, class 2 1
        assertThat(m.get("balanced_accuracy")).isWithin(1e-12).of((2 / 3.0 + 0 + 1) / 3);
        assertThat(m.get("accuracy")).isWithin(1e-12).of(3 / 5.0);
    }

    @Test
    void prAucIsAveragePrecision() {
        // precision at each positive's rank: 1/1, 2/2, 3/4
        assertThat(Metrics.evaluate(Task.BINARY_CLASSIFICATION, Y, P).metrics().get("pr_auc")).isWithin(1e-12)
                .of((1 + 1 + 0.75) / 3);
        assertThat(Metrics.averagePrecision(Y, P)).isWithin(1e-12).of((1 + 1 + 0.75) / 3);
    }

    @Test
    void prAucTreatsTiedScoresAsOneStep() {
        // scores 0.5 (+), 0.5 (-), 0.2 (+), 0.1 (-): at 0.5 recall 1/2 precision 1/2; at 0.2 recall 1 precision 2/3
        double[][] y = {{1}, {0}, {1}, {0}};
        double[][] p = {{0.5}, {0.5}, {0.2}, {0.1}};
        assertThat(Metrics.averagePrecision(y, p)).isWithin(1e-12).of(0.5 * 0.5 + 0.5 * 2 / 3.0);
        // and the order of tied rows does not matter
        double[][] y2 = {{0}, {1}, {1}, {0}};
        assertThat(Metrics.averagePrecision(y2, p)).isWithin(1e-12).of(0.5 * 0.5 + 0.5 * 2 / 3.0);
    }

    @Test
    void prAucOfAPerfectRankingIsOneAndWithoutPositivesZero() {
        assertThat(Metrics.averagePrecision(new double[][] {{1}, {0}, {1}, {0}},
                new double[][] {{0.9}, {0.2}, {0.8}, {0.1}})).isWithin(1e-12).of(1.0);
        assertThat(Metrics.averagePrecision(new double[][] {{0}, {0}}, new double[][] {{0.9}, {0.2}})).isEqualTo(0.0);
    }

    @Test
    void rocCurvePoints() {
        double[][] roc = Metrics.rocCurve(Y, P);
        assertThat(roc[0]).usingTolerance(1e-12).containsExactly(0, 0, 0, 0.5, 0.5, 1).inOrder();
        assertThat(roc[1]).usingTolerance(1e-12).containsExactly(0, 1 / 3.0, 2 / 3.0, 2 / 3.0, 1, 1).inOrder();
        assertThat(trapezoid(roc[0], roc[1])).isWithin(1e-12).of(Metrics.rocAuc(Y, P));
    }

    @Test
    void rocCurveAreaEqualsRocAucWithTies() {
        java.util.Random r = new java.util.Random(2);
        double[][] y = new double[200][];
        double[][] p = new double[200][];
        for (int i = 0; i < 200; i++) {
            y[i] = new double[] {r.nextInt(3) == 0 ? 1 : 0};
            p[i] = new double[] {Math.round((0.3 * y[i][0] + 0.7 * r.nextDouble()) * 10) / 10.0}; // many ties
        }
        double[][] roc = Metrics.rocCurve(y, p);
        assertThat(roc[0][0]).isEqualTo(0.0);
        assertThat(roc[1][0]).isEqualTo(0.0);
        assertThat(roc[0][roc[0].length - 1]).isWithin(1e-12).of(1.0);
        assertThat(roc[1][roc[1].length - 1]).isWithin(1e-12).of(1.0);
        assertThat(roc[0].length).isAtMost(12); // one point per distinct score, plus the origin
        assertThat(trapezoid(roc[0], roc[1])).isWithin(1e-9).of(Metrics.rocAuc(y, p));
    }

    @Test
    void precisionRecallCurvePoints() {
        double[][] pr = Metrics.precisionRecallCurve(Y, P);
        assertThat(pr[0]).usingTolerance(1e-12).containsExactly(1 / 3.0, 2 / 3.0, 2 / 3.0, 1, 1).inOrder();
        assertThat(pr[1]).usingTolerance(1e-12).containsExactly(1, 1, 2 / 3.0, 3 / 4.0, 3 / 5.0).inOrder();
    }

    static double trapezoid(double[] x, double[] y) {
        double area = 0;
        for (int i = 1; i < x.length; i++) {
            area += (x[i] - x[i - 1]) * (y[i] + y[i - 1]) / 2;
        }
        return area;
    }

    @Test
    void thresholdMovesBinaryDecisions() {
        Metrics.Evaluation high = Metrics.evaluate(Task.BINARY_CLASSIFICATION, Y, P, 0.7);
        // positive only at 0.9 and 0.8
        assertThat(high.confusion()).isEqualTo(new int[][] {{2, 0}, {1, 2}});
        assertThat(high.metrics().get("precision")).isWithin(1e-12).of(1.0);
        assertThat(high.metrics().get("recall")).isWithin(1e-12).of(2 / 3.0);
        assertThat(high.metrics().get("specificity")).isWithin(1e-12).of(1.0);
        Metrics.Evaluation low = Metrics.evaluate(Task.BINARY_CLASSIFICATION, Y, P, 0.35);
        assertThat(low.confusion()).isEqualTo(new int[][] {{1, 1}, {0, 3}});
        // ranking metrics do not depend on the threshold
        assertThat(low.metrics().get("roc_auc")).isEqualTo(high.metrics().get("roc_auc"));
        assertThat(low.metrics().get("pr_auc")).isEqualTo(high.metrics().get("pr_auc"));
        assertThat(low.metrics().get("log_loss")).isEqualTo(high.metrics().get("log_loss"));
    }

    @Test
    void regressionMse() {
        double[][] y = {{1}, {2}, {3}, {4}};
        double[][] p = {{1.5}, {2}, {2.5}, {4}};
        assertThat(Metrics.evaluate(Task.SCALAR_REGRESSION, y, p).metrics().get("mse")).isWithin(1e-12).of(0.125);
        // vector regression: averaged over rows and targets; rmse is its root
        double[][] y2 = {{1, 10}, {2, 20}};
        double[][] p2 = {{2, 10}, {2, 23}};
        Map<String, Double> m = Metrics.evaluate(Task.VECTOR_REGRESSION, y2, p2).metrics();
        assertThat(m.get("mse")).isWithin(1e-12).of((1 + 0 + 0 + 9) / 4.0);
        assertThat(m.get("rmse")).isWithin(1e-12).of(Math.sqrt(2.5));
    }

    @Test
    void everyTaskComputesExactlyTheDslMetricsOfThatTask() {
        double[][][] inputs = {
            {{1}, {0}}, {{1, 0}, {0, 1}}, {{1, 0}, {0, 1}}, {{1}, {2}}, {{1, 2}, {2, 3}}};
        Task[] tasks = {Task.BINARY_CLASSIFICATION, Task.MULTICLASS_CLASSIFICATION, Task.MULTILABEL_CLASSIFICATION,
            Task.SCALAR_REGRESSION, Task.VECTOR_REGRESSION};
        for (int t = 0; t < tasks.length; t++) {
            Map<String, Double> m = Metrics.evaluate(tasks[t], inputs[t], inputs[t]).metrics();
            assertThat(m.keySet()).isEqualTo(Metric.of(tasks[t]).stream().map(Metric::key).collect(Collectors.toSet()));
            for (Metric metric : Metric.of(tasks[t])) {
                assertThat(Metrics.higherIsBetter(metric.key())).isEqualTo(metric.higherIsBetter());
            }
        }
        assertThat(Metrics.primary(Task.BINARY_CLASSIFICATION)).isEqualTo(Metric.ACCURACY.key());
    }
}
