package io.kiln.dsl;

/**
 * What to do with a missing value (an empty cell or one of {@link CsvData#missingValues()}).
 * Replacement values are learnt from the training split only.
 */
public enum Missing {
    /** Use the spec's {@link Preprocessing} default for the feature's kind. */
    DEFAULT,
    /** A missing value is a data error that names the file, line and column. */
    ERROR,
    /** Replace with the training mean (numeric features). */
    MEAN,
    /** Replace with the training median (numeric features). */
    MEDIAN,
    /** Replace with the most frequent training value (any feature). */
    MOST_FREQUENT,
    /** Replace with {@link Feature#constant()} (any feature; for categoricals it must be a level). */
    CONSTANT,
    /** Encode "missing" as a category of its own (categorical features). */
    MISSING_CATEGORY
}
