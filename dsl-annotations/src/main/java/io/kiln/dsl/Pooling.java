package io.kiln.dsl;

/** How {@link Pool2D} and {@link GlobalPool} reduce a window. */
public enum Pooling {
    /** The largest value. */
    MAX,
    /** The mean. */
    AVG
}
