/**
 * Internal: preprocessing fitted on training rows (scaling, fill values, levels, vocabularies) and
 * the encoding of rows into network inputs ({@link io.kiln.runtime.internal.preprocess.Preprocessor},
 * {@link io.kiln.runtime.internal.preprocess.FeatureTransform}, saved in the model file).
 */
package io.kiln.runtime.internal.preprocess;
