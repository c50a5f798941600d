package io.kiln.runtime.internal.batch;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.kiln.runtime.internal.model.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How far a scoring run got, saved as {@code <output>.checkpoint} (JSON) at each commit (once per
 * checkpoint interval, and after the last chunk): which input and model it is for, and how many input rows and output bytes are safely on
 * disk. Replaced atomically, so it always describes a state the partial output really reached.
 *
 * @param format {@value #FORMAT}
 * @param input the input file
 * @param model the model file and its identity
 * @param rows data rows of the input consumed: scored or rejected
 * @param scored rows written to the output
 * @param rejected rows written to the rejects file
 * @param inputOffset the byte offset of the input where the next row is looked for
 * @param nextLine the line at {@code inputOffset}
 * @param outputBytes bytes of the partial output that hold those rows (with the header)
 * @param rejectBytes bytes of the partial rejects file (0: none written)
 * @param complete whether every row was scored (the outputs may already be renamed)
 * @param batchSize rows per chunk; a resumed run keeps it, so that every row is predicted in the
 *     same batch as in an uninterrupted run (a network's floating-point sums depend on the batch)
 */
public record Checkpoint(String format, FileIdentity input, ModelIdentity model, long rows, long scored, long rejected,
        long inputOffset, long nextLine, long outputBytes, long rejectBytes, boolean complete, int batchSize) {

    static final String FORMAT = "kiln-score-checkpoint/1";
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /**
     * An input file as it was when scoring started.
     *
     * @param path absolute path
     * @param size bytes
     * @param lastModified modification time, milliseconds since the epoch
     * @param headSha256 SHA-256 of the first 64 KB
     */
    public record FileIdentity(String path, long size, long lastModified, String headSha256) {}

    /**
     * The model that scored the rows.
     *
     * @param path absolute path of the model file
     * @param sha256 SHA-256 of the model file
     * @param createdAt when the model was saved
     */
    public record ModelIdentity(String path, String sha256, String createdAt) {}

    /** The checkpoint of a run that has not scored anything yet. */
    static Checkpoint start(FileIdentity input, ModelIdentity model, int batchSize) {
        return new Checkpoint(FORMAT, input, model, 0, 0, 0, 0, 1, 0, 0, false, batchSize);
    }

    /** The checkpoint after a further chunk. */
    Checkpoint advance(long moreScored, long moreRejected, long offset, long line, long outputSize, long rejectSize,
            boolean done) {
        return new Checkpoint(format, input, model, rows + moreScored + moreRejected, scored + moreScored,
                rejected + moreRejected, offset, line, outputSize, rejectSize, done, batchSize);
    }

    /** Reads a checkpoint; null when there is none. */
    static Checkpoint read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return null;
        }
        Checkpoint c;
        try {
            c = JSON.readValue(file.toFile(), Checkpoint.class);
        } catch (IOException e) {
            throw new IOException(file + " is not a scoring checkpoint (" + e.getMessage().lines().findFirst().orElse("")
                    + "). Pass --restart to score from the beginning.", e);
        }
        if (!FORMAT.equals(c.format()) || c.batchSize() <= 0) {
            throw new IOException(file + " has format " + c.format() + ", not " + FORMAT
                    + ". Pass --restart to score from the beginning.");
        }
        return c;
    }

    /** Writes the checkpoint atomically (and durably). */
    void write(Path file) throws IOException {
        AtomicFiles.write(file, JSON.writeValueAsBytes(this));
    }

    /**
     * How this checkpoint's run differs from a run of {@code otherInput} with {@code otherModel}:
     * an empty list when it can be resumed.
     */
    List<String> differences(FileIdentity otherInput, ModelIdentity otherModel) {
        List<String> d = new ArrayList<>();
        if (!input.path().equals(otherInput.path())) {
            d.add("it is for input " + input.path());
        } else {
            if (input.size() != otherInput.size()) {
                d.add("the input's size changed from " + input.size() + " to " + otherInput.size() + " bytes");
            }
            if (input.lastModified() != otherInput.lastModified()) {
                d.add("the input was modified since");
            }
            if (!input.headSha256().equals(otherInput.headSha256())) {
                d.add("the input's first 64 KB changed");
            }
        }
        if (!model.sha256().equals(otherModel.sha256())) {
            d.add("it was scored with another model (" + model.path() + ", saved " + model.createdAt() + ")");
        }
        return d;
    }
}
