package io.kiln.examples.wide;

import io.kiln.dsl.Adam;
import io.kiln.dsl.Dense;
import io.kiln.dsl.Features;
import io.kiln.dsl.Fit;
import io.kiln.dsl.Holdout;
import io.kiln.dsl.Label;
import io.kiln.dsl.Layer;
import io.kiln.dsl.Model;
import io.kiln.dsl.Output;
import io.kiln.dsl.Task;

/**
 * Fashion-MNIST as one CSV row per image, in the layout of the popular CSV copies of it: a
 * {@code label} column, then {@code pixel1} to {@code pixel784}, intensities 0 to 255. One field
 * declares all 784 pixel columns; the data file is given at run time.
 */
@Model(task = Task.MULTICLASS_CLASSIFICATION, name = "fashion-csv-dense")
@Holdout(validation = 0.1)
@Adam(learningRate = 0.001)
@Fit(epochs = 5, batchSize = 64, seed = 42)
public class FashionCsvDense {
    @Features(matching = "pixel\\d+", count = 784) double[] pixels;

    @Label(classes = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
            "Ankle boot"}) int label;

    @Dense(units = 128) Layer hidden;
    @Output Layer out;
}
