package io.kiln.examples.transfer;

import io.kiln.dsl.Adam;
import io.kiln.dsl.CsvData;
import io.kiln.dsl.Features;
import io.kiln.dsl.Fit;
import io.kiln.dsl.Holdout;
import io.kiln.dsl.Label;
import io.kiln.dsl.Layer;
import io.kiln.dsl.Model;
import io.kiln.dsl.Output;
import io.kiln.dsl.Reuse;
import io.kiln.dsl.Task;
import io.kiln.dsl.Transfer;

/**
 * Few-shot digits by transfer learning: the digits 5 to 9 (relabelled 0 to 4) from only 20 labelled
 * images each, tested on the other 796. The hidden layers of {@link DigitsSource} are reused frozen
 * (feature extraction), with their fitted preprocessing; only the new output layer trains. Train the
 * source first: its model file, {@code models/digits-source.kiln}, is where this spec reads it.
 */
@Model(task = Task.MULTICLASS_CLASSIFICATION, name = "digits-transfer")
@CsvData(resource = "/io/kiln/examples/digits/digits-5to9-few.csv",
        testResource = "/io/kiln/examples/digits/digits-5to9-test.csv")
@Holdout(validation = 0)
@Transfer(from = DigitsSource.class, reuse = Reuse.FREEZE)
@Adam(learningRate = 0.001)
@Fit(epochs = 300, batchSize = 32, seed = 42)
public class DigitsTransfer {
    @Features double[] pixels;

    @Label(column = "label", classes = {"5", "6", "7", "8", "9"}) int digit;

    @Output Layer out; // a new head for the new classes
}
