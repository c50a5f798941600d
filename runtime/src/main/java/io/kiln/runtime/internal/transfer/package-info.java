/**
 * Transfer learning: the source network read from a Kiln model file or a Keras 2 HDF5 file, cut at
 * the declared layer, its preprocessing reused, and each run's network built with the reused layers
 * frozen, fine-tuned or gradually unfrozen, at their own learning rates, pulled toward the source's
 * weights (L2-SP) where declared.
 */
package io.kiln.runtime.internal.transfer;
