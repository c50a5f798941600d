package io.kiln.runtime;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;

/** <b>Public API</b>. Builds the network configuration once the encoded input width is known (generated {@code <Name>Network::configuration}). */
@FunctionalInterface
public interface NetworkFactory {
    MultiLayerConfiguration configuration(int numInputs, long seed);
}
