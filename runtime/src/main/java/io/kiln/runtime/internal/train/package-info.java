/**
 * Internal: the training loop. {@link io.kiln.runtime.internal.train.TrainingLoop} runs one model's
 * epochs; each per-epoch concern is an {@code EpochCallback} of its own (divergence check, progress,
 * the caller's listener, best epoch, early stopping, reduce-on-plateau). {@link
 * io.kiln.runtime.internal.train.ProtocolRun} holds how the protocols run (holdout and temporal, with
 * an optional retrain; k-fold through {@link io.kiln.runtime.internal.train.CrossValidation}); the
 * protocol records call it. Inference never depends on this package.
 */
package io.kiln.runtime.internal.train;
