package io.kiln.runtime.internal.fast;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.dropout.IDropout;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Inverted dropout whose masks are a function of (seed, iteration, element): element k of a
 * minibatch's activations (in row-major order) at iteration t is kept, and scaled by 1/p, exactly
 * when a SplitMix64 hash of the three is below p, the probability of keeping a unit. DL4J's own
 * {@link Dropout} draws its masks from ND4J's native random generator, which no other code can
 * replay; with these, DL4J's minibatch loop and the plain-Java {@link FastPath} drop the same units
 * at the same step, so a network with dropout trains to the same weights on either.
 *
 * <p>The training loop {@linkplain #install installs} one per dropout (each with its own seed, from
 * the run's seed and the layer's position) for the length of a training and {@linkplain #restore
 * restores} DL4J's {@code Dropout(p)} before the network is saved, so a model file never names this
 * class.
 */
public final class SeededDropout implements IDropout {
    private static final long serialVersionUID = 1L;
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    private final double p;
    private final long seed;
    private transient INDArray mask;

    public SeededDropout(double p, long seed) {
        if (!(p > 0 && p <= 1)) {
            throw new IllegalArgumentException("The probability of keeping a unit must be in (0, 1], was " + p);
        }
        this.p = p;
        this.seed = seed;
    }

    /** The probability of keeping a unit. */
    public double p() {
        return p;
    }

    /**
     * Fills {@code into[0..n)} with the mask of iteration {@code iteration}: 1/p for a kept element, 0
     * for a dropped one.
     */
    public void mask(int iteration, float[] into, int n) {
        float scale = (float) (1.0 / p);
        long base = mix(seed ^ (iteration * GOLDEN));
        for (int k = 0; k < n; k++) {
            double u = (mix(base + k * GOLDEN) >>> 11) * 0x1.0p-53;
            into[k] = u < p ? scale : 0f;
        }
    }

    /** SplitMix64's finalizer. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public INDArray applyDropout(INDArray input, INDArray result, int iteration, int epoch,
            LayerWorkspaceMgr workspaceMgr) {
        float[] m = new float[(int) input.length()];
        mask(iteration, m, m.length);
        // outside DL4J's workspaces: the forward pass's is reset before backpropagation reads the mask
        try (MemoryWorkspace outside = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            mask = Nd4j.create(m, input.shape(), 'c').castTo(input.dataType());
        }
        return result.assign(input.mul(mask));
    }

    @Override
    public INDArray backprop(INDArray gradAtOutput, INDArray gradAtInput, int iteration, int epoch) {
        if (mask == null) {
            throw new IllegalStateException("Backpropagation through dropout before its forward pass");
        }
        gradAtInput.assign(gradAtOutput.mul(mask));
        mask = null;
        return gradAtInput;
    }

    @Override
    public void clear() {
        mask = null;
    }

    @Override
    public SeededDropout clone() {
        return new SeededDropout(p, seed);
    }

    @Override
    public String toString() {
        return "SeededDropout(p=" + p + ", seed=" + seed + ")";
    }

    /**
     * Replaces each layer's DL4J {@code Dropout(p)} (constant p) with a seeded one, the seed from
     * {@code seed} and the layer's position; other dropout kinds stay. {@code network} is a
     * {@link MultiLayerNetwork} or a {@link ComputationGraph}.
     */
    public static void install(Object network, long seed) {
        Layer[] layers = layers(network);
        for (int i = 0; i < layers.length; i++) {
            org.deeplearning4j.nn.conf.layers.Layer conf = layers[i].conf().getLayer();
            if (conf.getIDropout() instanceof Dropout d && d.getPSchedule() == null && d.getP() > 0 && d.getP() < 1) {
                conf.setIDropout(new SeededDropout(d.getP(), seed * 1_000_003L + i));
            }
        }
    }

    /** Puts DL4J's {@code Dropout(p)} back where {@link #install} replaced it. */
    public static void restore(Object network) {
        for (Layer layer : layers(network)) {
            org.deeplearning4j.nn.conf.layers.Layer conf = layer.conf().getLayer();
            if (conf.getIDropout() instanceof SeededDropout s) {
                conf.setIDropout(new Dropout(s.p()));
            }
        }
    }

    private static Layer[] layers(Object network) {
        if (network instanceof MultiLayerNetwork m) {
            return m.getLayers();
        }
        if (network instanceof ComputationGraph g) {
            return g.getLayers();
        }
        throw new IllegalArgumentException("Not a DL4J network: " + network);
    }
}
