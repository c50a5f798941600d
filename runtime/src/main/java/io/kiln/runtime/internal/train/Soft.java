package io.kiln.runtime.internal.train;

import io.kiln.dsl.Task;
import io.kiln.runtime.DistillationLoss;
import io.kiln.runtime.KilnModel;
import io.kiln.runtime.internal.preprocess.FeatureTransform;
import io.kiln.runtime.internal.preprocess.Preprocessor;
import java.util.List;
import java.util.function.Function;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * What a distilled student learns from besides its labels: the teacher's outputs (probabilities, or
 * values for regression, in data units) for each of its training rows, computed once, and the
 * temperature and blend of {@link DistillationLoss}.
 *
 * @param outputs the teacher's outputs, a row per training row, in the training rows' order
 * @param teacher the teacher, run again on each augmented batch when augmentation is on
 */
public record Soft(double[][] outputs, KilnModel teacher, double temperature, double alpha) {
    /** Probabilities are kept this far from 0 and 1 before their logits are taken. */
    private static final double EPSILON = 1e-7;

    /**
     * The soft half of the labels: the teacher's probabilities softened at T (softmax or sigmoid of
     * its logits over T), or its values scaled as the student's targets are.
     */
    INDArray targets(double[][] teacherOutputs, Task task, double[] center, double[] scale) {
        int n = teacherOutputs.length;
        int k = teacherOutputs[0].length;
        double[][] q = new double[n][k];
        for (int i = 0; i < n; i++) {
            double[] p = teacherOutputs[i];
            switch (task) {
                case MULTICLASS_CLASSIFICATION -> {
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < k; j++) {
                        q[i][j] = Math.log(Math.max(p[j], EPSILON)) / temperature;
                        max = Math.max(max, q[i][j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < k; j++) {
                        q[i][j] = Math.exp(q[i][j] - max);
                        sum += q[i][j];
                    }
                    for (int j = 0; j < k; j++) {
                        q[i][j] /= sum;
                    }
                }
                case BINARY_CLASSIFICATION, MULTILABEL_CLASSIFICATION -> {
                    for (int j = 0; j < k; j++) {
                        double c = Math.min(1 - EPSILON, Math.max(EPSILON, p[j]));
                        q[i][j] = 1 / (1 + Math.exp(-Math.log(c / (1 - c)) / temperature));
                    }
                }
                default -> {
                    for (int j = 0; j < k; j++) {
                        q[i][j] = (p[j] - center[j]) / scale[j];
                    }
                }
            }
        }
        return Nd4j.create(q).castTo(DataType.FLOAT);
    }

    /** The student's training loss: the blend, around the output's own loss for regression. */
    ILossFunction loss(ILossFunction plain, Task task) {
        return task.isClassification() ? new DistillationLoss(temperature, alpha)
                : DistillationLoss.regression(plain, alpha);
    }

    /**
     * How the student's encoded images become the teacher's (with augmentation on, the teacher scores each
     * augmented batch): each pixel's scaling undone and the teacher's applied. Fails unless both read the
     * same pixels, in the same order.
     */
    Function<INDArray, INDArray> toTeacher(Preprocessor student) {
        List<FeatureTransform> mine = student.transforms();
        List<FeatureTransform> theirs = teacher.preprocessor().transforms();
        boolean same = mine.size() == theirs.size() && student.width() == teacher.preprocessor().width();
        for (int f = 0; same && f < mine.size(); f++) {
            same = mine.get(f).width() == 1 && theirs.get(f).width() == 1
                    && mine.get(f).column().equals(theirs.get(f).column());
        }
        if (!same) {
            throw new IllegalArgumentException("[kiln.distill-augment-encoding] With augmentation on, the teacher "
                    + "scores each augmented image as the student sees it, so both must read the same pixels in the "
                    + "same order; the teacher '" + teacher.metadata().name() + "' reads others. Choose a teacher of "
                    + "the same image input.");
        }
        // x_t = (x_s · scale_s + center_s − center_t) / scale_t
        float[] a = new float[mine.size()];
        float[] b = new float[mine.size()];
        for (int f = 0; f < a.length; f++) {
            a[f] = (float) (mine.get(f).scale() / theirs.get(f).scale());
            b[f] = (float) ((mine.get(f).center() - theirs.get(f).center()) / theirs.get(f).scale());
        }
        INDArray scale = Nd4j.createFromArray(a).reshape(1, a.length);
        INDArray shift = Nd4j.createFromArray(b).reshape(1, b.length);
        return x -> x.mulRowVector(scale).addiRowVector(shift);
    }
}
