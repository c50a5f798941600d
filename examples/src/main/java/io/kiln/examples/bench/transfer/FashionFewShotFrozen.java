package io.kiln.examples.bench.transfer;

import io.kiln.dsl.Adam;
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
import io.kiln.dsl.Task;
import io.kiln.dsl.Transfer;

/** A few-shot target of {@link FashionTransferBench} (classes 5 to 9, relabelled): the convolutions of the source (up to pool2) reused under a new dense head. Feature extraction: the reused layers frozen, the new output layer at 1e-3. */
@Model(task = Task.MULTICLASS_CLASSIFICATION)
@Image(height = 28, width = 28)
@CsvData(file = "target/bench-transfer/fashion-few.csv", testFile = "target/bench-transfer/fashion-rest.csv")
@Holdout(validation = 0)
@Transfer(from = FashionSource.class, upTo = "pool2")
@Adam(learningRate = 0.001)
@Fit(epochs = 100, batchSize = 32, seed = 42)
public class FashionFewShotFrozen {
    @Features double[] pixels;

    @Label(column = "label", classes = {"5", "6", "7", "8", "9"}) int item;

    @Dense(units = 64) Layer head; // a new dense head on the reused convolutions
    @Output Layer out;
}
