package io.kiln.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static com.google.testing.compile.Compiler.javac;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.stream.Collectors;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;

/**
 * Shared fixtures of the processor tests: spec sources in package {@code test}, compilation with
 * the Kiln processor, and the checks that separate the processor's own diagnostics
 * ({@code [kiln.*]}) from javac's errors on generated code.
 *
 * <p>Generated code refers to DL4J and the Kiln runtime, neither of which is on this class path,
 * so a compilation that generates anything fails on missing symbols in the generated files, and
 * compile-testing then hides its generated files. {@link RecordingProcessor} keeps them readable:
 * {@link #generatedFiles(Compilation)}.
 */
final class KilnTesting {
    private KilnTesting() {}

    /** The four files every clean spec generates. */
    static final List<String> GENERATED_KINDS = List.of("Network", "Trainer", "Predictor", "Main");

    private static final Map<Compilation, Map<String, JavaFileObject>> GENERATED =
            Collections.synchronizedMap(new WeakHashMap<>());

    /**
     * A source file {@code test.<simpleName>} whose lines follow {@code package test;} and
     * {@code import io.kiln.dsl.*;}.
     */
    static JavaFileObject spec(String simpleName, String... lines) {
        List<String> all = new ArrayList<>(List.of("package test;", "", "import io.kiln.dsl.*;", ""));
        all.addAll(List.of(lines));
        return JavaFileObjects.forSourceLines("test." + simpleName, all);
    }

    /**
     * Compiles with a fresh Kiln processor ({@code AbstractProcessor.init} may run only once per
     * instance), recording the sources it generates.
     */
    static Compilation compile(JavaFileObject... sources) {
        return compile(List.of(), sources);
    }

    /** {@link #compile(JavaFileObject...)} with javac options, e.g. {@code -Akiln.debug=true}. */
    static Compilation compile(List<String> options, JavaFileObject... sources) {
        Map<String, JavaFileObject> generated = Collections.synchronizedMap(new LinkedHashMap<>());
        Compilation c = javac().withProcessors(new RecordingProcessor(new KilnProcessor(), generated))
                .withOptions(options)
                .compile(sources);
        GENERATED.put(c, generated);
        for (Diagnostic<? extends JavaFileObject> d : c.diagnostics()) {
            String message = d.getMessage(null);
            if (message.startsWith("[kiln.") && !message.startsWith(Message.INTERNAL.tag())) {
                assertWithMessage("every Kiln message says what to do (MessageFixTest): %s", message)
                        .that(MessageFixTest.hasFix(message)).isTrue();
            }
        }
        return c;
    }

    /** The sources the processor generated in this compilation, by qualified name, whatever its status. */
    static Map<String, JavaFileObject> generatedFiles(Compilation c) {
        Map<String, JavaFileObject> files = GENERATED.get(c);
        if (files == null) {
            throw new IllegalArgumentException("not compiled by KilnTesting.compile");
        }
        return files;
    }

    /** A generated source file, failing the test if it was not generated. */
    static JavaFileObject generatedFile(Compilation c, String qualifiedName) {
        JavaFileObject file = generatedFiles(c).get(qualifiedName);
        assertWithMessage("generated %s among %s", qualifiedName, generatedFiles(c).keySet()).that(file).isNotNull();
        return file;
    }

    /** A generated source file's text with every run of white space collapsed to one space. */
    static String generated(Compilation c, String qualifiedName) {
        try {
            return generatedFile(c, qualifiedName).getCharContent(true).toString().replaceAll("\\s+", " ");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean isKiln(Diagnostic<? extends JavaFileObject> d) {
        return d.getMessage(null).startsWith("[kiln.");
    }

    static List<String> kilnErrors(Compilation c) {
        return c.errors().stream().filter(KilnTesting::isKiln).map(d -> d.getMessage(null))
                .collect(Collectors.toList());
    }

    static List<String> kilnWarnings(Compilation c) {
        return c.warnings().stream().filter(KilnTesting::isKiln).map(d -> d.getMessage(null))
                .collect(Collectors.toList());
    }

    /**
     * The spec was rejected with exactly one error (the one the test asserts on) and nothing was
     * generated, so javac had no generated code to complain about: the error is the processor's.
     */
    static void assertOnlyError(Compilation c) {
        assertWithMessage("errors").that(c.errors()).hasSize(1);
        assertWithMessage("a spec with errors generates nothing").that(generatedFiles(c)).isEmpty();
    }

    /** Compiling {@code spec} gives exactly {@code message}, on the line containing {@code line}. */
    static void assertOnlyErrorAt(JavaFileObject spec, String message, String line) {
        Compilation c = compile(spec);
        com.google.testing.compile.CompilationSubject.assertThat(c).hadErrorContaining(message).inFile(spec)
                .onLineContaining(line);
        assertOnlyError(c);
    }

    /** The spec was rejected and nothing was generated. */
    static void assertRejected(Compilation c) {
        assertThat(c.status()).isEqualTo(Compilation.Status.FAILURE);
        assertWithMessage("a spec with errors generates nothing").that(generatedFiles(c)).isEmpty();
    }

    /**
     * The processor accepted every spec: no {@code [kiln.*]} error or warning, no warning at all,
     * every remaining error lies in generated code (which cannot resolve DL4J and the runtime here),
     * and each named spec generated its four files.
     */
    static void assertAccepted(Compilation c, String... qualifiedSpecNames) {
        assertWithMessage("processor errors").that(kilnErrors(c)).isEmpty();
        assertWithMessage("processor warnings").that(kilnWarnings(c)).isEmpty();
        assertWithMessage("warnings").that(c.warnings()).isEmpty();
        List<JavaFileObject> generated = List.copyOf(generatedFiles(c).values());
        for (Diagnostic<? extends JavaFileObject> error : c.errors()) {
            assertWithMessage("error outside generated code: %s", error)
                    .that(generated.stream().anyMatch(g -> g.toUri().equals(error.getSource().toUri())))
                    .isTrue();
        }
        for (String spec : qualifiedSpecNames) {
            for (String kind : GENERATED_KINDS) {
                assertWithMessage("generated %s%s among %s", spec, kind, generatedFiles(c).keySet())
                        .that(generatedFiles(c)).containsKey(spec + kind);
            }
        }
    }
}
