package io.kiln.examples.digits;

import io.kiln.dsl.Adam;
import io.kiln.dsl.Conv2D;
import io.kiln.dsl.CsvData;
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
import io.kiln.dsl.Task;

/**
 * The handwritten digits of {@link Digits} read as what they are, 8x8 grayscale images, by a small
 * convolutional network. One field declares the 64 pixel columns, which the file holds in row
 * order, so {@code @Image} turns them into the image; the processor checks each layer's output shape at compile time (see the layer
 * table in the generated {@code DigitsCnnNetwork}, or the {@code summary} command).
 */
@Model(task = Task.MULTICLASS_CLASSIFICATION, name = "digits-cnn")
@Image(height = 8, width = 8)
@CsvData(resource = "digits.csv")
@Holdout(validation = 0.1, test = 0.2)
@Adam(learningRate = 0.003)
@Fit(epochs = 20, batchSize = 32, seed = 42)
public class DigitsCnn {
    @Features double[] pixels; // every column but the label: the 64 pixels, in row order

    @Label(column = "label", classes = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}) int digit;

    @Conv2D(filters = 16, same = true) Layer conv1;
    @Pool2D Layer pool1;
    @Conv2D(filters = 32, same = true) Layer conv2;
    @Pool2D Layer pool2;
    @Dense(units = 64) Layer hidden;
    @Output Layer out;
}
