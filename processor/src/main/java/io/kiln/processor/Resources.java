package io.kiln.processor;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import javax.annotation.processing.Filer;
import javax.lang.model.element.TypeElement;
import javax.tools.FileObject;
import javax.tools.JavaFileObject;
import javax.tools.StandardLocation;

/**
 * Whether a class-path resource that a spec names ({@code @CsvData(resource)}) exists at compile
 * time. Found when the class output or class path holds it (Maven copies resources to the class
 * output before compiling), or when the spec's source file lies in a conventional source set
 * ({@code .../src/<set>/java/...}) whose {@code src/<set>/resources} folder holds it. Unknown when
 * neither can be asked (e.g. sources compiled from memory): the check then stays silent rather than
 * guess.
 */
interface Resources {
    /** Nothing is known: every check is silent. */
    Resources UNKNOWN = (spec, name) -> Optional.empty();

    /** Present, absent, or empty when it cannot be known; {@code name} is resolved as {@code Class.getResource} does. */
    Optional<Boolean> exists(TypeElement spec, String name);

    static Resources of(Filer filer, java.util.function.Function<TypeElement, URI> sourceOf) {
        return (spec, name) -> {
            String pkg = packageOf(spec);
            String relative = name.startsWith("/") ? name.substring(1)
                    : (pkg.isEmpty() ? "" : pkg.replace('.', '/') + "/") + name;
            for (StandardLocation location : new StandardLocation[] {StandardLocation.CLASS_OUTPUT,
                    StandardLocation.CLASS_PATH}) {
                if (readable(filer, location, relative)) {
                    return Optional.of(true);
                }
            }
            URI source = sourceOf.apply(spec);
            if (source == null || !"file".equals(source.getScheme())) {
                return Optional.empty();
            }
            String path = Path.of(source).toAbsolutePath().normalize().toString().replace('\\', '/');
            int src = path.lastIndexOf("/src/");
            int java = src < 0 ? -1 : path.indexOf("/java/", src + 5);
            if (java < 0 || path.substring(src + 5, java).contains("/")) {
                return Optional.empty(); // not a conventional source set
            }
            Path resources = Path.of(path.substring(0, java) + "/resources");
            if (!Files.isDirectory(resources)) {
                return Optional.empty(); // resources may come from elsewhere (another folder, a generator)
            }
            return Optional.of(Files.isRegularFile(resources.resolve(relative)));
        };
    }

    /** Whether {@code location} holds the file: on disk, or inside a jar of the class path. */
    private static boolean readable(Filer filer, StandardLocation location, String relative) {
        try {
            int slash = relative.lastIndexOf('/');
            FileObject file = filer.getResource(location, slash < 0 ? "" : relative.substring(0, slash).replace('/', '.'),
                    relative.substring(slash + 1));
            URI uri = file.toUri();
            if ("file".equals(uri.getScheme())) {
                return Files.isRegularFile(Path.of(uri));
            }
            if (!"jar".equals(uri.getScheme())) {
                return false; // e.g. an in-memory output, which answers for any name
            }
            try (InputStream in = file.openInputStream()) {
                return true;
            }
        } catch (IOException | IllegalArgumentException | UnsupportedOperationException
                | java.nio.file.FileSystemNotFoundException e) {
            return false; // absent, or this location cannot be read
        }
    }

    private static String packageOf(TypeElement spec) {
        javax.lang.model.element.Element e = spec;
        while (!(e instanceof javax.lang.model.element.PackageElement)) {
            e = e.getEnclosingElement();
        }
        return ((javax.lang.model.element.PackageElement) e).getQualifiedName().toString();
    }

    /** The file a type was compiled from, through javac's tree API when it is there. */
    static URI sourceFile(javax.annotation.processing.ProcessingEnvironment env, TypeElement type) {
        try {
            com.sun.source.util.Trees trees = com.sun.source.util.Trees.instance(env);
            com.sun.source.util.TreePath tree = trees.getPath(type);
            JavaFileObject file = tree == null ? null : tree.getCompilationUnit().getSourceFile();
            return file == null ? null : file.toUri();
        } catch (RuntimeException | LinkageError e) {
            return null; // not javac, or its tree API is not reachable
        }
    }
}
