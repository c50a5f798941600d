package io.kiln.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A learned vector of {@link #units()} values per token, on a {@link Layer} field: the first layer
 * of a spec whose only feature is a {@link Text} with {@link TextEncoding#TOKENS}. It turns the
 * token ids into a sequence ({@code maxTokens} steps of {@code units} values), which
 * {@link Lstm}, {@link Conv1D} or {@link GlobalPool} can follow. Parameters:
 * {@code (vocabulary + 2) · units} (the two extra rows are the padding and the unknown token).
 */
@Documented
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.FIELD)
public @interface Embedding {
    /** Values per token; positive. */
    int units();
}
