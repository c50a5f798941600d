package io.kiln.examples.decision;

import io.kiln.dsl.*;

/** {@link NinesPlain} with a declared weight of 50 on the nines. */
@Model(task = Task.BINARY_CLASSIFICATION)
@Holdout(validation = 0.2, test = 0.2)
@Adam(learningRate = 0.001)
@Fit(epochs = 10, batchSize = 32, seed = 7)
@ClassWeights({1, 50})
public class NinesHeavy {
    @Features double[] pixels;
    @Label boolean nine;

    @Dense(units = 8) Layer hidden;
    @Output Layer out;
}
