package io.kiln.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Weight penalties for every layer with weights (seed 001, "Regularize your model"). A layer's own
 * {@link Dense#l1()}, {@link Dense#l2()} (or {@link Output}'s) override the global values.
 */
@Documented
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.TYPE)
public @interface Regularization {
    /** L1 penalty coefficient (adds l1 · Σ|w| to the loss); 0 for none. */
    double l1() default 0.0;

    /** L2 penalty coefficient (adds l2 / 2 · Σw² to the loss); 0 for none. */
    double l2() default 0.0;

    /**
     * Decoupled weight decay, applied by the updater (w ← w − lr · decay · w) rather than through
     * the loss; 0 for none. Not together with {@link AdamW#weightDecay()}.
     */
    double weightDecay() default 0.0;

    /**
     * L2-SP (seed 004: "stay close to the parameters of the pretrained model"): adds
     * l2sp / 2 · Σ(w − w₀)² over the reused layers' parameters, where w₀ are the weights the
     * {@link Transfer} source trained; 0 for none. Needs a transfer whose reused layers train.
     */
    double l2sp() default 0.0;
}
