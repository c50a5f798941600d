package io.kiln.runtime;

/** <b>Public API</b>. The kind of a feature, decided by its declared Java type. */
public enum FeatureKind {
    /** double, float, int, long: one input. */
    NUMERIC,
    /** boolean: one 0/1 input. */
    BOOLEAN,
    /** String or enum: one-hot (one input per level) or ordinal (one input). */
    CATEGORICAL,
    /** Free text ({@code @Text}): token ids or a bag of words over a vocabulary fitted on training rows. */
    TEXT
}
