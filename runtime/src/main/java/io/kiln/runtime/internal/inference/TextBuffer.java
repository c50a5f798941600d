package io.kiln.runtime.internal.inference;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * A growable buffer of UTF-8 text, for writing CSV without building a string per line or per
 * number: batch scoring writes millions of lines. Numbers are written as {@link Long#toString} and
 * {@code String.format(Locale.ROOT, "%.6f", v)} write them.
 */
public final class TextBuffer {
    private static final byte[] TENS = new byte[100];
    private static final byte[] ONES = new byte[100];

    static {
        for (int i = 0; i < 100; i++) {
            TENS[i] = (byte) ('0' + i / 10);
            ONES[i] = (byte) ('0' + i % 10);
        }
    }

    /** Below this magnitude {@code v * 1e6} fits a long with room to spare; larger values take String.format. */
    private static final double FAST_LIMIT = 1e12;

    private byte[] bytes;
    private int size;

    public TextBuffer() {
        this(1 << 12);
    }

    public TextBuffer(int capacity) {
        this.bytes = new byte[Math.max(16, capacity)];
    }

    /** The bytes written so far. */
    public int size() {
        return size;
    }

    /** Forgets the content (keeps the memory). */
    public TextBuffer clear() {
        size = 0;
        return this;
    }

    private void reserve(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
        }
    }

    /** Appends one ASCII character. */
    public TextBuffer append(char ascii) {
        reserve(1);
        bytes[size++] = (byte) ascii;
        return this;
    }

    /** Appends text, UTF-8 encoded. */
    public TextBuffer append(String text) {
        return append(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Appends bytes as they are. */
    public TextBuffer append(byte[] utf8) {
        reserve(utf8.length);
        System.arraycopy(utf8, 0, bytes, size, utf8.length);
        size += utf8.length;
        return this;
    }

    /** Appends a whole number as {@link Long#toString} writes it. */
    public TextBuffer append(long v) {
        if (v < 0) {
            if (v == Long.MIN_VALUE) {
                return append(Long.toString(v));
            }
            append('-');
            v = -v;
        }
        reserve(19);
        int digits = 1;
        for (long p = 10; digits < 19 && v >= p; p *= 10) {
            digits++;
        }
        int at = size + digits;
        while (v >= 100) {
            int pair = (int) (v % 100);
            v /= 100;
            bytes[--at] = ONES[pair];
            bytes[--at] = TENS[pair];
        }
        if (v >= 10) {
            bytes[--at] = ONES[(int) v];
            bytes[--at] = TENS[(int) v];
        } else {
            bytes[--at] = (byte) ('0' + v);
        }
        size += digits;
        return this;
    }

    /**
     * Appends {@code v} with six decimals exactly as {@code String.format(Locale.ROOT, "%.6f", v)}
     * does, without its cost for all but a few values. The formatter rounds half up a short
     * decimal representation of {@code v} (the digits of {@code Double.toString}), which lies
     * within an ulp of {@code v}. Rounding {@code s = v * 1e6} (one more rounding error, half an ulp
     * of {@code s}) to the nearest integer gives the same digits unless {@code s} lies within those
     * two errors, less than {@code s * 2^-51}, of a tie: only such values (and large or non-finite
     * ones) go through {@code String.format}. A value that is a 32-bit float (what a network
     * outputs) never does: {@code s} is then exact (a 24-bit mantissa times 10^6 fits 53 bits), the
     * floats nearest a tie are at least {@code 2^-18 * s * 10^-6} away from it, far outside that
     * zone, and a float exactly on a tie has the tie's short decimal digits ({@code ...5}), which
     * the formatter rounds up, as this does. So the hot loop of a batch scoring run never takes
     * (and never recompiles for) the slow branch.
     */
    public TextBuffer appendFixed6(double v) {
        double a = Math.abs(v);
        if (!(a < FAST_LIMIT)) { // also NaN
            return append(String.format(Locale.ROOT, "%.6f", v));
        }
        double scaled = a * 1e6;
        long units = (long) scaled;
        double fraction = scaled - units;
        // near a tie (within 8x the error bound) and not a float; computed without branches, which
        // javac would emit for comparisons and the JIT turn into traps: this one branch is never
        // taken for a network's outputs
        long nearTie = Double.doubleToRawLongBits(Math.abs(fraction - 0.5) - (scaled + 1) * 0x1p-48) >>> 63;
        long notFloat = Double.doubleToRawLongBits((double) (float) v) ^ Double.doubleToRawLongBits(v);
        if ((nearTie & (notFloat | -notFloat) >>> 63) != 0) {
            return append(String.format(Locale.ROOT, "%.6f", v));
        }
        // fraction >= 0.5, half up (a tie only when v is a float, whose digits end in that 5), without a
        // branch: it goes either way half the time and a mispredicted one costs more than this
        units += (Double.doubleToRawLongBits(fraction - 0.5) >>> 63) ^ 1;
        long whole = units / 1_000_000;
        int decimals = (int) (units - whole * 1_000_000);
        if (Double.compare(v, 0.0) < 0) { // like Formatter: -0.0 and tiny negatives keep their sign
            append('-');
        }
        if (whole >= 10) {
            append(whole);
        }
        reserve(8);
        byte[] b = bytes;
        int at = size;
        if (whole < 10) {
            b[at++] = (byte) ('0' + whole);
        }
        b[at] = '.';
        int pair = decimals / 10_000;
        b[at + 1] = TENS[pair];
        b[at + 2] = ONES[pair];
        pair = decimals / 100 % 100;
        b[at + 3] = TENS[pair];
        b[at + 4] = ONES[pair];
        pair = decimals % 100;
        b[at + 5] = TENS[pair];
        b[at + 6] = ONES[pair];
        size = at + 7;
        return this;
    }

    /** Writes the content to a channel (all of it). */
    public void writeTo(WritableByteChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes, 0, size);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    /** A copy of the content. */
    public byte[] toByteArray() {
        return Arrays.copyOf(bytes, size);
    }

    /** The content as text. */
    @Override
    public String toString() {
        return new String(bytes, 0, size, StandardCharsets.UTF_8);
    }
}
