package io.kiln.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a class as a Kiln model spec. The annotation processor validates the spec and generates,
 * in the same package, {@code <Name>Network} (the DL4J configuration), {@code <Name>Trainer}
 * (data, preprocessing, protocol and training wiring), {@code <Name>Predictor} (a typed
 * predictor over the declared schema) and {@code <Name>Main} (the command line: {@code train},
 * {@code evaluate}, {@code predict}, {@code info}).
 *
 * <p>The spec class must be a class (not an interface, enum or record), not private, and
 * top-level or a static nested class. Kiln never instantiates or subclasses it, so it may be
 * final or abstract.
 */
@Documented
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.TYPE)
public @interface Model {
    /** What the model predicts; decides the output defaults, metrics and baseline. */
    Task task();

    /**
     * The model name used for the saved file ({@code <name>.kiln}) and in reports. Defaults to
     * the class name in lower case. Letters, digits, {@code -}, {@code _} and {@code .} only.
     */
    String name() default "";
}
