package io.kiln.runtime.internal.search;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The trials a search finished, one JSON line each after a header line that names the search, appended
 * and forced to disk as each finishes. A search killed at any moment restarts from it: a line cut short
 * by the kill is dropped (its trial runs again), and no finished trial runs twice. A journal of another
 * search (other configurations, other data) is refused rather than mixed in.
 */
public final class Journal implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Path file;
    private final FileChannel channel;
    private final List<JsonNode> entries;

    private Journal(Path file, FileChannel channel, List<JsonNode> entries) {
        this.file = file;
        this.channel = channel;
        this.entries = entries;
    }

    /**
     * Opens {@code file}, creating it with {@code header} (a JSON object naming the search), or reading
     * the entries of an earlier run of the same search; {@code restart} discards an earlier run.
     */
    public static Journal open(Path file, Object header, boolean restart) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        String headerLine = JSON.writeValueAsString(header);
        if (restart) {
            Files.deleteIfExists(file);
        }
        List<JsonNode> entries = new ArrayList<>();
        long keep = 0;
        if (Files.exists(file)) {
            byte[] bytes = Files.readAllBytes(file);
            int end = indexOf(bytes, 0);
            if (end >= 0) { // else the header itself was cut short: nothing was finished
                JsonNode written;
                try {
                    written = JSON.readTree(new String(bytes, 0, end, StandardCharsets.UTF_8));
                } catch (IOException e) {
                    throw damaged(file, 1, e);
                }
                if (!written.equals(JSON.readTree(headerLine))) {
                    throw new IllegalArgumentException("[kiln.search-journal] " + file + " holds the trials of "
                            + "another search (" + describe(written) + "), not of this one (" + describe(
                                    JSON.readTree(headerLine)) + "). Pass --restart to discard them, or choose "
                            + "another --work folder.");
                }
                int at = end + 1;
                int line = 2;
                while (at < bytes.length) {
                    int next = indexOf(bytes, at);
                    if (next < 0) {
                        break; // cut short by a kill: dropped, that trial runs again
                    }
                    try {
                        entries.add(JSON.readTree(new String(bytes, at, next - at, StandardCharsets.UTF_8)));
                    } catch (IOException e) {
                        // a whole line that is not a trial is damage, not a kill: the file is left as it is
                        throw damaged(file, line, e);
                    }
                    at = next + 1;
                    line++;
                }
                keep = at;
            }
        }
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.READ);
        channel.truncate(keep);
        channel.position(keep);
        if (keep == 0) {
            channel.write(ByteBuffer.wrap((headerLine + "\n").getBytes(StandardCharsets.UTF_8)));
            channel.force(true);
        }
        return new Journal(file, channel, entries);
    }

    /** The index of the first newline at or after {@code from}, or -1. */
    private static int indexOf(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static IllegalArgumentException damaged(Path file, int line, IOException e) {
        String why = e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage()
                : e.getMessage();
        return new IllegalArgumentException("[kiln.search-journal-line] " + file + ":" + line + " is not "
                + (line == 1 ? "the header of a search" : "a finished trial") + " (" + why + "). Restore the file, or "
                + "pass --restart to discard the finished trials.");
    }

    private static String describe(JsonNode header) {
        return "model " + header.path("model").asText() + ", " + header.path("configurations").asText()
                + " configurations, data sha256 " + header.path("data").asText().substring(0,
                        Math.min(12, header.path("data").asText().length()));
    }

    /** The entries of the earlier run, in the order they finished. */
    public List<JsonNode> entries() {
        return List.copyOf(entries);
    }

    /** Appends one finished trial and forces it to disk. */
    public synchronized void append(Object entry) throws IOException {
        byte[] line = (JSON.writeValueAsString(entry) + "\n").getBytes(StandardCharsets.UTF_8);
        ByteBuffer buffer = ByteBuffer.wrap(line);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        channel.force(true);
        entries.add(JSON.valueToTree(entry));
    }

    /** {@code value} as indented JSON. */
    public static byte[] pretty(Object value) throws IOException {
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(value);
    }

    /** Reads an entry as {@code type}. */
    public static <T> T as(JsonNode entry, Class<T> type) throws IOException {
        return JSON.treeToValue(entry, type);
    }

    public Path file() {
        return file;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
