package io.kiln.dsl;

/**
 * How a numeric feature is scaled. Statistics are always fitted on the training split only and
 * saved with the model, so prediction applies exactly the training transform.
 */
public enum Scaling {
    /** Use the spec's {@link Preprocessing#scaling()} (which itself defaults to {@link #STANDARDIZE}). */
    DEFAULT,
    /** Subtract the training mean, divide by the training standard deviation. */
    STANDARDIZE,
    /** Map the training range [min, max] to [0, 1]. */
    MIN_MAX,
    /** Feed the raw value. The compiler warns nothing; mind features with very different scales. */
    NONE
}
