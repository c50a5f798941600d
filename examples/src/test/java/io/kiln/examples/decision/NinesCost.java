package io.kiln.examples.decision;

import io.kiln.dsl.*;

/** {@link NinesPlain} with its threshold chosen on the validation rows for the least cost, a missed nine costing 20 false alarms. */
@Model(task = Task.BINARY_CLASSIFICATION)
@Holdout(validation = 0.2, test = 0.2)
@Adam(learningRate = 0.001)
@Fit(epochs = 10, batchSize = 32, seed = 7)
@TuneThreshold(falsePositiveCost = 1, falseNegativeCost = 20)
public class NinesCost {
    @Features double[] pixels;
    @Label boolean nine;

    @Dense(units = 8) Layer hidden;
    @Output Layer out;
}
