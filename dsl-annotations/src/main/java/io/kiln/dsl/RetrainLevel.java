package io.kiln.dsl;

/** How much of the model a {@link Retrain} trains again (seed 000: "what level of retraining"). */
public enum RetrainLevel {
    /** A new network from random weights, its preprocessing fitted on the retraining rows. */
    SCRATCH,
    /**
     * Every layer continues from the champion's weights, optimizer state and learning-rate schedule
     * position (a warm start).
     */
    FINE_TUNE,
    /**
     * Only the top {@link Retrain#trainTop()} layers with weights continue from the champion's weights;
     * the layers below stay frozen.
     */
    TOP_LAYERS
}
