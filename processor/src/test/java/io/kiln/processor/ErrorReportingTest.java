package io.kiln.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static io.kiln.processor.KilnTesting.GENERATED_KINDS;
import static io.kiln.processor.KilnTesting.compile;
import static io.kiln.processor.KilnTesting.generatedFiles;
import static io.kiln.processor.KilnTesting.kilnErrors;
import static io.kiln.processor.KilnTesting.spec;

import com.google.testing.compile.Compilation;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** A spec reports every error it has, generates nothing, and does not stop the other specs. */
class ErrorReportingTest {

    private static final JavaFileObject BROKEN = spec("Broken",
            "@Model(task = Task.MULTICLASS_CLASSIFICATION)",
            "@Sgd(",
            "    learningRate = 0,",
            "    nesterov = true)",
            "@Fit(",
            "    epochs = -1)",
            "class Broken {",
            "    @Feature(",
            "        levels = {\"a\", \"b\"})",
            "    double length;",
            "    @Label(",
            "        classes = {\"setosa\", \"setosa\", \"virginica\"})",
            "    String species;",
            "    @Dense(",
            "        units = 0)",
            "    Layer hidden;",
            "    @Dropout(",
            "        rate = 1.5)",
            "    Layer drop;",
            "    @Output(",
            "        activation = Activation.SIGMOID)",
            "    Layer out;",
            "}");

    private static final JavaFileObject GOOD = spec("Good",
            "@Model(task = Task.BINARY_CLASSIFICATION)",
            "class Good {",
            "    @Feature double length;",
            "    @Label boolean spam;",
            "    @Dense(units = 8) Layer hidden;",
            "    @Output Layer out;",
            "}");

    @Test
    void everyErrorOfASpecIsReported() {
        Compilation c = compile(BROKEN);
        assertThat(c).hadErrorContaining(Message.POSITIVE.format("learningRate", "0", "learningRate = 0.01 (the default)"))
                .inFile(BROKEN).onLineContaining("learningRate = 0");
        assertThat(c).hadErrorContaining(Message.NESTEROV_NEEDS_MOMENTUM.tag())
                .inFile(BROKEN).onLineContaining("nesterov = true");
        assertThat(c).hadErrorContaining(Message.POSITIVE.format("epochs", "-1", "epochs = 100 (the default)"))
                .inFile(BROKEN).onLineContaining("epochs = -1");
        assertThat(c).hadErrorContaining(Message.LEVELS_NOT_CATEGORICAL.tag())
                .inFile(BROKEN).onLineContaining("levels = {");
        assertThat(c).hadErrorContaining(Message.DUPLICATE_CLASS.format("setosa", "species"))
                .inFile(BROKEN).onLineContaining("classes = {");
        assertThat(c).hadErrorContaining(Message.UNITS_POSITIVE.format(0))
                .inFile(BROKEN).onLineContaining("units = 0");
        assertThat(c).hadErrorContaining(Message.DROPOUT_RATE.format(1.5))
                .inFile(BROKEN).onLineContaining("rate = 1.5");
        assertThat(c).hadErrorContaining(Message.ACTIVATION_TASK.tag())
                .inFile(BROKEN).onLineContaining("activation = Activation.SIGMOID");
        assertThat(c).hadErrorCount(8);
        assertThat(generatedFiles(c)).isEmpty();
    }

    @Test
    void brokenSpecDoesNotStopAValidOne() {
        Compilation c = compile(BROKEN, GOOD);
        assertThat(kilnErrors(c)).hasSize(8);
        for (String error : kilnErrors(c)) {
            assertThat(error).doesNotContain(Message.INTERNAL.tag());
        }
        for (String kind : GENERATED_KINDS) {
            assertThat(generatedFiles(c)).containsKey("test.Good" + kind);
            assertThat(generatedFiles(c)).doesNotContainKey("test.Broken" + kind);
        }
        assertThat(generatedFiles(c)).hasSize(GENERATED_KINDS.size());
        // The other errors are javac's, on Good's generated code (DL4J is not on this class path).
        for (Diagnostic<? extends JavaFileObject> error : c.errors()) {
            if (!KilnTesting.isKiln(error)) {
                assertThat(error.getSource().getName()).contains("Good");
            }
        }
    }

    @Test
    void validSpecBeforeABrokenOneStillGenerates() {
        JavaFileObject alpha = spec("Alpha",
                "@Model(task = Task.SCALAR_REGRESSION)",
                "class Alpha {",
                "    @Feature double size;",
                "    @Label double price;",
                "    @Output Layer out;",
                "}");
        Compilation c = compile(alpha, BROKEN);
        assertThat(kilnErrors(c)).hasSize(8);
        for (String kind : GENERATED_KINDS) {
            assertThat(generatedFiles(c)).containsKey("test.Alpha" + kind);
        }
        assertThat(generatedFiles(c)).hasSize(GENERATED_KINDS.size());
    }
}
