package io.kiln.runtime;

/** <b>Public API</b>. How label values are written in the data. */
public enum LabelCoding {
    /** A boolean cell (true/false, yes/no, 1/0): binary classes {@code false, true}. */
    BOOLEAN,
    /** An integer class index 0..n-1 into the declared classes. */
    INDEX,
    /** The class name itself. */
    NAME,
    /** One boolean (0/1) column per label: multilabel classification. */
    MULTI_HOT,
    /** One numeric column per target: regression. */
    VALUES
}
