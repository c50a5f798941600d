package io.kiln.runtime.internal.learn;

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
 * What continuous learning has committed, saved as {@code state.json} in its work folder after every
 * batch (replaced atomically, so it always describes a state that was reached in full). A restart
 * truncates the batch log to {@link #logBytes}, forgets kept batch copies not listed in
 * {@link #retained}, and goes on with the first batch not in {@link #batches}.
 *
 * @param format {@value #FORMAT}
 * @param model the model's name
 * @param championVersion the store version of the champion
 * @param championReference the champion's primary metric on the rows it was accepted on (its test rows
 *     for the first champion); NaN when unknown
 * @param batches every batch file consumed (learnt from or rejected), in order
 * @param retained the rows kept for retraining: the declared data first (when any), then batch copies
 * @param rowsSeen rows learnt from batches so far
 * @param lastRetrainRow {@link #rowsSeen} at the last retraining
 * @param newFrom the number of the first row a retraining on the new rows takes: the first row of the last
 *     retraining's acceptance window (which it did not train on), or 0
 * @param retrainings retrainings so far (each seeds its challenger)
 * @param logBytes committed length of {@code log.jsonl}
 * @param pending the batch being learnt, recorded before its copy is read: a restarted run learns it first,
 *     from that copy, so that it keeps its number; null between batches
 */
public record LearnState(String format, String model, long championVersion, double championReference,
        List<Consumed> batches, List<Kept> retained, long rowsSeen, long lastRetrainRow, long newFrom,
        int retrainings, long logBytes, Pending pending) {

    public static final String FORMAT = "kiln-learn-state/1";
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /**
     * A consumed batch file.
     *
     * @param file its name in the inbox
     * @param sha256 its content's SHA-256
     * @param rows labelled rows learnt from; 0 when rejected
     */
    public record Consumed(String file, String sha256, int rows) {}

    /**
     * Rows kept for retraining.
     *
     * @param file the copy's name under {@code rows/}, or null for the declared data
     * @param firstRow the number of its first row among all batch rows (negative for the declared data)
     * @param rows how many
     * @param sha256 the SHA-256 of the rows as read (a restart refuses declared data that changed)
     */
    public record Kept(String file, long firstRow, int rows, String sha256) {}

    /**
     * A batch whose learning has begun but is not committed.
     *
     * @param file its name in the inbox
     * @param copy its copy's name under {@code rows/}
     */
    public record Pending(String file, String copy) {}

    public LearnState {
        batches = List.copyOf(batches);
        retained = List.copyOf(retained);
    }

    public static LearnState read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return null;
        }
        LearnState s;
        try {
            s = JSON.readValue(file.toFile(), LearnState.class);
        } catch (IOException e) {
            throw new IOException(file + " is not a Kiln learning state (" + e.getMessage().lines().findFirst()
                    .orElse("") + "). Point --work at the folder the learn command made, or at an empty one.", e);
        }
        if (!FORMAT.equals(s.format())) {
            throw new IOException(file + " has format " + s.format() + "; this runtime reads " + FORMAT);
        }
        return s;
    }

    public void write(Path file) throws IOException {
        AtomicFiles.write(file, JSON.writeValueAsBytes(this));
    }

    public boolean consumed(String name) {
        return batches.stream().anyMatch(b -> b.file().equals(name));
    }

    public int retainedRows() {
        return retained.stream().mapToInt(Kept::rows).sum();
    }

    /** This state after one more batch (and no batch pending). */
    public LearnState after(Consumed batch, List<Kept> kept, long seen, long lastRetrain, long newRows, int retrained,
            long version, double reference, long log) {
        List<Consumed> all = new ArrayList<>(batches);
        all.add(batch);
        return new LearnState(format, model, version, reference, all, kept, seen, lastRetrain, newRows, retrained,
                log, null);
    }

    /** This state with a batch's learning begun. */
    public LearnState withPending(Pending p) {
        return new LearnState(format, model, championVersion, championReference, batches, retained, rowsSeen,
                lastRetrainRow, newFrom, retrainings, logBytes, p);
    }
}
