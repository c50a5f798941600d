package io.kiln.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.schedule.ISchedule;

/**
 * <b>Public API</b>. A model's DL4J network, whichever of DL4J's two kinds the spec generated: a stack of layers
 * ({@link MultiLayerNetwork}), or a graph ({@link ComputationGraph}) when some layer takes the
 * output of one other than the layer before it ({@code @Residual}). Training, prediction and the
 * model file go through this one type; {@link #layers()} and {@link #graph()} give the DL4J object.
 * Not thread-safe, like the DL4J networks.
 */
public sealed interface Network permits Network.Layers, Network.Graph {

    /** A new network with freshly initialized weights. */
    static Network create(MultiLayerConfiguration configuration) {
        MultiLayerNetwork net = new MultiLayerNetwork(configuration);
        net.init();
        return new Layers(net);
    }

    /** A new graph with freshly initialized weights. */
    static Network create(ComputationGraphConfiguration configuration) {
        ComputationGraph graph = new ComputationGraph(configuration);
        graph.init();
        return new Graph(graph);
    }

    /** Reads a network that {@link ModelSerializer} wrote, of either kind. */
    static Network restore(byte[] serialized) throws IOException {
        if (isGraph(serialized)) {
            return new Graph(ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(serialized), true));
        }
        return new Layers(ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(serialized), true));
    }

    /** Whether a serialized network is a graph: its configuration lists vertices rather than layer confs. */
    private static boolean isGraph(byte[] serialized) throws IOException {
        try (InputStream in = new ByteArrayInputStream(serialized); ZipInputStream zip = new ZipInputStream(in)) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                if (e.getName().equals("configuration.json")) {
                    JsonNode configuration = KilnModel.JSON.readTree(zip.readAllBytes());
                    return configuration.has("vertices");
                }
            }
        }
        throw new IOException("The network entry holds no configuration.json: not a DL4J model");
    }

    /** The DL4J object, for {@link ModelSerializer} and other DL4J tools. */
    Model dl4j();

    /** Whether this is a graph ({@code ComputationGraph}). */
    default boolean isGraph() {
        return this instanceof Graph;
    }

    /** The layer stack; fails for a graph. */
    default MultiLayerNetwork layers() {
        throw new IllegalStateException("This network is a ComputationGraph (the spec has @Residual): use graph()");
    }

    /** The graph; fails for a layer stack. */
    default ComputationGraph graph() {
        throw new IllegalStateException("This network is a MultiLayerNetwork (a stack of layers): use layers()");
    }

    /** Inference on one batch; {@code mask} marks the real steps of padded sequences (null: none). */
    INDArray output(INDArray x, INDArray mask);

    /** As {@link #output(INDArray, INDArray)}, with the output placed in {@code workspace}. */
    INDArray output(INDArray x, INDArray mask, MemoryWorkspace workspace);

    /** One step of training on a batch. */
    void fit(DataSet batch);

    /** The loss of the last batch fitted, with regularization terms. */
    default double score() {
        return dl4j().score();
    }

    default INDArray params() {
        return dl4j().params();
    }

    default void setParams(INDArray params) {
        dl4j().setParams(params);
    }

    default long numParams() {
        return dl4j().numParams();
    }

    void setLearningRate(ISchedule schedule);

    /** One layer's learning rate, by the layer's name (discriminative rates); a layer without a rate ignores it. */
    void setLearningRate(String layer, ISchedule schedule);

    /**
     * Puts {@code schedule} on a layer configuration's updaters, in place. The network's updater holds
     * these same objects, so the schedule takes effect at the next step; unlike DL4J's
     * {@code setLearningRate(layer, ...)} nothing is rebuilt, which fails on a network with frozen
     * layers. A frozen layer (not a {@code BaseLayer}) is left alone.
     */
    static void schedule(org.deeplearning4j.nn.conf.layers.Layer conf, ISchedule schedule) {
        if (conf instanceof org.deeplearning4j.nn.conf.layers.BaseLayer b) {
            for (org.nd4j.linalg.learning.config.IUpdater u : new org.nd4j.linalg.learning.config.IUpdater[] {
                    b.getIUpdater(), b.getBiasUpdater()}) {
                if (u != null && u.hasLearningRate()) {
                    u.setLrAndSchedule(Double.NaN, schedule);
                }
            }
        }
    }

    int iterationCount();

    /** The configuration of the output layer. */
    Layer outputLayer();

    /** Each layer's configuration and its activations on {@code x} (inference mode), in the network's order. */
    List<Activations> activations(INDArray x);

    /** A layer's output on some input. */
    record Activations(Layer layer, INDArray values) {}

    /** A stack of layers. */
    record Layers(MultiLayerNetwork net) implements Network {
        @Override
        public Model dl4j() {
            return net;
        }

        @Override
        public MultiLayerNetwork layers() {
            return net;
        }

        @Override
        public INDArray output(INDArray x, INDArray mask) {
            return net.output(x, false, mask, null);
        }

        @Override
        public INDArray output(INDArray x, INDArray mask, MemoryWorkspace workspace) {
            return net.output(x, false, mask, null, workspace);
        }

        @Override
        public void fit(DataSet batch) {
            net.fit(batch);
        }

        @Override
        public void setLearningRate(ISchedule schedule) {
            net.setLearningRate(schedule);
        }

        @Override
        public void setLearningRate(String layer, ISchedule schedule) {
            for (int i = 0; i < net.getnLayers(); i++) {
                // the configuration list, not the layer: a frozen layer's conf() is its inner layer's
                org.deeplearning4j.nn.conf.layers.Layer conf = net.getLayerWiseConfigurations().getConf(i).getLayer();
                if (layer.equals(conf.getLayerName())) {
                    Network.schedule(conf, schedule);
                }
            }
        }

        @Override
        public int iterationCount() {
            return net.getIterationCount();
        }

        @Override
        public Layer outputLayer() {
            return net.getOutputLayer().conf().getLayer();
        }

        @Override
        public List<Activations> activations(INDArray x) {
            List<INDArray> all = net.feedForward(x, false);
            List<Activations> byLayer = new ArrayList<>();
            for (int i = 0; i < net.getnLayers(); i++) {
                byLayer.add(new Activations(net.getLayer(i).conf().getLayer(), all.get(i + 1)));
            }
            return byLayer;
        }
    }

    /** A graph of layers and vertices, with one input and one output. */
    record Graph(ComputationGraph net) implements Network {
        @Override
        public Model dl4j() {
            return net;
        }

        @Override
        public ComputationGraph graph() {
            return net;
        }

        @Override
        public INDArray output(INDArray x, INDArray mask) {
            return net.output(false, new INDArray[] {x}, mask == null ? null : new INDArray[] {mask}, null)[0];
        }

        @Override
        public INDArray output(INDArray x, INDArray mask, MemoryWorkspace workspace) {
            return net.output(false, new INDArray[] {x}, mask == null ? null : new INDArray[] {mask}, null,
                    workspace)[0];
        }

        @Override
        public void fit(DataSet batch) {
            net.fit(batch);
        }

        @Override
        public void setLearningRate(ISchedule schedule) {
            net.setLearningRate(schedule);
        }

        @Override
        public void setLearningRate(String layer, ISchedule schedule) {
            // the configuration's vertex, not the layer: a frozen layer's conf() is its inner layer's
            if (net.getConfiguration().getVertices().get(layer)
                    instanceof org.deeplearning4j.nn.conf.graph.LayerVertex v) {
                Network.schedule(v.getLayerConf().getLayer(), schedule);
            }
        }

        @Override
        public int iterationCount() {
            return net.getIterationCount();
        }

        @Override
        public Layer outputLayer() {
            return net.getOutputLayer(0).conf().getLayer();
        }

        @Override
        public List<Activations> activations(INDArray x) {
            Map<String, INDArray> all = net.feedForward(x, false);
            List<Activations> byLayer = new ArrayList<>();
            for (org.deeplearning4j.nn.api.Layer layer : net.getLayers()) {
                Layer conf = layer.conf().getLayer();
                byLayer.add(new Activations(conf, all.get(conf.getLayerName())));
            }
            return byLayer;
        }
    }
}
