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
 *
 * <p>With {@link #vectors()} the vectors start from pretrained word vectors (transfer learning for
 * text): each token of the vocabulary found in the file starts with its vector; the others, and the
 * unknown token, start random, and training reports how many were missing.
 */
@Documented
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.FIELD)
public @interface Embedding {
    /** Values per token; positive. With {@link #vectors()}, the file's vector length. */
    int units();

    /**
     * Pretrained word vectors in the common text format (GloVe, fastText {@code .vec}, word2vec text):
     * one token and its {@link #units()} numbers per line, separated by spaces; a first line of two
     * numbers (count and length) is skipped. A file-system path, relative to the working directory.
     * Empty: vectors learnt from random ones.
     */
    String vectors() default "";

    /** Keep the pretrained vectors fixed while the other layers train; needs {@link #vectors()}. */
    boolean freeze() default false;
}
