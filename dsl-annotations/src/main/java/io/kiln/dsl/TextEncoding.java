package io.kiln.dsl;

/** How a {@link Text} feature is turned into numbers. */
public enum TextEncoding {
    /**
     * Token ids in text order, {@code maxTokens} of them (0 pads a shorter text, 1 is a token
     * outside the vocabulary), for an {@link Embedding} layer.
     */
    TOKENS,
    /** One input per vocabulary token: 1 if the text contains it, else 0. */
    BAG_OF_WORDS
}
