package io.kiln.runtime;

/**
 * Bad input data. The message names the file, the line (1-based, the header is line 1) and the
 * column, e.g. {@code iris.csv:17: column 'petal_width_cm' (4): "abc" is not a finite number}.
 */
public final class DataException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String source;
    private final long line;
    private final String column;
    private final String reason;

    public DataException(String source, long line, String column, String message) {
        super(source + (line > 0 ? ":" + line : "") + ": " + (column == null ? "" : "column " + column + ": ") + message);
        this.source = source;
        this.line = line;
        this.column = column;
        this.reason = message;
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
