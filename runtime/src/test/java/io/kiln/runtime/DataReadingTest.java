package io.kiln.runtime;

import io.kiln.runtime.internal.data.CsvTable;
import io.kiln.runtime.internal.data.LabeledData;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kiln.dsl.Encoding;
import io.kiln.dsl.Missing;
import io.kiln.dsl.Scaling;
import io.kiln.dsl.Task;
import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;

/** CSV parsing and typed reading: every bad cell names the file, the line and the column. */
class DataReadingTest {
    static final List<FeatureSchema> FEATURES = List.of(
            FeatureSchema.numeric("x", "x", Scaling.STANDARDIZE, Missing.MEAN, ""),
            FeatureSchema.bool("flag", "flag", Missing.MOST_FREQUENT, ""),
            FeatureSchema.categorical("color", "color", List.of("red", "green"), Encoding.ONE_HOT, Scaling.NONE,
                    Missing.MISSING_CATEGORY, ""));
    static final LabelSchema LABEL = new LabelSchema("y", LabelCoding.NAME, List.of("y"), List.of("no", "yes"));
    static final CsvSource CSV = CsvSource.file("data.csv");

    static LabeledData read(String text) throws Exception {
        CsvTable t = CsvTable.parse("data.csv", new StringReader(text), true, ',', null);
        return LabeledData.read(t, CSV, FEATURES, LABEL, Task.BINARY_CLASSIFICATION);
    }

    static DataException fails(String text) {
        return assertThrows(DataException.class, () -> read(text));
    }

    @Test
    void readsTypedValuesAndMissingTokens() throws Exception {
        LabeledData d = read("x,flag,color,y\n1.5,yes,red,no\n?,0,,yes\n");
        assertThat(d.size()).isEqualTo(2);
        assertThat(d.features().get(0)).asList().containsExactly(1.5, true, "red").inOrder();
        assertThat(d.features().get(1)).asList().containsExactly(null, false, null).inOrder();
        assertThat(d.classes()).asList().containsExactly(0, 1).inOrder();
        assertThat(d.lines()).asList().containsExactly(2L, 3L).inOrder();
    }

    @Test
    void lineNumbersCountBlankLinesAndQuotedNewlines() throws Exception {
        List<FeatureSchema> schema = List.of(FEATURES.get(0), FeatureSchema.categorical("note", "note", List.of(),
                Encoding.ONE_HOT, Scaling.NONE, Missing.MISSING_CATEGORY, ""));
        String text = "x,note,y\n1,plain,no\n\n\"2\",\"two\nlines\",no\n3,ok,maybe\n";
        DataException e = assertThrows(DataException.class, () -> LabeledData.read(
                CsvTable.parse("data.csv", new StringReader(text), true, ',', null), CSV, schema, LABEL,
                Task.BINARY_CLASSIFICATION));
        assertThat(e).hasMessageThat().isEqualTo(
                "data.csv:6: column 'y' (3): unknown class \"maybe\"; the label declares [no, yes]");
        assertThat(e.line()).isEqualTo(6);
        LabeledData ok = LabeledData.read(CsvTable.parse("data.csv", new StringReader(text.replace("maybe", "yes")),
                true, ',', null), CSV, schema, LABEL, Task.BINARY_CLASSIFICATION);
        assertThat(ok.lines()).asList().containsExactly(2L, 4L, 6L).inOrder();
        assertThat(ok.features().get(1)[1]).isEqualTo("two\nlines");
    }

    @Test
    void nonNumericCell() {
        DataException e = fails("x,flag,color,y\n1,1,red,no\nabc,1,red,no\n");
        assertThat(e).hasMessageThat().isEqualTo("data.csv:3: column 'x' (1): \"abc\" is not a finite number");
    }

    @Test
    void infiniteNumberIsRejected() {
        assertThat(fails("x,flag,color,y\nInfinity,1,red,no\n")).hasMessageThat().contains("is not a finite number");
    }

    @Test
    void badBoolean() {
        assertThat(fails("x,flag,color,y\n1,maybe,red,no\n")).hasMessageThat()
                .isEqualTo("data.csv:2: column 'flag' (2): \"maybe\" is not a boolean (true/false, yes/no, 1/0)");
    }

    @Test
    void unknownClass() {
        assertThat(fails("x,flag,color,y\n1,1,red,perhaps\n")).hasMessageThat()
                .isEqualTo("data.csv:2: column 'y' (4): unknown class \"perhaps\"; the label declares [no, yes]");
    }

    @Test
    void missingLabel() {
        assertThat(fails("x,flag,color,y\n1,1,red,\n")).hasMessageThat()
                .isEqualTo("data.csv:2: column 'y' (4): the label is missing. Remove the row or fill in its label.");
    }

    @Test
    void raggedRow() {
        assertThat(fails("x,flag,color,y\n1,1,red,no\n1,1,no\n")).hasMessageThat().startsWith(
                "data.csv:3: expected 4 fields (as in the header), found 3.");
    }

    @Test
    void missingColumnSuggestsTheClosestUnusedHeader() {
        DataException e = fails("x,flg,color,y\n1,1,red,no\n");
        assertThat(e).hasMessageThat().startsWith("data.csv:1: column 'flag': missing column: the header has");
        assertThat(e).hasMessageThat().contains("Did you mean 'flg'?");
    }

    @Test
    void missingValueWithErrorStrategy() {
        FeatureSchema strict = FeatureSchema.numeric("x", "x", Scaling.NONE, Missing.ERROR, "");
        DataException e = assertThrows(DataException.class, () -> LabeledData.read(
                CsvTable.parse("data.csv", new StringReader("x,y\nNA,no\n"), true, ',', null), CSV, List.of(strict),
                LABEL, Task.BINARY_CLASSIFICATION));
        assertThat(e).hasMessageThat().contains("data.csv:2: column 'x' (1): the value is missing");
    }

    @Test
    void indexLabelsOutOfRange() {
        LabelSchema index = new LabelSchema("y", LabelCoding.INDEX, List.of("y"), List.of("a", "b", "c"));
        DataException e = assertThrows(DataException.class, () -> LabeledData.read(
                CsvTable.parse("d.csv", new StringReader("x,y\n1,0\n2,3\n"), true, ',', null), CSV,
                List.of(FEATURES.get(0)), index, Task.MULTICLASS_CLASSIFICATION));
        assertThat(e).hasMessageThat().isEqualTo(
                "d.csv:3: column 'y' (2): unknown class \"3\": class indices are 0..2 for [a, b, c]");
    }

    @Test
    void headerlessDataMapsColumnsInDeclarationOrder() throws Exception {
        CsvTable t = CsvTable.parse("d.csv", new StringReader("1;0\n2;1\n"), false, ';', null);
        LabelSchema bool = new LabelSchema("y", LabelCoding.BOOLEAN, List.of("y"), List.of("false", "true"));
        LabeledData d = LabeledData.read(t, CSV, List.of(FEATURES.get(0)), bool, Task.BINARY_CLASSIFICATION);
        assertThat(d.targets()[1]).isEqualTo(new double[] {1});
        assertThat(d.features().get(1)[0]).isEqualTo(2.0);
    }

    @Test
    void multilabelAndVectorTargets() throws Exception {
        LabelSchema tags = new LabelSchema("tags", LabelCoding.MULTI_HOT, List.of("a", "b"), List.of("a", "b"));
        LabeledData d = LabeledData.read(CsvTable.parse("d.csv", new StringReader("x,a,b\n1,1,0\n2,true,yes\n"),
                true, ',', null), CSV, List.of(FEATURES.get(0)), tags, Task.MULTILABEL_CLASSIFICATION);
        assertThat(d.targets()[0]).isEqualTo(new double[] {1, 0});
        assertThat(d.targets()[1]).isEqualTo(new double[] {1, 1});
        assertThat(d.classes()).isNull();
        LabelSchema values = new LabelSchema("t", LabelCoding.VALUES, List.of("a", "b"), List.of());
        LabeledData v = LabeledData.read(CsvTable.parse("d.csv", new StringReader("x,a,b\n1,2.5,-3\n"), true, ',',
                null), CSV, List.of(FEATURES.get(0)), values, Task.VECTOR_REGRESSION);
        assertThat(v.targets()[0]).isEqualTo(new double[] {2.5, -3});
    }

    @Test
    void emptyFile() {
        assertThat(assertThrows(DataException.class, () -> CsvTable.parse("e.csv", new StringReader(""), true, ',',
                null))).hasMessageThat().contains("e.csv:1: the file is empty");
    }

    /** Header names that are not Java names match the fields without a column = on each. */
    @Test
    void headerNamesMatchWithoutCaseAndPunctuation() throws Exception {
        List<FeatureSchema> schema = List.of(
                FeatureSchema.numeric("sepalLength", "sepalLength", Scaling.NONE, Missing.MEAN, ""),
                FeatureSchema.numeric("petal_width", "petal_width", Scaling.NONE, Missing.MEAN, ""));
        LabelSchema label = new LabelSchema("species", LabelCoding.NAME, List.of("species"), List.of("a", "b"));
        CsvTable t = CsvTable.parse("data.csv", new StringReader("Sepal-Length,Petal Width,SPECIES\n1.5,0.2,a\n"),
                true, ',', null);
        LabeledData d = LabeledData.read(t, CSV, schema, label, Task.BINARY_CLASSIFICATION);
        assertThat(d.features().get(0)).asList().containsExactly(1.5, 0.2).inOrder();
        assertThat(d.classes()).asList().containsExactly(0);
    }

    @Test
    void anExactHeaderNameWinsOverALooseOne() throws Exception {
        List<FeatureSchema> schema = List.of(FeatureSchema.numeric("ab", "ab", Scaling.NONE, Missing.MEAN, ""));
        LabelSchema label = new LabelSchema("y", LabelCoding.NAME, List.of("y"), List.of("a", "b"));
        CsvTable t = CsvTable.parse("data.csv", new StringReader("A-B,ab,y\n1,2,a\n"), true, ',', null);
        assertThat(LabeledData.read(t, CSV, schema, label, Task.BINARY_CLASSIFICATION).features().get(0)[0])
                .isEqualTo(2.0);
    }

    @Test
    void severalLooseMatchesAreAnErrorNamingThem() {
        List<FeatureSchema> schema = List.of(FeatureSchema.numeric("ab", "ab", Scaling.NONE, Missing.MEAN, ""));
        LabelSchema label = new LabelSchema("y", LabelCoding.NAME, List.of("y"), List.of("a", "b"));
        DataException e = assertThrows(DataException.class, () -> LabeledData.read(CsvTable.parse("data.csv",
                new StringReader("A-B,a_b,y\n1,2,a\n"), true, ',', null), CSV, schema, label,
                Task.BINARY_CLASSIFICATION));
        assertThat(e).hasMessageThat().isEqualTo("data.csv:1: column 'ab': no header name is exactly 'ab', and 2 "
                + "match it without case and punctuation: [A-B, a_b]. Declare column = \"...\" with the one to read.");
    }

    @Test
    void twoFeaturesMayNotReadOneColumnByLooseMatch() {
        List<FeatureSchema> schema = List.of(
                FeatureSchema.numeric("sepalLength", "sepalLength", Scaling.NONE, Missing.MEAN, ""),
                FeatureSchema.numeric("sepal_length", "sepal_length", Scaling.NONE, Missing.MEAN, ""));
        LabelSchema label = new LabelSchema("y", LabelCoding.NAME, List.of("y"), List.of("a", "b"));
        DataException e = assertThrows(DataException.class, () -> LabeledData.read(CsvTable.parse("data.csv",
                new StringReader("Sepal-Length,y\n1,a\n"), true, ',', null), CSV, schema, label,
                Task.BINARY_CLASSIFICATION));
        assertThat(e).hasMessageThat().contains("features 'sepalLength' and 'sepal_length' both match header name "
                + "'Sepal-Length'");
    }
}
