package io.kiln.examples.bench.transfer;

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
import io.kiln.examples.transfer.DigitsSource;

/** A variant of the few-shot digits transfer for {@link TransferBench}. L2-SP: every layer trains at 1e-3, the reused ones pulled toward the source weights (l2sp 0.01). */
@Model(task = Task.MULTICLASS_CLASSIFICATION)
@CsvData(resource = "/io/kiln/examples/digits/digits-5to9-few.csv",
        testResource = "/io/kiln/examples/digits/digits-5to9-test.csv")
@Holdout(validation = 0)
@Transfer(from = DigitsSource.class, reuse = Reuse.FINE_TUNE)
@Regularization(l2sp = 0.01)
@Adam(learningRate = 0.001)
@Fit(epochs = 100, batchSize = 32, seed = 42)
public class FewShotL2sp {
    @Features double[] pixels;

    @Label(column = "label", classes = {"5", "6", "7", "8", "9"}) int digit;

    @Output Layer out;
}
