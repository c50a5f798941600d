package io.kiln.runtime.serve;

import com.fasterxml.jackson.databind.JsonNode;
import io.kiln.runtime.LabelCoding;
import io.kiln.runtime.LabelSchema;
import io.kiln.runtime.ModelMetadata;
import io.kiln.runtime.internal.preprocess.FeatureTransform;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Labelled rows for continuous learning, from the outcomes route: each reported outcome's input row
 * (remembered with its prediction) and true label become a CSV line of the training data's columns in
 * {@code <inbox>/<model>/}, where {@code learn --inbox <inbox>/<model>} reads them. A line is on disk
 * (flushed and forced) before the outcome is acknowledged; the lines gather in a hidden
 * {@code .outcomes-*.part} file, renamed to {@code outcomes-*.csv} (the name the learner takes) once it
 * holds {@code rowsPerFile} rows or the server stops. A server killed before that leaves its part file,
 * which the next server on the inbox completes (a half-written last line dropped) and renames.
 */
final class OutcomeInbox implements AutoCloseable {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS", Locale.ROOT);
    private static final AtomicLong FILES = new AtomicLong();

    private final Path root;
    private final int rowsPerFile;
    private final Map<String, Part> open = new HashMap<>();

    /** The part file a model's outcomes are being appended to. */
    private static final class Part {
        final Path file;
        final FileChannel channel;
        /** Held while the part is open, so that another server's recovery leaves it alone. */
        final java.nio.channels.FileLock lock;
        final String header;
        int rows;

        Part(Path file, FileChannel channel, String header) throws IOException {
            this.file = file;
            this.channel = channel;
            this.lock = channel.lock();
            this.header = header;
        }
    }

    OutcomeInbox(Path root, int rowsPerFile) throws IOException {
        if (rowsPerFile < 1) {
            throw new IllegalArgumentException("rows per outcome file must be positive, was " + rowsPerFile);
        }
        this.root = root;
        this.rowsPerFile = rowsPerFile;
        Files.createDirectories(root);
        recover();
    }

    /** Completes the part files a killed server left: drops a half-written last line, then seals them. */
    private void recover() throws IOException {
        try (DirectoryStream<Path> models = Files.newDirectoryStream(root, Files::isDirectory)) {
            for (Path model : models) {
                try (DirectoryStream<Path> parts = Files.newDirectoryStream(model, ".outcomes-*.part")) {
                    for (Path part : parts) {
                        if (inUse(part)) {
                            continue; // another server on this inbox is writing it
                        }
                        byte[] bytes = Files.readAllBytes(part);
                        int end = bytes.length;
                        while (end > 0 && bytes[end - 1] != '\n') {
                            end--;
                        }
                        long lines = 0;
                        for (int i = 0; i < end; i++) {
                            lines += bytes[i] == '\n' ? 1 : 0;
                        }
                        if (lines <= 1) { // the header alone, or not even that
                            Files.delete(part);
                            continue;
                        }
                        try (FileChannel c = FileChannel.open(part, StandardOpenOption.WRITE)) {
                            c.truncate(end);
                            c.force(true);
                        }
                        seal(part);
                    }
                }
            }
        }
    }

    /** Whether another process (or another inbox of this one) holds the part file's lock. */
    private static boolean inUse(Path part) throws IOException {
        try (FileChannel c = FileChannel.open(part, StandardOpenOption.WRITE)) {
            java.nio.channels.FileLock l = c.tryLock();
            if (l == null) {
                return true;
            }
            l.release();
            return false;
        } catch (java.nio.channels.OverlappingFileLockException e) {
            return true;
        }
    }

    /** Appends one labelled row of {@code model}; returns once it is on disk. */
    synchronized void add(String model, ModelMetadata meta, Object[] input, JsonNode truth) throws IOException {
        String label = label(meta, truth);
        String header = header(meta);
        Part part = open.get(model);
        if (part != null && !part.header.equals(header)) { // a version of other columns: a file of its own
            close(part);
            open.remove(model);
            part = null;
        }
        if (part == null) {
            Path dir = root.resolve(model);
            Files.createDirectories(dir);
            String name = "outcomes-" + ZonedDateTime.now(ZoneOffset.UTC).format(STAMP) + "-"
                    + ProcessHandle.current().pid() + "-" + FILES.incrementAndGet();
            Path file = dir.resolve("." + name + ".part");
            part = new Part(file, FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    header);
            write(part, header);
            open.put(model, part);
        }
        StringBuilder line = new StringBuilder();
        List<FeatureTransform> features = meta.features();
        for (int f = 0; f < features.size(); f++) {
            Object v = input[f];
            line.append(f == 0 ? "" : ",").append(v == null || v instanceof Double d && d.isNaN() ? ""
                    : quote(v instanceof Enum<?> e ? e.name()
                            : v instanceof Double d ? ModelMetadata.number(d) : String.valueOf(v)));
        }
        line.append(',').append(label).append('\n');
        write(part, line.toString());
        part.channel.force(false);
        part.rows++;
        if (part.rows >= rowsPerFile) {
            close(part);
            open.remove(model);
        }
    }

    private static String header(ModelMetadata meta) {
        List<String> columns = new ArrayList<>();
        meta.features().forEach(f -> columns.add(quote(f.column())));
        meta.label().columns().forEach(c -> columns.add(quote(c)));
        return String.join(",", columns) + "\n";
    }

    /** The true label in the label columns' coding; a 400 for one the model does not know. */
    static String label(ModelMetadata meta, JsonNode truth) {
        LabelSchema label = meta.label();
        List<String> classes = label.classes();
        if (label.coding() == LabelCoding.VALUES) {
            List<String> values = new ArrayList<>();
            for (int j = 0; j < label.columns().size(); j++) {
                JsonNode t = truth.isArray() ? truth.get(j) : truth;
                values.add(Double.toString(t.asDouble()));
            }
            return String.join(",", values);
        }
        if (label.coding() == LabelCoding.MULTI_HOT) {
            List<String> on = new ArrayList<>();
            if (truth.isArray()) {
                truth.forEach(t -> on.add(t.asText()));
            } else if (!truth.asText().isEmpty()) {
                on.addAll(List.of(truth.asText().split(";")));
            }
            for (String c : on) {
                known(classes, c);
            }
            List<String> cells = new ArrayList<>();
            for (String c : classes) {
                cells.add(on.contains(c) ? "1" : "0");
            }
            return String.join(",", cells);
        }
        String name = truth.asText();
        int index = known(classes, name);
        return switch (label.coding()) {
            case BOOLEAN -> index == 1 ? "true" : "false";
            case INDEX -> Integer.toString(index);
            default -> quote(name);
        };
    }

    private static int known(List<String> classes, String name) {
        int index = classes.indexOf(name);
        if (index < 0) {
            throw HttpError.badRequest("label '" + name + "' is not one of the model's classes " + classes
                    + "; it cannot be learnt from");
        }
        return index;
    }

    private static String quote(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")
                ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    private static void write(Part part, String text) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (b.hasRemaining()) {
            part.channel.write(b);
        }
    }

    private static void close(Part part) throws IOException {
        part.channel.force(true);
        part.lock.release();
        part.channel.close();
        seal(part.file);
    }

    /** Renames a complete part file to the name the learner takes. */
    private static void seal(Path part) throws IOException {
        String name = part.getFileName().toString();
        Path csv = part.resolveSibling(name.substring(1, name.length() - ".part".length()) + ".csv");
        Files.move(part, csv, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Seals every open part file. */
    @Override
    public synchronized void close() {
        IOException failed = null;
        for (Part p : open.values()) {
            try {
                close(p);
            } catch (IOException e) {
                failed = e;
            }
        }
        open.clear();
        if (failed != null) {
            throw new UncheckedIOException(failed);
        }
    }
}
