package io.kiln.runtime;

/**
 * A single train / validation / test split.
 *
 * @param validation fraction of rows for validation, in [0, 1)
 * @param test fraction of rows for the final test, in (0, 1)
 * @param stratified keep class proportions in every split (classification)
 * @param shuffle shuffle rows before splitting
 */
public record HoldoutProtocol(double validation, double test, boolean stratified, boolean shuffle) {}
