package io.kiln.runtime.internal.batch;

import io.kiln.runtime.DataException;
import io.kiln.runtime.internal.preprocess.Preprocessor;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Reads a UTF-8 CSV file record by record, straight from its bytes, and knows the byte offset and
 * the line of every record, so that a scoring run can stop after any record and resume there.
 *
 * <p>It reads what {@link io.kiln.runtime.internal.data.CsvTable} reads (Commons CSV's default format with the
 * delimiter of the source, values trimmed of ASCII white space, empty lines skipped, a byte-order
 * mark at the start skipped): fields quoted with {@code "}
 * may hold delimiters, line breaks and doubled quotes; a quote inside an unquoted field is an
 * ordinary character; CR, LF and CRLF end records. It exists because Commons CSV, which decodes
 * characters and builds a string for every cell, reads and converts a 65-column file at a sixth of
 * the rate a model scores it (docs/benchmarks.md): this reader hands out byte ranges and reads
 * plain decimals while it scans for the delimiter, without building strings.
 *
 * <p>Memory: one buffer of {@value #BUFFER_SIZE} bytes, grown only for a record longer than that.
 */
final class CsvRecordReader implements Closeable {
    static final int BUFFER_SIZE = 1 << 20;
    private static final byte QUOTE = '"';
    private static final byte CR = '\r';
    private static final byte LF = '\n';

    private final FileChannel channel;
    private final String source;
    private final byte delimiter;
    private byte[] buf;
    /** File offset of {@code buf[0]}. */
    private long base;
    /** Valid bytes are {@code buf[0, limit)}; parsing is at {@code pos}. */
    private int limit;
    private int pos;
    private boolean eof;
    /** The line the next byte is on (1-based). */
    private long line = 1;
    /** The index of the last line feed in {@code buf[0, limit)}, -1 when there is none. */
    private int lastLineFeed = -1;

    // the current record
    private long recordLine;
    private int recordStart;
    private int recordEnd;
    private int fields;
    private int[] starts = new int[64];
    private int[] ends = new int[64];
    private boolean[] escaped = new boolean[64];
    /** Each field as a plain decimal read while scanning it, or NaN. */
    private double[] numbers = new double[64];

    /**
     * Opens {@code file} to read from byte {@code offset}, which is the start of line {@code line}
     * (0 and 1 for the beginning; an offset and line recorded by {@link #offset()} and {@link
     * #nextLine()} to resume).
     */
    CsvRecordReader(Path file, String source, char delimiter, long offset, long line) throws IOException {
        this(file, source, delimiter, offset, line, BUFFER_SIZE);
    }

    /** With a buffer of {@code bufferSize} bytes to start with (tests use tiny ones). */
    CsvRecordReader(Path file, String source, char delimiter, long offset, long line, int bufferSize)
            throws IOException {
        if (delimiter >= 0x80 || delimiter == '"' || delimiter == '\r' || delimiter == '\n') {
            throw new IllegalArgumentException("Batch scoring reads CSV with an ASCII delimiter other than a quote or "
                    + "a line break, not '" + delimiter + "'");
        }
        this.buf = new byte[Math.max(1, bufferSize)];
        this.channel = FileChannel.open(file, StandardOpenOption.READ);
        this.source = source;
        this.delimiter = (byte) delimiter;
        seek(offset, line);
    }

    /**
     * Continues reading at byte {@code offset}, the start of line {@code line}. Offset 0 is the
     * start of the file: a UTF-8 byte-order mark there is skipped (offsets stay the file's, so the
     * first record's offset is then 3).
     */
    void seek(long offset, long line) throws IOException {
        if (offset == 0) {
            offset = byteOrderMark();
        }
        channel.position(offset);
        this.base = offset;
        this.limit = 0;
        this.pos = 0;
        this.lastLineFeed = -1;
        this.eof = false;
        this.line = line;
        this.fields = 0;
    }

    /** The length of the byte-order mark at the start of the file: 3, or 0 when there is none. */
    private int byteOrderMark() throws IOException {
        ByteBuffer head = ByteBuffer.allocate(3);
        while (head.hasRemaining() && channel.read(head, head.position()) > 0) {
            // a file channel reads what there is; loop for the rare short read
        }
        return head.position() == 3 && head.get(0) == (byte) 0xEF && head.get(1) == (byte) 0xBB
                && head.get(2) == (byte) 0xBF ? 3 : 0;
    }

    /**
     * Reads the next record, skipping empty lines; false at the end of the file. A quote that is
     * never closed, or text after a closing quote, is a {@link DataException} naming the line.
     */
    boolean next() throws IOException {
        while (true) {
            int state = parse();
            if (state > 0) {
                return true;
            }
            if (state == 0 && eof) {
                return false;
            }
            fill();
        }
    }

    /** 1: a record was parsed; 0: no record before the end of the data; -1: more data is needed. */
    private int parse() {
        final byte[] b = buf;
        final int lim = limit;
        int p = pos;
        long ln = line;
        // skip empty lines
        while (true) {
            if (p >= lim) {
                pos = p;
                line = ln;
                return eof ? 0 : -1;
            }
            byte c = b[p];
            if (c == LF) {
                p++;
                ln++;
            } else if (c == CR) {
                if (p + 1 >= lim && !eof) {
                    return -1;
                }
                p += p + 1 < lim && b[p + 1] == LF ? 2 : 1;
                ln++;
            } else {
                break;
            }
        }
        // the empty lines are consumed even if the record needs more data
        pos = p;
        line = ln;
        final long startLine = ln;
        final int start = p;
        final byte d = delimiter;
        int n = 0;
        while (true) {
            if (n == starts.length) {
                grow();
            }
            int from;
            int to;
            boolean esc = false;
            double number = Double.NaN;
            if (p < lim && b[p] == QUOTE) {
                from = p + 1;
                p = closingQuote(from);
                if (p < 0) {
                    return -1;
                }
                to = p;
                esc = quoteEscaped;
                ln += quoteLines;
                p = afterClosingQuote(p + 1, ln);
            } else {
                // find the end, reading a plain decimal ([-]digits[.digits]) on the way
                from = p;
                long mantissa = 0;
                int digits = 0;
                int point = -1;
                boolean plain = true;
                while (p < lim) {
                    byte c = b[p];
                    int digit = c - '0';
                    if (digit >= 0 && digit <= 9) {
                        mantissa = mantissa * 10 + digit;
                        digits++;
                    } else if (c == d || c == LF || c == CR) {
                        break;
                    } else if (c == '.' && point < 0) {
                        point = p;
                    } else if (c != '-' || p != from) {
                        plain = false;
                    }
                    p++;
                }
                to = p;
                number = plain && digits > 0 && digits <= DecimalParser.MAX_DIGITS
                        ? DecimalParser.value(b[from] == '-', mantissa, point < 0 ? 0 : to - point - 1) : Double.NaN;
            }
            if (p >= lim && !eof) {
                return -1;
            }
            if (from < to && ((b[from] & 0xff) <= ' ' || (b[to - 1] & 0xff) <= ' ')) {
                while (from < to && isWhitespace(b[from])) { // white space, not other control characters
                    from++;
                }
                while (to > from && isWhitespace(b[to - 1])) {
                    to--;
                }
            }
            starts[n] = from;
            ends[n] = to;
            escaped[n] = esc;
            numbers[n] = number;
            n++;
            if (p >= lim) { // end of the data
                recordEnd = p;
                break;
            }
            byte c = b[p];
            if (c == d) {
                p++;
                continue;
            }
            recordEnd = p;
            if (c == CR) {
                if (p + 1 >= lim && !eof) {
                    return -1;
                }
                p += p + 1 < lim && b[p + 1] == LF ? 2 : 1;
            } else {
                p++;
            }
            ln++;
            break;
        }
        recordStart = start;
        recordLine = startLine;
        fields = n;
        pos = p;
        line = ln;
        return 1;
    }

    /**
     * What {@link #nextScaled} needs to turn a record of plain numbers straight into a network
     * input row: for each of the record's columns, the input slot its scaled value goes to (-1 for
     * a column that is not read) and the {@code center} and {@code scale} of {@link
     * Preprocessor#scale}.
     */
    record ScaledColumns(int[] slots, double[] centers, double[] scales) {}

    /**
     * Reads the next record the short way, when it is the common case: exactly {@code
     * columns.slots().length} fields, unquoted, each read column a plain decimal without white
     * space ({@code [-]digits[.digits]}, at most {@value DecimalParser#MAX_DIGITS} digits) whose
     * scaled value is a finite float, and the whole record and its line break in the buffer.
     * Writes each read column's {@link Preprocessor#scale scaled} value to {@code out[offset +
     * slot]}, exactly what {@link #next}, {@link #number} and {@link Preprocessor#encodeNumber}
     * give. Returns false, with the reader where it was ({@code out} may be partly written), for
     * anything else (an empty line, a missing or quoted cell, another number format, another
     * field count, the end of the buffer), which the caller then reads with {@link #next}: that
     * path accepts or names the problem.
     *
     * <p>After it the record's position and line are known ({@link #line}, {@link #offset},
     * {@link #text}), its fields are not.
     */
    boolean nextScaled(ScaledColumns columns, float[] out, int offset) {
        final int start = pos;
        if (start > lastLineFeed) { // the record may go on beyond the buffer (also: no LF at all, or after seek)
            return false;
        }
        // a line feed at or after start bounds every scan below: no end-of-buffer checks (the JIT
        // would turn each rarely true one into a trap and recompile when the buffer first runs out)
        final byte[] b = buf;
        final byte d = delimiter;
        final int[] slots = columns.slots;
        final double[] centers = columns.centers;
        final double[] scales = columns.scales;
        final int last = slots.length - 1;
        int p = start;
        if (b[p] == LF || b[p] == CR) {
            return false;
        }
        for (int c = 0; ; c++) {
            int slot = slots[c];
            if (slot < 0) {
                byte x = b[p];
                while (x != d && x != LF && x != CR) {
                    if (x == QUOTE) {
                        return false;
                    }
                    x = b[++p];
                }
            } else {
                boolean negative = b[p] == '-';
                if (negative) {
                    p++;
                }
                int first = p;
                int point = -1;
                long mantissa = 0;
                while (true) {
                    int digit = b[p] - '0';
                    if (digit >= 0 && digit <= 9) {
                        mantissa = mantissa * 10 + digit;
                    } else if (digit == '.' - '0' && point < 0) {
                        point = p;
                    } else {
                        break;
                    }
                    p++;
                }
                int digits = point < 0 ? p - first : p - first - 1;
                if (digits <= 0 || digits > DecimalParser.MAX_DIGITS) {
                    return false;
                }
                float scaled = Preprocessor.scale(DecimalParser.value(negative, mantissa, point < 0 ? 0 : p - point - 1),
                        centers[c], scales[c]);
                if (!Float.isFinite(scaled)) {
                    return false;
                }
                out[offset + slot] = scaled;
            }
            byte x = b[p];
            if (c < last) {
                if (x != d) {
                    return false;
                }
                p++;
                continue;
            }
            if (x == LF) {
                recordEnd = p++;
            } else if (x == CR) { // not the buffer's last byte: a line feed comes later
                recordEnd = p;
                p += b[p + 1] == LF ? 2 : 1;
            } else {
                return false;
            }
            break;
        }
        recordStart = start;
        recordLine = line;
        fields = 0;
        pos = p;
        line++;
        return true;
    }

    // what closingQuote found besides the position
    private boolean quoteEscaped;
    private int quoteLines;

    /**
     * The closing quote of a quoted field whose text starts at {@code p}; -1 if the data ends
     * before it can be known. Sets {@link #quoteEscaped} and {@link #quoteLines}.
     */
    private int closingQuote(int p) {
        final byte[] b = buf;
        final int lim = limit;
        boolean esc = false;
        int lines = 0;
        while (true) {
            if (p >= lim) {
                if (eof) {
                    throw malformed(line, "a quote opened in the row starting on line " + line + " is never closed");
                }
                return -1;
            }
            byte c = b[p];
            if (c == QUOTE) {
                if (p + 1 >= lim && !eof) {
                    return -1;
                }
                if (p + 1 < lim && b[p + 1] == QUOTE) {
                    esc = true;
                    p += 2;
                    continue;
                }
                quoteEscaped = esc;
                quoteLines = lines;
                return p;
            }
            if (c == LF) {
                lines++;
            } else if (c == CR) {
                if (p + 1 >= lim && !eof) {
                    return -1;
                }
                if (p + 1 >= lim || b[p + 1] != LF) {
                    lines++;
                }
            }
            p++;
        }
    }

    /** Skips the white space after a closing quote; anything else before the delimiter or line break is an error. */
    private int afterClosingQuote(int p, long at) {
        while (p < limit && buf[p] != delimiter && buf[p] != CR && buf[p] != LF) {
            if (!isWhitespace(buf[p])) {
                throw malformed(at, "text after the closing quote of a field; quote the whole field and double the "
                        + "quotes inside it (\"\")");
            }
            p++;
        }
        return p;
    }

    private void grow() {
        int n = starts.length * 2;
        starts = Arrays.copyOf(starts, n);
        ends = Arrays.copyOf(ends, n);
        escaped = Arrays.copyOf(escaped, n);
        numbers = Arrays.copyOf(numbers, n);
    }

    /** White space as {@link Character#isWhitespace} sees it, for ASCII. */
    private static boolean isWhitespace(byte b) {
        return b == ' ' || (b >= 0x09 && b <= 0x0d) || (b >= 0x1c && b <= 0x1f);
    }

    private DataException malformed(long at, String what) {
        return new DataException(source, at, null, "malformed CSV: " + what + ".");
    }

    /** Keeps the unparsed bytes, reads more after them (growing the buffer if it is full). */
    private void fill() throws IOException {
        int keep = limit - pos;
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, keep);
            base += pos;
            pos = 0;
            limit = keep;
        }
        if (limit == buf.length) {
            buf = Arrays.copyOf(buf, buf.length * 2);
        }
        int read = channel.read(ByteBuffer.wrap(buf, limit, buf.length - limit));
        if (read < 0) {
            eof = true;
        } else {
            limit += read;
        }
        int lf = limit - 1;
        while (lf >= 0 && buf[lf] != LF) {
            lf--;
        }
        lastLineFeed = lf;
    }

    /** The line the current record starts on (1-based). */
    long line() {
        return recordLine;
    }

    /** The byte offset after the current record and its line break: where the next one is looked for. */
    long offset() {
        return base + pos;
    }

    /** The line at {@link #offset()}. */
    long nextLine() {
        return line;
    }

    /** The number of fields of the current record. */
    int fields() {
        return fields;
    }

    /** Field {@code i} as text: unquoted, trimmed, doubled quotes undone. */
    String cell(int i) {
        String s = new String(buf, starts[i], ends[i] - starts[i], StandardCharsets.UTF_8);
        return escaped[i] ? s.replace("\"\"", "\"") : s;
    }

    /** The current record's fields as text. */
    String[] cells() {
        String[] cells = new String[fields];
        for (int i = 0; i < fields; i++) {
            cells[i] = cell(i);
        }
        return cells;
    }

    /** Whether field {@code i} is empty (after trimming). */
    boolean isEmpty(int i) {
        return starts[i] == ends[i];
    }

    /** Whether field {@code i} is exactly these UTF-8 bytes (false for a field with doubled quotes). */
    boolean is(int i, byte[] text) {
        int start = starts[i];
        if (escaped[i] || ends[i] - start != text.length) {
            return false;
        }
        for (int j = 0; j < text.length; j++) { // cells are short: a loop beats Arrays.equals' set-up
            if (buf[start + j] != text[j]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Field {@code i} as a number when it is a plain decimal ({@code [+-]digits[.digits]}) that
     * {@link DecimalParser} converts exactly as {@link Double#parseDouble} does; NaN otherwise
     * (the caller then parses the text).
     */
    double number(int i) {
        double v = numbers[i];
        if (!Double.isNaN(v) || escaped[i]) {
            return v;
        }
        return DecimalParser.parse(buf, starts[i], ends[i]); // quoted, or with white space around it
    }

    /** The current record as it is in the file, without its line break. */
    String text() {
        return new String(buf, recordStart, recordEnd - recordStart, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
