package io.kiln.processor;

import static com.google.common.truth.Truth.assertThat;

import com.google.testing.compile.JavaFileObjects;
import com.sun.source.tree.ClassTree;
import com.sun.source.util.JavacTask;
import com.sun.source.util.TaskEvent;
import com.sun.source.util.TaskListener;
import com.sun.source.util.TreePathScanner;
import com.sun.source.util.Trees;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import javax.annotation.processing.Messager;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.TypeElement;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * {@link Message#SPEC_LOCAL}: javac does not give local classes to annotation processors (see
 * {@link SpecShapeValidationTest#localSpecIsNotSeenByTheProcessor()}), so this test finds the local
 * spec class after attribution and hands it to {@link SpecReader} itself, recording what the reader
 * reports.
 */
class LocalSpecTest {

    record Printed(Diagnostic.Kind kind, String message, Element element, AnnotationMirror annotation) {}

    @Test
    void localSpecIsRejected() throws IOException {
        JavaFileObject source = JavaFileObjects.forSourceLines("test.Outer",
                "package test;",
                "",
                "import io.kiln.dsl.*;",
                "",
                "class Outer {",
                "    void m() {",
                "        @Model(task = Task.BINARY_CLASSIFICATION)",
                "        class Spam {",
                "            @Feature double length;",
                "            @Label boolean spam;",
                "            @Output Layer out;",
                "        }",
                "    }",
                "}");
        List<Printed> printed = new ArrayList<>();
        List<TypeElement> localSpecs = new ArrayList<>();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        JavacTask task = (JavacTask) ToolProvider.getSystemJavaCompiler()
                .getTask(null, null, diagnostics, List.of("-proc:none"), null, List.of(source));
        task.addTaskListener(new TaskListener() {
            @Override
            public void finished(TaskEvent e) {
                if (e.getKind() != TaskEvent.Kind.ANALYZE) {
                    return;
                }
                Trees trees = Trees.instance(task);
                new TreePathScanner<Void, Void>() {
                    @Override
                    public Void visitClass(ClassTree tree, Void unused) {
                        Element element = trees.getElement(getCurrentPath());
                        if (element instanceof TypeElement type && type.getNestingKind() == NestingKind.LOCAL
                                && Reporter.find(type, KilnProcessor.MODEL) != null) {
                            localSpecs.add(type);
                            SpecModel model = new SpecReader(task.getElements(), task.getTypes(),
                                    new Reporter(recorder(printed))).read(type);
                            assertThat(model).isNull();
                        }
                        return super.visitClass(tree, unused);
                    }
                }.scan(e.getCompilationUnit(), null);
            }
        });

        // Parse, enter and attribute only: nothing is written anywhere.
        task.analyze();
        assertThat(diagnostics.getDiagnostics()).isEmpty();
        assertThat(localSpecs).hasSize(1);
        assertThat(printed).hasSize(1);
        Printed error = printed.get(0);
        assertThat(error.kind()).isEqualTo(Diagnostic.Kind.ERROR);
        assertThat(error.message()).isEqualTo(Message.SPEC_LOCAL.format("Spam"));
        assertThat(error.element()).isEqualTo(localSpecs.get(0));
        assertThat(error.annotation()).isEqualTo(Reporter.find(localSpecs.get(0), KilnProcessor.MODEL));
    }

    private static Messager recorder(List<Printed> printed) {
        return new Messager() {
            @Override
            public void printMessage(Diagnostic.Kind kind, CharSequence msg) {
                printed.add(new Printed(kind, msg.toString(), null, null));
            }

            @Override
            public void printMessage(Diagnostic.Kind kind, CharSequence msg, Element e) {
                printed.add(new Printed(kind, msg.toString(), e, null));
            }

            @Override
            public void printMessage(Diagnostic.Kind kind, CharSequence msg, Element e, AnnotationMirror a) {
                printed.add(new Printed(kind, msg.toString(), e, a));
            }

            @Override
            public void printMessage(Diagnostic.Kind kind, CharSequence msg, Element e, AnnotationMirror a,
                    AnnotationValue v) {
                printed.add(new Printed(kind, msg.toString(), e, a));
            }
        };
    }
}
