package io.kiln.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A free-text input, on a {@code String} field (in place of {@link Feature}). Each value is
 * standardized (HTML entities decoded, lower-cased unless {@link #lowercase()} is false), split
 * into tokens (runs of letters and digits), and looked up in a vocabulary of the
 * {@link #vocabulary()} most frequent tokens of the training rows (fitted on them only, like every
 * preprocessing step). A missing value is an empty text.
 *
 * <p>{@link TextEncoding#TOKENS} gives the token ids of the first {@link #maxTokens()} tokens,
 * padded at the end: the input of an {@link Embedding} layer, the spec's only feature, with the
 * padding masked out of every recurrent and pooling layer after it. {@link TextEncoding#BAG_OF_WORDS}
 * gives one 0/1 input per vocabulary token (whether the text contains it), for dense layers.
 */
@Documented
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.FIELD)
public @interface Text {
    /** The data column; empty means the field name. */
    String column() default "";

    TextEncoding encoding() default TextEncoding.TOKENS;

    /** Tokens kept from the start of each text ({@link TextEncoding#TOKENS}); positive. */
    int maxTokens() default 200;

    /** Most frequent training tokens kept; the others are "unknown"; positive. */
    int vocabulary() default 10000;

    /** Lower-cases the text before splitting it. */
    boolean lowercase() default true;
}
