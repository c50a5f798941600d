package io.kiln.runtime;

import io.kiln.runtime.internal.data.CsvTable;
import io.kiln.runtime.internal.data.LabeledData;
import io.kiln.runtime.internal.evaluate.Diagnostics;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kiln.dsl.Missing;
import io.kiln.dsl.Scaling;
import io.kiln.dsl.Task;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What real files get wrong: Java's number spellings, a byte-order mark, duplicated header names,
 * another delimiter, quoting mistakes, huge or binary cells, unreadable files. Each names the file,
 * the line and the column, and shows the data as text.
 */
class DataRobustnessTest {
    @TempDir Path dir;

    static final List<FeatureSchema> FEATURES = DataReadingTest.FEATURES;
    static final LabelSchema LABEL = DataReadingTest.LABEL;
    static final CsvSource CSV = DataReadingTest.CSV;

    static LabeledData read(String text) throws Exception {
        return DataReadingTest.read(text);
    }

    static DataException fails(String text) {
        return assertThrows(DataException.class, () -> read(text));
    }

    @Test
    void javaNumberSyntaxIsNotANumber() {
        String[][] cases = {
            {"4.5f", "\"4.5f\""}, {"4.5d", "\"4.5d\""}, {"4.5F", "\"4.5F\""}, {"0x1.2p2", "\"0x1.2p2\""},
            {"4.5\u0000", "\"4.5\\u0000\""}, {"1_000", "\"1_000\""}, {"Infinity", "\"Infinity\""},
            {"-Infinity", "\"-Infinity\""}, {"1e999", "\"1e999\""}, {"1e", "\"1e\""}, {"e5", "\"e5\""},
            {".", "\".\""}, {"+", "\"+\""}, {"1.5.", "\"1.5.\""}, {"٣", "\"٣\""},
        };
        for (String[] c : cases) {
            assertThat(fails("x,flag,color,y\n1,1,red,no\n" + c[0] + ",1,red,no\n")).hasMessageThat()
                    .isEqualTo("data.csv:3: column 'x' (1): " + c[1] + " is not a finite number");
        }
    }

    @Test
    void plainDecimalsAreNumbers() throws Exception {
        String[] cells = {"4.5", "-4.5", "+4.5", "4.", ".5", "-.5", "4.5e1", "4.5E-1", "45e+0", " 4.5 ", "\t4.5"};
        double[] values = {4.5, -4.5, 4.5, 4, 0.5, -0.5, 45, 0.45, 45, 4.5, 4.5};
        StringBuilder text = new StringBuilder("x,flag,color,y\n");
        for (String c : cells) {
            text.append(c).append(",1,red,no\n");
        }
        LabeledData d = read(text.toString());
        for (int i = 0; i < cells.length; i++) {
            assertThat(d.features().get(i)[0]).isEqualTo(values[i]);
        }
    }

    @Test
    void predictPairsTakePlainDecimalsOnly() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LabeledData.parseFeature(FEATURES.get(0), "4.5d"));
        assertThat(e).hasMessageThat().isEqualTo("\"4.5d\" is not a finite number");
    }

    @Test
    void byteOrderMarkIsSkippedInCsvAndArff() throws IOException {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        byte[] csv = "x,flag,color,y\n1.5,yes,red,no\n".getBytes(StandardCharsets.UTF_8);
        Path file = dir.resolve("bom.csv");
        Files.write(file, concat(bom, csv));
        CsvTable t = CsvTable.read(CsvSource.file(file));
        assertThat(t.header()).containsExactly("x", "flag", "color", "y").inOrder();
        assertThat(LabeledData.read(t, CSV, FEATURES, LABEL, Task.BINARY_CLASSIFICATION).features().get(0)[0])
                .isEqualTo(1.5);
        // the data hash is the file's bytes, mark included
        assertThat(t.sha256()).isEqualTo(java.util.HexFormat.of().formatHex(sha256(concat(bom, csv))));
        assertThat(CsvTable.parse("s.csv", new StringReader("\uFEFFx,y\n1,2\n"), true, ',', null).header().get(0))
                .isEqualTo("x");
        Path arff = dir.resolve("bom.arff");
        Files.write(arff, concat(bom, "@relation r\n@attribute x numeric\n@attribute y {no,yes}\n@data\n1,no\n"
                .getBytes(StandardCharsets.UTF_8)));
        assertThat(CsvTable.read(CsvSource.file(arff)).header()).containsExactly("x", "y").inOrder();
    }

    @Test
    void aDuplicatedHeaderNameIsAnErrorNamingBothPositions() {
        assertThat(fails("x,flag,color,y,x\n1,1,red,no,2\n")).hasMessageThat().isEqualTo("data.csv:1: column 'x' (1): "
                + "the header names 'x' twice, at positions 1 and 5, so which one to read is unclear. Rename or "
                + "remove one of them.");
        assertThat(fails("x,flag,y,color,y\n1,1,no,red,no\n")).hasMessageThat().isEqualTo("data.csv:1: column 'y' "
                + "(3): the header names 'y' twice, at positions 3 and 5, so which one to read is unclear. Rename or "
                + "remove one of them.");
    }

    @Test
    void anUndeclaredDuplicatedColumnIsIgnored() throws Exception {
        assertThat(read("note,x,flag,color,y,note\na,1,1,red,no,b\n").size()).isEqualTo(1);
    }

    @Test
    void anotherDelimiterIsNamedWithHowToDeclareIt() {
        assertThat(fails("x;flag;color;y\n1;1;red;no\n")).hasMessageThat().isEqualTo("data.csv:1: column 'x': "
                + "missing column: the header has [x;flag;color;y]. The header line seems to be separated by ';', not "
                + "','; declare it with @CsvData(delimiter = ';')");
        assertThat(fails("x\tflag\tcolor\ty\n1\t1\tred\tno\n")).hasMessageThat().isEqualTo("data.csv:1: column 'x': "
                + "missing column: the header has [x\\tflag\\tcolor\\ty]. The header line seems to be separated by "
                + "'\\t', not ','; declare it with @CsvData(delimiter = '\\t')");
        DataException declaredSemicolon = assertThrows(DataException.class, () -> LabeledData.read(CsvTable.parse(
                "data.csv", new StringReader("x,flag,color,y\n1,1,red,no\n"), true, ';', null), CSV.delimiter(';'),
                FEATURES, LABEL, Task.BINARY_CLASSIFICATION));
        assertThat(declaredSemicolon).hasMessageThat().endsWith("The header line seems to be separated by ',', not "
                + "';'; declare it with @CsvData(delimiter = ',')");
        assertThat(fails("x flag color y\n1 1 red no\n")).hasMessageThat().isEqualTo("data.csv:1: column 'x': "
                + "missing column: the header has [x flag color y]. The header line has no delimiter ',': check the "
                + "file's delimiter and declare it with @CsvData(delimiter = ...)");
    }

    @Test
    void malformedQuotesNameTheLine() {
        assertThat(fails("x,flag,color,y\n1,1,red,no\n\n2,1,\"red,no\n3,1,red,no\n")).hasMessageThat().isEqualTo(
                "data.csv:4: malformed CSV: a quote opened in the row starting on line 4 is never closed.");
        assertThat(fails("x,flag,color,y\n1,1,\"a\nb\"c,no\n")).hasMessageThat().isEqualTo("data.csv:3: malformed "
                + "CSV: text after the closing quote of a field; quote the whole field and double the quotes inside "
                + "it (\"\").");
        assertThat(fails("x,flag,color,y\n1,1,\"red\"  ,no\n2,1,red,no,\n")).hasMessageThat().isEqualTo(
                "data.csv:3: expected 4 fields (as in the header), found 5. Check for a missing or extra delimiter ','"
                        + " or an unclosed quote.");
    }

    @Test
    void aHugeCellIsCutInTheMessage() {
        String huge = "7".repeat(1_000_000) + "x" + "7".repeat(1_000_088);
        DataException e = fails("x,flag,color,y\n" + huge + ",1,red,no\n");
        assertThat(e).hasMessageThat().isEqualTo("data.csv:2: column 'x' (1): \"" + "7".repeat(60) + "…\" (2000089 "
                + "chars) is not a finite number");
        assertThat(fails("x,flag,color,y\n1,1," + "r".repeat(100) + ",no\n")).hasMessageThat().isEqualTo(
                "data.csv:2: column 'color' (3): unknown level \"" + "r".repeat(60) + "…\" (100 chars); 'color' "
                        + "declares [red, green]");
    }

    @Test
    void controlCharactersAreEscaped() {
        assertThat(fails("x,flag,color,y\n1,\u0001\u007f\u0000,red,no\n")).hasMessageThat().isEqualTo(
                "data.csv:2: column 'flag' (2): \"\\u0001\\u007F\\u0000\" is not a boolean (true/false, yes/no, 1/0)");
        assertThat(fails("x,flag,color,y\n1,1,\"re\r\nd\",no\n")).hasMessageThat().isEqualTo(
                "data.csv:2: column 'color' (3): unknown level \"re\\r\\nd\"; 'color' declares [red, green]");
        DataException header = fails("\u0000\u0001PK,\uFEFFflag\n1,2\n");
        assertThat(header).hasMessageThat().startsWith(
                "data.csv:1: column 'x': missing column: the header has [\\u0000\\u0001PK, \\uFEFFflag]");
    }

    @Test
    void predictionDataIgnoresTheLabelColumn() throws IOException {
        CsvTable t = CsvTable.parse("p.csv", new StringReader("x,flag,color,y\n1,1,red,maybe\n2,0,green,\n"), true,
                ',', null);
        LabeledData d = LabeledData.readFeatures(t, CSV, FEATURES, LABEL, Task.BINARY_CLASSIFICATION);
        assertThat(d.size()).isEqualTo(2);
        assertThat(d.hasLabels()).isFalse();
        assertThat(d.features().get(1)).asList().containsExactly(2.0, false, "green").inOrder();
        ModelDefinition def = TrainingFixtures.iris(new org.nd4j.linalg.learning.config.Adam(0.01)).build();
        Path file = dir.resolve("p.csv");
        Files.writeString(file, "sepal_length_cm,sepal_width_cm,petal_length_cm,petal_width_cm,label\n"
                + "5.1,3.5,1.4,0.2,setosa\n5.0,3.0,1.0,0.1,\n");
        LabeledData viaDefinition = def.readData(CsvSource.file(file), false);
        assertThat(viaDefinition.hasLabels()).isFalse();
        assertThat(viaDefinition.size()).isEqualTo(2);
        // training still reads it
        assertThat(assertThrows(DataException.class, () -> def.readData(CsvSource.file(file), true)))
                .hasMessageThat().isEqualTo(file + ":2: column 'label' (5): \"setosa\" is not a finite number");
    }

    @Test
    void aFeatureMissingInEveryTrainingRowStopsTraining() throws IOException {
        ModelDefinition def = TrainingFixtures.iris(new org.nd4j.linalg.learning.config.Adam(0.01)).build();
        Path file = dir.resolve("empty-column.csv");
        StringBuilder text = new StringBuilder("sepal_length_cm,sepal_width_cm,petal_length_cm,petal_width_cm,label\n");
        for (int i = 0; i < 20; i++) {
            text.append("5.1,").append(i % 2 == 0 ? "" : "NA").append(",1.4,0.2,").append(i % 3).append('\n');
        }
        Files.writeString(file, text);
        LabeledData data = def.readData(CsvSource.file(file), true);
        int[] train = java.util.stream.IntStream.range(0, 20).toArray();
        DataException e = assertThrows(DataException.class, () -> Diagnostics.dataWarnings(def, data, train));
        assertThat(e).hasMessageThat().isEqualTo(file + ": column 'sepal_width_cm' (2): the value of feature "
                + "'sepal_width_cm' is missing (empty or a missing-value token) in all 20 training rows, so there is "
                + "nothing to learn from it. Check the column (and the file's delimiter), or remove the feature from "
                + "the spec.");
        // mostly missing: a warning (in the run's output and the report)
        String mostly = text.toString().replaceFirst("\n5\\.1,,1\\.4", "\n5.1,3.0,1.4");
        Files.writeString(file, mostly);
        LabeledData some = def.readData(CsvSource.file(file), true);
        List<Report.Warning> w = Diagnostics.dataWarnings(def, some, train);
        assertThat(w.get(0).message()).isEqualTo("Features missing in most training rows, filled by their "
                + "missing-value strategy: 'sepal_width_cm' in 19 of 20 (95%). What the model learns from them is "
                + "mostly the fill value; check the data.");
    }

    @Test
    void filesThatCannotBeReadSayWhy() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("folder.csv"));
        IOException e = assertThrows(IOException.class, () -> CsvTable.read(CsvSource.file(folder)));
        assertThat(e).hasMessageThat().isEqualTo("Data file " + folder.toAbsolutePath() + " is a directory, not a "
                + "file");
        Path noread = dir.resolve("noread.csv");
        assertThat(CsvSource.cannotRead(noread, new AccessDeniedException(noread.toString()))).hasMessageThat()
                .isEqualTo("Cannot read data file " + noread.toAbsolutePath() + ": permission denied");
        Files.writeString(noread, "x,y\n1,no\n");
        if (noread.toFile().setReadable(false, false) && !Files.isReadable(noread)) { // not as root
            IOException denied = assertThrows(IOException.class, () -> CsvTable.read(CsvSource.file(noread)));
            assertThat(denied).hasMessageThat().isEqualTo("Cannot read data file " + noread.toAbsolutePath()
                    + ": permission denied");
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private static byte[] sha256(byte[] b) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(b);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
