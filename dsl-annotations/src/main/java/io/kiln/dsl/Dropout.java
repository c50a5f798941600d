package io.kiln.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Dropout on a {@link Layer} field: during training each input of the next layer is zeroed with
 * probability {@link #rate()} (and the others scaled up); at inference it does nothing.
 * The rate is the drop probability, as in Keras and seed 001 (DL4J itself takes the keep probability;
 * the generated code converts).
 */
@Documented
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.FIELD)
public @interface Dropout {
    /** The fraction of units dropped, in [0, 1). */
    double rate();
}
