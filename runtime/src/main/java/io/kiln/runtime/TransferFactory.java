package io.kiln.runtime;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;

/**
 * <b>Public API</b>. Builds the network of a spec with a {@code @Transfer} (generated
 * {@code <Name>Network::configuration}): the reused layers first ({@link ReusedLayers#prepend}), then
 * the spec's own layers, with the spec's optimizer and penalties on all of them.
 */
@FunctionalInterface
public interface TransferFactory {
    MultiLayerConfiguration configuration(ReusedLayers reused, int numInputs, long seed);
}
