package io.kiln.runtime.internal.fast;

import io.kiln.runtime.Momentum;
import io.kiln.runtime.SequenceInput;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Updater;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.BaseMultiLayerUpdater;
import org.deeplearning4j.nn.updater.UpdaterBlock;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.AdaGrad;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.RmsProp;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.learning.regularization.L1Regularization;
import org.nd4j.linalg.learning.regularization.L2Regularization;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.linalg.learning.regularization.WeightDecay;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossBinaryXENT;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;

/**
 * The fast path: a network's minibatch training in plain Java, the same arithmetic DL4J's
 * {@code MultiLayerNetwork.fit(DataSet)} does (forward pass, loss gradient, backpropagation, division
 * by the minibatch size, L1/L2 before the updater, the updater, weight decay after it, the step), on
 * float arrays copied out of the network, without DL4J's per-operation cost.
 *
 * <p>DL4J's cost on small networks is per operation: about 35 ND4J operations per training step, each
 * tens of microseconds of bookkeeping and native calls for a few thousand multiply-adds, and each
 * leaving Java objects behind for the garbage collector. Here a step is a few loops and matrix
 * products over arrays ({@link Kernels}), and allocates nothing.
 *
 * <p>{@link #of} claims a network only when every part of it is one this class reproduces: dense and
 * output layers of float parameters, after convolutions ({@link ConvStage}) and max pooling
 * ({@link PoolStage}) on a one-channel image, or after LSTM and simple RNN layers ({@link
 * RecurrentStage}) on a {@link SequenceInput}'s sequences; identity, ReLU, leaky ReLU, tanh, sigmoid
 * and (output) softmax activations; softmax cross-entropy, sigmoid binary cross-entropy and mean
 * squared error losses without per-output weights (rows may weigh their own weight, for class
 * weights); the SGD, momentum, Nesterov, Adam, RMSProp and AdaGrad updaters with any learning-rate
 * schedule; L1, L2 and weight decay; DL4J's gradient normalizations ({@link Clip}); dropout layers
 * and layer dropout when their masks are {@link SeededDropout}'s (not into a recurrent layer); no
 * weight noise, other preprocessors or listeners. Anything else trains on DL4J, and {@link #of}
 * says why.
 *
 * <p>The network stays the model: {@link #load} copies its parameters, updater state and iteration
 * count in, {@link #store} copies them back, so everything outside the minibatch loop (evaluation,
 * early stopping's snapshots, the saved file) sees an ordinary DL4J network.
 */
public final class FastPath {
    /**
     * Rows per forward pass of {@link #output}: its buffers are sized for a minibatch, not for a whole
     * validation set (a convolution's unfolded patches of 6,000 images would take 800 MB).
     */
    private static final int OUTPUT_CHUNK = 256;
    /** Minibatch steps taken by all instances, for tests that must know which path trained. */
    private static final java.util.concurrent.atomic.LongAdder STEPS = new java.util.concurrent.atomic.LongAdder();

    private final MultiLayerNetwork network;
    private final Stage[] layers;
    private final Param[] params;
    /** The layers' gradient normalizations, applied after the division by the minibatch size. */
    private final Clip[] clips;
    private final Loss loss;
    private final int inputs;
    private final int outputs;
    private final int stateLength;
    private int capacity;

    private FastPath(MultiLayerNetwork network, Stage[] layers, Param[] params, Clip[] clips, Loss loss,
            int stateLength) {
        this.network = network;
        this.layers = layers;
        this.params = params;
        this.clips = clips;
        this.loss = loss;
        this.inputs = layers[0].nIn;
        this.outputs = layers[layers.length - 1].nOut;
        this.stateLength = stateLength;
    }

    /** Minibatch steps taken in plain Java in this JVM so far. */
    public static long steps() {
        return STEPS.sum();
    }

    /** The network whose training this reproduces. */
    public MultiLayerNetwork network() {
        return network;
    }

    /** Width of an input row. */
    public int inputs() {
        return inputs;
    }

    /** Width of a target row. */
    public int outputs() {
        return outputs;
    }

    /**
     * The plain-Java training of {@code network}, or the reason it trains on DL4J instead (the first
     * part of the network this class does not reproduce).
     */
    public static Claim of(MultiLayerNetwork network) {
        MultiLayerConfiguration conf = network.getLayerWiseConfigurations();
        if (network.params() == null || network.params().dataType() != DataType.FLOAT) {
            return Claim.no("parameters that are not float");
        }
        for (Map.Entry<Integer, org.deeplearning4j.nn.conf.InputPreProcessor> e : conf.getInputPreProcessors() == null
                ? Map.<Integer, org.deeplearning4j.nn.conf.InputPreProcessor>of().entrySet()
                : conf.getInputPreProcessors().entrySet()) {
            // reshapes that leave each row's values in the same order: a flat image of one channel into
            // an image, an image (channels first) into a flat row
            // (exact classes: Keras import's subclasses reorder to channels-last)
            boolean oneChannel = e.getValue().getClass() == FeedForwardToCnnPreProcessor.class
                    && ((FeedForwardToCnnPreProcessor) e.getValue()).getNumChannels() == 1 && e.getKey() == 0;
            boolean flatten = e.getValue().getClass() == CnnToFeedForwardPreProcessor.class
                    && ((CnnToFeedForwardPreProcessor) e.getValue()).getFormat()
                            == org.deeplearning4j.nn.conf.CNN2DFormat.NCHW;
            // flat rows of features × steps into sequences of the same values in the same order
            boolean sequence = e.getValue().getClass() == SequenceInput.class && e.getKey() == 0;
            if (!oneChannel && !flatten && !sequence) {
                return Claim.no("the input preprocessor " + e.getValue().getClass().getSimpleName());
            }
        }
        if (network.getListeners() != null && !network.getListeners().isEmpty()) {
            return Claim.no("a training listener");
        }
        if (!conf.getConf(0).isMiniBatch()) {
            return Claim.no("gradients not averaged over the minibatch");
        }
        if (conf.getBackpropType() != org.deeplearning4j.nn.conf.BackpropType.Standard) {
            return Claim.no("truncated backpropagation");
        }
        int n = network.getnLayers();
        List<Stage> stack = new ArrayList<>();
        // the shape of an image between convolution and pooling stages (channels, height, width), or null
        int[] image = conf.getInputPreProcess(0) instanceof FeedForwardToCnnPreProcessor f
                ? new int[] {(int) f.getNumChannels(), (int) f.getInputHeight(), (int) f.getInputWidth()} : null;
        // the shape of a sequence between recurrent stages (channels, steps), or null
        int[] sequence = conf.getInputPreProcess(0) instanceof SequenceInput si
                ? new int[] {(int) si.features(), (int) si.steps()} : null;
        SeededDropout pending = null; // a dropout layer's, applied to the next layer's input
        List<Clip> clips = new ArrayList<>();
        Map<String, Param> byKey = new HashMap<>();
        List<Param> all = new ArrayList<>();
        int offset = 0;
        for (int i = 0; i < n; i++) {
            org.deeplearning4j.nn.api.Layer layer = network.getLayer(i);
            // a frozen layer's conf() and parameters are its inner layer's: it would pass for a trainable one
            if (layer instanceof org.deeplearning4j.nn.layers.FrozenLayer
                    || layer instanceof org.deeplearning4j.nn.layers.FrozenLayerWithBackprop
                    || conf.getConf(i).getLayer() instanceof org.deeplearning4j.nn.conf.layers.misc.FrozenLayer
                    || conf.getConf(i).getLayer()
                            instanceof org.deeplearning4j.nn.conf.layers.misc.FrozenLayerWithBackprop) {
                return Claim.no("a frozen layer");
            }
            org.deeplearning4j.nn.conf.layers.Layer lc = layer.conf().getLayer();
            if (layer.conf().getOptimizationAlgo() != org.deeplearning4j.nn.api.OptimizationAlgorithm
                    .STOCHASTIC_GRADIENT_DESCENT || layer.conf().getStepFunction() != null
                    && layer.conf().getStepFunction().getClass()
                            != org.deeplearning4j.nn.conf.stepfunctions.NegativeGradientStepFunction.class) {
                return Claim.no("an optimization algorithm other than stochastic gradient descent");
            }
            if (lc.getConstraints() != null && !lc.getConstraints().isEmpty()) {
                return Claim.no("constraints on the parameters");
            }
            if (lc.getClass() == DropoutLayer.class) {
                if (!(lc.getIDropout() instanceof SeededDropout seeded) || pending != null || i == n - 1) {
                    return Claim.no(lc.getIDropout() instanceof SeededDropout ? "two dropout layers in a row"
                            : "DL4J's own dropout (its masks come from ND4J's native generator)");
                }
                pending = seeded;
                continue;
            }
            if (lc.getClass() == SubsamplingLayer.class) {
                if (image == null || pending != null) {
                    return Claim.no(image == null ? "pooling without an image" : "dropout before pooling");
                }
                Stage pool = pooling((SubsamplingLayer) lc, image);
                if (pool == null) {
                    return Claim.no("pooling other than MAX without padding");
                }
                stack.add(pool);
                continue;
            }
            // (a LastTimeStep layer's conf() is its inner layer's: the wrapper is in the network's configuration)
            if (recurrent(conf.getConf(i).getLayer()) != null) {
                lc = conf.getConf(i).getLayer();
                if (sequence == null || pending != null) {
                    return Claim.no(sequence == null ? "a recurrent layer without a sequence"
                            : "dropout before a recurrent layer");
                }
                String why = recurrentWhy(recurrent(lc), lc);
                if (why != null) {
                    return Claim.no(why);
                }
                RecurrentStage stage = recurrentStage(network.getLayer(i), lc, sequence, offset, byKey, all, i);
                if (stage == null) {
                    return Claim.no("a recurrent layer's parameters not in DL4J's usual layout");
                }
                String config = stage.weight.configure(recurrent(lc), "W");
                config = config != null ? config : stage.recurrent.configure(recurrent(lc), "RW");
                config = config != null ? config : stage.bias.configure(recurrent(lc), "b");
                if (config != null) {
                    return Claim.no(config);
                }
                offset += stage.weight.w.length + stage.recurrent.w.length + stage.bias.w.length;
                clips.add(Clip.of(recurrent(lc), stage.weight, stage.recurrent, stage.bias));
                stack.add(stage);
                sequence = stage.last ? null : new int[] {stage.units, stage.steps};
                continue;
            }
            if (sequence != null) {
                return Claim.no("a " + lc.getClass().getSimpleName() + " layer on a sequence");
            }
            if (lc.getClass() == ConvolutionLayer.class) {
                if (image == null || pending != null || lc.getIDropout() != null) {
                    return Claim.no(image == null ? "a convolution without an image" : "dropout before a convolution");
                }
                ConvolutionLayer cl = (ConvolutionLayer) lc;
                String why = convolution(cl, image);
                if (why != null) {
                    return Claim.no(why);
                }
            } else if (!(lc instanceof DenseLayer) && !(lc.getClass() == OutputLayer.class)) {
                return Claim.no("a " + lc.getClass().getSimpleName() + " layer");
            }
            BaseLayer bl = (BaseLayer) lc;
            SeededDropout inputDropout = pending;
            pending = null;
            if (bl.getIDropout() != null) {
                if (!(bl.getIDropout() instanceof SeededDropout own) || inputDropout != null) {
                    return Claim.no(bl.getIDropout() instanceof SeededDropout ? "two dropouts in a row"
                            : "DL4J's own dropout (its masks come from ND4J's native generator)");
                }
                inputDropout = own;
            }
            if (bl.getWeightNoise() != null) {
                return Claim.no("weight noise");
            }
            if (Clip.kind(bl) == null) {
                return Claim.no("the gradient normalization " + bl.getGradientNormalization());
            }
            if (lc instanceof DenseLayer dl && !dl.hasBias() || lc instanceof OutputLayer ol && !ol.hasBias()) {
                return Claim.no("a layer without bias");
            }
            if (lc instanceof DenseLayer dl && dl.hasLayerNorm()) {
                return Claim.no("layer normalization");
            }
            Activation act = Activation.of(bl.getActivationFn(), i == n - 1);
            if (act == null) {
                return Claim.no("the activation " + bl.getActivationFn());
            }
            Map<String, INDArray> table = network.getLayer(i).paramTable();
            if (table.size() != 2 || !table.containsKey("W") || !table.containsKey("b")) {
                return Claim.no("parameters other than a weight matrix and a bias");
            }
            INDArray w = table.get("W");
            boolean conv = lc instanceof ConvolutionLayer;
            // dense: [nIn, nOut] column-major; convolution: [out, in, kH, kW] row-major
            int nIn = conv ? (int) (w.length() / w.size(0)) : (int) w.size(0);
            int nOut = (int) w.size(conv ? 0 : 1);
            if (w.ordering() != (conv ? 'c' : 'f')) {
                return Claim.no("a weight array not in DL4J's usual layout");
            }
            if (conv && image[0] != w.size(1)) {
                return Claim.no("layer widths that do not chain");
            }
            if (!conv) {
                int width = image != null ? image[0] * image[1] * image[2]
                        : stack.isEmpty() ? nIn : stack.get(stack.size() - 1).nOut;
                if (nIn != width) {
                    return Claim.no("layer widths that do not chain");
                }
                image = null; // flattened (a preprocessor at this layer, checked above)
            }
            Param weight = null;
            Param bias = null;
            for (String name : table.keySet()) { // the flattening order
                INDArray view = table.get(name);
                boolean isWeight = name.equals("W");
                Param p = isWeight && conv ? new Param((int) view.length(), false, nIn, nOut, offset)
                        : new Param(isWeight, nIn, nOut, offset);
                offset += (int) view.length();
                String why = p.configure(bl, name);
                if (why != null) {
                    return Claim.no(why);
                }
                byKey.put(i + "_" + name, p);
                all.add(p);
                if (isWeight) {
                    weight = p;
                } else {
                    bias = p;
                }
            }
            clips.add(Clip.of(bl, weight, bias));
            if (conv) {
                ConvStage stage = convStage((ConvolutionLayer) lc, image, act, weight, bias);
                stack.add(stage);
                image = new int[] {stage.outC, stage.outH, stage.outW};
            } else {
                stack.add(new Layer(nIn, nOut, act, weight, bias, inputDropout));
            }
        }
        if (stack.isEmpty() || !(network.getLayer(n - 1).conf().getLayer() instanceof OutputLayer)) {
            return Claim.no("no output layer at the top");
        }
        Stage[] layers = stack.toArray(new Stage[0]);
        if (offset != network.params().length()) {
            return Claim.no("parameters the layers do not account for");
        }
        OutputLayer out = (OutputLayer) network.getLayer(n - 1).conf().getLayer();
        Loss loss = Loss.of(out.getLossFn(), layers[layers.length - 1].act);
        if (loss == null) {
            return Claim.no("the loss " + out.getLossFn() + " with " + out.getActivationFn());
        }
        // the updater state's layout: per block of consecutive parameters sharing one updater, each of the
        // updater's state arrays over the whole block in turn
        Updater updater = network.getUpdater(true);
        if (!(updater instanceof BaseMultiLayerUpdater<?> multi)) {
            return Claim.no("an updater of its own");
        }
        int stateLength = 0;
        for (UpdaterBlock block : multi.getUpdaterBlocks()) {
            int blockLength = block.getParamOffsetEnd() - block.getParamOffsetStart();
            int stateStart = block.getUpdaterViewOffsetStart();
            int states = block.getUpdaterViewOffsetEnd() - stateStart;
            for (UpdaterBlock.ParamState ps : block.getLayersAndVariablesInBlock()) {
                int layerIndex = ps.getLayer().getConfig() == null ? -1 : indexOf(network, ps.getLayer());
                Param p = byKey.get(layerIndex + "_" + ps.getParamName());
                if (p == null) {
                    return Claim.no("an updater block this class cannot place");
                }
                int k = p.rule.states();
                if (states != k * blockLength) {
                    return Claim.no("an updater state of unexpected size");
                }
                p.stateStart = stateStart;
                p.blockLength = blockLength;
                p.inBlock = p.offset - block.getParamOffsetStart();
            }
            stateLength = Math.max(stateLength, block.getUpdaterViewOffsetEnd());
        }
        for (Param p : all) {
            if (p.rule.states() > 0 && p.blockLength == 0) {
                return Claim.no("a parameter outside the updater's blocks");
            }
        }
        clips.removeIf(c -> c.kind == GradientNormalization.None);
        FastPath trainer = new FastPath(network, layers, all.toArray(new Param[0]), clips.toArray(new Clip[0]), loss,
                stateLength);
        trainer.load();
        return new Claim(trainer, null);
    }

    /** The recurrent layer {@code lc} is or wraps to keep its last step (an LSTM or a simple RNN), or null. */
    private static BaseLayer recurrent(org.deeplearning4j.nn.conf.layers.Layer lc) {
        org.deeplearning4j.nn.conf.layers.Layer inner =
                lc.getClass() == org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep.class
                        ? ((org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep) lc).getUnderlying() : lc;
        return inner.getClass() == org.deeplearning4j.nn.conf.layers.LSTM.class
                || inner.getClass() == org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn.class
                ? (BaseLayer) inner : null;
    }

    /** Why the recurrent layer {@code rnn} (wrapped in {@code lc}, or {@code lc} itself) cannot be claimed, or null. */
    private static String recurrentWhy(BaseLayer rnn, org.deeplearning4j.nn.conf.layers.Layer lc) {
        if (rnn.getIDropout() != null || lc.getIDropout() != null) {
            return "dropout before a recurrent layer";
        }
        if (rnn.getConstraints() != null && !rnn.getConstraints().isEmpty()) {
            return "constraints on the parameters";
        }
        if (rnn.getWeightNoise() != null) {
            return "weight noise";
        }
        if (Clip.kind(rnn) == null) {
            return "the gradient normalization " + rnn.getGradientNormalization();
        }
        if (rnn instanceof org.deeplearning4j.nn.conf.layers.LSTM lstm
                && !(lstm.getGateActivationFn() instanceof ActivationSigmoid)) {
            return "LSTM gates with the activation " + lstm.getGateActivationFn();
        }
        if (rnn instanceof org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn simple && simple.hasLayerNorm()) {
            return "layer normalization";
        }
        if (((org.deeplearning4j.nn.conf.layers.BaseRecurrentLayer) rnn).getRnnDataFormat()
                != org.deeplearning4j.nn.conf.RNNFormat.NCW) {
            return "a recurrent layer on steps-first sequences";
        }
        if (Activation.of(rnn.getActivationFn(), false) == null) {
            return "the activation " + rnn.getActivationFn();
        }
        return null;
    }

    /**
     * The stage of the recurrent layer {@code layer} at {@code index}, its parameters starting at
     * {@code offset} and registered in {@code byKey} and {@code all}; null when they are not DL4J's W,
     * RW and b in that order and layout.
     */
    private static RecurrentStage recurrentStage(org.deeplearning4j.nn.api.Layer layer,
            org.deeplearning4j.nn.conf.layers.Layer lc, int[] sequence, int offset, Map<String, Param> byKey,
            List<Param> all, int index) {
        BaseLayer rnn = recurrent(lc);
        int gates = rnn instanceof org.deeplearning4j.nn.conf.layers.LSTM ? 4 : 1;
        Map<String, INDArray> table = layer.paramTable();
        if (!List.copyOf(table.keySet()).equals(List.of("W", "RW", "b"))) {
            return null;
        }
        INDArray w = table.get("W");
        INDArray rw = table.get("RW");
        int units = (int) rw.size(0);
        if (w.ordering() != 'f' || rw.ordering() != 'f' || w.size(0) != sequence[0] || w.size(1) != gates * units
                || rw.size(1) != gates * units || table.get("b").length() != gates * units) {
            return null;
        }
        Param weight = new Param(true, sequence[0], gates * units, offset);
        Param recurrent = new Param(true, units, gates * units, offset + weight.w.length);
        Param bias = new Param(false, units, gates * units, offset + weight.w.length + recurrent.w.length);
        byKey.put(index + "_W", weight);
        byKey.put(index + "_RW", recurrent);
        byKey.put(index + "_b", bias);
        all.add(weight);
        all.add(recurrent);
        all.add(bias);
        Activation cell = Activation.of(rnn.getActivationFn(), false);
        return new RecurrentStage(sequence[0], sequence[1], units, gates,
                lc instanceof org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep, cell, weight, recurrent, bias);
    }

    /** Why a convolution cannot be claimed, or null. */
    private static String convolution(ConvolutionLayer cl, int[] image) {
        if (cl.getCnn2dDataFormat() != org.deeplearning4j.nn.conf.CNN2DFormat.NCHW) {
            return "a convolution on channels-last images";
        }
        if (cl.getDilation()[0] != 1 || cl.getDilation()[1] != 1) {
            return "a dilated convolution";
        }
        if (cl.getConvolutionMode() != ConvolutionMode.Truncate && cl.getConvolutionMode() != ConvolutionMode.Same) {
            return "the convolution mode " + cl.getConvolutionMode();
        }
        if (!cl.hasBias()) {
            return "a layer without bias";
        }
        return null;
    }

    /** The output size and the top (left) padding of one spatial dimension, as DL4J computes them. */
    private static int[] outputAndPadding(ConvolutionMode mode, int in, int kernel, int stride, int padding) {
        if (mode == ConvolutionMode.Same) {
            int out = (in + stride - 1) / stride;
            int total = Math.max(0, (out - 1) * stride + kernel - in);
            return new int[] {out, total / 2};
        }
        return new int[] {(in + 2 * padding - kernel) / stride + 1, padding};
    }

    private static ConvStage convStage(ConvolutionLayer cl, int[] image, Activation act, Param weight, Param bias) {
        int[] k = cl.getKernelSize();
        int[] s = cl.getStride();
        int[] p = cl.getPadding();
        int[] h = outputAndPadding(cl.getConvolutionMode(), image[1], k[0], s[0], p[0]);
        int[] w = outputAndPadding(cl.getConvolutionMode(), image[2], k[1], s[1], p[1]);
        return new ConvStage(image[0], image[1], image[2], (int) cl.getNOut(), h[0], w[0], k[0], k[1], s[0], s[1], h[1],
                w[1], act, weight, bias);
    }

    /** The pooling stage, or null for a kind this class does not reproduce; moves {@code image} on. */
    private static Stage pooling(SubsamplingLayer sl, int[] image) {
        int[] k = sl.getKernelSize();
        int[] s = sl.getStride();
        int[] p = sl.getPadding();
        if (sl.getPoolingType() != PoolingType.MAX || p[0] != 0 || p[1] != 0
                || sl.getConvolutionMode() != ConvolutionMode.Truncate
                || sl.getDilation() != null && (sl.getDilation()[0] != 1 || sl.getDilation()[1] != 1)) {
            return null;
        }
        int outH = (image[1] - k[0]) / s[0] + 1;
        int outW = (image[2] - k[1]) / s[1] + 1;
        PoolStage pool = new PoolStage(image[0], image[1], image[2], outH, outW, k[0], k[1], s[0], s[1],
                new Activation(Activation.Kind.IDENTITY, 0));
        image[1] = outH;
        image[2] = outW;
        return pool;
    }

    private static int indexOf(MultiLayerNetwork network, org.deeplearning4j.nn.api.Trainable layer) {
        for (int i = 0; i < network.getnLayers(); i++) {
            if (network.getLayer(i) == layer) {
                return i;
            }
        }
        return -1;
    }

    /** {@link #of}'s answer: the plain-Java trainer, or why the network trains on DL4J. */
    public record Claim(FastPath stack, String reason) {
        static Claim no(String reason) {
            return new Claim(null, reason);
        }

        public boolean claimed() {
            return stack != null;
        }
    }

    /** Copies the network's parameters and updater state in (after anything outside this class changed them). */
    public void load() {
        float[] flat = network.params().dup('c').data().asFloat();
        INDArray stateView = network.getUpdater(true).getStateViewArray();
        float[] state = stateView == null ? new float[0] : stateView.dup('c').data().asFloat();
        for (Param p : params) {
            for (int m = 0; m < p.w.length; m++) {
                p.w[m] = flat[p.offset + p.dl4jIndex(m)];
            }
            for (int k = 0; k < p.state.length; k++) {
                int base = p.stateStart + k * p.blockLength + p.inBlock;
                for (int m = 0; m < p.w.length; m++) {
                    p.state[k][m] = state[base + p.dl4jIndex(m)];
                }
            }
        }
        for (int li = 1; li < layers.length; li++) {
            layers[li].parametersChanged();
        }
    }

    /** Copies the parameters, updater state and iteration count back into the network. */
    public void store() {
        float[] flat = new float[(int) network.params().length()];
        float[] state = new float[stateLength];
        for (Param p : params) {
            for (int m = 0; m < p.w.length; m++) {
                flat[p.offset + p.dl4jIndex(m)] = p.w[m];
            }
            for (int k = 0; k < p.state.length; k++) {
                int base = p.stateStart + k * p.blockLength + p.inBlock;
                for (int m = 0; m < p.w.length; m++) {
                    state[base + p.dl4jIndex(m)] = p.state[k][m];
                }
            }
        }
        network.params().assign(Nd4j.create(flat, new long[] {1, flat.length}, 'c'));
        INDArray stateView = network.getUpdater(true).getStateViewArray();
        if (stateView != null && stateLength > 0) {
            stateView.assign(Nd4j.create(state, new long[] {1, state.length}, 'c'));
        }
    }

    /**
     * One minibatch step on {@code rows} rows: {@code x} row-major {@link #inputs} wide, {@code y}
     * {@link #outputs} wide, {@code rowWeights} each row's weight in the loss (null: 1 each), as the
     * training loop's row-weighted loss applies them. Returns the score DL4J
     * would report for it (mean loss plus the regularization terms, before the step) and advances the
     * network's iteration count.
     */
    public double fit(float[] x, float[] y, float[] rowWeights, int rows) {
        ensure(rows);
        MultiLayerConfiguration conf = network.getLayerWiseConfigurations();
        int iteration = conf.getIterationCount();
        int epoch = conf.getEpochCount();
        // forward
        float[] in = x;
        for (Stage l : layers) {
            l.forward(in, rows, iteration);
            in = l.a;
        }
        Layer last = (Layer) layers[layers.length - 1];
        double score = loss.gradient(last, y, rowWeights, rows);
        // backward: each layer's dZ is ready in turn
        for (int li = layers.length - 1; li >= 0; li--) {
            Stage l = layers[li];
            l.gradients(rows);
            if (li > 0) {
                Stage prev = layers[li - 1];
                l.backInto(prev.dz, rows);
                prev.act.backprop(prev.a, prev.dz, rows * prev.nOut);
            }
        }
        score /= rows;
        double regularization = 0;
        for (Param p : params) {
            regularization += p.score(iteration, epoch);
        }
        for (Param p : params) {
            Kernels.divide(p.g, rows);
        }
        for (Clip c : clips) {
            c.apply();
        }
        for (Param p : params) {
            p.step(iteration, epoch);
        }
        for (int li = 1; li < layers.length; li++) {
            layers[li].parametersChanged();
        }
        conf.setIterationCount(iteration + 1);
        STEPS.increment();
        return score + regularization;
    }

    /**
     * The network's outputs for {@code rows} rows of {@code x} (row-major, {@link #inputs} wide), as
     * {@code network.output} gives them: the same arithmetic as the training's forward pass.
     */
    public INDArray output(float[] x, int rows) {
        float[] result = new float[rows * outputs];
        int chunk = Math.max(capacity, OUTPUT_CHUNK);
        float[] part = new float[Math.min(rows, chunk) * inputs];
        for (int from = 0; from < rows; from += chunk) {
            int n = Math.min(chunk, rows - from);
            ensure(n);
            System.arraycopy(x, from * inputs, part, 0, n * inputs);
            float[] in = part;
            for (Stage l : layers) {
                l.forward(in, n, -1);
                in = l.a;
            }
            System.arraycopy(in, 0, result, from * outputs, n * outputs);
        }
        return Nd4j.create(result, new long[] {rows, outputs}, 'c');
    }

    /**
     * The mean data loss (no regularization terms) of {@code outputs} against {@code y}, {@code rows}
     * rows: what the output layer's loss function gives for the outputs as they are, with
     * probabilities kept at least 1e-10 for a softmax (as the validation loss is computed).
     */
    public double meanLoss(float[] outputs, float[] y, int rows) {
        double total = 0;
        int n = rows * this.outputs;
        switch (loss.kind()) {
            case SOFTMAX_CROSS_ENTROPY -> {
                for (int k = 0; k < n; k++) {
                    if (y[k] != 0f) {
                        total -= y[k] * Math.log(Math.max(outputs[k], 1e-10f));
                    }
                }
            }
            case SIGMOID_CROSS_ENTROPY -> {
                float clip = loss.clip();
                for (int k = 0; k < n; k++) {
                    float c = clip > 0 ? Math.min(Math.max(outputs[k], clip), 1f - clip) : outputs[k];
                    total -= y[k] * Math.log(c) + (1f - y[k]) * Math.log(1f - c);
                }
            }
            case MEAN_SQUARED_ERROR -> {
                for (int k = 0; k < n; k++) {
                    double e = outputs[k] - y[k];
                    total += e * e;
                }
                total /= this.outputs;
            }
            default -> throw new IllegalStateException(loss.kind().name());
        }
        return total / rows;
    }

    private void ensure(int rows) {
        if (rows <= capacity) {
            return;
        }
        capacity = rows;
        for (Stage l : layers) {
            l.ensure(rows);
        }
    }

    /** One dense layer: {@code a = act(x W + b)}, W held row-major (input by output) and transposed. */
    static final class Layer extends Stage {
        final Param weight;
        final Param bias;
        /** W transposed (output by input), for the backward pass into the layer below (not kept for the first layer). */
        final float[] wt;
        /** Dropout on this layer's input (a dropout layer's below it, or its own), or null. */
        final SeededDropout dropout;
        float[] mask = new float[0];
        float[] dropped = new float[0];
        /** The input of the last forward pass, after dropout. */
        private float[] input;
        /** Scratch: the non-zero values of a row or column and where they are. */
        private final Kernels.Scratch scratch = new Kernels.Scratch();

        Layer(int nIn, int nOut, Activation act, Param weight, Param bias, SeededDropout dropout) {
            super(nIn, nOut, act);
            this.dropout = dropout;
            this.weight = weight;
            this.bias = bias;
            this.wt = new float[nIn * nOut];
        }

        @Override
        void ensure(int rows) {
            super.ensure(rows);
            if (dropout != null) {
                mask = new float[rows * nIn];
                dropped = new float[rows * nIn];
            }
        }

        @Override
        void parametersChanged() {
            float[] w = weight.w;
            for (int i = 0; i < nIn; i++) {
                for (int j = 0; j < nOut; j++) {
                    wt[j * nIn + i] = w[i * nOut + j];
                }
            }
        }

        @Override
        void forward(float[] x, int rows, int iteration) {
            input = x;
            if (dropout != null && iteration >= 0) {
                int n = rows * nIn;
                dropout.mask(iteration, mask, n);
                for (int k = 0; k < n; k++) {
                    dropped[k] = x[k] * mask[k];
                }
                input = dropped;
            }
            float[] b = bias.w;
            for (int r = 0; r < rows; r++) {
                System.arraycopy(b, 0, a, r * nOut, nOut);
            }
            Kernels.gemm(rows, nOut, nIn, input, 0, nIn, 1, weight.w, 0, nOut, a, 0, nOut, scratch);
            act.forward(a, rows, nOut);
        }

        /** dW = xᵀ dZ and db = the column sums of dZ (not yet divided by the minibatch size), x the last input. */
        @Override
        void gradients(int rows) {
            float[] x = input;
            float[] gb = bias.g;
            java.util.Arrays.fill(gb, 0f);
            for (int r = 0; r < rows; r++) {
                Kernels.axpy(1f, dz, r * nOut, gb, 0, nOut);
            }
            java.util.Arrays.fill(weight.g, 0f);
            Kernels.gemm(nIn, nOut, rows, x, 0, 1, nIn, dz, 0, nOut, weight.g, 0, nOut, scratch);
        }

        /** dA of the layer below = dZ Wᵀ, into {@code below}. */
        @Override
        void backInto(float[] below, int rows) {
            java.util.Arrays.fill(below, 0, rows * nIn, 0f);
            Kernels.gemm(rows, nIn, nOut, dz, 0, nOut, 1, wt, 0, nIn, below, 0, nIn, scratch);
            if (dropout != null) { // through the dropout below this layer: the same mask
                for (int k = 0; k < rows * nIn; k++) {
                    below[k] *= mask[k];
                }
            }
        }
    }

    /** An activation reproduced: applied in place, and differentiated from its outputs. */
    record Activation(Kind kind, float alpha) {
        enum Kind { IDENTITY, RELU, LEAKY_RELU, TANH, SIGMOID, SOFTMAX }

        static Activation of(IActivation a, boolean output) {
            if (a instanceof ActivationIdentity) {
                return new Activation(Kind.IDENTITY, 0);
            }
            if (a instanceof ActivationReLU r) {
                boolean plain = (r.getMax() == null || r.getMax() == 0)
                        && (r.getThreshold() == null || r.getThreshold() == 0)
                        && (r.getNegativeSlope() == null || r.getNegativeSlope() == 0);
                return plain ? new Activation(Kind.RELU, 0) : null;
            }
            if (a instanceof ActivationLReLU l) {
                return l.getAlpha() > 0 ? new Activation(Kind.LEAKY_RELU, (float) l.getAlpha()) : null;
            }
            if (a instanceof ActivationTanH) {
                return new Activation(Kind.TANH, 0);
            }
            if (a instanceof ActivationSigmoid) {
                return new Activation(Kind.SIGMOID, 0);
            }
            if (a instanceof ActivationSoftmax && output) {
                return new Activation(Kind.SOFTMAX, 0);
            }
            return null;
        }

        void forward(float[] z, int rows, int width) {
            if (kind != Kind.SOFTMAX) {
                forwardRange(z, 0, rows * width);
                return;
            }
            switch (kind) {
                case SOFTMAX -> {
                    for (int r = 0; r < rows; r++) {
                        int o = r * width;
                        float max = Float.NEGATIVE_INFINITY;
                        for (int j = 0; j < width; j++) {
                            max = Math.max(max, z[o + j]);
                        }
                        float sum = 0f;
                        for (int j = 0; j < width; j++) {
                            float e = (float) Math.exp(z[o + j] - max);
                            z[o + j] = e;
                            sum += e;
                        }
                        for (int j = 0; j < width; j++) {
                            z[o + j] /= sum;
                        }
                    }
                }
                default -> throw new IllegalStateException(kind.name());
            }
        }

        /** Applies an elementwise activation (not softmax) in place on {@code z[from, to)}. */
        void forwardRange(float[] z, int from, int to) {
            switch (kind) {
                case IDENTITY -> { }
                case RELU -> {
                    for (int k = from; k < to; k++) {
                        z[k] = Math.max(z[k], 0f);
                    }
                }
                case LEAKY_RELU -> {
                    for (int k = from; k < to; k++) {
                        z[k] = z[k] < 0f ? z[k] * alpha : z[k];
                    }
                }
                case TANH -> Kernels.tanh(z, from, to);
                case SIGMOID -> Kernels.sigmoid(z, from, to);
                default -> throw new IllegalStateException(kind + " is not elementwise");
            }
        }

        /** The derivative at the point whose activation is {@code a} (an elementwise kind: not softmax). */
        float slope(float a) {
            return switch (kind) {
                case IDENTITY -> 1f;
                case RELU -> a > 0f ? 1f : 0f;
                case LEAKY_RELU -> a >= 0f ? 1f : alpha;
                case TANH -> 1f - a * a;
                case SIGMOID -> a * (1f - a);
                default -> throw new IllegalStateException(kind + " has no elementwise derivative");
            };
        }

        /** dZ = dA · act'(z), computed from the outputs {@code a}, in place on {@code d}. */
        void backprop(float[] a, float[] d, int n) {
            switch (kind) {
                case IDENTITY -> { }
                case RELU -> {
                    for (int k = 0; k < n; k++) {
                        d[k] = a[k] > 0f ? d[k] : 0f;
                    }
                }
                case LEAKY_RELU -> {
                    for (int k = 0; k < n; k++) {
                        d[k] = a[k] >= 0f ? d[k] : d[k] * alpha;
                    }
                }
                case TANH -> {
                    for (int k = 0; k < n; k++) {
                        d[k] *= 1f - a[k] * a[k];
                    }
                }
                case SIGMOID -> {
                    for (int k = 0; k < n; k++) {
                        d[k] *= a[k] * (1f - a[k]);
                    }
                }
                default -> throw new IllegalStateException(kind + " has no elementwise derivative");
            }
        }
    }

    /** A parameter (a layer's W or b): its values, gradient, updater state and rules. */
    static final class Param {
        /** Held by DL4J as an nIn × nOut matrix in column-major order (a dense layer's W). */
        final boolean columnMajor;
        final int nIn;
        final int nOut;
        final int offset;
        final float[] w;
        final float[] g;
        float[][] state;
        Rule rule;
        IUpdater updater;
        final List<ScheduleTerm> before = new ArrayList<>();
        final List<ScheduleTerm> after = new ArrayList<>();
        int stateStart;
        int blockLength;
        int inBlock;

        Param(boolean weight, int nIn, int nOut, int offset) {
            this(weight ? nIn * nOut : nOut, weight, nIn, nOut, offset);
        }

        /** {@code columnMajor}: DL4J holds it as an nIn × nOut matrix in column-major order (a dense layer's W). */
        Param(int size, boolean columnMajor, int nIn, int nOut, int offset) {
            this.columnMajor = columnMajor;
            this.nIn = nIn;
            this.nOut = nOut;
            this.offset = offset;
            this.w = new float[size];
            this.g = new float[size];
        }

        /** Index in DL4J's column-major layout of element {@code m} of this row-major one. */
        int dl4jIndex(int m) {
            if (!columnMajor) {
                return m;
            }
            int i = m / nOut;
            int j = m - i * nOut;
            return i + j * nIn;
        }

        /** Takes the updater and the regularization of the parameter {@code name} of {@code layer}, or says why not. */
        String configure(BaseLayer layer, String name) {
            IUpdater u = layer.getUpdaterByParam(name);
            List<Regularization> regularization = layer.getRegularizationByParam(name);
            this.updater = u;
            this.rule = Rule.of(u);
            if (rule == null) {
                return "the updater " + u.getClass().getSimpleName();
            }
            this.state = new float[rule.states()][w.length];
            if (regularization != null) {
                for (Regularization r : regularization) {
                    if (r instanceof L2Regularization l2) {
                        before.add(new ScheduleTerm(ScheduleTerm.Kind.L2, l2.getL2(), false));
                    } else if (r instanceof L1Regularization l1) {
                        before.add(new ScheduleTerm(ScheduleTerm.Kind.L1, l1.getL1(), false));
                    } else if (r instanceof WeightDecay wd) {
                        after.add(new ScheduleTerm(ScheduleTerm.Kind.DECAY, wd.getCoeff(), wd.isApplyLR()));
                    } else {
                        return "the regularization " + r.getClass().getSimpleName();
                    }
                }
            }
            return null;
        }

        double score(int iteration, int epoch) {
            double s = 0;
            for (ScheduleTerm t : before) {
                s += t.score(w, iteration, epoch);
            }
            for (ScheduleTerm t : after) {
                s += t.score(w, iteration, epoch);
            }
            return s;
        }

        /** Turns the gradient (already divided by the minibatch size, and clipped) into the step and takes it. */
        void step(int iteration, int epoch) {
            int n = w.length;
            double lr = updater.getLearningRate(iteration, epoch);
            for (ScheduleTerm t : before) {
                t.apply(w, g, lr, iteration, epoch);
            }
            rule.apply(this, lr, iteration, epoch);
            for (ScheduleTerm t : after) {
                t.apply(w, g, lr, iteration, epoch);
            }
            for (int m = 0; m < n; m++) {
                w[m] -= g[m];
            }
        }
    }

    /**
     * A layer's gradient normalization (DL4J's {@code GradientNormalization}) over its parameters'
     * gradients, as DL4J applies it: after the division by the minibatch size, before the
     * regularization and the updater.
     */
    record Clip(GradientNormalization kind, double threshold, Param[] params) {
        /** The layer's normalization, or null for one this class does not reproduce. */
        static GradientNormalization kind(BaseLayer layer) {
            GradientNormalization g = layer.getGradientNormalization();
            return g == null ? GradientNormalization.None : switch (g) {
                case None, RenormalizeL2PerLayer, RenormalizeL2PerParamType, ClipElementWiseAbsoluteValue,
                        ClipL2PerLayer, ClipL2PerParamType -> g;
                default -> null;
            };
        }

        static Clip of(BaseLayer layer, Param... params) {
            return new Clip(kind(layer), layer.getGradientNormalizationThreshold(), params);
        }

        void apply() {
            switch (kind) {
                case None -> { }
                case RenormalizeL2PerLayer -> {
                    double l2 = norm(params);
                    scale(params, 1 / (l2 == 0 ? 1e-5 : l2));
                }
                case RenormalizeL2PerParamType -> {
                    for (Param p : params) {
                        double l2 = norm(p);
                        scale(new Param[] {p}, 1 / (l2 == 0 ? 1e-5 : l2));
                    }
                }
                case ClipElementWiseAbsoluteValue -> {
                    float t = (float) threshold;
                    for (Param p : params) {
                        for (int m = 0; m < p.g.length; m++) {
                            p.g[m] = Math.max(-t, Math.min(t, p.g[m]));
                        }
                    }
                }
                case ClipL2PerLayer -> {
                    double l2 = norm(params);
                    if (l2 > threshold) {
                        scale(params, threshold / l2);
                    }
                }
                case ClipL2PerParamType -> {
                    for (Param p : params) {
                        double l2 = norm(p);
                        if (l2 > threshold) {
                            scale(new Param[] {p}, threshold / l2);
                        }
                    }
                }
                default -> throw new IllegalStateException(kind.name());
            }
        }

        private static double norm(Param... params) {
            double sum = 0;
            for (Param p : params) {
                for (float v : p.g) {
                    sum += (double) v * v;
                }
            }
            return Math.sqrt(sum);
        }

        private static void scale(Param[] params, double factor) {
            float f = (float) factor;
            for (Param p : params) {
                for (int m = 0; m < p.g.length; m++) {
                    p.g[m] *= f;
                }
            }
        }
    }

    /** A regularization term with its (possibly scheduled) coefficient. */
    record ScheduleTerm(Kind kind, org.nd4j.linalg.schedule.ISchedule coefficient, boolean applyLr) {
        enum Kind { L1, L2, DECAY }

        void apply(float[] w, float[] g, double lr, int iteration, int epoch) {
            double c = coefficient.valueAt(iteration, epoch);
            switch (kind) {
                case L2 -> Kernels.axpy((float) c, w, 0, g, 0, w.length);
                case L1 -> {
                    float cf = (float) c;
                    for (int m = 0; m < w.length; m++) {
                        g[m] += cf * Math.signum(w[m]);
                    }
                }
                case DECAY -> Kernels.axpy((float) (applyLr ? lr * c : c), w, 0, g, 0, w.length);
                default -> throw new IllegalStateException();
            }
        }

        double score(float[] w, int iteration, int epoch) {
            double c = coefficient.valueAt(iteration, epoch);
            double sum = 0;
            if (kind == Kind.L1) {
                for (float v : w) {
                    sum += Math.abs(v);
                }
                return c * sum;
            }
            for (float v : w) {
                sum += v * v;
            }
            return 0.5 * c * sum;
        }
    }

    /** The updaters reproduced: each turns the gradient {@code g} into the update, in place. */
    enum Rule {
        SGD(0), MOMENTUM(1), NESTEROVS(1), ADAM(2), RMSPROP(1), ADAGRAD(1);

        private final int states;

        Rule(int states) {
            this.states = states;
        }

        int states() {
            return states;
        }

        static Rule of(IUpdater u) {
            if (u instanceof Sgd) {
                return SGD;
            }
            if (u instanceof Momentum) {
                return MOMENTUM;
            }
            if (u instanceof Nesterovs) {
                return NESTEROVS;
            }
            if (u.getClass() == Adam.class) {
                return ADAM;
            }
            if (u instanceof RmsProp) {
                return RMSPROP;
            }
            if (u instanceof AdaGrad) {
                return ADAGRAD;
            }
            return null;
        }

        void apply(Param p, double lrD, int iteration, int epoch) {
            float[] g = p.g;
            int n = g.length;
            float lr = (float) lrD;
            switch (this) {
                case SGD -> {
                    for (int m = 0; m < n; m++) {
                        g[m] *= lr;
                    }
                }
                case MOMENTUM -> {
                    float mu = (float) ((Momentum) p.updater).getMomentum();
                    float[] v = p.state[0];
                    for (int m = 0; m < n; m++) {
                        v[m] = v[m] * mu + g[m] * lr;
                        g[m] = v[m];
                    }
                }
                case NESTEROVS -> {
                    float mu = (float) ((Nesterovs) p.updater).currentMomentum(iteration, epoch);
                    float[] v = p.state[0];
                    for (int m = 0; m < n; m++) {
                        float previous = mu * v[m];
                        v[m] = previous - lr * g[m];
                        g[m] = previous + (-mu - 1f) * v[m];
                    }
                }
                case ADAM -> {
                    Adam a = (Adam) p.updater;
                    float beta1 = (float) a.getBeta1();
                    float beta2 = (float) a.getBeta2();
                    float epsilon = (float) a.getEpsilon();
                    float t = iteration + 1;
                    float beta1t = (float) Math.pow(beta1, t);
                    float beta2t = (float) Math.pow(beta2, t);
                    float alpha = lr * (float) Math.sqrt(1f - beta2t) / (1f - beta1t);
                    if (Float.isNaN(alpha) || Float.isInfinite(alpha) || alpha == 0f) {
                        alpha = epsilon;
                    }
                    float[] mm = p.state[0];
                    float[] vv = p.state[1];
                    for (int m = 0; m < n; m++) {
                        float gm = g[m];
                        mm[m] = beta1 * mm[m] + gm * (1f - beta1);
                        vv[m] = beta2 * vv[m] + gm * gm * (1f - beta2);
                        g[m] = mm[m] * alpha / ((float) Math.sqrt(vv[m]) + epsilon);
                    }
                }
                case RMSPROP -> {
                    RmsProp r = (RmsProp) p.updater;
                    float decay = (float) r.getRmsDecay();
                    float epsilon = (float) r.getEpsilon();
                    float[] s = p.state[0];
                    for (int m = 0; m < n; m++) {
                        s[m] = s[m] * decay + g[m] * g[m] * (1f - decay);
                        g[m] = lr * g[m] / ((float) Math.sqrt(s[m]) + epsilon);
                    }
                }
                case ADAGRAD -> {
                    float epsilon = (float) ((AdaGrad) p.updater).getEpsilon();
                    float[] h = p.state[0];
                    for (int m = 0; m < n; m++) {
                        h[m] += g[m] * g[m];
                        g[m] = lr * g[m] / ((float) Math.sqrt(h[m]) + epsilon);
                    }
                }
                default -> throw new IllegalStateException(name());
            }
        }
    }

    /** The output layer's loss: its gradient with respect to the pre-activations, and its score. */
    record Loss(Kind kind, float clip) {
        enum Kind { SOFTMAX_CROSS_ENTROPY, SIGMOID_CROSS_ENTROPY, MEAN_SQUARED_ERROR }

        static Loss of(ILossFunction f, Activation act) {
            if (f instanceof LossMCXENT mc && mc.getWeights() == null && act.kind() == Activation.Kind.SOFTMAX) {
                return new Loss(Kind.SOFTMAX_CROSS_ENTROPY, (float) mc.getSoftmaxClipEps());
            }
            if (f instanceof LossBinaryXENT bx && bx.getWeights() == null && act.kind() == Activation.Kind.SIGMOID) {
                return new Loss(Kind.SIGMOID_CROSS_ENTROPY, (float) bx.getClipEps());
            }
            if (f.getClass() == LossMSE.class && ((LossMSE) f).getWeights() == null
                    && act.kind() != Activation.Kind.SOFTMAX) {
                return new Loss(Kind.MEAN_SQUARED_ERROR, 0);
            }
            return null;
        }

        /**
         * Writes dLoss/dZ of every row into {@code out.dz} (not yet divided by the minibatch size) and
         * returns the rows' summed loss, each row's loss and gradient multiplied by its weight.
         */
        double gradient(Layer out, float[] y, float[] rowWeights, int rows) {
            int width = out.nOut;
            float[] a = out.a;
            float[] dz = out.dz;
            double total = 0;
            for (int r = 0; r < rows; r++) {
                int o = r * width;
                float weight = rowWeights == null ? 1f : rowWeights[r];
                double rowLoss = 0;
                switch (kind) {
                    case SOFTMAX_CROSS_ENTROPY -> {
                        for (int j = 0; j < width; j++) {
                            float p = a[o + j];
                            float t = y[o + j];
                            float clipped = Math.min(Math.max(p, clip), 1f - clip);
                            rowLoss -= t * Math.log(clipped);
                            dz[o + j] = (p - t) * weight;
                        }
                    }
                    case SIGMOID_CROSS_ENTROPY -> {
                        for (int j = 0; j < width; j++) {
                            float p = a[o + j];
                            float t = y[o + j];
                            float c = clip > 0 ? Math.min(Math.max(p, clip), 1f - clip) : p;
                            rowLoss -= t * Math.log(c) + (1f - t) * Math.log(1f - c);
                            dz[o + j] = (c - t) / (c * (1f - c)) * (p * (1f - p)) * weight;
                        }
                    }
                    case MEAN_SQUARED_ERROR -> {
                        for (int j = 0; j < width; j++) {
                            float e = a[o + j] - y[o + j];
                            rowLoss += e * e;
                            dz[o + j] = 2f * e;
                        }
                        rowLoss /= width;
                    }
                    default -> throw new IllegalStateException(kind.name());
                }
                total += rowLoss * weight;
            }
            if (kind == Kind.MEAN_SQUARED_ERROR) {
                out.act.backprop(a, dz, rows * width);
                for (int r = 0; r < rows; r++) {
                    float weight = rowWeights == null ? 1f : rowWeights[r];
                    for (int j = 0; j < width; j++) {
                        dz[r * width + j] = dz[r * width + j] / width * weight;
                    }
                }
            }
            return total;
        }
    }
}
