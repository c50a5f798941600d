package io.kiln.runtime.internal.inference;

import io.kiln.runtime.Predictions;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The inference pass of a stack of dense layers (dense, dropout and output layers) on ND4J arrays,
 * for large batches: the same matrix multiply, bias and activation (the layer's own DL4J {@link
 * IActivation}) as {@code network.output}, into arrays allocated once per thread and batch size.
 *
 * <p>{@code network.output} on 4,096 rows of the digits MLP spends much of its time outside the
 * arithmetic (it allocates every activation and the output, and copies the output out of its
 * workspace); this pass gives the same numbers, and the scorer's network stage with it (the
 * outputs copied into {@link Predictions}) runs at 1.7 to 1.9 times {@code network.output}'s rate
 * (docs/benchmarks.md, batch scoring). It reads the network's weight arrays in place, so the
 * network must not be trained afterwards. Like {@link DenseForward}, it checks itself against
 * {@code network.output} on random inputs before use and is empty for anything it does not
 * reproduce (batch normalization, layer normalization, preprocessors, other layers).
 */
public final class BatchForward {
    private record Dense(INDArray weights, INDArray bias, IActivation activation) {}

    /** One thread's arrays for one batch size: the input and each dense layer's output. */
    private record Buffers(int rows, INDArray input, INDArray[] outputs) {}

    private final Dense[] layers;
    private final int inputs;
    private final ThreadLocal<Buffers> buffers = new ThreadLocal<>();

    private BatchForward(Dense[] layers) {
        this.layers = layers;
        this.inputs = (int) layers[0].weights().rows();
    }

    /** The pass of {@code network}, or empty when it has a part this class does not reproduce. */
    public static Optional<BatchForward> of(MultiLayerNetwork network) {
        if (network.getLayerWiseConfigurations().getInputPreProcessors() != null
                && !network.getLayerWiseConfigurations().getInputPreProcessors().isEmpty()) {
            return Optional.empty();
        }
        List<Dense> layers = new ArrayList<>();
        for (int i = 0; i < network.getnLayers(); i++) {
            Layer conf = network.getLayer(i).conf().getLayer();
            if (conf instanceof DropoutLayer) {
                continue; // inference: the identity
            }
            if (!(conf instanceof DenseLayer || conf instanceof OutputLayer)
                    || conf instanceof DenseLayer d && d.hasLayerNorm()) {
                return Optional.empty();
            }
            INDArray w = network.getLayer(i).getParam("W");
            INDArray b = network.getLayer(i).paramTable().get("b");
            if (w == null || w.rank() != 2 || w.dataType() != DataType.FLOAT || b != null && b.dataType() != DataType.FLOAT
                    || !layers.isEmpty() && layers.get(layers.size() - 1).weights().columns() != w.rows()) {
                return Optional.empty();
            }
            layers.add(new Dense(w, b == null ? null : b.reshape(1, w.columns()), ((BaseLayer) conf).getActivationFn()));
        }
        if (layers.isEmpty()) {
            return Optional.empty();
        }
        BatchForward forward = new BatchForward(layers.toArray(new Dense[0]));
        return forward.agreesWith(network) ? Optional.of(forward) : Optional.empty();
    }

    /**
     * The outputs of {@code rows} rows of {@code x} (row-major, {@code inputs} wide): an array of
     * this thread's, valid until its next call. Thread-safe: the weights are only read.
     */
    public INDArray output(float[] x, int rows) {
        if (x.length < rows * inputs) {
            throw new IllegalArgumentException(x.length + " inputs are fewer than " + rows + " rows of " + inputs);
        }
        Buffers b = buffers.get();
        if (b == null || b.rows() != rows) {
            b = allocate(rows);
            buffers.set(b);
        }
        b.input().data().asNioFloat().put(x, 0, rows * inputs);
        INDArray in = b.input();
        for (int i = 0; i < layers.length; i++) {
            Dense d = layers[i];
            INDArray z = b.outputs()[i];
            Nd4j.gemm(in, d.weights(), z, false, false, 1.0, 0.0);
            if (d.bias() != null) {
                z.addiRowVector(d.bias());
            }
            INDArray a = d.activation().getActivation(z, false);
            if (a != z) {
                z.assign(a);
            }
            in = z;
        }
        return in;
    }

    private Buffers allocate(int rows) {
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            INDArray input = Nd4j.createUninitialized(DataType.FLOAT, rows, inputs);
            INDArray[] outputs = new INDArray[layers.length];
            for (int i = 0; i < layers.length; i++) {
                // column-major, as DL4J's dense layers write their activations: the same BLAS call, the same sums
                outputs[i] = Nd4j.createUninitialized(DataType.FLOAT, new long[] {rows, layers[i].weights().columns()},
                        'f');
            }
            return new Buffers(rows, input, outputs);
        }
    }

    /** True when this pass gives DL4J's outputs on random inputs (and on zeros) within {@link DenseForward#TOLERANCE}. */
    private boolean agreesWith(MultiLayerNetwork network) {
        int rows = 80;
        float[] x = DenseForward.checkInputs(rows, inputs);
        INDArray expected = DenseForward.dl4jOutput(network, x, rows, inputs);
        INDArray mine = output(x, rows);
        boolean same = java.util.Arrays.equals(expected.shape(), mine.shape());
        for (int r = 0; same && r < rows; r++) {
            for (int j = 0; same && j < mine.columns(); j++) {
                same = DenseForward.agrees(mine.getDouble(r, j), expected.getDouble(r, j));
            }
        }
        buffers.remove();
        return same;
    }
}
