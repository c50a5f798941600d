/**
 * Offline batch inference: {@link io.kiln.runtime.batch.BatchScorer} streams CSV files through a
 * saved model into prediction files, in bounded memory, resumably (the {@code score} command).
 */
package io.kiln.runtime.internal.batch;
