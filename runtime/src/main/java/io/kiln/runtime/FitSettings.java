package io.kiln.runtime;

/**
 * <b>Public API</b>. Training settings.
 *
 * @param epochs passes over the training data
 * @param batchSize samples per gradient step
 * @param seed seed of initialization, splitting and shuffling
 */
public record FitSettings(int epochs, int batchSize, long seed) {}
