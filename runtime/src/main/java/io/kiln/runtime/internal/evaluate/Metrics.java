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
        int n = targets.length;
        int[][] cm = new int[2][2];
        double logLoss = 0;
        for (int i = 0; i < n; i++) {
            int t = targets[i][0] >= 0.5 ? 1 : 0;
            double p = predictions[i][0];
            int y = p >= threshold ? 1 : 0;
            cm[t][y]++;
            double pc = Math.min(Math.max(p, 1e-15), 1 - 1e-15);
            logLoss -= t == 1 ? Math.log(pc) : Math.log(1 - pc);
        }
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
        m.put("roc_auc", rocAuc(targets, predictions));
        m.put("pr_auc", averagePrecision(targets, predictions));
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
        int n = targets.length;
        int k = targets[0].length;
        int[][] cm = new int[k][k];
        double logLoss = 0;
        for (int i = 0; i < n; i++) {
            int t = argmax(targets[i]);
            cm[t][argmax(predictions[i])]++;
            logLoss -= Math.log(Math.max(predictions[i][t], 1e-15));
        }
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
        int n = targets.length;
        int k = targets[0].length;
        int exact = 0;
        int agree = 0;
        long tp = 0;
        long fp = 0;
        long fn = 0;
        double macro = 0;
        int[][] perLabel = new int[k][3];
        for (int i = 0; i < n; i++) {
            boolean all = true;
            for (int j = 0; j < k; j++) {
                boolean t = targets[i][j] >= 0.5;
                boolean y = predictions[i][j] >= 0.5;
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
}
