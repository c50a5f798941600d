package io.kiln.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Knowledge distillation (seed 000): this spec's network, the student, learns from a teacher's
 * predictions as well as from the labels. Its loss blends the soft loss (the teacher's softmax at
 * temperature T against the student's, scaled by T²) and the hard loss (the ground truth):
 * {@code L = alpha · T² · CE(q_T, p_T) + (1 − alpha) · CE(y, p)}. For sigmoid outputs (binary and
 * multi-label) the same holds unit by unit; for regression the soft target is the teacher's output,
 * under the output's own loss.
 *
 * <p>The teacher is one of:
 * <ul>
 *   <li>another spec of the project, {@link #teacher()} (it may be an {@link Ensemble}): trained
 *       inside this spec's protocol on exactly the rows the student trains on, so it never sees the
 *       validation or test rows the student is scored on. The processor checks that it predicts the
 *       same task and classes and reads columns this spec reads;
 *   <li>a saved Kiln model file, {@link #file()}: checked when training starts (the same task, classes
 *       and columns; if it was trained on this data, none of the rows it was trained on may be rows
 *       the student is scored on).
 * </ul>
 *
 * <pre>{@code
 * @Distillation(teacher = DigitsTeacher.class, temperature = 4, alpha = 0.5)
 * }</pre>
 *
 * <p>The teacher's outputs are computed once per training row (per augmented image when
 * {@link Augment} is on). The report puts the teacher, the student and, with {@link #compare()},
 * the same student trained on the labels alone side by side, with their size and latency.
 */
@Documented
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.TYPE)
public @interface Distillation {
    /** The teacher spec, a {@link Model} class compiled with this one; {@code void.class} for none. */
    Class<?> teacher() default void.class;

    /** The teacher's model file ({@code .kiln}), when the teacher is not a spec. */
    String file() default "";

    /** T: the temperature both softmaxes of the soft loss run at (positive; 1 is the plain softmax). */
    double temperature() default 4.0;

    /** The soft loss's share of the loss, in [0, 1]: 0 trains on the labels alone, 1 on the teacher alone. */
    double alpha() default 0.5;

    /**
     * Whether to train the same student on the labels alone too, under the same protocol, for the
     * report's comparison (it costs one more training per model trained).
     */
    boolean compare() default true;
}
