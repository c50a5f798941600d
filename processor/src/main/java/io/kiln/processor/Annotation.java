package io.kiln.processor;

import java.util.ArrayList;
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
 * defaults filled in.
 */
final class Annotation {
    final Element element;
    final AnnotationMirror mirror;
    final String simpleName;
    private final Map<? extends ExecutableElement, ? extends AnnotationValue> values;

    Annotation(Element element, AnnotationMirror mirror, Elements elements) {
        this.element = element;
        this.mirror = mirror;
        this.simpleName = mirror.getAnnotationType().asElement().getSimpleName().toString();
        this.values = elements.getElementValuesWithDefaults(mirror);
    }

    boolean isSet(String attribute) {
        return Reporter.explicitValue(mirror, attribute).isPresent();
    }

    /** Whether this annotation type declares {@code attribute} (set or defaulted). */
    boolean has(String attribute) {
        return values.keySet().stream().anyMatch(e -> e.getSimpleName().contentEquals(attribute));
    }

    /** The declared default of {@code attribute} (a list of {@code AnnotationValue} for arrays), or null. */
    Object defaultValue(String attribute) {
        for (ExecutableElement e : values.keySet()) {
            if (e.getSimpleName().contentEquals(attribute)) {
                return e.getDefaultValue() == null ? null : e.getDefaultValue().getValue();
            }
        }
        return null;
    }

    private Object raw(String attribute) {
        for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> e : values.entrySet()) {
            if (e.getKey().getSimpleName().contentEquals(attribute)) {
                return e.getValue().getValue();
            }
        }
        throw new IllegalArgumentException("@" + simpleName + " has no attribute " + attribute);
    }

    String string(String attribute) {
        return (String) raw(attribute);
    }

    int intValue(String attribute) {
        return ((Number) raw(attribute)).intValue();
    }

    long longValue(String attribute) {
        return ((Number) raw(attribute)).longValue();
    }

    double doubleValue(String attribute) {
        return ((Number) raw(attribute)).doubleValue();
    }

    boolean bool(String attribute) {
        return (Boolean) raw(attribute);
    }

    char charValue(String attribute) {
        return (Character) raw(attribute);
    }

    <E extends Enum<E>> E enumValue(String attribute, Class<E> type) {
        VariableElement constant = (VariableElement) raw(attribute);
        return Enum.valueOf(type, constant.getSimpleName().toString());
    }

    List<String> strings(String attribute) {
        List<String> result = new ArrayList<>();
        for (Object v : (List<?>) raw(attribute)) {
            result.add((String) ((AnnotationValue) v).getValue());
        }
        return result;
    }

    int[] ints(String attribute) {
        List<?> list = (List<?>) raw(attribute);
        int[] result = new int[list.size()];
        for (int i = 0; i < result.length; i++) {
            result[i] = ((Number) ((AnnotationValue) list.get(i)).getValue()).intValue();
        }
        return result;
    }

    String display() {
        return "@" + simpleName;
    }
}
