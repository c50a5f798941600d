package io.kiln.runtime.internal.train;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * A loss whose rows weigh their own weight, for {@code @ClassWeights}: the labels carry one more
 * column, each row's weight, and the wrapped loss's score and gradient of each row are multiplied by
 * it. (DL4J's own way, a one-column labels mask, also multiplies the output layer's pre-activations by
 * the mask, which for weights other than 0 and 1 sharpens or flattens the weighted rows' outputs in
 * training but not at prediction.) Installed on the output layer only while training, like the
 * distillation loss, and never saved.
 */
public final class RowWeightedLoss implements ILossFunction {
    private static final long serialVersionUID = 1L;
    private final ILossFunction inner;

    public RowWeightedLoss(ILossFunction inner) {
        this.inner = inner;
    }

    ILossFunction inner() {
        return inner;
    }

    private static INDArray targets(INDArray labels) {
        return labels.get(NDArrayIndex.all(), NDArrayIndex.interval(0, labels.columns() - 1));
    }

    private static INDArray weights(INDArray labels) {
        return labels.get(NDArrayIndex.all(), NDArrayIndex.interval(labels.columns() - 1, labels.columns()));
    }

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activation, INDArray mask) {
        INDArray scores = inner.computeScoreArray(targets(labels), preOutput, activation, mask);
        return scores.reshape(scores.length(), 1).mul(weights(labels));
    }

    @Override
    public double computeScore(INDArray labels, INDArray preOutput, IActivation activation, INDArray mask,
            boolean average) {
        double sum = computeScoreArray(labels, preOutput, activation, mask).sumNumber().doubleValue();
        return average ? sum / labels.size(0) : sum;
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activation, INDArray mask) {
        return inner.computeGradient(targets(labels), preOutput, activation, mask).mulColumnVector(weights(labels));
    }

    @Override
    public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput, IActivation activation,
            INDArray mask, boolean average) {
        return Pair.of(computeScore(labels, preOutput, activation, mask, average),
                computeGradient(labels, preOutput, activation, mask));
    }

    @Override
    public String name() {
        return "RowWeighted(" + inner.name() + ")";
    }

    @Override
    public String toString() {
        return name();
    }
}
