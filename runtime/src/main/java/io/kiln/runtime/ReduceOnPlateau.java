package io.kiln.runtime;

import io.kiln.dsl.Metric;

/**
 * <b>Public API</b>. Reduce the learning rate when a validation value stops improving.
 *
 * @param monitor the validation value watched
 * @param factor multiplier applied on a plateau, in (0, 1)
 * @param patience epochs without improvement before reducing
 * @param minDelta smallest change that counts as an improvement
 * @param minLearningRate floor of the learning rate
 */
public record ReduceOnPlateau(Metric monitor, double factor, int patience, double minDelta, double minLearningRate) {}
