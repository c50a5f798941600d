package io.kiln.processor;

import java.util.Map;
import java.util.Optional;
import javax.annotation.processing.Messager;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.tools.Diagnostic;

/**
 * Prints diagnostics for one spec and remembers whether any was an error. Each diagnostic points
 * at the most precise place known: the annotation value at fault, else the annotation, else the
 * element.
 */
final class Reporter {
    private final Messager messager;
    private int errors;

    Reporter(Messager messager) {
        this.messager = messager;
    }

    /** A reporter that prints nothing (reading another spec, whose own errors its own compile reports). */
    static Reporter silent() {
        return new Reporter(new Messager() {
            @Override
            public void printMessage(Diagnostic.Kind kind, CharSequence msg) {}

            @Override
            public void printMessage(Diagnostic.Kind kind, CharSequence msg, Element e) {}

            @Override
            public void printMessage(Diagnostic.Kind kind, CharSequence msg, Element e, AnnotationMirror a) {}

            @Override
            public void printMessage(Diagnostic.Kind kind, CharSequence msg, Element e, AnnotationMirror a,
                    AnnotationValue v) {}
        });
    }

    boolean hasErrors() {
        return errors > 0;
    }

    /** Errors reported so far. */
    int errorCount() {
        return errors;
    }

    void error(Element element, String message) {
        errors++;
        messager.printMessage(Diagnostic.Kind.ERROR, message, element);
    }

    /** An error on the annotation {@code a}, at {@code attribute} if it was written (else on the annotation). */
    void error(Annotation a, Attr<?> attribute, String message) {
        errors++;
        print(Diagnostic.Kind.ERROR, a.element, a.mirror, attribute == null ? null : attribute.name, message);
    }

    /** An error on an annotation of {@code element} as a whole (on the element when {@code annotation} is null). */
    void error(Element element, AnnotationMirror annotation, String message) {
        errors++;
        print(Diagnostic.Kind.ERROR, element, annotation, null, message);
    }

    /** An error on the annotation {@code a} as a whole. */
    void error(Annotation a, String message) {
        error(a, null, message);
    }

    void warning(Annotation a, Attr<?> attribute, String message) {
        print(Diagnostic.Kind.WARNING, a.element, a.mirror, attribute == null ? null : attribute.name, message);
    }

    private void print(Diagnostic.Kind kind, Element element, AnnotationMirror annotation, String attribute,
            String message) {
        if (annotation == null) {
            messager.printMessage(kind, message, element);
            return;
        }
        Optional<AnnotationValue> value = attribute == null ? Optional.empty() : explicitValue(annotation, attribute);
        if (value.isPresent()) {
            messager.printMessage(kind, message, element, annotation, value.get());
        } else {
            messager.printMessage(kind, message, element, annotation);
        }
    }

    static Optional<AnnotationValue> explicitValue(AnnotationMirror annotation, String attribute) {
        for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> e :
                annotation.getElementValues().entrySet()) {
            if (e.getKey().getSimpleName().contentEquals(attribute)) {
                return Optional.of(e.getValue());
            }
        }
        return Optional.empty();
    }

    /** The annotation of the given type on an element, or null. */
    static AnnotationMirror find(Element element, String annotationType) {
        for (AnnotationMirror m : element.getAnnotationMirrors()) {
            TypeElement type = (TypeElement) m.getAnnotationType().asElement();
            if (type.getQualifiedName().contentEquals(annotationType)) {
                return m;
            }
        }
        return null;
    }
}
