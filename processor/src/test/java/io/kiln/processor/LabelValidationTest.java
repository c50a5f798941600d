package io.kiln.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static io.kiln.processor.KilnTesting.assertOnlyError;
import static io.kiln.processor.KilnTesting.compile;
import static io.kiln.processor.KilnTesting.generatedFiles;
import static io.kiln.processor.KilnTesting.generated;
import static io.kiln.processor.KilnTesting.kilnErrors;
import static io.kiln.processor.KilnTesting.kilnWarnings;
import static io.kiln.processor.KilnTesting.spec;

import com.google.testing.compile.Compilation;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** {@code @Label}: the label types, classes and columns each task accepts. */
class LabelValidationTest {

    /** A spec of the given task with one feature, the given label lines and an output layer. */
    private static JavaFileObject withLabel(String task, String... label) {
        String[] lines = new String[label.length + 6];
        lines[0] = "@Model(task = Task." + task + ")";
        lines[1] = "class Spec {";
        lines[2] = "    @Feature double length;";
        System.arraycopy(label, 0, lines, 3, label.length);
        lines[label.length + 3] = "    @Dense(units = 8) Layer hidden;";
        lines[label.length + 4] = "    @Output Layer out;";
        lines[label.length + 5] = "}";
        return spec("Spec", lines);
    }

    // ------------------------------------------------------------------ label-type, per task

    @Test
    void binaryTaskRejectsDoubleLabel() {
        JavaFileObject spec = withLabel("BINARY_CLASSIFICATION",
                "    @Label double score;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.LABEL_TYPE.format("BINARY_CLASSIFICATION", "double",
                        "Use boolean, or int or String with two classes, or an enum of two constants."))
                .inFile(spec).onLineContaining("@Label double score");
        assertOnlyError(c);
    }

    @Test
    void multiclassTaskRejectsBooleanLabel() {
        JavaFileObject spec = withLabel("MULTICLASS_CLASSIFICATION",
                "    @Label boolean spam;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.LABEL_TYPE.format("MULTICLASS_CLASSIFICATION", "boolean",
                        "Use int (class indices) or String (class names) with classes = {...}, or an enum."))
                .inFile(spec).onLineContaining("@Label boolean spam");
        assertOnlyError(c);
    }

    @Test
    void multilabelTaskRejectsScalarLabel() {
        JavaFileObject spec = withLabel("MULTILABEL_CLASSIFICATION",
                "    @Label(classes = {\"a\", \"b\"}) int tags;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.LABEL_TYPE.format("MULTILABEL_CLASSIFICATION", "int",
                        "Use boolean[] with classes = {...}, one 0/1 column per label."))
                .inFile(spec).onLineContaining("int tags");
        assertOnlyError(c);
    }

    @Test
    void multilabelTaskRejectsBoxedBooleanArray() {
        JavaFileObject spec = withLabel("MULTILABEL_CLASSIFICATION",
                "    @Label(classes = {\"a\", \"b\"}) Boolean[] tags;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.LABEL_TYPE.tag() + " Task MULTILABEL_CLASSIFICATION cannot use a "
                        + "label of type java.lang.Boolean[]")
                .inFile(spec).onLineContaining("Boolean[] tags");
        assertOnlyError(c);
    }

    @Test
    void scalarRegressionRejectsIntLabel() {
        JavaFileObject spec = withLabel("SCALAR_REGRESSION",
                "    @Label int price;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.LABEL_TYPE.format("SCALAR_REGRESSION", "int",
                        "Use double (or float); for several targets use double[] with VECTOR_REGRESSION."))
                .inFile(spec).onLineContaining("@Label int price");
        assertOnlyError(c);
    }

    @Test
    void vectorRegressionRejectsScalarLabel() {
        JavaFileObject spec = withLabel("VECTOR_REGRESSION",
                "    @Label double price;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.LABEL_TYPE.format("VECTOR_REGRESSION", "double",
                        "Use double[] with columns = {...}, one per target."))
                .inFile(spec).onLineContaining("@Label double price");
        assertOnlyError(c);
    }

    @Test
    void vectorRegressionRejectsFloatArrayLabel() {
        JavaFileObject spec = withLabel("VECTOR_REGRESSION",
                "    @Label(columns = {\"x\", \"y\"}) float[] position;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.LABEL_TYPE.format("VECTOR_REGRESSION", "float[]",
                        "Use double[] with columns = {...}, one per target."))
                .inFile(spec).onLineContaining("float[] position");
        assertOnlyError(c);
    }

    // ------------------------------------------------------------------ classes

    @Test
    void binaryIntLabelNeedsClasses() {
        JavaFileObject spec = withLabel("BINARY_CLASSIFICATION",
                "    @Label int spam;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.CLASSES_REQUIRED.format("BINARY_CLASSIFICATION", "spam"))
                .inFile(spec).onLineContaining("@Label int spam");
        assertOnlyError(c);
    }

    @Test
    void multiclassStringLabelNeedsClasses() {
        JavaFileObject spec = withLabel("MULTICLASS_CLASSIFICATION",
                "    @Label String species;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.CLASSES_REQUIRED.format("MULTICLASS_CLASSIFICATION", "species"))
                .inFile(spec).onLineContaining("@Label String species");
        assertOnlyError(c);
    }

    @Test
    void multilabelLabelNeedsClasses() {
        JavaFileObject spec = withLabel("MULTILABEL_CLASSIFICATION",
                "    @Label boolean[] tags;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.CLASSES_REQUIRED.format("MULTILABEL_CLASSIFICATION", "tags"))
                .inFile(spec).onLineContaining("@Label boolean[] tags");
        assertOnlyError(c);
    }

    @Test
    void binaryLabelRejectsThreeClasses() {
        JavaFileObject spec = withLabel("BINARY_CLASSIFICATION",
                "    @Label(",
                "        classes = {\"ham\", \"spam\", \"eggs\"})",
                "    String verdict;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.CLASSES_COUNT.format("BINARY_CLASSIFICATION", "exactly 2 classes",
                        "verdict", 3, "Use MULTICLASS_CLASSIFICATION for more than two."))
                .inFile(spec).onLineContaining("classes = {");
        assertOnlyError(c);
    }

    @Test
    void binaryLabelRejectsOneClass() {
        JavaFileObject spec = withLabel("BINARY_CLASSIFICATION",
                "    @Label(",
                "        classes = {\"spam\"})",
                "    int verdict;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.CLASSES_COUNT.format("BINARY_CLASSIFICATION", "exactly 2 classes",
                        "verdict", 1, "Add the other class."))
                .inFile(spec).onLineContaining("classes = {");
        assertOnlyError(c);
    }

    @Test
    void binaryEnumLabelRejectsThreeConstants() {
        JavaFileObject spec = withLabel("BINARY_CLASSIFICATION",
                "    enum Verdict { HAM, SPAM, EGGS }",
                "    @Label Verdict verdict;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.CLASSES_COUNT.format("BINARY_CLASSIFICATION", "exactly 2 classes",
                        "verdict", 3, "Use MULTICLASS_CLASSIFICATION for more than two."))
                .inFile(spec).onLineContaining("@Label Verdict verdict");
        assertOnlyError(c);
    }

    @Test
    void multiclassLabelRejectsOneClass() {
        JavaFileObject spec = withLabel("MULTICLASS_CLASSIFICATION",
                "    @Label(",
                "        classes = {\"setosa\"})",
                "    String species;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.CLASSES_COUNT.format("MULTICLASS_CLASSIFICATION",
                        "at least 2 classes", "species", 1, "Add the other classes."))
                .inFile(spec).onLineContaining("classes = {");
        assertOnlyError(c);
    }

    @Test
    void multiclassWithTwoClassesWarnsButGenerates() {
        JavaFileObject spec = withLabel("MULTICLASS_CLASSIFICATION",
                "    @Label(",
                "        classes = {\"ham\", \"spam\"})",
                "    String verdict;");
        Compilation c = compile(spec);
        assertThat(c).hadWarningContaining(Message.MULTICLASS_TWO_CLASSES.format())
                .inFile(spec).onLineContaining("classes = {");
        assertThat(kilnWarnings(c)).hasSize(1);
        assertThat(kilnErrors(c)).isEmpty();
        assertThat(generated(c, "test.SpecNetwork")).contains("nOut(2).activation(Activation.SOFTMAX)");
        assertThat(generatedFiles(c)).containsKey("test.SpecMain");
    }

    @Test
    void multiclassEnumWithTwoConstantsWarnsOnTheLabel() {
        JavaFileObject spec = withLabel("MULTICLASS_CLASSIFICATION",
                "    enum Verdict { HAM, SPAM }",
                "    @Label Verdict verdict;");
        Compilation c = compile(spec);
        assertThat(c).hadWarningContaining(Message.MULTICLASS_TWO_CLASSES.tag())
                .inFile(spec).onLineContaining("@Label Verdict verdict");
        assertThat(kilnErrors(c)).isEmpty();
        assertThat(generatedFiles(c)).containsKey("test.SpecPredictor");
    }

    @Test
    void booleanLabelRejectsClasses() {
        JavaFileObject spec = withLabel("BINARY_CLASSIFICATION",
                "    @Label(",
                "        classes = {\"no\", \"yes\"})",
                "    boolean spam;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.CLASSES_NOT_ALLOWED.format("A boolean", "spam",
                        "its values (false, true)"))
                .inFile(spec).onLineContaining("classes = {");
        assertOnlyError(c);
    }

    @Test
    void enumLabelRejectsClasses() {
        JavaFileObject spec = withLabel("MULTICLASS_CLASSIFICATION",
                "    enum Species { SETOSA, VERSICOLOR, VIRGINICA }",
                "    @Label(",
                "        classes = {\"a\", \"b\", \"c\"})",
                "    Species species;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.CLASSES_NOT_ALLOWED.format("An enum", "species", "its constants"))
                .inFile(spec).onLineContaining("classes = {");
        assertOnlyError(c);
    }

    @Test
    void regressionLabelRejectsClasses() {
        JavaFileObject spec = withLabel("SCALAR_REGRESSION",
                "    @Label(",
                "        classes = {\"cheap\", \"dear\"})",
                "    double price;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.CLASSES_NOT_ALLOWED.format("A regression", "price",
                        "nowhere: it predicts values, not classes"))
                .inFile(spec).onLineContaining("classes = {");
        assertOnlyError(c);
    }

    @Test
    void classNamesMustBeDistinct() {
        JavaFileObject spec = withLabel("MULTICLASS_CLASSIFICATION",
                "    @Label(",
                "        classes = {\"setosa\", \"virginica\", \"setosa\"})",
                "    String species;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.DUPLICATE_CLASS.format("setosa", "species"))
                .inFile(spec).onLineContaining("classes = {");
        assertOnlyError(c);
    }

    @Test
    void secondLabelIsRejected() {
        JavaFileObject spec = withLabel("BINARY_CLASSIFICATION",
                "    @Label boolean spam;",
                "    @Label boolean phishing;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.MULTIPLE_LABELS.format("'spam'"))
                .inFile(spec).onLineContaining("@Label boolean phishing");
        assertOnlyError(c);
    }

    // ------------------------------------------------------------------ columns

    @Test
    void singleColumnLabelRejectsColumns() {
        JavaFileObject spec = withLabel("BINARY_CLASSIFICATION",
                "    @Label(",
                "        columns = {\"verdict\"})",
                "    boolean spam;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.LABEL_COLUMNS.format(
                        "A single-column label takes 'column', not 'columns'; write column = \"...\"."))
                .inFile(spec).onLineContaining("columns = {");
        assertOnlyError(c);
    }

    @Test
    void multilabelLabelRejectsColumn() {
        JavaFileObject spec = withLabel("MULTILABEL_CLASSIFICATION",
                "    @Label(classes = {\"news\", \"sport\"},",
                "        column = \"tags\")",
                "    boolean[] tags;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.LABEL_COLUMNS.format("A multilabel label reads one column per "
                        + "class: use 'columns' (or omit it to use the class names)."))
                .inFile(spec).onLineContaining("column = \"tags\"");
        assertOnlyError(c);
    }

    @Test
    void multilabelColumnsMustMatchClasses() {
        JavaFileObject spec = withLabel("MULTILABEL_CLASSIFICATION",
                "    @Label(classes = {\"news\", \"sport\"},",
                "        columns = {\"is_news\"})",
                "    boolean[] tags;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.LABEL_COLUMNS.format("Label 'tags' names 1 columns for 2 classes. "
                        + "Give one column per class, in the same order."))
                .inFile(spec).onLineContaining("columns = {");
        assertOnlyError(c);
    }

    @Test
    void vectorRegressionRejectsColumn() {
        JavaFileObject spec = withLabel("VECTOR_REGRESSION",
                "    @Label(columns = {\"x\", \"y\"},",
                "        column = \"position\")",
                "    double[] position;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.LABEL_COLUMNS.format(
                        "A vector target reads several columns: use columns = {...}."))
                .inFile(spec).onLineContaining("column = \"position\"");
        assertOnlyError(c);
    }

    @Test
    void scalarRegressionRejectsColumns() {
        JavaFileObject spec = withLabel("SCALAR_REGRESSION",
                "    @Label(",
                "        columns = {\"price\"})",
                "    double price;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.LABEL_COLUMNS.format("A scalar target reads one column: use "
                        + "column = \"...\", or VECTOR_REGRESSION with double[]."))
                .inFile(spec).onLineContaining("columns = {");
        assertOnlyError(c);
    }

    @Test
    void vectorRegressionNeedsTwoTargetColumns() {
        JavaFileObject spec = withLabel("VECTOR_REGRESSION",
                "    @Label(",
                "        columns = {\"x\"})",
                "    double[] position;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.TARGETS_COUNT.format("VECTOR_REGRESSION needs at least 2 target "
                        + "columns, label 'position' names 1. List them in columns = {...}, or use SCALAR_REGRESSION "
                        + "for one."))
                .inFile(spec).onLineContaining("columns = {");
        assertOnlyError(c);
    }

    @Test
    void vectorRegressionWithoutColumnsIsRejectedOnTheLabel() {
        JavaFileObject spec = withLabel("VECTOR_REGRESSION",
                "    @Label double[] position;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.TARGETS_COUNT.tag() + " VECTOR_REGRESSION needs at least 2 target "
                        + "columns, label 'position' names 0.")
                .inFile(spec).onLineContaining("@Label double[] position");
        assertOnlyError(c);
    }
}
