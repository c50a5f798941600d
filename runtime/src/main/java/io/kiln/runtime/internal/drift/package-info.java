/**
 * Internal: each feature's training distribution ({@link io.kiln.runtime.internal.drift.DriftProfile},
 * saved in the model file), which the public {@code DriftReport} and {@code DriftMonitor} compare data against.
 */
package io.kiln.runtime.internal.drift;
