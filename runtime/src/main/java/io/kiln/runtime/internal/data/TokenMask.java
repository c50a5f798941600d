package io.kiln.runtime.internal.data;

import io.kiln.runtime.TextSettings;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The feature mask of token-id inputs ({@code @Text} with TOKENS encoding): 1 for a token, 0 for
 * the padding after a text's last one, so recurrent layers, {@code @LastTimeStep} and global
 * pooling see only the text. The first step always counts, so an empty text is one unknown step
 * rather than nothing (which DL4J's last-step lookup cannot take).
 */
public final class TokenMask {
    private TokenMask() {}

    /** The {@code [rows, steps]} mask of {@code x}, or null when the model has no token input. */
    public static INDArray of(INDArray x, int tokenColumns) {
        if (tokenColumns == 0) {
            return null;
        }
        INDArray mask = x.neq(TextSettings.PADDING).castTo(x.dataType());
        mask.getColumn(0).assign(1);
        return mask;
    }
}
