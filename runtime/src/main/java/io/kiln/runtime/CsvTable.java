package io.kiln.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * A CSV file read into memory as text cells, each row with its line number, and the SHA-256 of
 * the bytes read (the data hash saved in a model's provenance). A row with a different number of
 * fields than the header is a {@link DataException} naming its line.
 */
public final class CsvTable {
    /** One data row and the 1-based line it starts on. */
    public record Row(long line, String[] cells) {}

    private final String source;
    private final List<String> header;
    private final List<Row> rows;
    private final String sha256;

    CsvTable(String source, List<String> header, List<Row> rows, String sha256) {
        this.source = source;
        this.header = header;
        this.rows = rows;
        this.sha256 = sha256;
    }

    public static CsvTable read(CsvSource csv) throws IOException {
        byte[] bytes;
        try (InputStream in = csv.open()) {
            bytes = in.readAllBytes();
        }
        String sha256;
        try {
            sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (Reader reader = new InputStreamReader(new java.io.ByteArrayInputStream(bytes), StandardCharsets.UTF_8)) {
            CsvTable table = csv.name().toLowerCase(java.util.Locale.ROOT).endsWith(".arff")
                    ? ArffReader.parse(csv.name(), reader)
                    : parse(csv.name(), reader, csv.header(), csv.delimiter(), null);
            return new CsvTable(table.source, table.header, table.rows, sha256);
        }
    }

    /** Parses text; {@code expectedWidth} is used when there is no header (null: the first row's width). */
    static CsvTable parse(String source, Reader reader, boolean hasHeader, char delimiter, Integer expectedWidth)
            throws IOException {
        CSVFormat format = CSVFormat.DEFAULT.builder()
                .setDelimiter(delimiter)
                .setIgnoreEmptyLines(true)
                .setTrim(true)
                .build();
        List<String> header = null;
        List<Row> rows = new ArrayList<>();
        try (CSVParser parser = CSVParser.parse(reader, format)) {
            long previousEnd = 0;
            for (CSVRecord record : parser) {
                // the record's first line: lines consumed before it, plus one (empty lines are skipped)
                long endLine = parser.getCurrentLineNumber();
                String[] cells = record.values();
                long line = firstLine(endLine, cells, previousEnd);
                previousEnd = endLine;
                if (header == null && hasHeader) {
                    header = List.of(cells);
                    continue;
                }
                int width = header != null ? header.size()
                        : expectedWidth != null ? expectedWidth : rows.isEmpty() ? cells.length : rows.get(0).cells.length;
                if (cells.length != width) {
                    throw fieldCountError(source, line, width, header != null, cells.length, delimiter);
                }
                rows.add(new Row(line, cells));
            }
        } catch (java.io.UncheckedIOException e) {
            throw new DataException(source, 0, null, "malformed CSV: " + e.getCause().getMessage());
        }
        if (hasHeader && header == null) {
            throw new DataException(source, 1, null, "the file is empty; expected a header line naming the columns");
        }
        return new CsvTable(source, header == null ? List.of() : header, rows, "");
    }

    /** The error for a row with {@code found} fields where {@code expected} were expected. */
    public static DataException fieldCountError(String source, long line, int expected, boolean fromHeader, int found,
            char delimiter) {
        return new DataException(source, line, null, String.format(
                "expected %d fields%s, found %d. Check for a missing or extra delimiter '%s' or an unclosed quote.",
                expected, fromHeader ? " (as in the header)" : "", found, delimiter));
    }

    private static long firstLine(long endLine, String[] cells, long previousEnd) {
        long newlines = 0;
        for (String c : cells) {
            newlines += c.chars().filter(ch -> ch == '\n').count();
        }
        long start = endLine - newlines;
        return Math.max(start, previousEnd + 1);
    }

    /** A table derived from this one (the same source and checksum) with other columns and rows. */
    CsvTable derive(List<String> header, List<Row> rows) {
        return new CsvTable(source, List.copyOf(header), List.copyOf(rows), sha256);
    }

    public String source() {
        return source;
    }

    /** Column names from the header line; empty without a header. */
    public List<String> header() {
        return header;
    }

    public List<Row> rows() {
        return rows;
    }

    /** Hex SHA-256 of the bytes read, or empty for text parsed directly. */
    public String sha256() {
        return sha256;
    }
}
