package io.kiln.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares an input feature. The field type decides the kind of feature:
 *
 * <ul>
 *   <li>{@code double}, {@code float}, {@code int}, {@code long} and their boxed types: numeric;
 *   <li>{@code boolean} or {@code Boolean}: boolean (CSV values {@code true/false}, {@code yes/no},
 *       {@code 1/0}, {@code t/f}, {@code y/n}, any case), fed as 0/1;
 *   <li>{@code String}: categorical, with the {@link #levels()} declared here or learnt from the
 *       training data when none are declared;
 *   <li>an {@code enum} type: categorical, whose levels are the enum constants.
 * </ul>
 *
 * <p>The field type is also the type of the generated predictor input component, so a boxed
 * type or {@code String} can be {@code null} there to mean "missing".
 */
@Documented
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.FIELD)
public @interface Feature {
    /** The data column holding this feature. Defaults to the field name. */
    String column() default "";

    /**
     * The levels of a categorical {@code String} feature, in order. Empty: learnt from the
     * training split (sorted), and a level unseen in training encodes as all zeros.
     * A declared level list makes an unknown level in the data an error.
     */
    String[] levels() default {};

    /** Scaling of a numeric (or ordinal) feature; {@link Scaling#DEFAULT} uses {@link Preprocessing#scaling()}. */
    Scaling scaling() default Scaling.DEFAULT;

    /** Treatment of missing values; {@link Missing#DEFAULT} uses the {@link Preprocessing} default for the kind. */
    Missing missing() default Missing.DEFAULT;

    /** The replacement value when {@link #missing()} is {@link Missing#CONSTANT}. */
    String constant() default "";

    /** Encoding of a categorical feature. */
    Encoding encoding() default Encoding.ONE_HOT;
}
