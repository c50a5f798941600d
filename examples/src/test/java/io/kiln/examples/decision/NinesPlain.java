package io.kiln.examples.decision;

import io.kiln.dsl.*;

/** Is the digit a nine? One row in ten is: an imbalanced binary task, trained plainly. */
@Model(task = Task.BINARY_CLASSIFICATION)
@Holdout(validation = 0.2, test = 0.2)
@Adam(learningRate = 0.001)
@Fit(epochs = 10, batchSize = 32, seed = 7)

public class NinesPlain {
    @Features double[] pixels;
    @Label boolean nine;

    @Dense(units = 8) Layer hidden;
    @Output Layer out;
}
