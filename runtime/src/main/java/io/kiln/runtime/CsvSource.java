package io.kiln.runtime;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where CSV data comes from: a class-path resource (resolved against an anchor class, like
 * {@link Class#getResourceAsStream}) or a file, with its format.
 */
public record CsvSource(String resource, Class<?> anchor, Path file, boolean header, char delimiter,
        List<String> missingValues) {

    public CsvSource {
        missingValues = List.copyOf(missingValues);
    }

    public static CsvSource resource(Class<?> anchor, String resource) {
        return new CsvSource(resource, anchor, null, true, ',', List.of("?", "NA", "NaN"));
    }

    public static CsvSource file(String file) {
        return file(Path.of(file));
    }

    public static CsvSource file(Path file) {
        return new CsvSource(null, null, file, true, ',', List.of("?", "NA", "NaN"));
    }

    public CsvSource header(boolean header) {
        return new CsvSource(resource, anchor, file, header, delimiter, missingValues);
    }

    public CsvSource delimiter(char delimiter) {
        return new CsvSource(resource, anchor, file, header, delimiter, missingValues);
    }

    public CsvSource missingValues(List<String> missingValues) {
        return new CsvSource(resource, anchor, file, header, delimiter, missingValues);
    }

    /** The same format, read from another file. */
    public CsvSource withFile(Path other) {
        return new CsvSource(null, null, other, header, delimiter, missingValues);
    }

    /** A name for messages: the file path or {@code classpath:<resource>}. */
    public String name() {
        return file != null ? file.toString() : "classpath:" + resource;
    }

    public InputStream open() throws IOException {
        if (file != null) {
            if (!Files.isRegularFile(file)) {
                throw new FileNotFoundException("Data file not found: " + file.toAbsolutePath());
            }
            return Files.newInputStream(file);
        }
        InputStream in = anchor.getResourceAsStream(resource);
        if (in == null) {
            throw new FileNotFoundException("Data resource '" + resource + "' not found on the class path next to "
                    + anchor.getName() + ". Put it in src/main/resources/" + anchor.getPackageName().replace('.', '/')
                    + "/ or pass --data FILE.");
        }
        return in;
    }
}
