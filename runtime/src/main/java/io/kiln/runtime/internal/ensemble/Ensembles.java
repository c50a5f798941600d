package io.kiln.runtime.internal.ensemble;

import io.kiln.runtime.Network;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;

/**
 * Several trained networks of the same inputs and outputs as one network that predicts their average
 * (probabilities for classification, values for regression): a Deeplearning4j graph in which each
 * member's layers run side by side on the shared input, each member's output layer becomes a dense
 * layer of the same weights and activation, an element-wise average joins them, and a loss layer
 * (no weights, the identity) makes the average the graph's output. It is saved, loaded and served as
 * any graph; it is for prediction, not for training further.
 */
public final class Ensembles {
    /** The graph's input, as the generated graphs name theirs. */
    static final String INPUT = "kiln-input";

    private Ensembles() {}

    /** The average of {@code members}: networks with the same input width and outputs. */
    public static Network average(List<Network> members) {
        if (members.size() < 2) {
            throw new IllegalArgumentException("An ensemble averages at least two members, not " + members.size());
        }
        Network first = members.get(0);
        // no seed: every weight is copied from a member
        ComputationGraphConfiguration.GraphBuilder graph = new NeuralNetConfiguration.Builder()
                .dataType(first.dl4j().params().dataType()).graphBuilder().addInputs(INPUT);
        String[] outputs = new String[members.size()];
        BaseOutputLayer lastConf = null;
        for (int m = 0; m < members.size(); m++) {
            Network member = members.get(m);
            if (member instanceof Network.Layers layers) {
                MultiLayerConfiguration conf = layers.layers().getLayerWiseConfigurations();
                String previous = INPUT;
                for (int i = 0; i < conf.getConfs().size(); i++) {
                    Layer layer = conf.getConf(i).getLayer();
                    String name = vertex(m, i);
                    lastConf = layer instanceof BaseOutputLayer out ? out : lastConf;
                    add(graph, name, layer, conf.getInputPreProcess(i), previous);
                    previous = name;
                }
                outputs[m] = previous;
            } else {
                ComputationGraphConfiguration conf = ((Network.Graph) member).graph().getConfiguration();
                int at = m;
                List<String> inputs = conf.getNetworkInputs();
                for (Map.Entry<String, GraphVertex> v : conf.getVertices().entrySet()) {
                    String[] from = conf.getVertexInputs().get(v.getKey()).stream()
                            .map(in -> inputs.contains(in) ? INPUT : prefixed(at, in)).toArray(String[]::new);
                    if (v.getValue() instanceof LayerVertex lv) {
                        Layer layer = lv.getLayerConf().getLayer();
                        lastConf = layer instanceof BaseOutputLayer out ? out : lastConf;
                        add(graph, prefixed(m, v.getKey()), layer, lv.getPreProcessor(), from);
                    } else {
                        graph.addVertex(prefixed(m, v.getKey()), v.getValue().clone(), from);
                    }
                }
                outputs[m] = prefixed(m, conf.getNetworkOutputs().get(0));
            }
        }
        graph.addVertex("average", new ElementWiseVertex(ElementWiseVertex.Op.Average), outputs);
        graph.addLayer("out", new LossLayer.Builder().lossFunction(lastConf.getLossFn()).activation(Activation.IDENTITY)
                .build(), "average");
        graph.setOutputs("out");
        ComputationGraph ensemble = new ComputationGraph(graph.build());
        ensemble.init();
        for (int m = 0; m < members.size(); m++) {
            Network member = members.get(m);
            if (member instanceof Network.Layers layers) {
                MultiLayerNetwork net = layers.layers();
                for (int i = 0; i < net.getnLayers(); i++) {
                    if (net.getLayer(i).numParams() > 0) {
                        ensemble.getLayer(vertex(m, i)).setParams(net.getLayer(i).params().dup());
                    }
                }
            } else {
                for (org.deeplearning4j.nn.api.Layer l : ((Network.Graph) member).graph().getLayers()) {
                    if (l.numParams() > 0) {
                        ensemble.getLayer(prefixed(m, l.getConfig().getLayerName())).setParams(l.params().dup());
                    }
                }
            }
        }
        return new Network.Graph(ensemble);
    }

    /** A member's layer in the graph; its output layer becomes a dense layer of the same weights and activation. */
    private static void add(ComputationGraphConfiguration.GraphBuilder graph, String name, Layer conf,
            InputPreProcessor pre, String... inputs) {
        Layer layer = conf.clone();
        if (layer instanceof BaseOutputLayer out) {
            layer = new DenseLayer.Builder().nIn(out.getNIn()).nOut(out.getNOut()).activation(out.getActivationFn())
                    .hasBias(out.hasBias()).build();
        }
        layer.setLayerName(name);
        if (pre != null) {
            graph.addLayer(name, layer, pre.clone(), inputs);
        } else {
            graph.addLayer(name, layer, inputs);
        }
    }

    /** Vertex {@code name} of member {@code m} (a graph member). */
    static String prefixed(int m, String name) {
        return "member" + m + "-" + name;
    }

    /** Layer {@code i} of member {@code m}. */
    static String vertex(int m, int i) {
        return "member" + m + "-" + i;
    }
}
