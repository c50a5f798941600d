package io.kiln.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The deployed model is an ensemble: several networks of this spec whose outputs are averaged
 * (probabilities for classification, values for regression), saved as one model file that
 * {@code predict}, {@code score}, {@code serve}, the typed predictor, {@code evaluate}, {@code info}
 * and {@code drift} use as any other (seed 003: "model averaging", "different seeds").
 *
 * <pre>{@code
 * @Ensemble(members = Members.SEEDS, seeds = 5)   // five networks from seeds seed, seed + 1, ...
 * @Ensemble(members = Members.FOLDS)              // the k models of @KFold, scored on its test set
 * }</pre>
 *
 * <p>The ensemble is evaluated by the spec's protocol as a single model would be, and the report
 * puts each member's score on the same held-out rows beside it.
 */
@Documented
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.TYPE)
public @interface Ensemble {
    /** Which networks are averaged. */
    Members members() default Members.SEEDS;

    /** {@link Members#SEEDS}: how many networks, each from its own seed (at least 2). */
    int seeds() default 5;
}
