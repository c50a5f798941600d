package io.kiln.examples.transfer;

import io.kiln.dsl.Adam;
import io.kiln.dsl.CsvData;
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
 * The source network of a transfer: the handwritten digits 0 to 4 (901 rows), 80% trained on and
 * 20% held out. Its two hidden layers learn pen strokes that the digits 5 to 9 share;
 * {@link DigitsTransfer} reuses them.
 */
@Model(task = Task.MULTICLASS_CLASSIFICATION, name = "digits-source")
@CsvData(resource = "/io/kiln/examples/digits/digits-0to4.csv")
@Holdout(validation = 0, test = 0.2)
@Adam(learningRate = 0.001)
@Fit(epochs = 50, batchSize = 32, seed = 42)
public class DigitsSource {
    @Features double[] pixels; // every column but the label: the 64 pixels

    @Label(column = "label", classes = {"0", "1", "2", "3", "4"}) int digit;

    @Dense(units = 64) Layer hidden1;
    @Dense(units = 64) Layer hidden2;
    @Output Layer out;
}
