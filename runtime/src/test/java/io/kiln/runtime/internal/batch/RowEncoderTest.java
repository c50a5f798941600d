package io.kiln.runtime.internal.batch;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import io.kiln.dsl.Encoding;
import io.kiln.dsl.Missing;
import io.kiln.dsl.Scaling;
import io.kiln.runtime.DataException;
import io.kiln.runtime.FeatureKind;
import io.kiln.runtime.FeatureSchema;
import io.kiln.runtime.internal.preprocess.FeatureTransform;
import io.kiln.runtime.internal.preprocess.Preprocessor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A record of plain numbers is read and scaled in one pass ({@link RowEncoder#readEncoded}, {@link
 * CsvRecordReader#nextScaled}); every record that pass takes gives the same input row, line and
 * resume position as the general path ({@link CsvRecordReader#next}, {@link RowEncoder#encode}),
 * and every record it declines is read by the general path exactly as before, errors included.
 */
class RowEncoderTest {
    @TempDir Path dir;

    /** Three numeric features in columns a, b and c; the label column sits between them and is not read. */
    private static final String HEADER = "a,label,b,c";
    private static final List<FeatureSchema> FEATURES = List.of(numeric("a"), numeric("b"), numeric("c"));
    private static final Preprocessor PREPROCESSOR = new Preprocessor(List.of(transform("a", 4.5, 2.25),
            transform("b", -1.0, 0.3), transform("c", 0.0, 1e-30)));

    private static FeatureSchema numeric(String name) {
        return FeatureSchema.numeric(name, name, Scaling.STANDARDIZE, Missing.MEAN, "");
    }

    private static FeatureTransform transform(String name, double center, double scale) {
        return new FeatureTransform(name, name, FeatureKind.NUMERIC, Encoding.ONE_HOT, Scaling.STANDARDIZE,
                Missing.MEAN, center, null, center, scale, List.of(), false);
    }

    private static final String PLAIN = HEADER + "\n1,x,2,3\n-0,y,0.5,-0.25\n17.125,q,-3,0\n";
    private static final String MIXED = HEADER + "\n"
            + "1,x,2,3\n"
            + "007,cat,-.5,5.\n"
            + "\n"
            + "2,\"multi\nline label\",3,4\r\n"
            + "3,\"a,b\",4,5\r"
            + "4,pl\"ain,5,6\n"
            + " 5 ,x,6,7\n"
            + "\"6\",x,7,8\n"
            + ",x,8,9\n"
            + "NA,x,9,10\n"
            + "1e3,x,1,1\n"
            + "+3,x,1,1\n"
            + "1234567890123456,x,1,1\n"
            + "123456789012345,x,0.000000000000001,1\n"
            + "1,x,2\n"
            + "1,x,2,3,4\n"
            + "1,x,2,1000000000\n" // 1e39 once scaled, beyond a float: an error on the general path
            + "1,x,2,3.5\n"
            + "-,x,2,3\n"
            + "1.2.3,x,2,3\n"
            + "1,x,2,-999\n"
            + "8,x,9,10"; // no line break at the end

    /** Every record as the general path reads it: line, then the input row's bits or the error; then the resume position. */
    private static List<String> readGeneral(Path file, List<String> missing, int bufferSize) throws IOException {
        List<String> out = new ArrayList<>();
        try (CsvRecordReader reader = new CsvRecordReader(file, "f.csv", ',', 0, 1, bufferSize)) {
            RowEncoder encoder = encoder(reader, missing);
            float[] row = new float[3];
            while (reader.next()) {
                out.add(describe(reader, encoder, row, false));
            }
        }
        return out;
    }

    /** The same, taking the one-pass path whenever it accepts a record; counts the records it took. */
    private static List<String> readFast(Path file, List<String> missing, int bufferSize, int[] taken)
            throws IOException {
        List<String> out = new ArrayList<>();
        try (CsvRecordReader reader = new CsvRecordReader(file, "f.csv", ',', 0, 1, bufferSize)) {
            RowEncoder encoder = encoder(reader, missing);
            float[] row = new float[3];
            while (true) {
                java.util.Arrays.fill(row, Float.NaN);
                if (encoder.readEncoded(reader, row, 0)) {
                    taken[0]++;
                    out.add(describe(reader, encoder, row, true));
                } else if (reader.next()) {
                    out.add(describe(reader, encoder, row, false));
                } else {
                    return out;
                }
            }
        }
    }

    private static RowEncoder encoder(CsvRecordReader reader, List<String> missing) throws IOException {
        assertThat(reader.next()).isTrue(); // the header
        return new RowEncoder("f.csv", FEATURES, PREPROCESSOR, new int[] {0, 2, 3}, missing, 4, true, ',');
    }

    private static String describe(CsvRecordReader reader, RowEncoder encoder, float[] row, boolean encoded) {
        String what;
        if (encoded) {
            what = bits(row);
        } else {
            try {
                encoder.encode(reader, row, 0);
                what = bits(row);
            } catch (DataException e) {
                what = e.getMessage();
            }
        }
        return reader.line() + " " + what + " -> " + reader.offset() + ":" + reader.nextLine() + " " + reader.text();
    }

    private static String bits(float[] row) {
        StringBuilder s = new StringBuilder();
        for (float v : row) {
            s.append(Integer.toHexString(Float.floatToRawIntBits(v))).append(' ');
        }
        return s.toString();
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }

    @Test
    void plainRecordsTakeOnePassToTheSameRows() throws IOException {
        Path file = write("plain.csv", PLAIN);
        int[] taken = {0};
        List<String> fast = readFast(file, List.of(), CsvRecordReader.BUFFER_SIZE, taken);
        assertThat(fast).isEqualTo(readGeneral(file, List.of(), CsvRecordReader.BUFFER_SIZE));
        assertThat(taken[0]).isEqualTo(3);
        // (17.125 - 4.5) / 2.25, (-3 + 1) / 0.3, 0 / 1e-30
        assertThat(fast.get(2)).startsWith("4 " + Integer.toHexString(Float.floatToRawIntBits(
                (float) ((17.125 - 4.5) / 2.25))) + " " + Integer.toHexString(Float.floatToRawIntBits(
                (float) ((-3 + 1.0) / 0.3))) + " 0 ");
    }

    @Test
    void everyOtherRecordIsReadAsBefore() throws IOException {
        Path file = write("mixed.csv", MIXED);
        for (List<String> missing : List.of(List.<String>of(), List.of("NA"), List.of("NA", "-999"))) {
            for (int size : new int[] {1, 3, 8, 13, 64, CsvRecordReader.BUFFER_SIZE}) {
                int[] taken = {0};
                List<String> fast = readFast(file, missing, size, taken);
                assertWithMessage("missing %s, buffer %s", missing, size).that(fast)
                        .isEqualTo(readGeneral(file, missing, size));
                if (size == CsvRecordReader.BUFFER_SIZE) {
                    // lines 2, 3, 20 and 23 (1,x,2,-999); none when -999 is a missing-value token
                    assertWithMessage("missing %s", missing).that(taken[0])
                            .isEqualTo(missing.contains("-999") ? 0 : 4);
                }
            }
        }
    }

    @Test
    void theGeneralPathNamesTheProblemsTheOnePassDeclines() throws IOException {
        Path file = write("mixed.csv", MIXED);
        List<String> records = readFast(file, List.of("NA"), CsvRecordReader.BUFFER_SIZE, new int[1]);
        assertThat(records.stream().filter(r -> r.startsWith("17 ")).findFirst().orElseThrow())
                .contains("f.csv:17: expected 4 fields");
        assertThat(records.stream().filter(r -> r.startsWith("19 ")).findFirst().orElseThrow())
                .contains("f.csv:19: column 'c' (4): 'c' is 1.0E9, beyond the range of the network's 32-bit inputs");
    }

    @Test
    void javaNumberSpellingsAreNotNumbersOnEitherPath() throws IOException {
        String[] cells = {"4.5f", "4.5d", "0x1.2p2", "4.5\u0000", "\"4.5f\"", "Infinity", "1_0"};
        String[] shown = {"4.5f", "4.5d", "0x1.2p2", "4.5\\u0000", "4.5f", "Infinity", "1_0"};
        StringBuilder text = new StringBuilder(HEADER).append('\n');
        for (String c : cells) {
            text.append("1,x,").append(c).append(",3\n");
        }
        Path file = write("java.csv", text.toString());
        for (int size : new int[] {3, CsvRecordReader.BUFFER_SIZE}) {
            int[] taken = {0};
            List<String> fast = readFast(file, List.of(), size, taken);
            assertThat(taken[0]).isEqualTo(0);
            for (int i = 0; i < cells.length; i++) {
                assertThat(fast.get(i)).startsWith((i + 2) + " f.csv:" + (i + 2) + ": column 'b' (3): \""
                        + shown[i] + "\" is not a finite number -> ");
            }
        }
    }
}
