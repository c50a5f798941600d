package io.kiln.runtime;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * <b>Public API</b>. Where data comes from: a class-path resource (resolved against an anchor class, like
 * {@link Class#getResourceAsStream}) or a file, with its format: CSV (or ARFF, by the file name),
 * or a pair of IDX files of images and labels ({@link #idx}).
 *
 * @param labels the IDX labels file when {@code file} holds IDX images; null for a table
 */
public record CsvSource(String resource, Class<?> anchor, Path file, boolean header, char delimiter,
        List<String> missingValues, Path labels) {

    private static final List<String> MISSING = List.of("?", "NA", "NaN");

    public CsvSource {
        missingValues = List.copyOf(missingValues);
    }

    public static CsvSource resource(Class<?> anchor, String resource) {
        return new CsvSource(resource, anchor, null, true, ',', MISSING, null);
    }

    public static CsvSource file(String file) {
        return file(Path.of(file));
    }

    public static CsvSource file(Path file) {
        return new CsvSource(null, null, file, true, ',', MISSING, null);
    }

    /** IDX images and their labels (MNIST's format; each file may be gzip-compressed). */
    public static CsvSource idx(String images, String labels) {
        return new CsvSource(null, null, Path.of(images), false, ',', List.of(), Path.of(labels));
    }

    /** The labels of IDX images that have none: images to predict on. */
    public static final Path NO_LABELS = Path.of("");

    /** Whether this source is IDX images (with their labels, or {@link #NO_LABELS}) rather than a table. */
    public boolean isIdx() {
        return labels != null;
    }

    public CsvSource header(boolean header) {
        return new CsvSource(resource, anchor, file, header, delimiter, missingValues, labels);
    }

    public CsvSource delimiter(char delimiter) {
        return new CsvSource(resource, anchor, file, header, delimiter, missingValues, labels);
    }

    public CsvSource missingValues(List<String> missingValues) {
        return new CsvSource(resource, anchor, file, header, delimiter, missingValues, labels);
    }

    /**
     * The same format, read from another file. For IDX the other file holds images, and its labels
     * are the file named alike with {@code images-idx3} replaced by {@code labels-idx1} (MNIST's
     * naming).
     */
    public CsvSource withFile(Path other) {
        if (!isIdx()) {
            return new CsvSource(null, null, other, header, delimiter, missingValues, null);
        }
        String name = other.getFileName().toString();
        // MNIST's naming finds the labels beside the images; images named otherwise have none (to predict on)
        return new CsvSource(null, null, other, header, delimiter, missingValues, name.contains("images-idx3")
                ? other.resolveSibling(name.replace("images-idx3", "labels-idx1")) : NO_LABELS);
    }

    /** A name for messages: the file path or {@code classpath:<resource>}. */
    public String name() {
        return file != null ? file.toString() : "classpath:" + resource;
    }

    /**
     * Opens the data. A file that does not exist, is a directory or cannot be read is an {@link
     * IOException} whose message says which and gives the absolute path.
     */
    public InputStream open() throws IOException {
        if (file != null) {
            if (Files.isDirectory(file)) {
                throw new FileNotFoundException("Data file " + file.toAbsolutePath() + " is a directory, not a file");
            }
            if (!Files.exists(file)) {
                throw new FileNotFoundException("Data file not found: " + file.toAbsolutePath());
            }
            try {
                return Files.newInputStream(file);
            } catch (IOException e) {
                throw cannotRead(file, e);
            }
        }
        InputStream in = anchor.getResourceAsStream(resource);
        if (in == null) {
            throw new FileNotFoundException("Data resource '" + resource + "' not found on the class path next to "
                    + anchor.getName() + ". Put it in src/main/resources/" + anchor.getPackageName().replace('.', '/')
                    + "/ or pass --data FILE.");
        }
        return in;
    }

    /**
     * An error reading {@code file} as a message with its absolute path and the reason (Java's file
     * exceptions often say only the path: {@code AccessDeniedException: noread.csv}).
     */
    public static IOException cannotRead(Path file, IOException e) {
        return new IOException("Cannot read data file " + file.toAbsolutePath() + ": " + reason(e), e);
    }

    /** What went wrong in a file operation, in words: "permission denied", "No space left on device". */
    public static String reason(IOException e) {
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof java.nio.file.FileAlreadyExistsException) {
            return "exists, and is not a directory that can hold the file";
        }
        if (e instanceof java.nio.file.NotDirectoryException) {
            return "not a directory";
        }
        if (e instanceof java.nio.file.FileSystemException f) {
            return f.getReason() != null ? f.getReason() : String.valueOf(f.getMessage());
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
