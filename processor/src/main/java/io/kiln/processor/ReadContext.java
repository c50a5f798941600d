package io.kiln.processor;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoublePredicate;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * What every part of the reader shares while it reads one spec: the compiler's utilities, the
 * reporter, the spec class, and the checks that many annotations use (positive, not negative, a
 * fraction), each reporting on the annotation value at fault with a fix.
 */
final class ReadContext {
    static final String DSL = "io.kiln.dsl.";

    final Elements elements;
    final Types types;
    final Reporter reporter;
    final Resources resources;
    final TypeElement type;

    ReadContext(Elements elements, Types types, Reporter reporter, Resources resources, TypeElement type) {
        this.elements = elements;
        this.types = types;
        this.reporter = reporter;
        this.resources = resources;
        this.type = type;
    }

    // ---------------------------------------------------------------- finding annotations

    /** The Kiln annotation {@code kind} on {@code element}, or null. */
    Annotation annotation(Element element, Class<? extends java.lang.annotation.Annotation> kind) {
        if (element == type && OptimizerModel.isOptimizer(kind) && Overrides.current() != null
                && Overrides.current().optimizer() != null) {
            List<Annotation> chosen = classAnnotations(List.of(kind));
            return chosen.isEmpty() ? null : chosen.get(0);
        }
        AnnotationMirror m = Reporter.find(element, kind.getName());
        return m == null ? null : new Annotation(element, m, elements);
    }

    /** The Kiln annotation {@code kind} on the spec class, or null. */
    Annotation annotation(Class<? extends java.lang.annotation.Annotation> kind) {
        return annotation(type, kind);
    }

    boolean has(Class<? extends java.lang.annotation.Annotation> kind) {
        return annotation(kind) != null;
    }

    /** The spec class's annotations among {@code kinds}, in source order. */
    List<Annotation> classAnnotations(List<Class<? extends java.lang.annotation.Annotation>> kinds) {
        List<Annotation> result = new ArrayList<>();
        // a search configuration's optimizer: the declared ones give way to it, with its defaults
        String chosen = Overrides.current() == null ? null : Overrides.current().optimizer();
        for (AnnotationMirror mirror : type.getAnnotationMirrors()) {
            String qualified = ((TypeElement) mirror.getAnnotationType().asElement()).getQualifiedName().toString();
            if (chosen != null && OptimizerModel.isOptimizer(qualified)) {
                continue;
            }
            if (kinds.stream().anyMatch(k -> k.getName().equals(qualified))) {
                result.add(new Annotation(type, mirror, elements));
            }
        }
        if (chosen != null && kinds.stream().anyMatch(k -> k.getSimpleName().equals(chosen))) {
            TypeElement optimizerType = elements.getTypeElement(DSL + chosen);
            AnnotationMirror search = Reporter.find(type, io.kiln.dsl.Search.class.getName());
            result.add(new Annotation(type, optimizerType, search));
        }
        return result;
    }

    /**
     * One of the spec class's annotations among {@code kinds}: the first in source order, with an
     * error on each further one ({@code conflict} words it). Null when there is none.
     */
    Annotation chooseOne(List<Class<? extends java.lang.annotation.Annotation>> kinds,
            java.util.function.BiFunction<Annotation, Annotation, String> conflict) {
        Annotation chosen = null;
        for (Annotation a : classAnnotations(kinds)) { // source order: the second one is at fault
            if (chosen != null) {
                reporter.error(a, conflict.apply(chosen, a));
                continue;
            }
            chosen = a;
        }
        return chosen;
    }

    /** The Kiln role annotations on a field (feature, label, layers), in source order. */
    List<Annotation> roles(VariableElement field) {
        List<Annotation> result = new ArrayList<>();
        if (Overrides.current() != null && Overrides.current().isAbsent(field)) {
            return result; // a search configuration without this layer
        }
        for (AnnotationMirror m : field.getAnnotationMirrors()) {
            String qualified = ((TypeElement) m.getAnnotationType().asElement()).getQualifiedName().toString();
            if (qualified.equals(io.kiln.dsl.Feature.class.getName()) || qualified.equals(io.kiln.dsl.Features.class.getName())
                    || qualified.equals(io.kiln.dsl.Text.class.getName())
                    || qualified.equals(io.kiln.dsl.Label.class.getName()) || LayerKinds.isLayer(qualified)) {
                result.add(new Annotation(field, m, elements));
            }
        }
        return result;
    }

    /** The field named {@code name} of the spec class. */
    VariableElement field(String name) {
        for (Element e : type.getEnclosedElements()) {
            if (e.getKind() == ElementKind.FIELD && e.getSimpleName().contentEquals(name)) {
                return (VariableElement) e;
            }
        }
        throw new IllegalStateException(name);
    }

    boolean hasAnnotatedField(Class<? extends java.lang.annotation.Annotation> kind) {
        return type.getEnclosedElements().stream()
                .anyMatch(e -> e.getKind() == ElementKind.FIELD && Reporter.find(e, kind.getName()) != null);
    }

    // ---------------------------------------------------------------- checks

    /** A value that must be finite and zero or positive; 0 when it is not (after reporting it). */
    double notNegative(Annotation a, Attr<Double> attribute) {
        double v = a.get(attribute);
        if (!isNotNegative(v)) {
            reporter.error(a, attribute, Message.NOT_NEGATIVE.format(attribute.name, number(v),
                    example(a, attribute, x -> x >= 0 && !Double.isInfinite(x), "0")));
            return 0;
        }
        return v;
    }

    static boolean isNotNegative(double v) {
        return v >= 0 && !Double.isInfinite(v);
    }

    /** A value that must be finite and positive. */
    void positive(Annotation a, Attr<? extends Number> attribute) {
        double v = a.get(attribute).doubleValue();
        if (!(v > 0) || Double.isInfinite(v)) {
            reporter.error(a, attribute, Message.POSITIVE.format(attribute.name, number(v),
                    example(a, attribute, x -> x > 0 && !Double.isInfinite(x), "1")));
        }
    }

    /** A value in [0, 1). */
    void fraction(Annotation a, Attr<Double> attribute) {
        double v = a.get(attribute);
        if (!(v >= 0 && v < 1)) {
            reporter.error(a, attribute, Message.FRACTION.format(attribute.name, "[0, 1)", number(v),
                    example(a, attribute, x -> x >= 0 && x < 1, "0.1")));
        }
    }

    /**
     * {@code attribute = value} for a message's fix: the annotation's default when {@code valid}
     * accepts it, else {@code fallback}.
     */
    static String example(Annotation a, Attr<?> attribute, DoublePredicate valid, String fallback) {
        Object d = a.defaultValue(attribute);
        if (d instanceof List<?> list && list.size() == 1
                && list.get(0) instanceof javax.lang.model.element.AnnotationValue v) {
            d = v.getValue();
        }
        if (d instanceof Number n && valid.test(n.doubleValue())) {
            return attribute.name + " = "
                    + java.math.BigDecimal.valueOf(n.doubleValue()).stripTrailingZeros().toPlainString() + " (the default)";
        }
        return attribute.name + " = " + fallback;
    }

    static String number(double v) {
        // Whole numbers print without ".0", but only where a long holds them exactly (not -1e300).
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    /**
     * The way back to this spec when the specs another spec's {@code kind} annotations name (through
     * {@code next}, a class literal) lead to it: {@code "Self -> A -> Self"} in simple names; null when
     * they do not.
     */
    String cycleThrough(javax.lang.model.element.TypeElement start, Class<? extends java.lang.annotation.Annotation> kind,
            Attr<Class<?>> next) {
        java.util.List<String> chain = new java.util.ArrayList<>();
        javax.lang.model.element.TypeElement at = start;
        while (at != null && !chain.contains(at.getQualifiedName().toString())) {
            chain.add(at.getQualifiedName().toString());
            Annotation a = annotation(at, kind);
            javax.lang.model.type.TypeMirror t = a == null ? null : a.type(next);
            at = t != null && t.getKind() == javax.lang.model.type.TypeKind.DECLARED
                    ? (javax.lang.model.element.TypeElement) ((javax.lang.model.type.DeclaredType) t).asElement() : null;
        }
        String self = type.getQualifiedName().toString();
        if (!chain.contains(self)) {
            return null;
        }
        java.util.List<String> path = new java.util.ArrayList<>();
        path.add(type.getSimpleName().toString());
        for (String n : chain.subList(0, chain.indexOf(self) + 1)) {
            path.add(n.substring(n.lastIndexOf('.') + 1));
        }
        return String.join(" -> ", path);
    }

    /**
     * Another spec this one names through {@code attr} of {@code a} (a transfer source, a teacher), read
     * silently (its own errors are its own compile's); null, after reporting why, when it is this spec,
     * not a spec, leads back to this spec through {@code a}'s kind of annotation, or has errors.
     *
     * @param messages the four errors, each given the names it needs: itself (this spec), not a spec (the
     *     other's simple name), a cycle (this spec and the way back), with errors (the other's simple name)
     */
    SpecModel readNamedSpec(Annotation a, Attr<Class<?>> attr, javax.lang.model.element.TypeElement other,
            Class<? extends java.lang.annotation.Annotation> kind, Message self, Message notSpec, Message cycle,
            Message withErrors) {
        if (other.equals(type)) {
            reporter.error(a, attr, self.format(type.getSimpleName()));
            return null;
        }
        if (Reporter.find(other, io.kiln.dsl.Model.class.getName()) == null) {
            reporter.error(a, attr, notSpec.format(other.getSimpleName()));
            return null;
        }
        String back = cycleThrough(other, kind, attr);
        if (back != null) {
            reporter.error(a, attr, cycle.format(type.getSimpleName(), back));
            return null;
        }
        SpecModel spec = new SpecReader(elements, types, Reporter.silent(), resources).read(other);
        if (spec == null) {
            reporter.error(a, attr, withErrors.format(other.getSimpleName()));
        }
        return spec;
    }
}
