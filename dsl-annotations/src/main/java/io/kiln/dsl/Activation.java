package io.kiln.dsl;

/** Activation functions of a layer. */
public enum Activation {
    /**
     * The default: {@link #RELU} on hidden layers; on the {@link Output output layer}, the
     * activation the task calls for (see {@link Task}).
     */
    DEFAULT,
    /** f(x) = x; the output activation of regression. */
    IDENTITY,
    /** max(0, x). */
    RELU,
    /** max(0.01x, x). */
    LEAKY_RELU,
    /** Exponential linear unit. */
    ELU,
    /** Scaled exponential linear unit. */
    SELU,
    /** Gaussian error linear unit. */
    GELU,
    /** x · sigmoid(x). */
    SWISH,
    /** Hyperbolic tangent, range (-1, 1). */
    TANH,
    /** Logistic function, range (0, 1); the output activation of binary and multilabel tasks. */
    SIGMOID,
    /** Piecewise-linear approximation of the sigmoid. */
    HARD_SIGMOID,
    /** log(1 + e^x), a smooth positive output. */
    SOFTPLUS,
    /** x / (1 + |x|). */
    SOFTSIGN,
    /** Normalizes the outputs to a probability distribution; the output of multiclass tasks. */
    SOFTMAX
}
