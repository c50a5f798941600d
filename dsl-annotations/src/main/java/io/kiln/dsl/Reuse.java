package io.kiln.dsl;

/**
 * What happens to the layers a {@link Transfer} reuses while the new layers train (seed 004, "How to
 * fine-tune").
 */
public enum Reuse {
    /**
     * Feature extraction: the reused layers stay exactly as the source trained them (frozen; dropout
     * and batch normalization in them run as in inference) and only the new layers train.
     */
    FREEZE,
    /**
     * Fine-tuning: every layer trains from the start, the reused ones at {@link Transfer#learningRate()}
     * (declare a low one) or the optimizer's rate.
     */
    FINE_TUNE,
    /**
     * Gradual unfreezing: the reused layers start frozen; every {@link Transfer#unfreezeEvery()} epochs
     * the topmost frozen layer with weights (and the layers without weights above it) starts training.
     */
    GRADUAL
}
