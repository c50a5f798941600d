package io.kiln.dsl;

/** Which of the retained labelled rows a {@link Retrain} trains the challenger on. */
public enum RetrainData {
    /** Every retained row (the declared training data and every batch since, up to {@link Retrain#retain()}). */
    ALL,
    /** The most recent {@link Retrain#window()} rows. */
    WINDOW,
    /** The rows that arrived since the last retraining. */
    NEW
}
