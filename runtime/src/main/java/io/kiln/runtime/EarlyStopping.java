package io.kiln.runtime;

import io.kiln.dsl.Metric;

/**
 * <b>Public API</b>. Early stopping on a validation value.
 *
 * @param monitor the validation value watched ({@link Metric#LOSS} or one of the task's metrics)
 * @param patience epochs without improvement before training stops
 * @param minDelta smallest change that counts as an improvement
 * @param restoreBest put back the best epoch's weights at the end
 */
public record EarlyStopping(Metric monitor, int patience, double minDelta, boolean restoreBest) {}
