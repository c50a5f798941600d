package io.kiln.runtime.internal.batch;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kiln.runtime.CsvSource;
import io.kiln.runtime.internal.data.CsvTable;
import io.kiln.runtime.DataException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The streaming reader reads what {@link CsvTable} reads (Commons CSV's default format), cell for cell and line for
 * line, whatever its buffer size; resumes at any recorded offset; and parses numbers exactly as
 * {@link Double#parseDouble}.
 */
class CsvRecordReaderTest {
    @TempDir Path dir;

    /** Valid CSV that exercises quoting, line breaks, blank lines, white space. */
    private static final List<String> FILES = List.of(
            "a,b,c\n1,2,3\n4,5,6\n",
            "a,b,c\n1,2,3\n4,5,6", // no final line break
            "a,b,c\r\n1,2,3\r\n\r\n4,5,6\r\n",
            "a,b,c\r1,2,3\r4,5,6\r", // old Mac line breaks
            "\n\na,b,c\n\n1,2,3\n\n\n4,5,6\n\n",
            "a,b,c\n\"x,y\",\"say \"\"hi\"\"\",\"\"\n\"multi\nline\",2,\"cr\r\nlf\"\n7,8,9\n",
            "a,b,c\n  1 , 2\t,3  \n\"  q  \" ,  \"r\"\t,s\n",
            "a,b,c\n x\"y\"z,\"\"\"\",\" \"\"a\"\" \"\n", // a quote inside an unquoted field is a character
            "a,b,c\n,,\n1,,\n,,3\n1,2,\n",
            "名前,b,c\nété,\"ü\nß\",日本\n",
            "a,b,c\n1,2,3\n4,5,\"6\"");

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }

    /** Every record as [line, cells...]. */
    private static List<List<String>> readAll(Path file, char delimiter, int bufferSize) throws IOException {
        List<List<String>> records = new ArrayList<>();
        try (CsvRecordReader r = new CsvRecordReader(file, file.toString(), delimiter, 0, 1, bufferSize)) {
            while (r.next()) {
                List<String> rec = new ArrayList<>();
                rec.add(Long.toString(r.line()));
                rec.addAll(Arrays.asList(r.cells()));
                records.add(rec);
            }
        }
        return records;
    }

    private static List<List<String>> readWithCsvTable(Path file, char delimiter) throws IOException {
        CsvTable t = CsvTable.read(CsvSource.file(file).delimiter(delimiter));
        List<List<String>> records = new ArrayList<>();
        List<String> header = new ArrayList<>();
        header.add("?"); // CsvTable does not keep the header's line
        header.addAll(t.header());
        records.add(header);
        for (CsvTable.Row row : t.rows()) {
            List<String> rec = new ArrayList<>();
            rec.add(Long.toString(row.line()));
            rec.addAll(Arrays.asList(row.cells()));
            records.add(rec);
        }
        return records;
    }

    @Test
    void readsWhatCommonsCsvReadsWithAnyBufferSize() throws IOException {
        for (int i = 0; i < FILES.size(); i++) {
            Path file = write("f" + i + ".csv", FILES.get(i));
            List<List<String>> expected = readWithCsvTable(file, ',');
            for (int size : new int[] {1, 2, 3, 5, 8, 13, CsvRecordReader.BUFFER_SIZE}) {
                List<List<String>> actual = readAll(file, ',', size);
                actual.get(0).set(0, "?");
                assertWithMessage("file %s, buffer %s", i, size).that(actual).isEqualTo(expected);
            }
        }
    }

    @Test
    void otherDelimiters() throws IOException {
        Path file = write("semi.csv", "a;b\n1,5;\"x;y\"\n");
        assertThat(readAll(file, ';', 4)).isEqualTo(List.of(List.of("1", "a", "b"), List.of("2", "1,5", "x;y")));
    }

    @Test
    void resumesAtAnyRecordedOffset() throws IOException {
        StringBuilder text = new StringBuilder("a,b\n");
        Random r = new Random(1);
        for (int i = 0; i < 300; i++) {
            text.append(r.nextInt(3) == 0 ? "\"q\nx\"" : Integer.toString(i)).append(',').append(i)
                    .append(r.nextBoolean() ? "\r\n" : "\n").append(r.nextInt(5) == 0 ? "\n" : "");
        }
        Path file = write("resume.csv", text.toString());
        List<long[]> positions = new ArrayList<>();
        List<List<String>> all = new ArrayList<>();
        try (CsvRecordReader reader = new CsvRecordReader(file, "resume.csv", ',', 0, 1, 7)) {
            while (reader.next()) {
                all.add(List.of(Long.toString(reader.line()), reader.cell(0), reader.cell(1)));
                positions.add(new long[] {reader.offset(), reader.nextLine()});
            }
        }
        for (int k : new int[] {0, 1, 17, 150, 299}) {
            List<List<String>> rest = new ArrayList<>();
            try (CsvRecordReader reader = new CsvRecordReader(file, "resume.csv", ',', positions.get(k)[0],
                    positions.get(k)[1], 5)) {
                while (reader.next()) {
                    rest.add(List.of(Long.toString(reader.line()), reader.cell(0), reader.cell(1)));
                }
            }
            assertThat(rest).isEqualTo(all.subList(k + 1, all.size()));
        }
    }

    @Test
    void brokenQuotingNamesTheLine() throws IOException {
        Path unclosed = write("unclosed.csv", "a,b\n1,2\n3,\"oops\n4,5\n");
        DataException e = assertThrows(DataException.class, () -> readAll(unclosed, ',', 4));
        assertThat(e).hasMessageThat().isEqualTo(unclosed + ":3: malformed CSV: a quote opened in the row starting on "
                + "line 3 is never closed.");
        Path trailing = write("trailing.csv", "a,b\n1,\"2\"x\n");
        e = assertThrows(DataException.class, () -> readAll(trailing, ',', 1 << 10));
        assertThat(e.line()).isEqualTo(2);
        assertThat(e).hasMessageThat().contains("text after the closing quote");
    }

    @Test
    void numbersAreParsedExactlyAsParseDouble() throws IOException {
        Random r = new Random(7);
        List<String> cells = new ArrayList<>(List.of("0", "-0", "007", "1.", ".5", "-.5", "+3", "12345678901234567",
                "0.1", "2.675", "1e5", "1E-3", "NaN", "Infinity", "-", ".", "", "1.2.3", "0x1p3", "1d", "5f", "--1",
                "9007199254740993", "123456789012345", "0.000000000000000000001", "4.35", "1,5"));
        for (int i = 0; i < 20_000; i++) {
            StringBuilder s = new StringBuilder();
            if (r.nextInt(4) == 0) {
                s.append(r.nextBoolean() ? '-' : '+');
            }
            int intDigits = r.nextInt(12);
            for (int d = 0; d < intDigits; d++) {
                s.append((char) ('0' + r.nextInt(10)));
            }
            if (r.nextBoolean()) {
                s.append('.');
                int decimals = r.nextInt(r.nextInt(5) == 0 ? 25 : 8);
                for (int d = 0; d < decimals; d++) {
                    s.append((char) ('0' + r.nextInt(10)));
                }
            }
            cells.add(s.toString());
        }
        StringBuilder text = new StringBuilder("x,quoted\n");
        for (String c : cells) {
            text.append(c.contains(",") ? "\"" + c + "\"" : c).append(",\" ").append(c).append(" \"\n");
        }
        Path file = write("numbers.csv", text.toString());
        int fast = 0;
        try (CsvRecordReader reader = new CsvRecordReader(file, "numbers.csv", ',', 0, 1, 64)) {
            reader.next();
            for (String c : cells) {
                assertThat(reader.next()).isTrue();
                Double expected;
                try {
                    expected = Double.parseDouble(c);
                } catch (NumberFormatException e) {
                    expected = null;
                }
                for (int field = 0; field < 2; field++) {
                    double v = reader.number(field);
                    if (!Double.isNaN(v)) {
                        fast++;
                        assertWithMessage("'%s'", c).that(expected).isNotNull();
                        assertWithMessage("'%s'", c).that(Double.doubleToRawLongBits(v))
                                .isEqualTo(Double.doubleToRawLongBits(expected));
                    } else {
                        // left to parseDouble: not a plain decimal, or more than 15 significant digits or 22 decimals
                        boolean plain = c.matches("[+-]?\\d*(\\.\\d*)?") && c.matches(".*\\d.*");
                        int significant = c.replaceAll("[^0-9]", "").replaceFirst("^0+", "").length();
                        int decimals = c.contains(".") ? c.length() - c.indexOf('.') - 1 : 0;
                        assertWithMessage("'%s'", c).that(plain && significant <= 15 && decimals <= 22).isFalse();
                    }
                }
            }
        }
        assertThat(fast).isGreaterThan(20_000);
    }

    @Test
    void aByteOrderMarkIsSkippedAndOffsetsStayTheFiles() throws IOException {
        byte[] text = "a,b\n1,2\n3,4\n".getBytes(StandardCharsets.UTF_8);
        byte[] withMark = new byte[text.length + 3];
        withMark[0] = (byte) 0xEF;
        withMark[1] = (byte) 0xBB;
        withMark[2] = (byte) 0xBF;
        System.arraycopy(text, 0, withMark, 3, text.length);
        Path file = Files.write(dir.resolve("bom.csv"), withMark);
        for (int size : new int[] {1, 2, 4, CsvRecordReader.BUFFER_SIZE}) {
            try (CsvRecordReader r = new CsvRecordReader(file, "bom.csv", ',', 0, 1, size)) {
                assertThat(r.next()).isTrue();
                assertThat(r.cells()).asList().containsExactly("a", "b").inOrder();
                assertThat(r.offset()).isEqualTo(7); // the mark's 3 bytes and "a,b\n"
                assertThat(r.next()).isTrue();
                assertThat(r.offset()).isEqualTo(11);
                long offset = r.offset();
                long line = r.nextLine();
                r.seek(0, 1); // back to the start: the mark is skipped again
                assertThat(r.next()).isTrue();
                assertThat(r.cell(0)).isEqualTo("a");
                r.seek(offset, line); // a resume offset is the file's
                assertThat(r.next()).isTrue();
                assertThat(r.cells()).asList().containsExactly("3", "4").inOrder();
                assertThat(r.line()).isEqualTo(3);
            }
        }
        // a mark-like sequence elsewhere is data
        Path late = write("late.csv", "a,b\n\uFEFF1,2\n");
        assertThat(readAll(late, ',', 8).get(1)).containsExactly("2", "\uFEFF1", "2").inOrder();
    }

    @Test
    void controlCharactersAreNotTrimmedAsWhiteSpace() throws IOException {
        Path file = write("nul.csv", "a,b\n4.5\u0000,\u0001x\t\n");
        try (CsvRecordReader r = new CsvRecordReader(file, "nul.csv", ',', 0, 1)) {
            r.next();
            r.next();
            assertThat(r.cell(0)).isEqualTo("4.5\u0000");
            assertThat(r.number(0)).isNaN();
            assertThat(r.cell(1)).isEqualTo("\u0001x");
        }
        assertThat(readAll(file, ',', 3)).isEqualTo(readWithCsvTable(file, ',').subList(0, 2).stream()
                .map(l -> l.get(0).equals("?") ? List.of("1", "a", "b") : l).toList());
    }
}
