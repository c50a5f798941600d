package io.kiln.runtime;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;

/**
 * <b>Public API</b>. Builds the graph configuration of a spec with residual connections once the encoded input width
 * is known (generated {@code <Name>Network::configuration}); the graph counterpart of {@link NetworkFactory}.
 */
@FunctionalInterface
public interface GraphFactory {
    ComputationGraphConfiguration configuration(int numInputs, long seed);
}
