package io.kiln.processor;

import com.google.auto.service.AutoService;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.TypeSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.FilerException;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.TypeElement;
import javax.tools.Diagnostic;

/**
 * The Kiln annotation processor. For every class annotated {@code @io.kiln.dsl.Model} it reads and
 * validates the spec, reports every problem on the annotation value at fault, and, only if the
 * spec is clean, generates its network, trainer, predictor and command line. A spec with errors
 * generates nothing; other specs in the same compilation are still processed. No exception escapes.
 *
 * <p>Options: {@code -Akiln.debug=true} prints each spec's canonical text as a note.
 */
@AutoService(Processor.class)
public final class KilnProcessor extends AbstractProcessor {
    static final String MODEL = "io.kiln.dsl.Model";

    @Override
    public Set<String> getSupportedAnnotationTypes() {
        return Set.of("io.kiln.dsl.*"); // every Kiln annotation, so one outside a spec is reported
    }

    @Override
    public Set<String> getSupportedOptions() {
        return Set.of("kiln.debug");
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
        return SourceVersion.latestSupported();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
        TypeElement model = processingEnv.getElementUtils().getTypeElement(MODEL);
        if (model == null) {
            return false;
        }
        List<Element> specs = round.getElementsAnnotatedWith(model).stream()
                .sorted((a, b) -> a.toString().compareTo(b.toString()))
                .map(e -> (Element) e)
                .toList();
        for (Element element : specs) {
            processSpec(element);
        }
        try {
            reportOutsideSpecs(annotations, round, model);
        } catch (RuntimeException | Error e) {
            processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR, Message.INTERNAL.format(stackOf(e)));
        }
        return false;
    }

    /**
     * A Kiln annotation on a class without {@code @Model}, or on a member of one, would be
     * silently ignored: report it once per class, on the first such element.
     */
    private void reportOutsideSpecs(Set<? extends TypeElement> annotations, RoundEnvironment round,
            TypeElement model) {
        java.util.Map<TypeElement, Element> firstPerClass = new java.util.TreeMap<>(
                (a, b) -> a.getQualifiedName().toString().compareTo(b.getQualifiedName().toString()));
        java.util.Map<TypeElement, TypeElement> annotationOf = new java.util.HashMap<>();
        for (TypeElement annotation : annotations) {
            if (annotation.equals(model) || !annotation.getQualifiedName().toString().startsWith("io.kiln.dsl.")) {
                continue;
            }
            for (Element e : round.getElementsAnnotatedWith(annotation)) {
                Element owner = e instanceof TypeElement ? e : e.getEnclosingElement();
                if (!(owner instanceof TypeElement type) || type.getAnnotationMirrors().stream()
                        .anyMatch(m -> m.getAnnotationType().asElement().equals(model))) {
                    continue;
                }
                Element previous = firstPerClass.get(type);
                if (previous == null || position(previous) > position(e)) {
                    firstPerClass.put(type, e);
                    annotationOf.put(type, annotation);
                }
            }
        }
        firstPerClass.forEach((type, e) -> {
            Reporter reporter = new Reporter(processingEnv.getMessager());
            reporter.error(e, Reporter.find(e, annotationOf.get(type).getQualifiedName().toString()),
                    Message.NO_MODEL.format(e.getSimpleName(), annotationOf.get(type).getSimpleName(),
                            type.getSimpleName()));
        });
    }

    /** An element's place in its class: the class itself first, then members in source order. */
    private static int position(Element e) {
        return e instanceof TypeElement ? -1 : e.getEnclosingElement().getEnclosedElements().indexOf(e);
    }

    private void processSpec(Element element) {
        Reporter reporter = new Reporter(processingEnv.getMessager());
        try {
            SpecModel spec = new SpecReader(processingEnv.getElementUtils(), processingEnv.getTypeUtils(), reporter,
                    Resources.of(processingEnv.getFiler(), type -> Resources.sourceFile(processingEnv, type)))
                    .read(element);
            if (spec == null || reporter.hasErrors()) {
                return;
            }
            if (Boolean.parseBoolean(processingEnv.getOptions().get("kiln.debug"))) {
                processingEnv.getMessager().printMessage(Diagnostic.Kind.NOTE, SpecText.render(spec), element);
            }
            ReadContext context = new ReadContext(processingEnv.getElementUtils(), processingEnv.getTypeUtils(),
                    reporter, Resources.of(processingEnv.getFiler(), type -> Resources.sourceFile(processingEnv, type)),
                    spec.type());
            SearchReader.SearchModel search = new SearchReader(context, r -> new SpecReader(
                    processingEnv.getElementUtils(), processingEnv.getTypeUtils(), r, context.resources)).read(spec);
            if (reporter.hasErrors()) {
                return;
            }
            List<TypeSpec> types = new java.util.ArrayList<>(List.of(NetworkGenerator.generate(spec),
                    TrainerGenerator.generate(spec, search == null ? null : SearchGenerator.name(spec)),
                    PredictorGenerator.generate(spec), MainGenerator.generate(spec)));
            if (search != null) {
                types.add(SearchGenerator.generate(spec, search));
            }
            for (TypeSpec type : types) {
                JavaFile.builder(spec.packageName(), type)
                        .skipJavaLangImports(true)
                        .indent("    ")
                        .build()
                        .writeTo(processingEnv.getFiler());
            }
        } catch (FilerException e) {
            // A user error, not an internal one: e.g. Outer.Inner and Outer_Inner both generate Outer_InnerNetwork.
            reporter.error(element, Reporter.find(element, MODEL),
                    Message.GENERATED_NAME_CLASH.format(element.getSimpleName(), e.getMessage()));
        } catch (NoClassDefFoundError e) {
            if (e.getMessage() != null && e.getMessage().startsWith("io/kiln/dsl/")) {
                reporter.error(element, Message.PROCESSOR_PATH.format(e.getMessage().replace('/', '.')));
            } else {
                internal(reporter, element, e);
            }
        } catch (IOException | RuntimeException | Error e) {
            // an Error too (out of memory, stack overflow): javac must not abort on one spec
            internal(reporter, element, e);
        }
    }

    private static void internal(Reporter reporter, Element element, Throwable e) {
        reporter.error(element, Message.INTERNAL.format(stackOf(e)));
    }

    private static String stackOf(Throwable e) {
        StringWriter stack = new StringWriter();
        e.printStackTrace(new PrintWriter(stack));
        return stack.toString();
    }
}
