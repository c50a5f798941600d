package io.kiln.processor;

import java.util.List;
import java.util.Map;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.util.Elements;

/**
 * One annotation on one element, read through its mirror (never through reflection), with
 * defaults filled in. Attributes are named by {@link Attr} constants, so each value comes back
 * typed and a misspelt attribute does not compile.
 */
final class Annotation {
    final Element element;
    final AnnotationMirror mirror;
    final String simpleName;
    private final Map<? extends ExecutableElement, ? extends AnnotationValue> values;
    /** Whether this annotation stands for one a search configuration adds (an optimizer it chose), unwritten. */
    final boolean synthetic;

    Annotation(Element element, AnnotationMirror mirror, Elements elements) {
        this.element = element;
        this.mirror = mirror;
        this.simpleName = mirror.getAnnotationType().asElement().getSimpleName().toString();
        this.values = elements.getElementValuesWithDefaults(mirror);
        this.synthetic = false;
    }

    /**
     * The annotation {@code type} as if written on {@code element} with every attribute at its default;
     * its diagnostics go to {@code reportOn}, the annotation that asked for it.
     */
    Annotation(Element element, javax.lang.model.element.TypeElement type, AnnotationMirror reportOn) {
        this.element = element;
        this.mirror = reportOn;
        this.simpleName = type.getSimpleName().toString();
        Map<ExecutableElement, AnnotationValue> defaults = new java.util.LinkedHashMap<>();
        for (ExecutableElement m : javax.lang.model.util.ElementFilter.methodsIn(type.getEnclosedElements())) {
            defaults.put(m, m.getDefaultValue());
        }
        this.values = defaults;
        this.synthetic = true;
    }

    /** Whether the user wrote {@code attribute} (rather than leaving its default), or a search configuration sets it. */
    boolean isSet(Attr<?> attribute) {
        Overrides o = Overrides.current();
        if (o != null && o.has(element, simpleName, attribute.name)) {
            return true;
        }
        return !synthetic && Reporter.explicitValue(mirror, attribute.name).isPresent();
    }

    /** The declared default of {@code attribute} (a list of {@code AnnotationValue} for arrays), or null. */
    Object defaultValue(Attr<?> attribute) {
        for (ExecutableElement e : values.keySet()) {
            if (e.getSimpleName().contentEquals(attribute.name)) {
                return e.getDefaultValue() == null ? null : e.getDefaultValue().getValue();
            }
        }
        return null;
    }

    private Object raw(Attr<?> attribute) {
        if (!attribute.annotation.getSimpleName().equals(simpleName)) {
            throw new IllegalArgumentException("@" + simpleName + " has no attribute " + attribute.annotation.getSimpleName()
                    + "." + attribute.name);
        }
        for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> e : values.entrySet()) {
            if (e.getKey().getSimpleName().contentEquals(attribute.name)) {
                return e.getValue().getValue();
            }
        }
        throw new IllegalArgumentException("@" + simpleName + " has no attribute " + attribute.name);
    }

    /** The value of {@code attribute}, converted to its Java type. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    <T> T get(Attr<T> attribute) {
        Object raw = raw(attribute);
        Class<?> type = attribute.type;
        Overrides o = Overrides.current();
        if (o != null && o.has(element, simpleName, attribute.name)) {
            Object v = o.value(element, simpleName, attribute.name);
            if (type.isEnum()) {
                return (T) Enum.valueOf((Class) type, (String) v);
            }
            if (type == double.class) {
                return (T) Double.valueOf(((Number) v).doubleValue());
            }
            if (type == int.class) {
                return (T) Integer.valueOf((int) Math.round(((Number) v).doubleValue()));
            }
            if (type == long.class) {
                return (T) Long.valueOf(Math.round(((Number) v).doubleValue()));
            }
            return (T) v; // boolean
        }
        if (type.isEnum()) {
            return (T) Enum.valueOf((Class) type, ((VariableElement) raw).getSimpleName().toString());
        }
        if (type == String[].class) {
            List<?> list = (List<?>) raw;
            String[] result = new String[list.size()];
            for (int i = 0; i < result.length; i++) {
                result[i] = (String) ((AnnotationValue) list.get(i)).getValue();
            }
            return (T) result;
        }
        if (type == int[].class) {
            List<?> list = (List<?>) raw;
            int[] result = new int[list.size()];
            for (int i = 0; i < result.length; i++) {
                result[i] = ((Number) ((AnnotationValue) list.get(i)).getValue()).intValue();
            }
            return (T) result;
        }
        if (type == double[].class) {
            List<?> list = (List<?>) raw;
            double[] result = new double[list.size()];
            for (int i = 0; i < result.length; i++) {
                result[i] = ((Number) ((AnnotationValue) list.get(i)).getValue()).doubleValue();
            }
            return (T) result;
        }
        if (type == double.class) {
            return (T) Double.valueOf(((Number) raw).doubleValue());
        }
        if (type == int.class) {
            return (T) Integer.valueOf(((Number) raw).intValue());
        }
        if (type == long.class) {
            return (T) Long.valueOf(((Number) raw).longValue());
        }
        return (T) raw; // String, boolean, char
    }

    /** A class-valued attribute: the class's type ({@code void} when left at {@code void.class}). */
    javax.lang.model.type.TypeMirror type(Attr<?> attribute) {
        return (javax.lang.model.type.TypeMirror) raw(attribute);
    }

    /** An attribute holding annotations (an array of them), each read as an {@link Annotation} on this element. */
    List<Annotation> nested(Attr<?> attribute, Elements elements) {
        List<Annotation> result = new java.util.ArrayList<>();
        for (Object v : (List<?>) raw(attribute)) {
            result.add(new Annotation(element, (AnnotationMirror) ((AnnotationValue) v).getValue(), elements));
        }
        return result;
    }

    /** A string-array attribute as a list. */
    List<String> list(Attr<String[]> attribute) {
        return List.of(get(attribute));
    }

    String display() {
        return "@" + simpleName;
    }
}
