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
    private final java.util.List<Captured> captured;
    private int errors;

    Reporter(Messager messager) {
        this.messager = messager;
        this.captured = null;
    }

    private Reporter(java.util.List<Captured> captured) {
        this.messager = null;
        this.captured = captured;
    }

    /**
     * An error kept rather than printed: where it was found ({@code annotation} the simple name of the
     * annotation at fault, {@code attribute} its attribute; either may be null) and what it says.
     */
    record Captured(Element element, AnnotationMirror mirror, String annotation, String attribute, String message) {}

    /** A reporter that keeps its errors in {@code into} (reading one configuration of a search) and drops warnings. */
    static Reporter capturing(java.util.List<Captured> into) {
        return new Reporter(into);
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
        if (captured != null) {
            captured.add(new Captured(element, null, null, null, message));
            return;
        }
        messager.printMessage(Diagnostic.Kind.ERROR, message, element);
    }

    /** An error on the annotation {@code a}, at {@code attribute} if it was written (else on the annotation). */
    void error(Annotation a, Attr<?> attribute, String message) {
        errors++;
        if (captured != null) {
            captured.add(new Captured(a.element, a.mirror, a.simpleName, attribute == null ? null : attribute.name,
                    message));
            return;
        }
        print(Diagnostic.Kind.ERROR, a.element, a.mirror, attribute == null ? null : attribute.name, message);
    }

    /** An error on an annotation of {@code element} as a whole (on the element when {@code annotation} is null). */
    void error(Element element, AnnotationMirror annotation, String message) {
        errors++;
        if (captured != null) {
            captured.add(new Captured(element, annotation, annotation == null ? null
                    : annotation.getAnnotationType().asElement().getSimpleName().toString(), null, message));
            return;
        }
        print(Diagnostic.Kind.ERROR, element, annotation, null, message);
    }

    /** An error on the annotation {@code a} as a whole. */
    void error(Annotation a, String message) {
        error(a, null, message);
    }

    void warning(Annotation a, Attr<?> attribute, String message) {
        if (captured != null) {
            return;
        }
        print(Diagnostic.Kind.WARNING, a.element, a.mirror, attribute == null ? null : attribute.name, message);
    }

    /** A diagnostic at an exact annotation value (an element of an array attribute, for one candidate). */
    void error(Element element, AnnotationMirror annotation, AnnotationValue value, String message) {
        errors++;
        if (captured != null) {
            captured.add(new Captured(element, annotation, null, null, message));
            return;
        }
        if (value == null) {
            print(Diagnostic.Kind.ERROR, element, annotation, null, message);
        } else {
            messager.printMessage(Diagnostic.Kind.ERROR, message, element, annotation, value);
        }
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
