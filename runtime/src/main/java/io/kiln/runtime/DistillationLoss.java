package io.kiln.runtime;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossBinaryXENT;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * <b>Public API</b>. Knowledge distillation's loss (seed 000: "Loss is computed as blending of two
 * loss"): with the student's logits {@code z}, its probabilities {@code p = f(z)} and
 * {@code p_T = f(z / T)}, the ground truth {@code y} and the teacher's softened probabilities
 * {@code q_T} (its own output at temperature T),
 *
 * <pre>
 * L = α · T² · CE(q_T, p_T) + (1 − α) · CE(y, p)        dL/dz = α · T · (p_T − q_T) + (1 − α) · (p − y)
 * </pre>
 *
 * (Hinton et al.: the T² keeps the soft term's gradients on the scale of the hard term's as T grows).
 * For a softmax output {@code f} is the softmax and CE the cross-entropy over the classes; for a
 * sigmoid output (binary, multi-label) {@code f} is the sigmoid and CE the binary cross-entropy of
 * each unit, summed. For a regression output (identity activation) the teacher's output is the soft
 * target under the output's own loss {@code ℓ}: {@code L = α · ℓ(t, z) + (1 − α) · ℓ(y, z)} (T does
 * not apply). The labels of a row are {@code [y | q_T]}, twice the output's columns. With α = 0 it is
 * exactly DL4J's plain loss (the same code runs). A bean with a no-argument constructor, so it
 * serializes with the network's configuration.
 */
public final class DistillationLoss implements ILossFunction {
    private static final long serialVersionUID = 1L;
    private double temperature = 1;
    private double alpha;
    /** A regression output's own loss; null for softmax and sigmoid outputs. */
    private ILossFunction inner;

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

    /** A regression output's blend: {@code α · inner(t, z) + (1 − α) · inner(y, z)}. */
    public static DistillationLoss regression(ILossFunction inner, double alpha) {
        DistillationLoss loss = new DistillationLoss(1, alpha);
        loss.inner = java.util.Objects.requireNonNull(inner);
        return loss;
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

    /** The plain loss the hard half is scored by. */
    private ILossFunction plain(IActivation activation) {
        if (inner != null) {
            return inner;
        }
        return activation instanceof ActivationSoftmax ? new LossMCXENT() : new LossBinaryXENT();
    }

    private void check(INDArray labels, INDArray preOutput, IActivation activation) {
        if (inner == null && !(activation instanceof ActivationSoftmax) && !(activation instanceof ActivationSigmoid)) {
            throw new IllegalStateException("Distillation's loss is defined for a softmax or sigmoid output, or "
                    + "with the regression output's own loss; not for " + activation);
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
            return plain(activation).computeScoreArray(hard(labels), preOutput, activation, mask);
        }
        if (inner != null) {
            return inner.computeScoreArray(soft(labels), preOutput, activation, mask).muli(alpha)
                    .addi(inner.computeScoreArray(hard(labels), preOutput, activation, mask).muli(1 - alpha));
        }
        INDArray z = preOutput.castTo(DataType.DOUBLE);
        INDArray hardLoss = crossEntropy(hard(labels).castTo(DataType.DOUBLE), z, activation);
        INDArray softLoss = crossEntropy(soft(labels).castTo(DataType.DOUBLE), z.div(temperature), activation)
                .muli(temperature * temperature);
        INDArray score = softLoss.muli(alpha).addi(hardLoss.muli(1 - alpha));
        if (mask != null) {
            score.muli(mask.castTo(DataType.DOUBLE));
        }
        return score.castTo(preOutput.dataType());
    }

    /** Each row's cross-entropy of targets {@code t} against {@code f(z)}, from the logits, stably. */
    private static INDArray crossEntropy(INDArray t, INDArray z, IActivation activation) {
        if (activation instanceof ActivationSoftmax) {
            // CE(t, p) = -Σ t log p, with log p = z - logsumexp(z)
            return t.mul(logSoftmax(z)).sum(true, 1).negi();
        }
        // -Σ [t log σ(z) + (1 - t) log(1 - σ(z))], with log σ(z) = -softplus(-z), log(1 - σ(z)) = -softplus(z)
        INDArray logP = softplus(z.neg()).negi();
        INDArray logQ = softplus(z).negi();
        return t.mul(logP).addi(t.rsub(1).muli(logQ)).sum(true, 1).negi();
    }

    /** log(1 + e^x), computed stably. */
    private static INDArray softplus(INDArray x) {
        INDArray positive = Transforms.max(x, 0, true);
        return Transforms.log(Transforms.exp(Transforms.abs(x, true).negi(), false).addi(1), false).addi(positive);
    }

    @Override
    public double computeScore(INDArray labels, INDArray preOutput, IActivation activation, INDArray mask,
            boolean average) {
        if (alpha == 0) {
            check(labels, preOutput, activation);
            return plain(activation).computeScore(hard(labels), preOutput, activation, mask, average);
        }
        double sum = computeScoreArray(labels, preOutput, activation, mask).sumNumber().doubleValue();
        return average ? sum / preOutput.size(0) : sum;
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activation, INDArray mask) {
        check(labels, preOutput, activation);
        if (alpha == 0) {
            return plain(activation).computeGradient(hard(labels), preOutput, activation, mask);
        }
        if (inner != null) {
            return inner.computeGradient(soft(labels), preOutput, activation, mask).muli(alpha)
                    .addi(inner.computeGradient(hard(labels), preOutput, activation, mask).muli(1 - alpha));
        }
        DataType type = preOutput.dataType();
        INDArray z = preOutput.castTo(DataType.DOUBLE);
        boolean softmax = activation instanceof ActivationSoftmax;
        INDArray p = softmax ? Transforms.softmax(z, true) : Transforms.sigmoid(z, true);
        INDArray scaled = z.div(temperature);
        INDArray pT = softmax ? Transforms.softmax(scaled, false) : Transforms.sigmoid(scaled, false);
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
        return inner != null ? "distillation(alpha=" + alpha + ", " + inner.name() + ")"
                : "distillation(T=" + temperature + ", alpha=" + alpha + ")";
    }

    @Override
    public String toString() {
        return name();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DistillationLoss d && d.temperature == temperature && d.alpha == alpha
                && java.util.Objects.equals(d.inner, inner);
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
    public ILossFunction getInner() { return inner; }
    public void setInner(ILossFunction inner) { this.inner = inner; }
}
