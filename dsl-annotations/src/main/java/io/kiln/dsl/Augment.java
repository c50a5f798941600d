package io.kiln.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Image data augmentation (seed 001): each training batch is shown to the network randomly
 * transformed, so the model learns what does not change with a flip, a small shift or rotation,
 * or sensor noise. Validation, test, prediction and serving see the images as they are. Needs
 * {@link Image}.
 *
 * <p>Per image of a batch: a horizontal (and, if asked, vertical) mirror with probability 1/2, a
 * rotation by a uniform angle in {@code [-rotation, rotation]} degrees about the centre, a shift by
 * a uniform fraction in {@code [-shift, shift]} of the height and of the width (bilinear sampling;
 * pixels shifted in from outside repeat the nearest edge), then Gaussian noise of standard deviation
 * {@code noise} on every network input. Geometric transforms act on the pixels as read, before
 * scaling, so each pixel keeps its own scaling. The random draws follow {@link Fit#seed()}.
 */
@Documented
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.TYPE)
public @interface Augment {
    /** Mirror left-right with probability 1/2 (not for digits or text, whose mirror image means something else). */
    boolean flipHorizontal() default false;

    /** Mirror top-bottom with probability 1/2. */
    boolean flipVertical() default false;

    /** The largest shift, as a fraction of the height and of the width, in [0, 0.5]. */
    double shift() default 0;

    /** The largest rotation in degrees, in [0, 180]. */
    double rotation() default 0;

    /** The standard deviation of Gaussian noise added to the network's inputs (after scaling); 0 for none. */
    double noise() default 0;
}
