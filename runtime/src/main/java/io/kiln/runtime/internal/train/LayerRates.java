package io.kiln.runtime.internal.train;

import io.kiln.runtime.Network;
import java.util.LinkedHashMap;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Each layer's learning rate relative to the output layer's, as the network's configuration sets
 * them (a layer's own {@code learningRate}, a transfer's discriminative rates), so that a schedule
 * installed on the network keeps those ratios.
 */
final class LayerRates {
    private LayerRates() {}

    /**
     * Each layer with a learning rate and its rate over {@code base} (the rate the schedule starts
     * from); null when every layer trains at {@code base}.
     */
    static Map<String, Double> factors(Network network, double base) {
        Layer[] layers = network.dl4j() instanceof MultiLayerNetwork net ? net.getLayers()
                : ((ComputationGraph) network.dl4j()).getLayers();
        if (Double.isNaN(base) || base <= 0) {
            return null;
        }
        Map<String, Double> factors = new LinkedHashMap<>();
        boolean differ = false;
        for (Layer layer : layers) {
            double rate = rate(layer.conf().getLayer());
            if (!Double.isNaN(rate)) {
                factors.put(layer.conf().getLayer().getLayerName(), rate / base);
                differ |= rate != base;
            }
        }
        return differ ? factors : null;
    }

    /**
     * The rate the layers without one of their own train at: {@code declared} (a schedule's base) when
     * some layer has it, else the rate most layers share, ties going to the output layer's.
     */
    static double reference(Network network, double declared) {
        Layer[] layers = network.dl4j() instanceof MultiLayerNetwork net ? net.getLayers()
                : ((ComputationGraph) network.dl4j()).getLayers();
        Map<Double, Integer> counts = new LinkedHashMap<>();
        for (Layer layer : layers) {
            double rate = rate(layer.conf().getLayer());
            if (!Double.isNaN(rate)) {
                counts.merge(rate, 1, Integer::sum);
            }
        }
        if (counts.containsKey(declared)) {
            return declared;
        }
        double output = rate(network.outputLayer());
        int most = counts.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        if (counts.getOrDefault(output, 0) == most) {
            return output;
        }
        return counts.entrySet().stream().filter(e -> e.getValue() == most).findFirst().map(Map.Entry::getKey)
                .orElse(output);
    }

    private static double rate(org.deeplearning4j.nn.conf.layers.Layer conf) {
        return conf instanceof BaseLayer b && b.getIUpdater() != null && b.getIUpdater().hasLearningRate()
                ? b.getIUpdater().getLearningRate(0, 0) : Double.NaN;
    }
}
