/**
 * Internal: forward passes outside DL4J's {@code output} ({@link io.kiln.runtime.internal.inference.DenseForward}
 * in plain Java for few rows, {@link io.kiln.runtime.internal.inference.BatchForward} into reused ND4J
 * arrays for large batches) and prediction output ({@link io.kiln.runtime.internal.inference.PredictionCsv},
 * {@link io.kiln.runtime.internal.inference.TextBuffer}). Does not depend on training.
 */
package io.kiln.runtime.internal.inference;
