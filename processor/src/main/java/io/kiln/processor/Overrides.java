package io.kiln.processor;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import javax.lang.model.element.Element;

/**
 * The values one configuration of a search gives the spec, in place of those written: the reader
 * reads a configuration exactly as it reads the declared spec, with every value it checks coming
 * through {@link Annotation#get}, which asks the overrides in force first. They are in force only
 * inside {@link #apply}, on the processor's one thread; outside it the spec reads as written.
 */
final class Overrides {
    private static final ThreadLocal<Overrides> CURRENT = new ThreadLocal<>();

    /** An attribute of one annotation on one element. */
    record Key(Element element, String annotation, String attribute) {}

    private final Map<Key, Object> values = new HashMap<>();
    private final Set<Element> absent = new HashSet<>();
    private String optimizer;

    /** Sets {@code annotation.attribute} on {@code element}: a Number, a Boolean, or an enum constant's name. */
    Overrides set(Element element, String annotation, String attribute, Object value) {
        values.put(new Key(element, annotation, attribute), value);
        return this;
    }

    /** Leaves out the layer declared by {@code field}. */
    Overrides without(Element field) {
        absent.add(field);
        return this;
    }

    /** Uses the optimizer annotation named {@code simpleName} (with its defaults) instead of the declared one. */
    Overrides optimizer(String simpleName) {
        optimizer = simpleName;
        return this;
    }

    /** Runs {@code read} with these overrides in force. */
    <T> T apply(java.util.function.Supplier<T> read) {
        Overrides previous = CURRENT.get();
        CURRENT.set(this);
        try {
            return read.get();
        } finally {
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        }
    }

    /** The overrides in force, or null. */
    static Overrides current() {
        return CURRENT.get();
    }

    boolean has(Element element, String annotation, String attribute) {
        return values.containsKey(new Key(element, annotation, attribute));
    }

    Object value(Element element, String annotation, String attribute) {
        return values.get(new Key(element, annotation, attribute));
    }

    boolean isAbsent(Element field) {
        return absent.contains(field);
    }

    /** The optimizer chosen instead of the declared one, or null. */
    String optimizer() {
        return optimizer;
    }
}
