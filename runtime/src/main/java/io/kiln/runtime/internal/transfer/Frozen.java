package io.kiln.runtime.internal.transfer;

import io.kiln.runtime.Network;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayerWithBackprop;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Freezing one layer by name in a configuration of either kind (Deeplearning4j's {@link FrozenLayer}:
 * no updates, inference-mode forward pass), and the plain network with the same weights once
 * training is over, so that the saved model is a stack or graph like any other.
 */
public final class Frozen {
    private Frozen() {}

    /**
     * {@code layer} frozen: with weights, wrapped in {@link FrozenLayer} under its own name (so that it is
     * still found by name); without, it has nothing to update, so only its dropout is switched off (as a
     * frozen layer runs in inference mode). A {@link FrozenLayer} around a layer without weights fails
     * Deeplearning4j's workspace validation in training when it passes its input through unchanged.
     */
    public static org.deeplearning4j.nn.conf.layers.Layer of(org.deeplearning4j.nn.conf.layers.Layer layer) {
        if (layer.initializer().numParams(layer) == 0) {
            org.deeplearning4j.nn.conf.layers.Layer copy = layer.clone();
            copy.setIDropout(null);
            if (copy instanceof org.deeplearning4j.nn.conf.layers.DropoutLayer) {
                // a dropout layer with no dropout passes its input on: an activation layer of the identity
                return new org.deeplearning4j.nn.conf.layers.ActivationLayer.Builder()
                        .activation(org.nd4j.linalg.activations.Activation.IDENTITY).name(layer.getLayerName())
                        .build();
            }
            return copy;
        }
        FrozenLayer frozen = new FrozenLayer(layer);
        frozen.setLayerName(layer.getLayerName());
        return frozen;
    }

    /** Wraps layer {@code name} of a layer stack's configuration. */
    public static void wrap(MultiLayerConfiguration conf, String name) {
        for (NeuralNetConfiguration c : conf.getConfs()) {
            if (name.equals(c.getLayer().getLayerName()) && !(c.getLayer() instanceof FrozenLayer)
                    && c.getLayer().initializer().numParams(c.getLayer()) > 0) {
                c.setLayer(of(c.getLayer()));
            }
        }
    }

    /** Wraps layer {@code name} of a graph's configuration. */
    public static void wrap(ComputationGraphConfiguration conf, String name) {
        GraphVertex v = conf.getVertices().get(name);
        if (v instanceof LayerVertex lv && !(lv.getLayerConf().getLayer() instanceof FrozenLayer)) {
            lv.getLayerConf().setLayer(of(lv.getLayerConf().getLayer()));
        }
    }

    /**
     * Wraps layer {@code name} of a graph's configuration so that its weights stay fixed (and its forward
     * pass runs in inference mode) while the gradient still flows through it to the layers below: in a
     * graph, a layer without weights (a dropout, say) below a {@link FrozenLayer} would get no gradient and
     * fail the backward pass. The wrapped copy has no penalties and no updater; {@link #unwrap} does not
     * restore them, so rebuild the plain network from the original configuration after training.
     */
    public static void wrapWithBackprop(ComputationGraphConfiguration conf, String name) {
        GraphVertex v = conf.getVertices().get(name);
        if (v instanceof LayerVertex lv && !(lv.getLayerConf().getLayer() instanceof FrozenLayer)
                && !(lv.getLayerConf().getLayer() instanceof FrozenLayerWithBackprop)
                && lv.getLayerConf().getLayer().initializer().numParams(lv.getLayerConf().getLayer()) > 0) {
            org.deeplearning4j.nn.conf.layers.Layer layer = lv.getLayerConf().getLayer().clone();
            if (layer instanceof org.deeplearning4j.nn.conf.layers.BaseLayer b) {
                // the wrapper passes a zero gradient on; penalties and the updater would still move the weights
                b.setRegularization(new java.util.ArrayList<>());
                b.setRegularizationBias(new java.util.ArrayList<>());
                b.setIUpdater(new org.nd4j.linalg.learning.config.NoOp());
                b.setBiasUpdater(null);
            }
            FrozenLayerWithBackprop frozen = new FrozenLayerWithBackprop(layer);
            frozen.setLayerName(layer.getLayerName());
            lv.getLayerConf().setLayer(frozen);
        }
    }

    /** The network with every frozen layer unwrapped and the same weights; {@code network} itself if none is frozen. */
    public static Network unwrap(Network network) {
        if (network.dl4j() instanceof MultiLayerNetwork net) {
            MultiLayerConfiguration conf = net.getLayerWiseConfigurations().clone();
            boolean any = false;
            for (NeuralNetConfiguration c : conf.getConfs()) {
                if (c.getLayer() instanceof FrozenLayer f) {
                    c.setLayer(f.getLayer());
                    any = true;
                }
            }
            if (!any) {
                return network;
            }
            MultiLayerNetwork plain = new MultiLayerNetwork(conf);
            plain.init(net.params().dup(), false);
            return new Network.Layers(plain);
        }
        ComputationGraph graph = (ComputationGraph) network.dl4j();
        ComputationGraphConfiguration conf = graph.getConfiguration().clone();
        boolean any = false;
        for (GraphVertex v : conf.getVertices().values()) {
            if (v instanceof LayerVertex lv && lv.getLayerConf().getLayer() instanceof FrozenLayer f) {
                lv.getLayerConf().setLayer(f.getLayer());
                any = true;
            } else if (v instanceof LayerVertex lv && lv.getLayerConf().getLayer() instanceof FrozenLayerWithBackprop f) {
                lv.getLayerConf().setLayer(f.getUnderlying());
                any = true;
            }
        }
        if (!any) {
            return network;
        }
        ComputationGraph plain = new ComputationGraph(conf);
        plain.init(graph.params().dup(), false);
        return new Network.Graph(plain);
    }
}
