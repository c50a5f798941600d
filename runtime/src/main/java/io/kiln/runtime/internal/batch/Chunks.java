package io.kiln.runtime.internal.batch;

import io.kiln.runtime.DataException;
import io.kiln.runtime.Predictions;
import java.util.List;

/** What the stages of a scoring run hand each other. */
final class Chunks {
    private Chunks() {}

    /**
     * A rejected row: its line, the column at fault (empty when the whole row is), why, and the
     * row as it is in the file.
     */
    record Reject(long line, String column, String reason, String text) {
        static Reject of(DataException e, String text) {
            return new Reject(e.line(), e.column() == null ? "" : e.column(), e.reason(), text);
        }
    }

    /**
     * Up to a batch of consecutive input rows, encoded.
     *
     * @param inputs {@code rows × width} network inputs
     * @param rows the rows encoded
     * @param lines the input line of each encoded row
     * @param rejects rows rejected under {@code --on-error skip}, in order
     * @param offset the input's byte offset after these rows
     * @param nextLine the line at {@code offset}
     * @param last whether the input ends (or fails) after these rows
     * @param failure the error the input stopped on after these rows, or null
     */
    record Parsed(float[] inputs, int rows, long[] lines, List<Reject> rejects, long offset, long nextLine,
            boolean last, RuntimeException failure) {}

    /** A parsed chunk with its predictions (null when it has no rows). */
    record Predicted(Parsed parsed, Predictions predictions) {}
}
