package io.kiln.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A residual (skip) connection, on a {@link Layer} field: the output of the layer before it plus the output of an
 * earlier layer, element by element, so the layers in between learn a correction to their input rather than a
 * whole new representation (the building block of ResNet). A spec with one is generated as a DL4J
 * {@code ComputationGraph} instead of a layer stack.
 *
 * <pre>
 * &#64;Conv2D(filters = 32, same = true) Layer conv1;
 * &#64;Conv2D(filters = 32, same = true) Layer conv2;
 * &#64;Conv2D(filters = 32, same = true, activation = Activation.IDENTITY) Layer conv3;
 * &#64;Residual(from = "conv1", activation = Activation.RELU) Layer block1;   // relu(conv3 + conv1)
 * </pre>
 *
 * <p>Both outputs must have the same shape, which the processor checks: keep the block's size with {@code same =
 * true} and no stride or pooling, and give its last layer as many filters or units as the shortcut has.
 */
@Documented
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.FIELD)
public @interface Residual {
    /**
     * The layer field whose output is added: one declared at least two layers earlier, or {@code "input"} for the
     * network's input.
     */
    String from();

    /** Applied to the sum; {@link Activation#DEFAULT} is {@link Activation#IDENTITY} (the sum as it is). */
    Activation activation() default Activation.DEFAULT;
}
