package io.kiln.runtime;

/**
 * <b>Public API</b>. Bad input data. The message names the file, the line (1-based, the header is line 1) and the
 * column, e.g. {@code iris.csv:17: column 'petal_width_cm' (4): "abc" is not a finite number}.
 * Control characters in the message are escaped ({@code \u0000}, {@code \t}), so that binary
 * input shows as text, and a message is at most {@value #MAX_MESSAGE} characters.
 */
public final class DataException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    /** Cells longer than this are cut in messages ({@link #quote}). */
    public static final int MAX_CELL = 60;
    /** Messages longer than this are cut (a safety net: cells and header names are cut before). */
    static final int MAX_MESSAGE = 2000;
    private final String source;
    private final long line;
    private final String column;
    private final String reason;

    public DataException(String source, long line, String column, String message) {
        super(limit(escape(source + (line > 0 ? ":" + line : "") + ": "
                + (column == null ? "" : "column " + column + ": ") + message)));
        this.source = source;
        this.line = line;
        this.column = column;
        this.reason = limit(escape(message));
    }

    /**
     * A cell as messages show it: in double quotes, control and invisible format characters escaped
     * ({@code \t}, {@code \n}, {@code \u0000}, {@code \uFEFF}), and a cell longer than
     * {@value #MAX_CELL} characters cut to its first {@value #MAX_CELL} and followed by its length:
     * {@code "aaaa…" (2000089 chars)}.
     */
    public static String quote(String cell) {
        return "\"" + show(cell) + "\"" + (cell.length() > MAX_CELL ? " (" + cell.length() + " chars)" : "");
    }

    /** A text from the data (a cell, a header name) as messages show it: escaped, and cut with "…" after {@value #MAX_CELL} characters. */
    public static String show(String text) {
        return text.length() > MAX_CELL ? escape(text.substring(0, MAX_CELL)) + "…" : escape(text);
    }

    /** Escapes control characters and invisible format characters (such as a byte-order mark). */
    public static String escape(String text) {
        int i = 0;
        int n = text.length();
        while (i < n && !needsEscape(text.charAt(i))) {
            i++;
        }
        if (i == n) {
            return text;
        }
        StringBuilder b = new StringBuilder(n + 16).append(text, 0, i);
        for (; i < n; i++) {
            char c = text.charAt(i);
            if (!needsEscape(c)) {
                b.append(c);
            } else if (c == '\t') {
                b.append("\\t");
            } else if (c == '\n') {
                b.append("\\n");
            } else if (c == '\r') {
                b.append("\\r");
            } else {
                b.append(String.format(java.util.Locale.ROOT, "\\u%04X", (int) c));
            }
        }
        return b.toString();
    }

    private static boolean needsEscape(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f) || Character.getType(c) == Character.FORMAT;
    }

    private static String limit(String message) {
        return message.length() <= MAX_MESSAGE ? message
                : message.substring(0, MAX_MESSAGE) + "… (" + message.length() + " chars)";
    }

    /** The file or resource name. */
    public String source() {
        return source;
    }

    /** The 1-based line, or 0 when the problem is not on one line. */
    public long line() {
        return line;
    }

    /** The column, as {@code 'name' (index)}, or null. */
    public String column() {
        return column;
    }

    /** What is wrong, without the file, line and column (e.g. {@code "abc" is not a finite number}). */
    public String reason() {
        return reason;
    }
}
