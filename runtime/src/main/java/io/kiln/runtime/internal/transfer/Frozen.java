package io.kiln.runtime.internal.transfer;

import io.kiln.runtime.Network;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Freezing one layer by name in a configuration of either kind (Deeplearning4j's {@link FrozenLayer}:
 * no updates, inference-mode forward pass), and the plain network with the same weights once
 * training is over, so that the saved model is a stack or graph like any other.
 */
public final class Frozen {
    private Frozen() {}

    /** {@code layer} frozen, under its own name (so that it is still found by name). */
    static FrozenLayer of(org.deeplearning4j.nn.conf.layers.Layer layer) {
        FrozenLayer frozen = new FrozenLayer(layer);
        frozen.setLayerName(layer.getLayerName());
        return frozen;
    }

    /** Wraps layer {@code name} of a layer stack's configuration. */
    public static void wrap(MultiLayerConfiguration conf, String name) {
        for (NeuralNetConfiguration c : conf.getConfs()) {
            if (name.equals(c.getLayer().getLayerName()) && !(c.getLayer() instanceof FrozenLayer)) {
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
