package io.kiln.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The training data as IDX files, the format of MNIST and Fashion-MNIST: a file of images and a
 * file of their class labels, each optionally gzip-compressed ({@code .gz}). Goes with
 * {@link Image}, whose size every image must have; the spec then declares no {@code @Feature}
 * fields, because the features are the pixels, named {@code pixel_<row>_<column>} (with
 * {@code channels > 1}, {@code pixel_<channel>_<row>_<column>}). A pixel byte {@code b} is read as
 * the intensity {@code b / 255}, in [0, 1], and fed to the network unscaled.
 *
 * <p>The label file holds one class index per image (0, 1, ...), an index into the
 * {@link Label#classes()} of the spec's label, so the task is binary or multiclass classification.
 *
 * <p>{@link #testImages()} and {@link #testLabels()} name the official test set: the model is
 * then tested on exactly those images (with {@link Holdout}, whose {@code test} fraction is left
 * unset), and trained and validated on the main files'. At run time {@code train --data FILE}
 * reads other images, with the labels file named alike ({@code images-idx3} becomes
 * {@code labels-idx1}).
 */
@Documented
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.TYPE)
public @interface IdxData {
    /** The images: an IDX file of unsigned bytes, {@code [count, height, width]} or {@code [count, height, width, channels]}. */
    String images();

    /** The labels: an IDX file of unsigned bytes, {@code [count]}, in the images' order. */
    String labels();

    /** The official test images; empty for none. */
    String testImages() default "";

    /** The official test labels; given exactly when {@link #testImages()} is. */
    String testLabels() default "";
}
