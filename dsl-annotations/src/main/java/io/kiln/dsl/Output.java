package io.kiln.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The output layer, on the last {@link Layer} field. Its units, activation and loss follow from
 * the {@link Model#task() task} and the {@link Label label}; set them only to override, and the
 * compiler checks that the override fits the task (seed 001, "Last-layer activation and loss
 * functions").
 */
@Documented
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.FIELD)
public @interface Output {
    /** Number of output units; 0 infers it (1 for binary, one per class, label or target). */
    int units() default 0;

    /** Output activation; {@link Activation#DEFAULT} is the task's. */
    Activation activation() default Activation.DEFAULT;

    /** Loss; {@link Loss#DEFAULT} is the task's. */
    Loss loss() default Loss.DEFAULT;

    /** L1 penalty of this layer's weights, overriding {@link Regularization#l1()}; negative inherits it. */
    double l1() default -1;

    /** L2 penalty of this layer's weights, overriding {@link Regularization#l2()}; negative inherits it. */
    double l2() default -1;

    /**
     * Label smoothing for classification, in [0, 1): training targets move from 0/1 toward the
     * uniform distribution by this amount (1 → 1 − ε + ε/K, 0 → ε/K, with K = 2 for binary and
     * multilabel outputs). Evaluation uses the true labels.
     */
    double labelSmoothing() default 0.0;

    /**
     * This layer's own learning rate, instead of the optimizer's (a discriminative rate); a
     * learning-rate schedule and reduce-on-plateau scale it as they scale the others. Negative: the
     * optimizer's rate.
     */
    double learningRate() default -1;
}
