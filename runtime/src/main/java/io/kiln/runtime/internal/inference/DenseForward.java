package io.kiln.runtime.internal.inference;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationELU;
import org.nd4j.linalg.activations.impl.ActivationHardSigmoid;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSELU;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftPlus;
import org.nd4j.linalg.activations.impl.ActivationSoftSign;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.activations.impl.ActivationSwish;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The inference forward pass of a feed-forward network (dense, batch-normalization, dropout and
 * output layers) in plain Java, for the few-row predictions of a server.
 *
 * <p>A DL4J forward pass on one row costs 70 to 120 µs, nearly all of it fixed overhead, and
 * allocates about 37 KB of Java objects with some twenty native deallocators, which is what makes a
 * server's young-generation collections frequent (docs/benchmarks.md). The same arithmetic on
 * weights copied out once takes a few microseconds for the networks a tabular spec declares and
 * allocates nothing but its output. Large batches still go to DL4J, whose matrix multiply is faster
 * per row.
 *
 * <p>{@link #of} copies the weights out of the network once; the network must not be trained
 * afterwards. It returns empty for any layer, activation or setting it does not reproduce, and it
 * checks itself against {@code network.output} on random inputs before it is used, so a model is
 * either predicted exactly as DL4J would (within float rounding) or not by this class at all.
 */
public final class DenseForward {
    /** Largest absolute difference from DL4J's output the self-check accepts, relative to max(1, |value|). */
    static final double TOLERANCE = 1e-4;

    private final Step[] steps;
    private final int inputs;
    private final int outputs;
    private final int widest;
    private final ThreadLocal<float[][]> scratch;

    private DenseForward(Step[] steps, int inputs) {
        this.steps = steps;
        this.inputs = inputs;
        int width = inputs;
        int widest = inputs;
        for (Step s : steps) {
            width = s.outputs(width);
            widest = Math.max(widest, width);
        }
        this.outputs = width;
        this.widest = widest;
        this.scratch = ThreadLocal.withInitial(() -> new float[][] {new float[this.widest], new float[this.widest]});
    }

    /** The plain-Java pass of {@code network}, or empty when it has a part this class does not reproduce exactly. */
    public static Optional<DenseForward> of(MultiLayerNetwork network) {
        if (network.getLayerWiseConfigurations().getInputPreProcessors() != null
                && !network.getLayerWiseConfigurations().getInputPreProcessors().isEmpty()) {
            return Optional.empty();
        }
        List<Step> steps = new ArrayList<>();
        int inputs = -1;
        for (int i = 0; i < network.getnLayers(); i++) {
            Layer conf = network.getLayer(i).conf().getLayer();
            Map<String, INDArray> params = network.getLayer(i).paramTable();
            Step step;
            if (conf instanceof DenseLayer || conf instanceof OutputLayer) {
                step = dense((BaseLayer) conf, params);
            } else if (conf instanceof BatchNormalization bn) {
                step = batchNorm(bn, params);
            } else if (conf instanceof DropoutLayer) {
                step = new Identity(); // inference: the identity
            } else {
                return Optional.empty();
            }
            if (step == null) {
                return Optional.empty();
            }
            if (inputs < 0) {
                inputs = step.inputs();
            }
            steps.add(step);
        }
        if (steps.isEmpty() || inputs <= 0) {
            return Optional.empty();
        }
        DenseForward forward = new DenseForward(steps.toArray(new Step[0]), inputs);
        return forward.agreesWith(network) ? Optional.of(forward) : Optional.empty();
    }

    int inputs() {
        return inputs;
    }

    int outputs() {
        return outputs;
    }

    /**
     * Runs {@code rows} rows of {@code x} (row-major, {@link #inputs} wide) and returns one output
     * row each. Thread-safe: the weights are read-only and the working rows are per thread.
     */
    public double[][] output(float[] x, int rows) {
        if (x.length != rows * inputs) {
            throw new IllegalArgumentException(x.length + " inputs are not " + rows + " rows of " + inputs);
        }
        float[][] buffers = scratch.get();
        double[][] result = new double[rows][outputs];
        for (int r = 0; r < rows; r++) {
            float[] in = buffers[0];
            float[] out = buffers[1];
            System.arraycopy(x, r * inputs, in, 0, inputs);
            int width = inputs;
            for (Step step : steps) {
                if (step.apply(in, out, width)) {
                    float[] t = in;
                    in = out;
                    out = t;
                }
                width = step.outputs(width);
            }
            double[] row = result[r];
            for (int j = 0; j < outputs; j++) {
                row[j] = in[j];
            }
        }
        return result;
    }

    /** True when this pass gives DL4J's outputs on random inputs (and on zeros) within {@link #TOLERANCE}. */
    private boolean agreesWith(MultiLayerNetwork network) {
        int rows = 16;
        float[] x = checkInputs(rows, inputs);
        INDArray expected = dl4jOutput(network, x, rows, inputs);
        if (expected.columns() != outputs) {
            return false;
        }
        double[][] mine = output(x, rows);
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < outputs; j++) {
                if (!agrees(mine[r][j], expected.getDouble(r, j))) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Inputs to check a pass against DL4J on: {@code rows} rows of {@code inputs}, the first all zeros, the rest random. */
    static float[] checkInputs(int rows, int inputs) {
        float[] x = new float[rows * inputs];
        Random random = new Random(42);
        for (int i = inputs; i < x.length; i++) { // row 0 stays all zeros
            x[i] = (float) (random.nextGaussian() * (i % 3 == 0 ? 3 : 1));
        }
        return x;
    }

    /** {@code network.output} on {@code rows} rows of {@code x}. */
    static INDArray dl4jOutput(MultiLayerNetwork network, float[] x, int rows, int inputs) {
        synchronized (network) {
            return network.output(Nd4j.create(x, new long[] {rows, inputs}, DataType.FLOAT), false);
        }
    }

    /** Whether a pass's value is DL4J's within {@link #TOLERANCE}, relative to max(1, |value|). */
    static boolean agrees(double mine, double dl4j) {
        return Math.abs(mine - dl4j) <= TOLERANCE * Math.max(1, Math.abs(dl4j));
    }

    /** One layer's inference. */
    private interface Step {
        /** Computes the layer from {@code in}; true when the result is in {@code out}, false when in place. */
        boolean apply(float[] in, float[] out, int width);

        int outputs(int inputs);

        /** The input width the layer requires, or -1 when it takes any. */
        default int inputs() {
            return -1;
        }
    }

    private static final class Identity implements Step {
        @Override
        public boolean apply(float[] in, float[] out, int width) {
            return false;
        }

        @Override
        public int outputs(int inputs) {
            return inputs;
        }
    }

    private static Step dense(BaseLayer conf, Map<String, INDArray> params) {
        INDArray w = params.get("W");
        INDArray b = params.get("b");
        Act act = Act.of(conf.getActivationFn());
        if (w == null || w.rank() != 2 || act == null || params.size() != (b == null ? 1 : 2)) {
            return null;
        }
        int nIn = (int) w.rows();
        int nOut = (int) w.columns();
        float[] flat = w.dup('c').castTo(DataType.FLOAT).data().asFloat(); // [nIn][nOut], row-major
        float[][] weights = new float[nIn][];
        for (int i = 0; i < nIn; i++) {
            weights[i] = java.util.Arrays.copyOfRange(flat, i * nOut, (i + 1) * nOut);
        }
        float[] bias = b == null ? new float[nOut] : b.dup('c').castTo(DataType.FLOAT).data().asFloat();
        return new Dense(nIn, nOut, weights, bias, act);
    }

    private static final class Dense implements Step {
        private final int nIn;
        private final int nOut;
        /** One array per input: {@code out[j] += x[i] * weights[i][j]} indexes both arrays alike, which the JIT vectorizes. */
        private final float[][] weights;
        private final float[] bias;
        private final Act act;

        Dense(int nIn, int nOut, float[][] weights, float[] bias, Act act) {
            this.nIn = nIn;
            this.nOut = nOut;
            this.weights = weights;
            this.bias = bias;
            this.act = act;
        }

        @Override
        public boolean apply(float[] in, float[] out, int width) {
            System.arraycopy(bias, 0, out, 0, nOut);
            int n = nOut;
            for (int i = 0; i < nIn; i++) {
                float xi = in[i];
                if (xi != 0f) {
                    float[] w = weights[i];
                    for (int j = 0; j < n; j++) { // an axpy over the row of W
                        out[j] += xi * w[j];
                    }
                }
            }
            act.apply(out, nOut);
            return true;
        }

        @Override
        public int outputs(int inputs) {
            return nOut;
        }

        @Override
        public int inputs() {
            return nIn;
        }
    }

    private static Step batchNorm(BatchNormalization conf, Map<String, INDArray> params) {
        INDArray mean = params.get("mean");
        INDArray var = params.get("var");
        INDArray logStd = params.get("log10stdev");
        if (mean == null || (var == null) == (logStd == null)) {
            return null;
        }
        int n = (int) mean.length();
        float[] m = mean.castTo(DataType.FLOAT).dup().data().asFloat();
        float[] gamma = new float[n];
        float[] beta = new float[n];
        if (conf.isLockGammaBeta()) {
            java.util.Arrays.fill(gamma, (float) conf.getGamma());
            java.util.Arrays.fill(beta, (float) conf.getBeta());
        } else {
            INDArray g = params.get("gamma");
            INDArray b = params.get("beta");
            if (g == null || b == null) {
                return null;
            }
            gamma = g.castTo(DataType.FLOAT).dup().data().asFloat();
            beta = b.castTo(DataType.FLOAT).dup().data().asFloat();
        }
        double[] spread = (var != null ? var : logStd).castTo(DataType.DOUBLE).dup().data().asDouble();
        // y = (x - mean) * (gamma / std) + beta; folding the mean into the shift would cancel digits
        float[] scale = new float[n];
        for (int j = 0; j < n; j++) {
            // DL4J adds epsilon to the variance in both forms: std = sqrt(var + eps), var = (10^log10stdev)^2
            double variance = var != null ? spread[j] : Math.pow(10, 2 * spread[j]);
            double std = Math.sqrt(variance + conf.getEps());
            scale[j] = (float) (gamma[j] / std);
        }
        return new Normalize(n, m, scale, beta);
    }

    private static final class Normalize implements Step {
        private final int n;
        private final float[] mean;
        private final float[] scale;
        private final float[] shift;

        Normalize(int n, float[] mean, float[] scale, float[] shift) {
            this.n = n;
            this.mean = mean;
            this.scale = scale;
            this.shift = shift;
        }

        @Override
        public boolean apply(float[] in, float[] out, int width) {
            for (int j = 0; j < n; j++) {
                in[j] = (in[j] - mean[j]) * scale[j] + shift[j];
            }
            return false;
        }

        @Override
        public int outputs(int inputs) {
            return n;
        }

        @Override
        public int inputs() {
            return n;
        }
    }

    /** The activations this class reproduces; DL4J's others (and non-default settings) are left to DL4J. */
    private abstract static class Act {
        abstract void apply(float[] v, int n);

        public static Act of(IActivation a) {
            if (a instanceof ActivationIdentity) {
                return new Act() {
                    @Override
                    void apply(float[] v, int n) {}
                };
            }
            if (a instanceof ActivationReLU r) {
                if (r.getMax() != null || r.getThreshold() != null || r.getNegativeSlope() != null) {
                    return null;
                }
                return new Act() {
                    @Override
                    void apply(float[] v, int n) {
                        for (int j = 0; j < n; j++) {
                            v[j] = Math.max(v[j], 0f);
                        }
                    }
                };
            }
            if (a instanceof ActivationLReLU l) {
                double alpha = l.getAlpha();
                return pointwise(x -> x >= 0 ? x : alpha * x);
            }
            if (a instanceof ActivationELU e) {
                double alpha = e.getAlpha();
                return pointwise(x -> x >= 0 ? x : alpha * Math.expm1(x));
            }
            if (a instanceof ActivationSELU) {
                double alpha = 1.6732632423543772;
                double lambda = 1.0507009873554805;
                return pointwise(x -> lambda * (x > 0 ? x : alpha * Math.expm1(x)));
            }
            if (a instanceof ActivationSwish) {
                return pointwise(x -> x / (1 + Math.exp(-x)));
            }
            if (a instanceof ActivationTanH) {
                return pointwise(Math::tanh);
            }
            if (a instanceof ActivationSigmoid) {
                return pointwise(x -> 1 / (1 + Math.exp(-x)));
            }
            if (a instanceof ActivationHardSigmoid) {
                return pointwise(x -> Math.min(1, Math.max(0, 0.2 * x + 0.5)));
            }
            if (a instanceof ActivationSoftPlus) {
                return pointwise(x -> x > 20 ? x : Math.log1p(Math.exp(x)));
            }
            if (a instanceof ActivationSoftSign) {
                return pointwise(x -> x / (1 + Math.abs(x)));
            }
            if (a instanceof ActivationSoftmax) {
                return new Act() {
                    @Override
                    void apply(float[] v, int n) {
                        float max = Float.NEGATIVE_INFINITY;
                        for (int j = 0; j < n; j++) {
                            max = Math.max(max, v[j]);
                        }
                        double sum = 0;
                        for (int j = 0; j < n; j++) {
                            double e = Math.exp(v[j] - max);
                            v[j] = (float) e;
                            sum += e;
                        }
                        for (int j = 0; j < n; j++) {
                            v[j] = (float) (v[j] / sum);
                        }
                    }
                };
            }
            return null;
        }

        private static Act pointwise(java.util.function.DoubleUnaryOperator f) {
            return new Act() {
                @Override
                void apply(float[] v, int n) {
                    for (int j = 0; j < n; j++) {
                        v[j] = (float) f.applyAsDouble(v[j]);
                    }
                }
            };
        }
    }
}
