package io.kiln.dsl;

/** How a categorical feature is turned into numbers. */
public enum Encoding {
    /** One input per level, 1 for the row's level and 0 for the others. */
    ONE_HOT,
    /**
     * One input holding the level's index in declaration order, then scaled like a numeric
     * feature. Use only for levels with a meaningful order (small &lt; medium &lt; large).
     */
    ORDINAL
}
