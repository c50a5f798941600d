package io.kiln.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * One layer's own learning rate, in {@link Transfer#rates()}: a discriminative rate for a reused or
 * a new layer, overriding the rate it would otherwise train at.
 */
@Documented
@Retention(RetentionPolicy.SOURCE)
@Target({})
public @interface LayerRate {
    /** The layer: a reused layer of the source, or a layer field of this spec. */
    String layer();

    /** Its learning rate; must be positive. A learning-rate schedule scales it as it scales the others. */
    double learningRate();
}
