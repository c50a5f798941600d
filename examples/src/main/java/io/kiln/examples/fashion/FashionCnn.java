package io.kiln.examples.fashion;

import io.kiln.dsl.Adam;
import io.kiln.dsl.Conv2D;
import io.kiln.dsl.Dense;
import io.kiln.dsl.Dropout;
import io.kiln.dsl.EarlyStopping;
import io.kiln.dsl.Fit;
import io.kiln.dsl.Holdout;
import io.kiln.dsl.IdxData;
import io.kiln.dsl.Image;
import io.kiln.dsl.Label;
import io.kiln.dsl.Layer;
import io.kiln.dsl.Metric;
import io.kiln.dsl.Model;
import io.kiln.dsl.Output;
import io.kiln.dsl.Pool2D;
import io.kiln.dsl.Task;

/**
 * Fashion-MNIST: 28x28 grayscale photos of ten kinds of clothing, the 60,000 training and the
 * official 10,000 test images, read from the IDX files of Debian's {@code dataset-fashion-mnist}
 * (installed by the test set-up). Two convolution blocks and a dense layer; the pixels are the
 * features, so the spec declares none.
 */
@Model(task = Task.MULTICLASS_CLASSIFICATION, name = "fashion-cnn")
@Image(height = 28, width = 28)
@IdxData(images = "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz",
        labels = "/usr/share/datasets/fashion-mnist/train-labels-idx1-ubyte.gz",
        testImages = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz",
        testLabels = "/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz")
@Holdout(validation = 0.1)
@Adam(learningRate = 0.001)
@EarlyStopping(monitor = Metric.ACCURACY, patience = 3)
@Fit(epochs = 20, batchSize = 128, seed = 42)
public class FashionCnn {
    @Label(classes = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
            "Ankle boot"}) int item;

    @Conv2D(filters = 32) Layer conv1;
    @Pool2D Layer pool1;
    @Conv2D(filters = 64) Layer conv2;
    @Pool2D Layer pool2;
    @Dropout(rate = 0.25) Layer drop1;
    @Dense(units = 128) Layer hidden;
    @Dropout(rate = 0.5) Layer drop2;
    @Output Layer out;
}
