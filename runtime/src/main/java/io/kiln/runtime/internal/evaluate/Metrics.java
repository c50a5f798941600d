package io.kiln.runtime.internal.evaluate;

import io.kiln.dsl.Task;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The metrics of each task, computed from targets and predictions in the units of the data, and
 * the common-sense baseline each is reported beside.
 *
 * <ul>
 *   <li>binary: accuracy, balanced accuracy, precision, recall, specificity and F1 of the positive
 *       (second) class at the decision threshold, macro F1, ROC AUC, PR AUC (average precision), log loss;
 *   <li>multiclass: accuracy, balanced accuracy, macro precision, macro recall, macro F1, log loss;
 *   <li>multilabel: subset accuracy, Hamming accuracy, micro F1, macro F1;
 *   <li>regression: MAE, MSE, RMSE and R² (averaged over targets).
 * </ul>
 *
 * <p>Metric names are {@link io.kiln.dsl.Metric#key()} of the DSL's {@link io.kiln.dsl.Metric}.
 */
public final class Metrics {
    private Metrics() {}

    /** A metric set and, for single-label classification, the confusion matrix (rows true, columns predicted). */
    public record Evaluation(Map<String, Double> metrics, int[][] confusion) {}

    /** The metric used for a one-number summary (per epoch, in reports). */
    public static String primary(Task task) {
        return switch (task) {
            case BINARY_CLASSIFICATION, MULTICLASS_CLASSIFICATION -> "accuracy";
            case MULTILABEL_CLASSIFICATION -> "hamming_accuracy";
            case SCALAR_REGRESSION, VECTOR_REGRESSION -> "r2";
        };
    }

    public static Evaluation evaluate(Task task, double[][] targets, double[][] predictions) {
        return evaluate(task, targets, predictions, 0.5);
    }

    /** The metrics, with {@code threshold} as the binary decision threshold. */
    public static Evaluation evaluate(Task task, double[][] targets, double[][] predictions, double threshold) {
        return switch (task) {
            case BINARY_CLASSIFICATION -> binary(targets, predictions, threshold);
            case MULTICLASS_CLASSIFICATION -> multiclass(targets, predictions);
            case MULTILABEL_CLASSIFICATION -> multilabel(targets, predictions);
            case SCALAR_REGRESSION, VECTOR_REGRESSION -> regression(targets, predictions);
        };
    }

    /**
     * The common-sense baseline's constant output, learnt from the training targets: class
     * frequencies for classification (so the majority class wins), the target means for regression.
     */
    public static double[] baselineOutput(double[][] trainTargets) {
        int width = trainTargets[0].length;
        double[] mean = new double[width];
        for (double[] t : trainTargets) {
            for (int j = 0; j < width; j++) {
                mean[j] += t[j] / trainTargets.length;
            }
        }
        return mean;
    }

    private static int argmax(double[] v) {
        int best = 0;
        for (int j = 1; j < v.length; j++) {
            if (v[j] > v[best]) {
                best = j;
            }
        }
        return best;
    }

    private static Evaluation binary(double[][] targets, double[][] predictions, double threshold) {
        Streamed counts = Streamed.counting(Task.BINARY_CLASSIFICATION, threshold, targets, predictions);
        return binary(counts.confusion, counts.logLoss, counts.n, rocAuc(targets, predictions),
                averagePrecision(targets, predictions));
    }

    private static Evaluation binary(int[][] cm, double logLoss, long n, double rocAuc, double averagePrecision) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("accuracy", (cm[0][0] + cm[1][1]) / (double) n);
        double precision = ratio(cm[1][1], cm[1][1] + cm[0][1]);
        double recall = ratio(cm[1][1], cm[1][1] + cm[1][0]);
        double p0 = ratio(cm[0][0], cm[0][0] + cm[1][0]);
        double r0 = ratio(cm[0][0], cm[0][0] + cm[0][1]);
        m.put("balanced_accuracy", (recall + r0) / 2);
        m.put("precision", precision);
        m.put("recall", recall);
        m.put("specificity", r0);
        m.put("f1", f1(precision, recall));
        m.put("macro_f1", (f1(precision, recall) + f1(p0, r0)) / 2);
        m.put("roc_auc", rocAuc);
        m.put("pr_auc", averagePrecision);
        m.put("log_loss", logLoss / n);
        return new Evaluation(m, cm);
    }

    /** Rows sorted by descending score of the positive class. */
    private static Integer[] byScoreDescending(double[][] predictions) {
        Integer[] order = new Integer[predictions.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> predictions[i][0]).reversed());
        return order;
    }

    /**
     * Average precision: the area under the precision-recall curve as the mean of the precision at
     * each positive's rank (tied scores form one step). 0 when there is no positive.
     */
    public static double averagePrecision(double[][] targets, double[][] predictions) {
        double[][] curve = precisionRecallCurve(targets, predictions);
        double ap = 0;
        double previousRecall = 0;
        for (int i = 0; i < curve[0].length; i++) {
            ap += (curve[0][i] - previousRecall) * curve[1][i];
            previousRecall = curve[0][i];
        }
        return ap;
    }

    /**
     * The ROC curve: {@code {falsePositiveRates, truePositiveRates}}, one point per distinct score
     * (from (0, 0) to (1, 1)).
     */
    public static double[][] rocCurve(double[][] targets, double[][] predictions) {
        Integer[] order = byScoreDescending(predictions);
        long pos = Arrays.stream(targets).filter(t -> t[0] >= 0.5).count();
        long neg = targets.length - pos;
        List<double[]> points = new ArrayList<>();
        points.add(new double[] {0, 0});
        long tp = 0;
        long fp = 0;
        for (int i = 0; i < order.length; i++) {
            if (targets[order[i]][0] >= 0.5) {
                tp++;
            } else {
                fp++;
            }
            if (i + 1 == order.length || predictions[order[i + 1]][0] != predictions[order[i]][0]) {
                points.add(new double[] {neg == 0 ? 0 : fp / (double) neg, pos == 0 ? 0 : tp / (double) pos});
            }
        }
        return columns(points);
    }

    /**
     * The precision-recall curve: {@code {recalls, precisions}}, one point per distinct score, in
     * order of increasing recall.
     */
    public static double[][] precisionRecallCurve(double[][] targets, double[][] predictions) {
        Integer[] order = byScoreDescending(predictions);
        long pos = Arrays.stream(targets).filter(t -> t[0] >= 0.5).count();
        List<double[]> points = new ArrayList<>();
        long tp = 0;
        for (int i = 0; i < order.length; i++) {
            if (targets[order[i]][0] >= 0.5) {
                tp++;
            }
            if (i + 1 == order.length || predictions[order[i + 1]][0] != predictions[order[i]][0]) {
                points.add(new double[] {pos == 0 ? 0 : tp / (double) pos, tp / (double) (i + 1)});
            }
        }
        return columns(points);
    }

    private static double[][] columns(List<double[]> points) {
        double[][] c = new double[2][points.size()];
        for (int i = 0; i < points.size(); i++) {
            c[0][i] = points.get(i)[0];
            c[1][i] = points.get(i)[1];
        }
        return c;
    }

    /** Area under the ROC curve by the rank statistic (ties averaged). 0.5 when one class is absent. */
    public static double rocAuc(double[][] targets, double[][] predictions) {
        int n = targets.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble(i -> predictions[i][0]));
        double[] ranks = new double[n];
        for (int i = 0; i < n;) {
            int j = i;
            while (j + 1 < n && predictions[order[j + 1]][0] == predictions[order[i]][0]) {
                j++;
            }
            double rank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                ranks[order[k]] = rank;
            }
            i = j + 1;
        }
        long pos = 0;
        double rankSum = 0;
        for (int i = 0; i < n; i++) {
            if (targets[i][0] >= 0.5) {
                pos++;
                rankSum += ranks[i];
            }
        }
        long neg = n - pos;
        if (pos == 0 || neg == 0) {
            return 0.5;
        }
        return (rankSum - pos * (pos + 1) / 2.0) / (pos * (double) neg);
    }

    private static Evaluation multiclass(double[][] targets, double[][] predictions) {
        return Streamed.counting(Task.MULTICLASS_CLASSIFICATION, 0.5, targets, predictions).evaluation();
    }

    private static Evaluation multiclass(int[][] cm, double logLoss, long n) {
        int k = cm.length;
        int correct = 0;
        double precision = 0;
        double recall = 0;
        double f1 = 0;
        for (int c = 0; c < k; c++) {
            correct += cm[c][c];
            int predicted = 0;
            int actual = 0;
            for (int j = 0; j < k; j++) {
                predicted += cm[j][c];
                actual += cm[c][j];
            }
            double p = ratio(cm[c][c], predicted);
            double r = ratio(cm[c][c], actual);
            precision += p / k;
            recall += r / k;
            f1 += f1(p, r) / k;
        }
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("accuracy", correct / (double) n);
        m.put("balanced_accuracy", recall);
        m.put("macro_precision", precision);
        m.put("macro_recall", recall);
        m.put("macro_f1", f1);
        m.put("log_loss", logLoss / n);
        return new Evaluation(m, cm);
    }

    private static Evaluation multilabel(double[][] targets, double[][] predictions) {
        return Streamed.counting(Task.MULTILABEL_CLASSIFICATION, 0.5, targets, predictions).evaluation();
    }

    private static Evaluation multilabel(long exact, long agree, int[][] perLabel, long n) {
        int k = perLabel.length;
        long tp = 0;
        long fp = 0;
        long fn = 0;
        double macro = 0;
        for (int[] c : perLabel) {
            tp += c[0];
            fp += c[1];
            fn += c[2];
            macro += f1(ratio(c[0], c[0] + c[1]), ratio(c[0], c[0] + c[2])) / k;
        }
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("subset_accuracy", exact / (double) n);
        m.put("hamming_accuracy", agree / (double) (n * k));
        m.put("micro_f1", f1(ratio(tp, tp + fp), ratio(tp, tp + fn)));
        m.put("macro_f1", macro);
        return new Evaluation(m, null);
    }

    private static Evaluation regression(double[][] targets, double[][] predictions) {
        int n = targets.length;
        int k = targets[0].length;
        double mae = 0;
        double mse = 0;
        double r2 = 0;
        for (int j = 0; j < k; j++) {
            double mean = 0;
            for (double[] t : targets) {
                mean += t[j] / n;
            }
            double ssRes = 0;
            double ssTot = 0;
            for (int i = 0; i < n; i++) {
                double e = targets[i][j] - predictions[i][j];
                mae += Math.abs(e) / (n * (double) k);
                mse += e * e / (n * (double) k);
                ssRes += e * e;
                ssTot += (targets[i][j] - mean) * (targets[i][j] - mean);
            }
            r2 += (ssTot > 0 ? 1 - ssRes / ssTot : 0) / k;
        }
        return regression(mae, mse, r2);
    }

    private static Evaluation regression(double mae, double mse, double r2) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("mae", mae);
        m.put("mse", mse);
        m.put("rmse", Math.sqrt(mse));
        m.put("r2", r2);
        return new Evaluation(m, null);
    }

    private static double ratio(double a, double b) {
        return b == 0 ? 0 : a / b;
    }

    private static double f1(double p, double r) {
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    /** Whether a larger value of the metric is better. */
    public static boolean higherIsBetter(String metric) {
        return !(metric.equals("mae") || metric.equals("mse") || metric.equals("rmse") || metric.endsWith("loss"));
    }

    /**
     * The metrics of {@link #evaluate(Task, double[][], double[][], double)} accumulated one row at a
     * time, in memory that does not grow with the rows: counts and sums, exactly as the in-memory
     * metrics compute them, except the binary ROC AUC and PR AUC, which rank the scores: those rank
     * {@value #SCORE_BINS} equal-width bins of the positive-class probability (scores in one bin
     * count as tied), so they may differ from the exact ranks by the pairs that share a bin.
     */
    public static final class Streamed {
        /** The bins of a binary classifier's scores for its ranking metrics. */
        public static final int SCORE_BINS = 1 << 16;
        private final Task task;
        private final double threshold;
        private long n;
        private double logLoss;
        private int[][] confusion;
        private long[] positives;
        private long[] negatives;
        private long exact;
        private long agree;
        private int[][] perLabel;
        // regression, per column: Welford mean and sum of squares of the targets, residual sums
        private double[] mean;
        private double[] squares;
        private double[] absError;
        private double[] squaredError;

        public Streamed(Task task, double threshold, int outputs) {
            this(task, threshold, outputs, true);
        }

        /** {@code ranked}: whether a binary classifier's scores are binned for its ranking metrics. */
        private Streamed(Task task, double threshold, int outputs, boolean ranked) {
            this.task = task;
            this.threshold = threshold;
            switch (task) {
                case BINARY_CLASSIFICATION -> {
                    confusion = new int[2][2];
                    positives = ranked ? new long[SCORE_BINS] : null;
                    negatives = ranked ? new long[SCORE_BINS] : null;
                }
                case MULTICLASS_CLASSIFICATION -> confusion = new int[outputs][outputs];
                case MULTILABEL_CLASSIFICATION -> perLabel = new int[outputs][3];
                default -> {
                    mean = new double[outputs];
                    squares = new double[outputs];
                    absError = new double[outputs];
                    squaredError = new double[outputs];
                }
            }
        }

        /** Adds one row: its target and the model's output, in data units. */
        public void add(double[] target, double[] prediction) {
            n++;
            switch (task) {
                case BINARY_CLASSIFICATION -> {
                    int t = target[0] >= 0.5 ? 1 : 0;
                    double p = prediction[0];
                    confusion[t][p >= threshold ? 1 : 0]++;
                    double pc = Math.min(Math.max(p, 1e-15), 1 - 1e-15);
                    logLoss -= t == 1 ? Math.log(pc) : Math.log(1 - pc);
                    if (positives != null) {
                        int bin = (int) Math.min(SCORE_BINS - 1, Math.max(0, Math.floor(p * SCORE_BINS)));
                        (t == 1 ? positives : negatives)[bin]++;
                    }
                }
                case MULTICLASS_CLASSIFICATION -> {
                    int t = argmax(target);
                    confusion[t][argmax(prediction)]++;
                    logLoss -= Math.log(Math.max(prediction[t], 1e-15));
                }
                case MULTILABEL_CLASSIFICATION -> {
                    boolean all = true;
                    for (int j = 0; j < perLabel.length; j++) {
                        boolean t = target[j] >= 0.5;
                        boolean y = prediction[j] >= 0.5;
                        if (t == y) {
                            agree++;
                        } else {
                            all = false;
                        }
                        if (t && y) {
                            perLabel[j][0]++;
                        } else if (y) {
                            perLabel[j][1]++;
                        } else if (t) {
                            perLabel[j][2]++;
                        }
                    }
                    if (all) {
                        exact++;
                    }
                }
                default -> {
                    for (int j = 0; j < mean.length; j++) {
                        double d = target[j] - mean[j];
                        mean[j] += d / n;
                        squares[j] += d * (target[j] - mean[j]);
                        double e = target[j] - prediction[j];
                        absError[j] += Math.abs(e);
                        squaredError[j] += e * e;
                    }
                }
            }
        }

        /** The counts and sums of rows held in memory (a binary classifier's ranking metrics are exact there). */
        private static Streamed counting(Task task, double threshold, double[][] targets, double[][] predictions) {
            Streamed s = new Streamed(task, threshold, targets[0].length, false);
            for (int i = 0; i < targets.length; i++) {
                s.add(targets[i], predictions[i]);
            }
            return s;
        }

        /** The rows added. */
        public long rows() {
            return n;
        }

        /** The metrics of the rows added (at least one). */
        public Evaluation evaluation() {
            if (n == 0) {
                throw new IllegalStateException("no rows to evaluate");
            }
            return switch (task) {
                case BINARY_CLASSIFICATION -> binary(copy(confusion), logLoss, n, binnedRocAuc(),
                        binnedAveragePrecision());
                case MULTICLASS_CLASSIFICATION -> multiclass(copy(confusion), logLoss, n);
                case MULTILABEL_CLASSIFICATION -> multilabel(exact, agree, copy(perLabel), n);
                default -> {
                    int k = mean.length;
                    double mae = 0;
                    double mse = 0;
                    double r2 = 0;
                    for (int j = 0; j < k; j++) {
                        mae += absError[j] / (n * (double) k);
                        mse += squaredError[j] / (n * (double) k);
                        r2 += (squares[j] > 0 ? 1 - squaredError[j] / squares[j] : 0) / k;
                    }
                    yield regression(mae, mse, r2);
                }
            };
        }

        private double binnedRocAuc() {
            long pos = 0;
            long neg = 0;
            double pairs = 0; // positive-negative pairs ranked right, ties counted half
            for (int b = 0; b < SCORE_BINS; b++) {
                pairs += positives[b] * (neg + negatives[b] / 2.0);
                pos += positives[b];
                neg += negatives[b];
            }
            return pos == 0 || neg == 0 ? 0.5 : pairs / (pos * (double) neg);
        }

        private double binnedAveragePrecision() {
            long pos = 0;
            for (long p : positives) {
                pos += p;
            }
            double ap = 0;
            double previousRecall = 0;
            long tp = 0;
            long seen = 0;
            for (int b = SCORE_BINS - 1; b >= 0; b--) {
                if (positives[b] + negatives[b] == 0) {
                    continue;
                }
                tp += positives[b];
                seen += positives[b] + negatives[b];
                double recall = pos == 0 ? 0 : tp / (double) pos;
                ap += (recall - previousRecall) * (tp / (double) seen);
                previousRecall = recall;
            }
            return ap;
        }

        private static int[][] copy(int[][] m) {
            int[][] c = new int[m.length][];
            for (int i = 0; i < m.length; i++) {
                c[i] = m[i].clone();
            }
            return c;
        }
    }
}
