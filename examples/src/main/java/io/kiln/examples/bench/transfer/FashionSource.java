package io.kiln.examples.bench.transfer;

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
 * The source CNN of {@link FashionTransferBench}: Fashion-MNIST's classes 0 to 4 (T-shirt, trouser,
 * pullover, dress, coat), read from the CSV the bench writes.
 */
@Model(task = Task.MULTICLASS_CLASSIFICATION, name = "fashion-source")
@Image(height = 28, width = 28)
@CsvData(file = "target/bench-transfer/fashion-source.csv")
@Holdout(validation = 0, test = 0.1)
@Adam(learningRate = 0.001)
@Fit(epochs = 3, batchSize = 64, seed = 42)
public class FashionSource {
    @Features double[] pixels;

    @Label(column = "label", classes = {"0", "1", "2", "3", "4"}) int item;

    @Conv2D(filters = 16) Layer conv1;
    @Pool2D Layer pool1;
    @Conv2D(filters = 32) Layer conv2;
    @Pool2D Layer pool2;
    @Dense(units = 64) Layer hidden;
    @Output Layer out;
}
