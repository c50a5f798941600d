package io.kiln.runtime.internal.train;

import io.kiln.dsl.Task;
import java.util.HashMap;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * Gradient-boosted trees (XGBoost) on encoded feature rows: the reference model tables of flat
 * features are usually won by. Set as scikit-learn's {@code HistGradientBoosting} defaults, the
 * boosted trees a user would run as a reference: learning rate 0.1, up to {@value #ROUNDS} rounds,
 * trees grown best-first to at most {@value #LEAVES} leaves (no depth limit), no L2 penalty on the
 * leaf values, and for squared error at least {@value #MIN_ROWS_PER_LEAF} rows per leaf
 * ({@code min_child_weight} is a sum of hessians, 1 per row for squared error; for log loss no
 * row count corresponds to it and XGBoost's 1 is kept). Stopped after {@value #PATIENCE} rounds
 * without a lower validation loss when there are validation rows. One booster per output column for
 * multilabel classification and vector regression.
 *
 * <p>Before, the trees were XGBoost's depth-6 trees with L2 1 and leaves down to single rows for 200
 * rounds: without validation rows to stop on they overfitted small noisy regression tables
 * (diabetes, 353 training rows: R² 0.31 against 0.35 for scikit-learn's defaults on the same folds;
 * docs/benchmarks.md, "Reference models against scikit-learn").
 */
final class BoostedTrees {
    static final int ROUNDS = 100;
    static final int LEAVES = 31;
    static final int MIN_ROWS_PER_LEAF = 20;
    static final int PATIENCE = 20;

    private BoostedTrees() {}

    /** Outputs for the scored rows, in data units, and the rounds each booster kept. */
    record Fit(double[][] outputs, int[] rounds) {}

    /**
     * Trains on {@code xTrain}, stopping on {@code xVal} (may be null), or for exactly {@code fixed}
     * rounds per output column when it is not null, and scores {@code xScore}.
     *
     * @param classes the number of classes (multiclass), else ignored
     */
    static Fit fit(Task task, int classes, float[][] xTrain, double[][] yTrain, float[][] xVal, double[][] yVal,
            float[][] xScore, int[] fixed, long seed) {
        return fit(task, classes, xTrain, yTrain, null, xVal, yVal, xScore, fixed, seed);
    }

    /** As above, each training row's loss weighed by {@code weights} (null: every row weighs 1). */
    static Fit fit(Task task, int classes, float[][] xTrain, double[][] yTrain, float[] weights, float[][] xVal,
            double[][] yVal, float[][] xScore, int[] fixed, long seed) {
        try {
            if (task == Task.MULTICLASS_CLASSIFICATION) {
                float[] y = new float[yTrain.length];
                for (int i = 0; i < y.length; i++) {
                    y[i] = argmax(yTrain[i]);
                }
                float[] yv = null;
                if (xVal != null) {
                    yv = new float[yVal.length];
                    for (int i = 0; i < yv.length; i++) {
                        yv[i] = argmax(yVal[i]);
                    }
                }
                Map<String, Object> params = params("multi:softprob", seed);
                params.put("num_class", classes);
                Column c = column(params, xTrain, y, weights, xVal, yv, xScore, fixed == null ? -1 : fixed[0]);
                return new Fit(c.outputs(), new int[] {c.rounds()});
            }
            int width = yTrain[0].length;
            String objective = task.isClassification() ? "binary:logistic" : "reg:squarederror";
            double[][] outputs = new double[xScore.length][width];
            int[] rounds = new int[width];
            for (int j = 0; j < width; j++) {
                Column c = column(params(objective, seed), xTrain, column(yTrain, j), weights, xVal,
                        xVal == null ? null : column(yVal, j), xScore, fixed == null ? -1 : fixed[j]);
                for (int i = 0; i < outputs.length; i++) {
                    outputs[i][j] = c.outputs()[i][0];
                }
                rounds[j] = c.rounds();
            }
            return new Fit(outputs, rounds);
        } catch (XGBoostError e) {
            throw new IllegalStateException("XGBoost failed: " + e.getMessage(), e);
        }
    }

    private record Column(double[][] outputs, int rounds) {}

    private static Column column(Map<String, Object> params, float[][] xTrain, float[] yTrain, float[] weights,
            float[][] xVal, float[] yVal, float[][] xScore, int fixed) throws XGBoostError {
        DMatrix train = matrix(xTrain, yTrain);
        if (weights != null) {
            train.setWeight(weights);
        }
        DMatrix val = xVal == null || fixed >= 0 ? null : matrix(xVal, yVal);
        DMatrix score = matrix(xScore, null);
        try {
            Booster booster = XGBoost.train(train, params, 0, new HashMap<>(), null, null);
            try {
                int limit = fixed >= 0 ? fixed : ROUNDS;
                int best = 0;
                double bestLoss = Double.POSITIVE_INFINITY;
                for (int i = 0; i < limit; i++) {
                    booster.update(train, i);
                    if (val == null) {
                        best = i + 1;
                        continue;
                    }
                    // "[i]\tv-logloss:0.123": the objective's default metric on the validation rows
                    String eval = booster.evalSet(new DMatrix[] {val}, new String[] {"v"}, i);
                    double loss = Double.parseDouble(eval.substring(eval.lastIndexOf(':') + 1).trim());
                    if (loss < bestLoss) {
                        bestLoss = loss;
                        best = i + 1;
                    } else if (i + 1 - best >= PATIENCE) {
                        break;
                    }
                }
                best = Math.max(1, best);
                float[][] out = booster.predict(score, false, best);
                double[][] outputs = new double[out.length][];
                for (int i = 0; i < out.length; i++) {
                    outputs[i] = new double[out[i].length];
                    for (int j = 0; j < out[i].length; j++) {
                        outputs[i][j] = out[i][j];
                    }
                }
                return new Column(outputs, best);
            } finally {
                booster.dispose();
            }
        } finally {
            train.dispose();
            if (val != null) {
                val.dispose();
            }
            score.dispose();
        }
    }

    private static Map<String, Object> params(String objective, long seed) {
        Map<String, Object> p = new HashMap<>();
        p.put("objective", objective);
        p.put("eta", 0.1);
        p.put("grow_policy", "lossguide");
        p.put("max_depth", 0);
        p.put("max_leaves", LEAVES);
        p.put("lambda", 0.0);
        p.put("min_child_weight", objective.startsWith("reg:") ? (double) MIN_ROWS_PER_LEAF : 1.0);
        p.put("tree_method", "hist");
        p.put("seed", (int) seed);
        p.put("nthread", Math.max(1, Runtime.getRuntime().availableProcessors()));
        p.put("verbosity", 0);
        return p;
    }

    private static DMatrix matrix(float[][] x, float[] y) throws XGBoostError {
        int cols = x.length == 0 ? 0 : x[0].length;
        float[] flat = new float[x.length * cols];
        for (int i = 0; i < x.length; i++) {
            System.arraycopy(x[i], 0, flat, i * cols, cols);
        }
        DMatrix m = new DMatrix(flat, x.length, cols, Float.NaN);
        if (y != null) {
            m.setLabel(y);
        }
        return m;
    }

    private static float[] column(double[][] y, int j) {
        float[] c = new float[y.length];
        for (int i = 0; i < c.length; i++) {
            c[i] = (float) y[i][j];
        }
        return c;
    }

    private static int argmax(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
