package io.kiln.runtime.internal.data;

import io.kiln.runtime.CsvSource;
import io.kiln.runtime.DataException;

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
            try {
                bytes = in.readAllBytes();
            } catch (IOException e) {
                throw csv.file() != null ? CsvSource.cannotRead(csv.file(), e) : e;
            }
        }
        String sha256;
        try {
            sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        // a UTF-8 byte-order mark is not part of the first column's name (the hash covers the file's bytes)
        int skip = hasByteOrderMark(bytes) ? BYTE_ORDER_MARK.length : 0;
        try (Reader reader = new InputStreamReader(new java.io.ByteArrayInputStream(bytes, skip, bytes.length - skip),
                StandardCharsets.UTF_8)) {
            CsvTable table = csv.name().toLowerCase(java.util.Locale.ROOT).endsWith(".arff")
                    ? ArffReader.parse(csv.name(), reader)
                    : parse(csv.name(), reader, csv.header(), csv.delimiter(), null);
            return new CsvTable(table.source, table.header, table.rows, sha256);
        }
    }

    /** The UTF-8 encoding of U+FEFF, which some editors write at the start of a file. */
    static final byte[] BYTE_ORDER_MARK = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    static boolean hasByteOrderMark(byte[] bytes) {
        return bytes.length >= 3 && bytes[0] == BYTE_ORDER_MARK[0] && bytes[1] == BYTE_ORDER_MARK[1]
                && bytes[2] == BYTE_ORDER_MARK[2];
    }

    /**
     * Parses text; {@code expectedWidth} is used when there is no header (null: the first row's width).
     *
     * <p>The format is Commons CSV's default with the given delimiter, as the batch scorer's reader
     * reads it too: fields quoted with {@code "} may hold delimiters, line breaks and doubled quotes;
     * a quote inside an unquoted field is an ordinary character; CR, LF and CRLF end records; empty
     * lines are skipped; every value is trimmed of white space (ASCII white space: space, tab, line
     * breaks, form feeds; not other control characters). A byte-order mark at the start is skipped.
     * A quote that is never closed, or text after a closing quote, is a {@link DataException}
     * naming the line.
     */
    public static CsvTable parse(String source, Reader reader, boolean hasHeader, char delimiter, Integer expectedWidth)
            throws IOException {
        StringBuilder all = new StringBuilder();
        char[] chunk = new char[8192];
        for (int r; (r = reader.read(chunk)) >= 0; ) {
            all.append(chunk, 0, r);
        }
        String text = all.toString();
        int n = text.length();
        int p = n > 0 && text.charAt(0) == '\uFEFF' ? 1 : 0;
        long line = 1;
        List<String> header = null;
        List<Row> rows = new ArrayList<>();
        List<String> cells = new ArrayList<>();
        while (true) {
            // skip empty lines
            while (p < n) {
                char c = text.charAt(p);
                if (c == '\n') {
                    p++;
                } else if (c == '\r') {
                    p += p + 1 < n && text.charAt(p + 1) == '\n' ? 2 : 1;
                } else {
                    break;
                }
                line++;
            }
            if (p >= n) {
                break;
            }
            long start = line;
            cells.clear();
            while (true) {
                String value;
                if (p < n && text.charAt(p) == '"') {
                    StringBuilder b = new StringBuilder();
                    int q = p + 1;
                    while (true) {
                        if (q >= n) {
                            throw malformed(source, start, "a quote opened in the row starting on line " + start
                                    + " is never closed");
                        }
                        char c = text.charAt(q);
                        if (c == '"') {
                            if (q + 1 < n && text.charAt(q + 1) == '"') {
                                b.append('"');
                                q += 2;
                                continue;
                            }
                            break;
                        }
                        if (c == '\n' || c == '\r' && !(q + 1 < n && text.charAt(q + 1) == '\n')) {
                            line++;
                        }
                        b.append(c);
                        q++;
                    }
                    p = q + 1;
                    while (p < n && !isRecordEnd(text.charAt(p), delimiter)) {
                        if (!isWhitespace(text.charAt(p))) {
                            throw malformed(source, line, "text after the closing quote of a field; quote the whole "
                                    + "field and double the quotes inside it (\"\")");
                        }
                        p++;
                    }
                    value = trim(b);
                } else {
                    int q = p;
                    while (q < n && !isRecordEnd(text.charAt(q), delimiter)) {
                        q++;
                    }
                    value = trim(text.subSequence(p, q));
                    p = q;
                }
                cells.add(value);
                if (p >= n) {
                    break;
                }
                char c = text.charAt(p);
                if (c == delimiter) {
                    p++;
                    continue;
                }
                p += c == '\r' && p + 1 < n && text.charAt(p + 1) == '\n' ? 2 : 1;
                line++;
                break;
            }
            String[] values = cells.toArray(String[]::new);
            if (header == null && hasHeader) {
                header = List.of(values);
                continue;
            }
            int width = header != null ? header.size()
                    : expectedWidth != null ? expectedWidth : rows.isEmpty() ? values.length : rows.get(0).cells.length;
            if (values.length != width) {
                throw fieldCountError(source, start, width, header != null, values.length, delimiter);
            }
            rows.add(new Row(start, values));
        }
        if (hasHeader && header == null) {
            throw new DataException(source, 1, null, "the file is empty; expected a header line naming the columns");
        }
        return new CsvTable(source, header == null ? List.of() : header, rows, "");
    }

    private static boolean isRecordEnd(char c, char delimiter) {
        return c == delimiter || c == '\n' || c == '\r';
    }

    /** ASCII white space, as {@link Character#isWhitespace} sees it: what values are trimmed of. */
    static boolean isWhitespace(char c) {
        return c == ' ' || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f);
    }

    private static String trim(CharSequence s) {
        int from = 0;
        int to = s.length();
        while (from < to && isWhitespace(s.charAt(from))) {
            from++;
        }
        while (to > from && isWhitespace(s.charAt(to - 1))) {
            to--;
        }
        return s.subSequence(from, to).toString();
    }

    private static DataException malformed(String source, long line, String what) {
        return new DataException(source, line, null, "malformed CSV: " + what + ".");
    }

    /** The error for a row with {@code found} fields where {@code expected} were expected. */
    public static DataException fieldCountError(String source, long line, int expected, boolean fromHeader, int found,
            char delimiter) {
        return new DataException(source, line, null, String.format(
                "expected %d fields%s, found %d. Check for a missing or extra delimiter '%s' or an unclosed quote.",
                expected, fromHeader ? " (as in the header)" : "", found, delimiter));
    }

    /** Rows read elsewhere (a chunk of a file read record by record), as a table of {@code source}. */
    public static CsvTable of(String source, List<String> header, List<Row> rows, String sha256) {
        return new CsvTable(source, header, rows, sha256);
    }

    /** A table derived from this one (the same source and checksum) with other columns and rows. */
    public CsvTable derive(List<String> header, List<Row> rows) {
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
