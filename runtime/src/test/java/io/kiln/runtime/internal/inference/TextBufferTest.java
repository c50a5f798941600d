package io.kiln.runtime.internal.inference;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The numbers of prediction files are String.format's and Long.toString's, digit for digit. */
class TextBufferTest {

    private static void assertSameAsFormat(double v) {
        assertWithMessage("%s (bits %s)", v, Long.toHexString(Double.doubleToRawLongBits(v)))
                .that(new TextBuffer(1).appendFixed6(v).toString()).isEqualTo(String.format(Locale.ROOT, "%.6f", v));
    }

    @Test
    void wholeNumbers() {
        TextBuffer b = new TextBuffer(1);
        List<Long> values = new ArrayList<>(List.of(0L, 1L, -1L, 9L, 10L, 99L, 100L, 101L, 999_999L, 1_000_000L,
                Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1));
        Random r = new Random(3);
        for (int i = 0; i < 10_000; i++) {
            values.add(r.nextLong() >> r.nextInt(64));
        }
        StringBuilder expected = new StringBuilder();
        for (long v : values) {
            b.append(v).append(',');
            expected.append(v).append(',');
        }
        assertThat(b.toString()).isEqualTo(expected.toString());
    }

    @Test
    void specialValuesAndSigns() {
        for (double v : new double[] {0.0, -0.0, 1.0, -1.0, 0.5, 1e-7, -1e-7, 5e-7, -5e-7, 4.9999999e-7, 1.5e-6,
                0.0000005, 0.0000015, 0.0000025, 0.1234565, 0.9999995, 0.99999949, 999999.9999995, 1e6, -1e6, 1e300,
                -1e300, Double.MIN_VALUE, Double.MAX_VALUE, Double.NaN, Double.POSITIVE_INFINITY,
                Double.NEGATIVE_INFINITY, 123.456, 152.13370137}) {
            assertSameAsFormat(v);
        }
    }

    @Test
    void randomProbabilitiesValuesAndNearTies() {
        Random r = new Random(42);
        List<Double> values = new ArrayList<>();
        for (int i = 0; i < 40_000; i++) {
            values.add((double) r.nextFloat()); // network outputs are floats widened to double
            values.add(r.nextDouble());
            values.add((r.nextDouble() - 0.5) * Math.pow(10, r.nextInt(14) - 6));
            values.add((double) (float) ((r.nextDouble() - 0.5) * 400)); // regression values
            // just around a rounding tie of the sixth decimal
            double tie = (r.nextInt(2_000_000) - 1_000_000 + 0.5) / 1e6 * Math.pow(10, r.nextInt(12));
            double up = tie;
            double down = tie;
            values.add(tie);
            for (int ulps = 0; ulps < 4; ulps++) {
                values.add(up = Math.nextUp(up));
                values.add(down = Math.nextDown(down));
            }
            values.add(tie + (r.nextDouble() - 0.5) * 1e-9);
            values.add((2 * r.nextInt(1 << 20) + 1) / 128.0); // exact binary ties of the seventh decimal
        }
        for (double v : values) {
            assertSameAsFormat(v);
        }
    }

    /** Floats (network outputs) take no String.format: exact ties round up, the floats around ties round as the formatter does. */
    @Test
    void floatsOnAndAroundTies() {
        Random r = new Random(11);
        for (int i = 0; i < 40_000; i++) {
            float tie = (float) ((2 * r.nextInt(1 << 14) + 1) / 128.0 * (r.nextBoolean() ? 1 : -1));
            assertSameAsFormat(tie);
            float nearest = (float) ((r.nextInt(4_000_000) - 2_000_000 + 0.5) / 1e6 * Math.pow(10, r.nextInt(6)));
            float up = nearest;
            float down = nearest;
            assertSameAsFormat(nearest);
            for (int ulps = 0; ulps < 3; ulps++) {
                assertSameAsFormat(up = Math.nextUp(up));
                assertSameAsFormat(down = Math.nextDown(down));
            }
        }
    }
}
