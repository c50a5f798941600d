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
import io.kiln.dsl.Regularization;
import io.kiln.dsl.Reuse;
import io.kiln.dsl.Task;
import io.kiln.dsl.Transfer;

/**
 * A saved Kiln model file as the source, named by path: its layers are read, cut and checked against
 * this spec's input when training starts (a spec source is checked at compile time instead). The few
 * labelled digits 5 to 9 of {@link DigitsTransfer}; the reused layers are unfrozen one at a time from
 * the top every 25 epochs, train at a tenth of the head's rate and are pulled toward the source's
 * weights (L2-SP). Any {@code .kiln} file with the same 64 pixel inputs serves: pass another with
 * {@code train --source FILE}.
 */
@Model(task = Task.MULTICLASS_CLASSIFICATION, name = "digits-transfer-file")
@CsvData(resource = "/io/kiln/examples/digits/digits-5to9-few.csv",
        testResource = "/io/kiln/examples/digits/digits-5to9-test.csv")
@Holdout(validation = 0)
@Transfer(file = "models/digits-source.kiln", reuse = Reuse.GRADUAL, unfreezeEvery = 25, learningRate = 0.0001)
@Regularization(l2sp = 0.01)
@Adam(learningRate = 0.001)
@Fit(epochs = 100, batchSize = 32, seed = 42)
public class DigitsTransferFile {
    @Features double[] pixels;

    @Label(column = "label", classes = {"5", "6", "7", "8", "9"}) int digit;

    @Output Layer out;
}
