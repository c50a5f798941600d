package io.kiln.runtime.internal.batch;

/**
 * Parses plain decimal numbers from ASCII bytes, giving exactly the double {@link
 * Double#parseDouble} gives, without building a string. Only the common form is handled: an
 * optional sign, digits, an optional point and digits, at most 15 significant digits and 22
 * decimals. Then the digits are an exact long {@code m} and the value is {@code m / 10^k} with
 * both operands exact doubles, so the one division is correctly rounded, as {@code parseDouble}
 * is. Anything else (exponents, more digits, {@code Infinity}, {@code NaN}, hex, a {@code d}
 * suffix) returns NaN and is left to {@code parseDouble}.
 */
final class DecimalParser {
    static final int MAX_DIGITS = 15;
    private static final double[] POWERS_OF_TEN = new double[23];

    static {
        double p = 1;
        for (int i = 0; i < POWERS_OF_TEN.length; i++) {
            POWERS_OF_TEN[i] = p;
            p *= 10;
        }
    }

    private DecimalParser() {}

    /** The number in {@code b[from, to)}, or NaN when it is not a plain decimal this parser handles exactly. */
    static double parse(byte[] b, int from, int to) {
        int i = from;
        if (i >= to) {
            return Double.NaN;
        }
        boolean negative = false;
        if (b[i] == '-' || b[i] == '+') {
            negative = b[i] == '-';
            i++;
        }
        long mantissa = 0;
        int significant = 0;
        int decimals = 0;
        int digits = 0;
        boolean point = false;
        for (; i < to; i++) {
            int c = b[i];
            if (c >= '0' && c <= '9') {
                digits++;
                if (point) {
                    decimals++;
                }
                if (mantissa != 0 || c != '0') {
                    if (++significant > MAX_DIGITS) {
                        return Double.NaN;
                    }
                }
                mantissa = mantissa * 10 + (c - '0');
            } else if (c == '.' && !point) {
                point = true;
            } else {
                return Double.NaN;
            }
        }
        if (digits == 0 || decimals >= POWERS_OF_TEN.length) {
            return Double.NaN;
        }
        return value(negative, mantissa, decimals);
    }

    /**
     * {@code ±mantissa / 10^decimals}, correctly rounded, for a mantissa below 10^15 and at most
     * 22 decimals.
     */
    static double value(boolean negative, long mantissa, int decimals) {
        double value = decimals == 0 ? (double) mantissa : mantissa / POWERS_OF_TEN[decimals];
        return negative ? -value : value;
    }
}
