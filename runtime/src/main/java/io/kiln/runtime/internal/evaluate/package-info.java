/**
 * Internal: metrics per task at the decision threshold, curves and baselines ({@link
 * io.kiln.runtime.internal.evaluate.Metrics}); data warnings, dead ReLU units and the fit diagnosis
 * ({@link io.kiln.runtime.internal.evaluate.Diagnostics}).
 */
package io.kiln.runtime.internal.evaluate;
