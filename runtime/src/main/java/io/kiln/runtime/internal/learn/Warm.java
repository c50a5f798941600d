package io.kiln.runtime.internal.learn;

import io.kiln.dsl.RetrainLevel;
import io.kiln.runtime.Network;
import io.kiln.runtime.WarmStart;
import io.kiln.runtime.internal.transfer.Frozen;
import io.kiln.runtime.internal.transfer.L2Sp;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The network a warm start trains: the parent's configuration, weights, optimizer state and
 * iteration count (so a learning-rate schedule goes on where it was); with {@link RetrainLevel#TOP_LAYERS}
 * every layer with weights below the top ones frozen (their optimizer state is not carried: the
 * frozen layers have none, and the trained ones start afresh); with L2-SP pulled toward the parent's
 * weights.
 */
public final class Warm {
    private Warm() {}

    public static Network network(WarmStart warm, int numInputs) {
        int expected = warm.parent().metadata().numInputs();
        if (expected != numInputs) {
            throw new IllegalArgumentException("[kiln.warm-start-width] " + warm.file() + " takes " + expected
                    + " encoded inputs, but the refitted preprocessing encodes " + numInputs + ". Keep the parent's "
                    + "preprocessing (refitPreprocessing = false), or retrain from scratch.");
        }
        Network parent = warm.parent().network();
        List<String> frozen = warm.level() == RetrainLevel.TOP_LAYERS ? below(parent, warm.trainTop()) : List.of();
        Network net;
        if (parent.dl4j() instanceof MultiLayerNetwork from) {
            MultiLayerConfiguration conf = from.getLayerWiseConfigurations().clone();
            for (String name : frozen) {
                Frozen.wrap(conf, name);
            }
            MultiLayerNetwork to = new MultiLayerNetwork(conf);
            to.init(from.params().dup(), true);
            conf.setIterationCount(from.getLayerWiseConfigurations().getIterationCount());
            conf.setEpochCount(from.getLayerWiseConfigurations().getEpochCount());
            if (frozen.isEmpty()) {
                carryUpdater(from.getUpdater() == null ? null : from.getUpdater().getStateViewArray(),
                        to.getUpdater() == null ? null : to.getUpdater(true).getStateViewArray());
            }
            net = new Network.Layers(to);
        } else {
            ComputationGraph from = (ComputationGraph) parent.dl4j();
            for (String name : frozen) {
                if (from.getLayer(name) instanceof org.deeplearning4j.nn.layers.normalization.BatchNormalization) {
                    throw new IllegalArgumentException("[kiln.retrain-top-batchnorm] trainTop = " + warm.trainTop()
                            + " freezes batch normalization '" + name + "' below the layers that train, in a graph: "
                            + "Deeplearning4j cannot keep it fixed while passing the gradient through it. Train "
                            + "more top layers, or fine-tune every layer.");
                }
            }
            ComputationGraphConfiguration conf = from.getConfiguration().clone();
            for (String name : frozen) {
                Frozen.wrapWithBackprop(conf, name); // the gradient must reach layers without weights below
            }
            ComputationGraph to = new ComputationGraph(conf);
            to.init(from.params().dup(), true);
            conf.setIterationCount(from.getConfiguration().getIterationCount());
            conf.setEpochCount(from.getConfiguration().getEpochCount());
            if (frozen.isEmpty()) {
                carryUpdater(from.getUpdater() == null ? null : from.getUpdater().getStateViewArray(),
                        to.getUpdater(true).getStateViewArray());
            }
            net = new Network.Graph(to);
        }
        if (warm.l2sp() > 0) {
            net.dl4j().addListeners(new L2Sp(L2Sp.anchors(parent.dl4j(), key -> true), warm.l2sp()));
        }
        return net;
    }

    /**
     * The trained network as the parent's plain configuration (nothing frozen, the layers' own updaters and
     * penalties) with the trained weights and iteration count: what a warm start of the top layers saves.
     */
    public static Network plain(WarmStart warm, Network trained) {
        Network parent = warm.parent().network();
        if (parent.dl4j() instanceof MultiLayerNetwork from) {
            MultiLayerConfiguration conf = from.getLayerWiseConfigurations().clone();
            MultiLayerNetwork to = new MultiLayerNetwork(conf);
            to.init(trained.params().dup(), false);
            conf.setIterationCount(trained.layers().getLayerWiseConfigurations().getIterationCount());
            conf.setEpochCount(trained.layers().getLayerWiseConfigurations().getEpochCount());
            return new Network.Layers(to);
        }
        ComputationGraphConfiguration conf = ((ComputationGraph) parent.dl4j()).getConfiguration().clone();
        ComputationGraph to = new ComputationGraph(conf);
        to.init(trained.params().dup(), false);
        conf.setIterationCount(trained.graph().getConfiguration().getIterationCount());
        conf.setEpochCount(trained.graph().getConfiguration().getEpochCount());
        return new Network.Graph(to);
    }

    private static void carryUpdater(INDArray from, INDArray to) {
        if (from != null && to != null && from.length() == to.length()) {
            to.assign(from);
        }
    }

    /** The layers with weights below the top {@code top} ones, by name, bottom first. */
    static List<String> below(Network net, int top) {
        List<String> weighted = weightedLayers(net);
        if (top > weighted.size()) {
            throw new IllegalArgumentException("[kiln.retrain-top] trainTop = " + top + ", but the model has "
                    + weighted.size() + " layers with weights " + weighted + ".");
        }
        return weighted.subList(0, weighted.size() - top);
    }

    /** The names of the layers with weights, bottom (input side) first. */
    public static List<String> weightedLayers(Network net) {
        List<String> names = new ArrayList<>();
        if (net.dl4j() instanceof MultiLayerNetwork m) {
            for (int i = 0; i < m.getnLayers(); i++) {
                if (m.getLayer(i).numParams() > 0) {
                    names.add(m.getLayer(i).conf().getLayer().getLayerName());
                }
            }
            return names;
        }
        ComputationGraph g = (ComputationGraph) net.dl4j();
        GraphVertex[] vertices = g.getVertices();
        for (int i : g.topologicalSortOrder()) {
            GraphVertex v = vertices[i];
            if (v.hasLayer() && v.getLayer().numParams() > 0) {
                names.add(v.getVertexName());
            }
        }
        return names;
    }
}
