package io.kiln.dsl;

/** Loss functions of the {@link Output output layer}. */
public enum Loss {
    /** The loss the task calls for (see {@link Task}). */
    DEFAULT,
    /** Binary cross-entropy (log loss): binary and multilabel classification. */
    BINARY_CROSS_ENTROPY,
    /** Categorical cross-entropy: multiclass classification with softmax. */
    CATEGORICAL_CROSS_ENTROPY,
    /** Kullback-Leibler divergence between label and predicted distributions (multiclass). */
    KL_DIVERGENCE,
    /** Mean squared error: regression. */
    MEAN_SQUARED_ERROR,
    /** Mean absolute error: regression robust to outliers. */
    MEAN_ABSOLUTE_ERROR,
    /**
     * Mean squared logarithmic error: regression of non-negative targets spanning magnitudes.
     * Needs a non-negative output activation ({@link Activation#SOFTPLUS} or {@link Activation#RELU}).
     */
    MEAN_SQUARED_LOGARITHMIC_ERROR,
    /** Poisson negative log-likelihood: regression of counts. Needs {@link Activation#SOFTPLUS} or {@link Activation#RELU}. */
    POISSON
}
