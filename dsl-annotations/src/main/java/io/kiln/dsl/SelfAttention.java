package io.kiln.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Multi-head scaled dot-product self-attention over a sequence, on a {@link Layer} field: each step's output is a
 * weighted mix of every step's values, weighted by how well its query matches their keys, so a step can draw on any
 * other however far apart (the core of the Transformer). Queries, keys and values are learnt projections of the
 * input, one set per head; the heads' results are projected to {@code units} values per step. Padded steps of a
 * text are masked. The sequence keeps its length: collapse it with {@link GlobalPool} before a dense layer.
 */
@Documented
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.FIELD)
public @interface SelfAttention {
    /** Attention heads, each with its own projections; at least 1. */
    int heads() default 1;

    /** Values per head; 0 means {@code units / heads}, which must then divide evenly. */
    int headSize() default 0;

    /** Values per step of the output; 0 means as many as the input has. */
    int units() default 0;
}
