package io.kiln.runtime.internal.batch;

import io.kiln.runtime.internal.data.LabeledData;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The tokens a source marks missing values with ({@code NA}, {@code ?}, maybe {@code -999}), matched against records' cells. */
final class MissingTokens {
    private final Set<String> tokens;
    private final byte[][] bytes;
    /** Whether a token looks like a number, so numbers must be checked against the tokens. */
    private final boolean numeric;

    MissingTokens(List<String> missingValues) {
        this.tokens = new HashSet<>(missingValues);
        this.bytes = missingValues.stream().map(t -> t.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
        boolean numericToken = false;
        for (byte[] t : bytes) {
            numericToken |= !Double.isNaN(DecimalParser.parse(t, 0, t.length));
        }
        this.numeric = numericToken;
    }

    /** Whether some token reads as a number (such as {@code -999}). */
    boolean hidesNumbers() {
        return numeric;
    }

    /** Whether field {@code c} of the record, which reads as a number, is a missing-value token all the same. */
    boolean hidesNumber(CsvRecordReader record, int c) {
        if (!numeric) {
            return false;
        }
        for (byte[] token : bytes) {
            if (record.is(c, token)) {
                return true;
            }
        }
        return false;
    }

    /** Whether a cell's text is missing (empty or a token). */
    boolean isMissing(String cell) {
        return LabeledData.isMissing(cell, tokens);
    }
}
