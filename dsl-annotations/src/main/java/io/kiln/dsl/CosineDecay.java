package io.kiln.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Learning-rate schedule: cosine annealing from the optimizer's learning rate down to
 * {@link #minLearningRate()} over the run, updated every minibatch.
 */
@Documented
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.TYPE)
public @interface CosineDecay {
    /** The learning rate at the end of the run; below the optimizer's learning rate. */
    double minLearningRate() default 0.0;
}
