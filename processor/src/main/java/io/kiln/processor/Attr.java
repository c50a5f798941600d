package io.kiln.processor;

import java.lang.reflect.Array;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.function.Function;

/**
 * One attribute of a Kiln annotation, named by a method reference ({@code Attr.of(Dense.class,
 * Dense::units)}), so that a misspelt or removed attribute is a compile error of the processor and
 * its value comes back typed. The reference is resolved once, when the constant is created, by
 * calling it on a recording proxy of the annotation interface: values themselves are always read
 * from the annotation mirror ({@link Annotation#get}), never through reflection.
 *
 * @param <T> the attribute's Java type (boxed for primitives; an enum for enum constants)
 */
final class Attr<T> {
    final Class<? extends java.lang.annotation.Annotation> annotation;
    final String name;
    final Class<?> type;

    private Attr(Class<? extends java.lang.annotation.Annotation> annotation, String name, Class<?> type) {
        this.annotation = annotation;
        this.name = name;
        this.type = type;
    }

    static <A extends java.lang.annotation.Annotation, T> Attr<T> of(Class<A> annotation, Function<A, T> getter) {
        Method[] called = new Method[1];
        A recorder = annotation.cast(Proxy.newProxyInstance(annotation.getClassLoader(), new Class<?>[] {annotation},
                (proxy, method, args) -> {
                    called[0] = method;
                    Class<?> r = method.getReturnType();
                    return r.isPrimitive() ? Array.get(Array.newInstance(r, 1), 0) : null;
                }));
        getter.apply(recorder);
        if (called[0] == null || called[0].getDeclaringClass() != annotation) {
            throw new IllegalArgumentException("not an attribute of @" + annotation.getSimpleName());
        }
        return new Attr<>(annotation, called[0].getName(), called[0].getReturnType());
    }

    @Override
    public String toString() {
        return name;
    }
}
