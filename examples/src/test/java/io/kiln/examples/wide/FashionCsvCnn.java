package io.kiln.examples.wide;

import io.kiln.dsl.Adam;
import io.kiln.dsl.Conv2D;
import io.kiln.dsl.Dense;
import io.kiln.dsl.Features;
import io.kiln.dsl.Fit;
import io.kiln.dsl.Holdout;
import io.kiln.dsl.Image;
import io.kiln.dsl.Label;
import io.kiln.dsl.Layer;
import io.kiln.dsl.Model;
import io.kiln.dsl.Output;
import io.kiln.dsl.Pool2D;
import io.kiln.dsl.Scaling;
import io.kiln.dsl.Task;

/**
 * The same CSV images seen as 28x28 images: {@code @Image} makes the pixel columns an image, so
 * convolutions follow, with every shape checked at compile time. The group takes every column the
 * label does not read (784, as the image says).
 */
@Model(task = Task.MULTICLASS_CLASSIFICATION, name = "fashion-csv-cnn")
@Image(height = 28, width = 28)
@Holdout(validation = 0.1)
@Adam(learningRate = 0.001)
@Fit(epochs = 3, batchSize = 32, seed = 42)
public class FashionCsvCnn {
    @Features(scaling = Scaling.MIN_MAX) double[] pixels;

    @Label(classes = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
            "Ankle boot"}) int label;

    @Conv2D(filters = 16) Layer conv;
    @Pool2D Layer pool;
    @Dense(units = 64) Layer hidden;
    @Output Layer out;
}
