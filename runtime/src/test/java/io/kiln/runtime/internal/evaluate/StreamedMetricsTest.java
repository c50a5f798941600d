package io.kiln.runtime.internal.evaluate;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import io.kiln.dsl.Task;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Metrics accumulated a row at a time are the in-memory metrics of the same rows. */
class StreamedMetricsTest {
    /** Targets and outputs of a noisy model: outputs lean toward the target. */
    private static double[][][] rows(Task task, int n, int k, long seed) {
        Random random = new Random(seed);
        double[][] targets = new double[n][k];
        double[][] outputs = new double[n][k];
        for (int i = 0; i < n; i++) {
            switch (task) {
                case MULTICLASS_CLASSIFICATION -> {
                    int t = random.nextInt(k);
                    targets[i][t] = 1;
                    double sum = 0;
                    for (int j = 0; j < k; j++) {
                        outputs[i][j] = Math.exp(random.nextGaussian() + (j == t ? 1.5 : 0));
                        sum += outputs[i][j];
                    }
                    for (int j = 0; j < k; j++) {
                        outputs[i][j] /= sum;
                    }
                }
                case BINARY_CLASSIFICATION, MULTILABEL_CLASSIFICATION -> {
                    for (int j = 0; j < k; j++) {
                        targets[i][j] = random.nextDouble() < 0.3 ? 1 : 0;
                        // rounded to 3 digits, so that scores tie as model outputs often do
                        outputs[i][j] = Math.round(1000 / (1 + Math.exp(-(random.nextGaussian()
                                + (targets[i][j] * 2 - 1))))) / 1000.0;
                    }
                }
                default -> {
                    for (int j = 0; j < k; j++) {
                        targets[i][j] = 100 + 20 * random.nextGaussian();
                        outputs[i][j] = targets[i][j] + 8 * random.nextGaussian();
                    }
                }
            }
        }
        return new double[][][] {targets, outputs};
    }

    private static void same(Task task, int k, double rankingTolerance) {
        double[][][] r = rows(task, 5000, k, 11);
        Metrics.Evaluation expected = Metrics.evaluate(task, r[0], r[1], 0.4);
        Metrics.Streamed streamed = new Metrics.Streamed(task, 0.4, k);
        for (int i = 0; i < r[0].length; i++) {
            streamed.add(r[0][i], r[1][i]);
        }
        Metrics.Evaluation got = streamed.evaluation();
        assertThat(streamed.rows()).isEqualTo(5000);
        assertThat(got.metrics().keySet()).containsExactlyElementsIn(expected.metrics().keySet()).inOrder();
        for (Map.Entry<String, Double> e : expected.metrics().entrySet()) {
            boolean ranking = e.getKey().equals("roc_auc") || e.getKey().equals("pr_auc");
            assertWithMessage(task + " " + e.getKey()).that(got.metrics().get(e.getKey()))
                    .isWithin(ranking ? rankingTolerance : 1e-9).of(e.getValue());
        }
        assertThat(got.confusion()).isEqualTo(expected.confusion());
    }

    @Test
    void everyTasksMetricsAccumulate() {
        same(Task.MULTICLASS_CLASSIFICATION, 10, 0);
        same(Task.MULTILABEL_CLASSIFICATION, 4, 0);
        same(Task.SCALAR_REGRESSION, 1, 0);
        same(Task.VECTOR_REGRESSION, 3, 0);
        // scores with 3 digits fall in distinct bins of 65,536: the binned ranks are the exact ranks
        same(Task.BINARY_CLASSIFICATION, 1, 1e-12);
    }

    @Test
    void binnedRankingMetricsStayCloseWhenScoresShareBins() {
        // continuous scores: some distinct scores share a bin and count as tied
        Random random = new Random(3);
        int n = 20_000;
        double[][] targets = new double[n][1];
        double[][] outputs = new double[n][1];
        for (int i = 0; i < n; i++) {
            targets[i][0] = random.nextBoolean() ? 1 : 0;
            outputs[i][0] = 1 / (1 + Math.exp(-(random.nextGaussian() + targets[i][0])));
        }
        Metrics.Streamed streamed = new Metrics.Streamed(Task.BINARY_CLASSIFICATION, 0.5, 1);
        for (int i = 0; i < n; i++) {
            streamed.add(targets[i], outputs[i]);
        }
        Map<String, Double> got = streamed.evaluation().metrics();
        assertThat(got.get("roc_auc")).isWithin(1e-4).of(Metrics.rocAuc(targets, outputs));
        assertThat(got.get("pr_auc")).isWithin(1e-3).of(Metrics.averagePrecision(targets, outputs));
    }
}
