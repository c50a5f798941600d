package io.kiln.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Starts the network from a trained one (transfer learning, seed 004): the source's layers up to
 * {@link #upTo()} come first, with their trained weights, and the spec's own layer fields follow
 * them as the new head. The source is one of:
 *
 * <ul>
 *   <li>another spec of the project, {@link #from()}: its trained model file is read from
 *       {@code models/<name>.kiln} (or {@link #file()}), and the processor checks at compile time
 *       that the layers exist, that the reused part's output fits the first new layer and that both
 *       specs read the same input;
 *   <li>a Kiln model file, {@link #file()} ending in {@code .kiln}: checked when training starts;
 *   <li>a Keras 2 HDF5 model, {@link #file()} ending in {@code .h5} or {@code .hdf5}: imported with
 *       Deeplearning4j's Keras import and checked when training starts.
 * </ul>
 *
 * <pre>{@code
 * @Transfer(from = DigitsSource.class, upTo = "hidden2", reuse = Reuse.GRADUAL, unfreezeEvery = 20)
 * }</pre>
 *
 * <p>A Kiln source brings its fitted preprocessing too (the reused layers learnt on inputs scaled
 * that way), unless {@link #refitPreprocessing()}. {@code train --source FILE} names the source
 * model file at run time.
 */
@Documented
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.TYPE)
public @interface Transfer {
    /** The source spec, a {@link Model} class compiled with this one; {@code void.class} for none. */
    Class<?> from() default void.class;

    /**
     * The source model file: with {@link #from()}, where that spec's model was saved; without it, a
     * {@code .kiln} model file or a Keras 2 {@code .h5}/{@code .hdf5} file. Relative paths are
     * resolved against the working directory. Empty: {@code models/<source name>.kiln}.
     */
    String file() default "";

    /**
     * The last reused layer, by name. Empty: every layer below the source's output layer (the head
     * is replaced).
     */
    String upTo() default "";

    /** Whether the reused layers are frozen, fine-tuned, or unfrozen gradually. */
    Reuse reuse() default Reuse.FREEZE;

    /**
     * {@link Reuse#GRADUAL}: epochs between two unfreezings; the first comes after this many epochs of
     * training the new layers alone. 0 with the other kinds of reuse.
     */
    int unfreezeEvery() default 0;

    /**
     * The learning rate of the reused layers once they train (fine-tuning or unfrozen); the new
     * layers train at the optimizer's. Negative: the optimizer's rate for every layer.
     */
    double learningRate() default -1;

    /**
     * Discriminative rates: the topmost reused layer with weights trains at the reused layers' rate,
     * each one below it at the rate of the one above times this factor. In (0, 1]; 1 keeps one rate.
     */
    double rateFactor() default 1;

    /** Learning rates of single layers, reused or new, overriding the rates above. */
    LayerRate[] rates() default {};

    /**
     * Keep the source's output layer too (the task and classes are the same, only the data changed):
     * every layer is reused and the spec declares no layer fields. With the default, the source's
     * output layer (and every layer above {@link #upTo()}) is replaced by the spec's layers.
     */
    boolean keepOutput() default false;

    /**
     * Fit the preprocessing on this spec's training rows instead of reusing the source model's fitted
     * preprocessing. The encoded input must still have the source's width.
     */
    boolean refitPreprocessing() default false;
}
