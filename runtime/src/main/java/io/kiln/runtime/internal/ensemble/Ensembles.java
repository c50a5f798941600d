package io.kiln.runtime.internal.ensemble;

import io.kiln.runtime.Network;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
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

    /** The average of {@code members}, stacks of layers with the same input width and outputs. */
    public static Network average(List<Network> members) {
        if (members.size() < 2) {
            throw new IllegalArgumentException("An ensemble averages at least two members, not " + members.size());
        }
        List<MultiLayerNetwork> nets = new ArrayList<>();
        for (Network m : members) {
            if (!(m instanceof Network.Layers layers)) {
                throw new IllegalArgumentException("An ensemble's members are stacks of layers; a graph (@Residual) "
                        + "cannot be a member yet");
            }
            nets.add(layers.layers());
        }
        MultiLayerConfiguration first = nets.get(0).getLayerWiseConfigurations();
        ComputationGraphConfiguration.GraphBuilder graph = new NeuralNetConfiguration.Builder()
                .seed(first.getConf(0).getSeed()).dataType(first.getDataType()).graphBuilder().addInputs(INPUT);
        String[] outputs = new String[nets.size()];
        Layer lastConf = null;
        for (int m = 0; m < nets.size(); m++) {
            MultiLayerConfiguration conf = nets.get(m).getLayerWiseConfigurations();
            String previous = INPUT;
            for (int i = 0; i < conf.getConfs().size(); i++) {
                Layer layer = conf.getConf(i).getLayer().clone();
                if (layer instanceof BaseOutputLayer out) {
                    lastConf = out;
                    layer = new DenseLayer.Builder().nIn(out.getNIn()).nOut(out.getNOut())
                            .activation(out.getActivationFn()).hasBias(out.hasBias()).build();
                }
                String name = vertex(m, i);
                layer.setLayerName(name);
                InputPreProcessor pre = conf.getInputPreProcess(i);
                if (pre != null) {
                    graph.addLayer(name, layer, pre.clone(), previous);
                } else {
                    graph.addLayer(name, layer, previous);
                }
                previous = name;
            }
            outputs[m] = previous;
        }
        graph.addVertex("average", new ElementWiseVertex(ElementWiseVertex.Op.Average), outputs);
        BaseOutputLayer out = (BaseOutputLayer) lastConf;
        graph.addLayer("out", new LossLayer.Builder().lossFunction(out.getLossFn()).activation(Activation.IDENTITY)
                .build(), "average");
        graph.setOutputs("out");
        ComputationGraph ensemble = new ComputationGraph(graph.build());
        ensemble.init();
        for (int m = 0; m < nets.size(); m++) {
            MultiLayerNetwork net = nets.get(m);
            for (int i = 0; i < net.getnLayers(); i++) {
                if (net.getLayer(i).numParams() > 0) {
                    ensemble.getLayer(vertex(m, i)).setParams(net.getLayer(i).params().dup());
                }
            }
        }
        return new Network.Graph(ensemble);
    }

    /** Layer {@code i} of member {@code m}. */
    static String vertex(int m, int i) {
        return "member" + m + "-" + i;
    }
}
