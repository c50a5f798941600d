/**
 * Internal: writing files atomically ({@link io.kiln.runtime.internal.model.AtomicFiles}, used for model
 * files, reports and checkpoints) and the versions recorded in a model's provenance
 * ({@link io.kiln.runtime.internal.model.Versions}), and ND4J's native thread counts
 * ({@link io.kiln.runtime.internal.model.NativeThreads}).
 */
package io.kiln.runtime.internal.model;
