package io.kiln.runtime;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * <b>Public API</b>. Knowledge distillation's loss for a softmax output (seed 000: "Loss is computed as
 * blending of two loss"): with the student's logits {@code z}, its softmax {@code p = softmax(z)} and
 * {@code p_T = softmax(z / T)}, the ground truth {@code y} and the teacher's softened probabilities
 * {@code q_T} (its softmax at temperature T),
 *
 * <pre>
 * L = α · T² · CE(q_T, p_T) + (1 − α) · CE(y, p)        dL/dz = α · T · (p_T − q_T) + (1 − α) · (p − y)
 * </pre>
 *
 * (Hinton et al.: the T² keeps the soft term's gradients on the scale of the hard term's as T grows).
 * The labels of a row are {@code [y | q_T]}, 2 · K columns for K classes; the network's output layer
 * has K units and a softmax, as any classifier's. With α = 0 it is exactly DL4J's multi-class
 * cross-entropy (the same code runs). A bean with a no-argument constructor, so it serializes with
 * the network's configuration.
 */
public final class DistillationLoss implements ILossFunction {
    private static final long serialVersionUID = 1L;
    private static final ActivationSoftmax SOFTMAX = new ActivationSoftmax();
    private double temperature = 1;
    private double alpha;

    public DistillationLoss() {}

    /**
     * @param temperature T, positive
     * @param alpha the soft loss's share, in [0, 1]
     */
    public DistillationLoss(double temperature, double alpha) {
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("[kiln.distill-temperature] The temperature must be positive, was "
                    + temperature + ". Set e.g. temperature = 4.");
        }
        if (!(alpha >= 0 && alpha <= 1)) {
            throw new IllegalArgumentException("[kiln.distill-alpha] alpha, the soft loss's share, must be in "
                    + "[0, 1], was " + alpha + ". Set e.g. alpha = 0.5.");
        }
        this.temperature = temperature;
        this.alpha = alpha;
    }

    /** The labels' hard half, the ground truth. */
    private static INDArray hard(INDArray labels) {
        long k = labels.size(1) / 2;
        return labels.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.interval(0, k));
    }

    /** The labels' soft half, the teacher's probabilities at T. */
    private static INDArray soft(INDArray labels) {
        long k = labels.size(1) / 2;
        return labels.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.interval(k, 2 * k));
    }

    private static void check(INDArray labels, INDArray preOutput, IActivation activation) {
        if (!(activation instanceof ActivationSoftmax)) {
            throw new IllegalStateException("Distillation's loss is defined for a softmax output, not "
                    + activation);
        }
        if (labels.size(1) != 2 * preOutput.size(1)) {
            throw new IllegalStateException("Distillation's labels are [ground truth | teacher's probabilities]: "
                    + 2 * preOutput.size(1) + " columns for " + preOutput.size(1) + " outputs, not "
                    + labels.size(1));
        }
    }

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activation, INDArray mask) {
        check(labels, preOutput, activation);
        if (alpha == 0) {
            return new LossMCXENT().computeScoreArray(hard(labels), preOutput, activation, mask);
        }
        INDArray z = preOutput.castTo(DataType.DOUBLE);
        // CE(y, p) = -Σ y log p, with log p = z - logsumexp(z)
        INDArray hardLoss = hard(labels).castTo(DataType.DOUBLE).mul(logSoftmax(z)).sum(true, 1).negi();
        INDArray q = soft(labels).castTo(DataType.DOUBLE);
        INDArray softLoss = q.mul(logSoftmax(z.div(temperature))).sum(true, 1).negi()
                .muli(temperature * temperature);
        INDArray score = softLoss.muli(alpha).addi(hardLoss.muli(1 - alpha));
        if (mask != null) {
            score.muli(mask.castTo(DataType.DOUBLE));
        }
        return score.castTo(preOutput.dataType());
    }

    @Override
    public double computeScore(INDArray labels, INDArray preOutput, IActivation activation, INDArray mask,
            boolean average) {
        if (alpha == 0) {
            check(labels, preOutput, activation);
            return new LossMCXENT().computeScore(hard(labels), preOutput, activation, mask, average);
        }
        double sum = computeScoreArray(labels, preOutput, activation, mask).sumNumber().doubleValue();
        return average ? sum / preOutput.size(0) : sum;
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activation, INDArray mask) {
        check(labels, preOutput, activation);
        if (alpha == 0) {
            return new LossMCXENT().computeGradient(hard(labels), preOutput, activation, mask);
        }
        DataType type = preOutput.dataType();
        INDArray z = preOutput.castTo(DataType.DOUBLE);
        INDArray p = Transforms.softmax(z, true);
        INDArray pT = Transforms.softmax(z.div(temperature), true);
        INDArray gradient = pT.subi(soft(labels).castTo(DataType.DOUBLE)).muli(alpha * temperature)
                .addi(p.subi(hard(labels).castTo(DataType.DOUBLE)).muli(1 - alpha));
        if (mask != null) {
            gradient.muliColumnVector(mask.castTo(DataType.DOUBLE));
        }
        return gradient.castTo(type);
    }

    @Override
    public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput, IActivation activation,
            INDArray mask, boolean average) {
        return new Pair<>(computeScore(labels, preOutput, activation, mask, average),
                computeGradient(labels, preOutput, activation, mask));
    }

    /** log softmax of each row, computed stably. */
    private static INDArray logSoftmax(INDArray z) {
        INDArray max = z.max(true, 1);
        INDArray shifted = z.subColumnVector(max);
        INDArray logSum = Transforms.log(Transforms.exp(shifted, true).sum(true, 1), false);
        return shifted.subiColumnVector(logSum);
    }

    @Override
    public String name() {
        return "distillation(T=" + temperature + ", alpha=" + alpha + ")";
    }

    @Override
    public String toString() {
        return name();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DistillationLoss d && d.temperature == temperature && d.alpha == alpha;
    }

    @Override
    public int hashCode() {
        return Double.hashCode(temperature) * 31 + Double.hashCode(alpha);
    }

    // bean accessors, for the configuration's JSON form
    public double getTemperature() { return temperature; }
    public void setTemperature(double temperature) { this.temperature = temperature; }
    public double getAlpha() { return alpha; }
    public void setAlpha(double alpha) { this.alpha = alpha; }
}
