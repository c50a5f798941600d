package io.kiln.dsl;

/** Which of the retained labelled rows a {@link Retrain} trains the challenger on. */
public enum RetrainData {
    /** Every retained row (the declared training data and every batch since, up to {@link Retrain#retain()}). */
    ALL,
    /** The {@link Retrain#window()} rows just before the acceptance window (or those within {@link Retrain#span()}). */
    WINDOW,
    /**
     * The rows since the last retraining, starting with that retraining's acceptance window (which it did
     * not train on).
     */
    NEW
}
