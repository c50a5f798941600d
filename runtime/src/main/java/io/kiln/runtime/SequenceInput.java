package io.kiln.runtime;

import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * <b>Public API</b>. Turns flat rows of {@code features × steps} values (feature by feature, oldest step first, as
 * {@link SeriesWindow} lays out a window) into the {@code [batch, features, steps]} sequences of
 * DL4J's recurrent and 1-D layers, and their gradients back into rows. Generated networks of
 * {@code @Series} specs put it before their first layer, so everything outside the network keeps
 * working with flat rows. Saved in the model file's configuration like DL4J's own preprocessors.
 */
public final class SequenceInput implements InputPreProcessor {
    private static final long serialVersionUID = 1L;

    private final long features;
    private final long steps;

    @JsonCreator
    public SequenceInput(@JsonProperty("features") long features, @JsonProperty("steps") long steps) {
        if (features < 1 || steps < 1) {
            throw new IllegalArgumentException("features and steps must be positive, were " + features + " and "
                    + steps);
        }
        this.features = features;
        this.steps = steps;
    }

    @JsonProperty("features")
    public long features() {
        return features;
    }

    @JsonProperty("steps")
    public long steps() {
        return steps;
    }

    @Override
    public INDArray preProcess(INDArray input, int miniBatchSize, LayerWorkspaceMgr workspaceMgr) {
        if (input.rank() != 2 || input.size(1) != features * steps) {
            throw new IllegalArgumentException(String.format("Expected rows of %d x %d = %d values (features x steps), "
                    + "got an array of shape %s", features, steps, features * steps,
                    java.util.Arrays.toString(input.shape())));
        }
        INDArray rows = input.ordering() == 'c' && !input.isView() ? input
                : workspaceMgr.dup(ArrayType.ACTIVATIONS, input, 'c');
        return workspaceMgr.leverageTo(ArrayType.ACTIVATIONS, rows.reshape('c', rows.size(0), features, steps));
    }

    @Override
    public INDArray backprop(INDArray output, int miniBatchSize, LayerWorkspaceMgr workspaceMgr) {
        INDArray epsilons = output.ordering() == 'c' && !output.isView() ? output
                : workspaceMgr.dup(ArrayType.ACTIVATION_GRAD, output, 'c');
        return workspaceMgr.leverageTo(ArrayType.ACTIVATION_GRAD,
                epsilons.reshape('c', epsilons.size(0), features * steps));
    }

    @Override
    public SequenceInput clone() {
        return new SequenceInput(features, steps);
    }

    @Override
    public InputType getOutputType(InputType inputType) {
        if (inputType.getType() != InputType.Type.FF || inputType.arrayElementsPerExample() != features * steps) {
            throw new IllegalStateException("SequenceInput(" + features + ", " + steps + ") expects flat rows of "
                    + features * steps + " values, got " + inputType);
        }
        return InputType.recurrent(features, steps);
    }

    @Override
    public Pair<INDArray, MaskState> feedForwardMaskArray(INDArray maskArray, MaskState currentMaskState,
            int minibatchSize) {
        return new Pair<>(maskArray, currentMaskState);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SequenceInput s && s.features == features && s.steps == steps;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(features) * 31 + Long.hashCode(steps);
    }

    @Override
    public String toString() {
        return "SequenceInput(features=" + features + ", steps=" + steps + ")";
    }
}
