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
        return Set.of(MODEL);
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
        return false;
    }

    private void processSpec(Element element) {
        Reporter reporter = new Reporter(processingEnv.getMessager());
        try {
            SpecModel spec = new SpecReader(processingEnv.getElementUtils(), processingEnv.getTypeUtils(), reporter)
                    .read(element);
            if (spec == null || reporter.hasErrors()) {
                return;
            }
            if (Boolean.parseBoolean(processingEnv.getOptions().get("kiln.debug"))) {
                processingEnv.getMessager().printMessage(Diagnostic.Kind.NOTE, SpecText.render(spec), element);
            }
            for (TypeSpec type : List.of(NetworkGenerator.generate(spec), TrainerGenerator.generate(spec),
                    PredictorGenerator.generate(spec), MainGenerator.generate(spec))) {
                JavaFile.builder(spec.packageName(), type)
                        .skipJavaLangImports(true)
                        .indent("    ")
                        .build()
                        .writeTo(processingEnv.getFiler());
            }
        } catch (FilerException e) {
            // A user error, not an internal one: e.g. Outer.Inner and Outer_Inner both generate Outer_InnerNetwork.
            reporter.error(element, Reporter.find(element, MODEL), null,
                    Message.GENERATED_NAME_CLASH.format(element.getSimpleName(), e.getMessage()));
        } catch (IOException | RuntimeException e) {
            StringWriter stack = new StringWriter();
            e.printStackTrace(new PrintWriter(stack));
            reporter.error(element, Message.INTERNAL.format(stack));
        }
    }
}
