package io.kiln.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static io.kiln.processor.KilnTesting.assertOnlyError;
import static io.kiln.processor.KilnTesting.compile;
import static io.kiln.processor.KilnTesting.generatedFiles;
import static io.kiln.processor.KilnTesting.kilnErrors;
import static io.kiln.processor.KilnTesting.spec;

import com.google.testing.compile.Compilation;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** The spec class itself: its kind, visibility, nesting, name, and the members every spec needs. */
class SpecShapeValidationTest {

    @Test
    void modelOnInterfaceIsRejected() {
        JavaFileObject spec = spec("Spam",
                "@Model(task = Task.BINARY_CLASSIFICATION)",
                "interface Spam {",
                "}");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.SPEC_KIND.format("interface"))
                .inFile(spec).onLineContaining("@Model");
        assertOnlyError(c);
    }

    @Test
    void modelOnEnumIsRejected() {
        JavaFileObject spec = spec("Spam",
                "@Model(task = Task.BINARY_CLASSIFICATION)",
                "enum Spam { HAM, SPAM }");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.SPEC_KIND.format("enum"))
                .inFile(spec).onLineContaining("@Model");
        assertOnlyError(c);
    }

    @Test
    void modelOnRecordIsRejected() {
        JavaFileObject spec = spec("Spam",
                "@Model(task = Task.BINARY_CLASSIFICATION)",
                "record Spam(double length) {}");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.SPEC_KIND.format("record"))
                .inFile(spec).onLineContaining("@Model");
        assertOnlyError(c);
    }

    @Test
    void modelOnAnnotationTypeIsRejected() {
        JavaFileObject spec = spec("Spam",
                "@Model(task = Task.BINARY_CLASSIFICATION)",
                "@interface Spam {}");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.SPEC_KIND.format("annotation type"))
                .inFile(spec).onLineContaining("@Model");
        assertOnlyError(c);
    }

    @Test
    void privateNestedSpecIsRejected() {
        JavaFileObject spec = spec("Outer",
                "class Outer {",
                "    @Model(task = Task.BINARY_CLASSIFICATION)",
                "    private static class Spam {",
                "        @Feature double length;",
                "        @Label boolean spam;",
                "        @Output Layer out;",
                "    }",
                "}");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.SPEC_PRIVATE.format("Spam"))
                .inFile(spec).onLineContaining("@Model");
        assertOnlyError(c);
    }

    @Test
    void specInsidePrivateClassIsRejected() {
        JavaFileObject spec = spec("Outer",
                "class Outer {",
                "    private static class Hidden {",
                "        @Model(task = Task.BINARY_CLASSIFICATION)",
                "        static class Spam {",
                "            @Feature double length;",
                "            @Label boolean spam;",
                "            @Output Layer out;",
                "        }",
                "    }",
                "}");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.SPEC_PRIVATE.format("Hidden"))
                .inFile(spec).onLineContaining("@Model");
        assertOnlyError(c);
    }

    @Test
    void nonStaticInnerSpecIsRejected() {
        JavaFileObject spec = spec("Outer",
                "class Outer {",
                "    @Model(task = Task.BINARY_CLASSIFICATION)",
                "    class Spam {",
                "        @Feature double length;",
                "        @Label boolean spam;",
                "        @Output Layer out;",
                "    }",
                "}");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.SPEC_INNER.format("Spam"))
                .inFile(spec).onLineContaining("@Model");
        assertOnlyError(c);
    }

    /**
     * javac never hands a local class to annotation processors, so {@link Message#SPEC_LOCAL} cannot
     * fire in a compilation: the spec is silently ignored. {@link LocalSpecTest} checks the rule by
     * giving the reader a local class directly.
     */
    @Test
    void localSpecIsNotSeenByTheProcessor() {
        JavaFileObject spec = spec("Outer",
                "class Outer {",
                "    void m() {",
                "        @Model(task = Task.BINARY_CLASSIFICATION)",
                "        class Spam {",
                "            @Feature double length;",
                "        }",
                "    }",
                "}");
        Compilation c = compile(spec);
        assertThat(c).succeededWithoutWarnings();
        assertThat(generatedFiles(c)).isEmpty();
    }

    @Test
    void modelNameMustBeUsableAsFileName() {
        JavaFileObject spec = spec("Spam",
                "@Model(",
                "    task = Task.BINARY_CLASSIFICATION,",
                "    name = \"spam filter\")",
                "class Spam {",
                "    @Feature double length;",
                "    @Label boolean spam;",
                "    @Output Layer out;",
                "}");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.MODEL_NAME.format("spam filter"))
                .inFile(spec).onLineContaining("name = \"spam filter\"");
        assertOnlyError(c);
    }

    @Test
    void defaultModelNameFromNonAsciiClassNameIsRejected() {
        JavaFileObject spec = spec("Café",
                "@Model(task = Task.BINARY_CLASSIFICATION)",
                "class Café {",
                "    @Feature double length;",
                "    @Label boolean open;",
                "    @Output Layer out;",
                "}");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.MODEL_NAME.format("café"))
                .inFile(spec).onLineContaining("@Model");
        assertOnlyError(c);
    }

    @Test
    void specWithoutFeaturesIsRejected() {
        JavaFileObject spec = spec("Spam",
                "@Model(task = Task.BINARY_CLASSIFICATION)",
                "class Spam {",
                "    double length;",
                "    @Label boolean spam;",
                "    @Output Layer out;",
                "}");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.NO_FEATURES.format("Spam"))
                .inFile(spec).onLineContaining("@Model");
        assertOnlyError(c);
    }

    @Test
    void featureWithBadTypeDoesNotAlsoReportNoFeatures() {
        JavaFileObject spec = spec("Spam",
                "@Model(task = Task.BINARY_CLASSIFICATION)",
                "class Spam {",
                "    @Feature char initial;",
                "    @Label boolean spam;",
                "    @Output Layer out;",
                "}");
        Compilation c = compile(spec);
        assertThat(kilnErrors(c)).hasSize(1);
        assertThat(c).hadErrorContaining(Message.FEATURE_TYPE.tag()).inFile(spec).onLineContaining("char initial");
    }

    @Test
    void specWithoutLabelIsRejected() {
        JavaFileObject spec = spec("Spam",
                "@Model(task = Task.BINARY_CLASSIFICATION)",
                "class Spam {",
                "    @Feature double length;",
                "    boolean spam;",
                "    @Output Layer out;",
                "}");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.NO_LABEL.format("Spam"))
                .inFile(spec).onLineContaining("@Model");
        assertOnlyError(c);
    }

    @Test
    void specWithoutOutputLayerIsRejected() {
        JavaFileObject spec = spec("Spam",
                "@Model(task = Task.BINARY_CLASSIFICATION)",
                "class Spam {",
                "    @Feature double length;",
                "    @Label boolean spam;",
                "    @Dense(units = 8) Layer hidden;",
                "}");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.NO_OUTPUT.format("Spam"))
                .inFile(spec).onLineContaining("@Model");
        assertOnlyError(c);
    }

    @Test
    void specsGeneratingTheSameTypeNamesAreRejected() {
        JavaFileObject nested = spec("Outer",
                "class Outer {",
                "    @Model(task = Task.SCALAR_REGRESSION, name = \"nested\")",
                "    static class Inner {",
                "        @Feature double size;",
                "        @Label double price;",
                "        @Output Layer out;",
                "    }",
                "}");
        JavaFileObject topLevel = spec("Outer_Inner",
                "@Model(task = Task.SCALAR_REGRESSION)",
                "class Outer_Inner {",
                "    @Feature double size;",
                "    @Label double price;",
                "    @Output Layer out;",
                "}");
        Compilation c = compile(nested, topLevel);
        // Specs are processed in name order: test.Outer.Inner generates first, test.Outer_Inner clashes.
        assertThat(c).hadErrorContaining(Message.GENERATED_NAME_CLASH.format("Outer_Inner",
                        "Attempt to recreate a file for type test.Outer_InnerNetwork"))
                .inFile(topLevel).onLineContaining("@Model");
        assertThat(kilnErrors(c)).hasSize(1);
        assertThat(generatedFiles(c)).hasSize(4);
        assertThat(generatedFiles(c)).containsKey("test.Outer_InnerMain");
    }
}
