package io.kiln.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** How the network is trained. Without this annotation the defaults below apply. */
@Documented
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.TYPE)
public @interface Fit {
    /** Passes over the training data; positive. */
    int epochs() default 100;

    /** Samples per gradient step; positive. */
    int batchSize() default 32;

    /** Seed of weight initialization, splitting and shuffling: the same seed and data give the same model. */
    long seed() default 42;
}
