package io.kiln.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayer;

/**
 * <b>Public API</b>. The layers a transfer reuses, as configurations cut from the source network: the
 * generated {@code <Name>Network::configuration} puts them first in its list with {@link #prepend}.
 * Each is a copy stripped of the source's optimizer, penalties and clipping, so the spec's global
 * settings apply to it as to the spec's own layers; the weights are copied in once the network is
 * built.
 */
public final class ReusedLayers {
    private final List<Layer> layers;
    private final Map<Integer, InputPreProcessor> preprocessors;

    /**
     * @param layers the source's layer configurations, bottom first (copied and stripped here)
     * @param preprocessors the source's input preprocessors of those layers, by index
     */
    public ReusedLayers(List<Layer> layers, Map<Integer, InputPreProcessor> preprocessors) {
        List<Layer> copies = new ArrayList<>();
        for (Layer l : layers) {
            copies.add(stripped(l));
        }
        this.layers = List.copyOf(copies);
        this.preprocessors = Map.copyOf(preprocessors);
    }

    /** Adds the reused layers, and the source's input preprocessors for them, to an empty list. */
    public NeuralNetConfiguration.ListBuilder prepend(NeuralNetConfiguration.ListBuilder list) {
        if (!list.getLayerwise().isEmpty()) {
            throw new IllegalStateException("The reused layers come first: prepend them to an empty list");
        }
        for (int i = 0; i < layers.size(); i++) {
            list.layer(deepCopy(layers.get(i)));
            InputPreProcessor p = preprocessors.get(i);
            if (p != null) {
                list.inputPreProcessor(i, p.clone());
            }
        }
        return list;
    }

    /**
     * A copy sharing nothing with {@code layer}: DL4J's {@code clone} leaves a wrapper's inner layer
     * (a {@code LastTimeStep}'s LSTM, a bidirectional layer's two) shared, and with it the optimizer
     * settings that gradual unfreezing changes, so two networks built from the same reused layers
     * (folds trained side by side) changed each other's.
     */
    static Layer deepCopy(Layer layer) {
        org.deeplearning4j.nn.conf.NeuralNetConfiguration holder = new org.deeplearning4j.nn.conf.NeuralNetConfiguration();
        holder.setLayer(layer.clone());
        return org.deeplearning4j.nn.conf.NeuralNetConfiguration.fromJson(holder.toJson()).getLayer();
    }

    /** How many layers are reused. */
    public int count() {
        return layers.size();
    }

    /** The reused layers' names, bottom first. */
    public List<String> names() {
        return layers.stream().map(Layer::getLayerName).toList();
    }

    /** A copy of a source layer without its optimizer, penalties and clipping (and unwrapped if frozen). */
    private static Layer stripped(Layer source) {
        Layer l = (source instanceof FrozenLayer f ? f.getLayer() : source).clone();
        if (l instanceof BaseLayer b) {
            b.setIUpdater(null);
            b.setBiasUpdater(null);
            b.setRegularization(new ArrayList<>());
            b.setRegularizationBias(new ArrayList<>());
            b.setGradientNormalization(null);
            b.setGradientNormalizationThreshold(Double.NaN);
            b.setWeightNoise(null);
        }
        return l;
    }
}
