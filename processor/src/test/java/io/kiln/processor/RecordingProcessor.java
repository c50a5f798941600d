package io.kiln.processor;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Reader;
import java.io.StringReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.annotation.processing.Completion;
import javax.annotation.processing.Filer;
import javax.annotation.processing.Messager;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileObject;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;

/**
 * Runs a processor unchanged, but remembers every source file it creates through the {@link Filer}.
 *
 * <p>compile-testing hides generated files once a compilation has failed, and a compilation with
 * Kiln-generated code always fails here: that code refers to DL4J and the Kiln runtime, which are
 * deliberately not on the processor's test class path. Each recorded file wraps the one javac
 * created and keeps a copy of the text written to it, so it can be read after any compilation.
 */
final class RecordingProcessor implements Processor {
    private final Processor delegate;
    private final Map<String, JavaFileObject> sources;

    RecordingProcessor(Processor delegate, Map<String, JavaFileObject> sources) {
        this.delegate = delegate;
        this.sources = sources;
    }

    @Override
    public Set<String> getSupportedOptions() {
        return delegate.getSupportedOptions();
    }

    @Override
    public Set<String> getSupportedAnnotationTypes() {
        return delegate.getSupportedAnnotationTypes();
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
        return delegate.getSupportedSourceVersion();
    }

    @Override
    public void init(ProcessingEnvironment env) {
        delegate.init(new Environment(env, new RecordingFiler(env.getFiler(), sources)));
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
        return delegate.process(annotations, round);
    }

    @Override
    public Iterable<? extends Completion> getCompletions(Element element, AnnotationMirror annotation,
            ExecutableElement member, String userText) {
        return delegate.getCompletions(element, annotation, member, userText);
    }

    private record Environment(ProcessingEnvironment env, Filer filer) implements ProcessingEnvironment {
        @Override
        public Map<String, String> getOptions() {
            return env.getOptions();
        }

        @Override
        public Messager getMessager() {
            return env.getMessager();
        }

        @Override
        public Filer getFiler() {
            return filer;
        }

        @Override
        public Elements getElementUtils() {
            return env.getElementUtils();
        }

        @Override
        public Types getTypeUtils() {
            return env.getTypeUtils();
        }

        @Override
        public SourceVersion getSourceVersion() {
            return env.getSourceVersion();
        }

        @Override
        public Locale getLocale() {
            return env.getLocale();
        }

        @Override
        public boolean isPreviewEnabled() {
            return env.isPreviewEnabled();
        }
    }

    /**
     * A file the Filer created, which keeps a copy of the text written to it: javac's own Filer
     * objects are write-only.
     */
    private static final class Captured extends ForwardingJavaFileObject<JavaFileObject> {
        private final StringBuilder text = new StringBuilder();
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        Captured(JavaFileObject file) {
            super(file);
        }

        @Override
        public Writer openWriter() throws IOException {
            Writer out = super.openWriter();
            return new Writer() {
                @Override
                public void write(char[] chars, int offset, int length) throws IOException {
                    out.write(chars, offset, length);
                    synchronized (text) {
                        text.append(chars, offset, length);
                    }
                }

                @Override
                public void flush() throws IOException {
                    out.flush();
                }

                @Override
                public void close() throws IOException {
                    out.close();
                }
            };
        }

        @Override
        public OutputStream openOutputStream() throws IOException {
            OutputStream out = super.openOutputStream();
            return new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    out.write(b);
                    bytes.write(b);
                }

                @Override
                public void write(byte[] b, int offset, int length) throws IOException {
                    out.write(b, offset, length);
                    bytes.write(b, offset, length);
                }

                @Override
                public void flush() throws IOException {
                    out.flush();
                }

                @Override
                public void close() throws IOException {
                    out.close();
                }
            };
        }

        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            synchronized (text) {
                return text.length() > 0 ? text.toString() : bytes.toString(StandardCharsets.UTF_8);
            }
        }

        @Override
        public Reader openReader(boolean ignoreEncodingErrors) {
            return new StringReader(getCharContent(ignoreEncodingErrors).toString());
        }

        @Override
        public InputStream openInputStream() {
            return new ByteArrayInputStream(getCharContent(true).toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    private record RecordingFiler(Filer filer, Map<String, JavaFileObject> sources) implements Filer {
        @Override
        public JavaFileObject createSourceFile(CharSequence name, Element... originatingElements)
                throws IOException {
            JavaFileObject file = new Captured(filer.createSourceFile(name, originatingElements));
            sources.put(name.toString(), file);
            return file;
        }

        @Override
        public JavaFileObject createClassFile(CharSequence name, Element... originatingElements)
                throws IOException {
            return filer.createClassFile(name, originatingElements);
        }

        @Override
        public FileObject createResource(JavaFileManager.Location location, CharSequence moduleAndPkg,
                CharSequence relativeName, Element... originatingElements) throws IOException {
            return filer.createResource(location, moduleAndPkg, relativeName, originatingElements);
        }

        @Override
        public FileObject getResource(JavaFileManager.Location location, CharSequence moduleAndPkg,
                CharSequence relativeName) throws IOException {
            return filer.getResource(location, moduleAndPkg, relativeName);
        }
    }
}
