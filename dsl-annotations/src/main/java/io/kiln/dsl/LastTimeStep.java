package io.kiln.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Keeps the last time step of the recurrent layer ({@link Lstm}, {@link SimpleRnn}) declared just
 * before it, on a {@link Layer} field: a sequence of {@code n} values per step becomes a vector of
 * {@code n}, which {@link Dense} and {@link Output} can take. No parameters.
 */
@Documented
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.FIELD)
public @interface LastTimeStep {}
