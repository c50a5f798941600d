/**
 * Public API: batch scoring from Java. {@link io.kiln.runtime.batch.BatchScorer} scores CSV files
 * or folders with a saved model, as the {@code score} command does; the pipeline behind it is in
 * {@code io.kiln.runtime.internal.batch}.
 */
package io.kiln.runtime.batch;
