package io.kiln.examples.decision;

import io.kiln.dsl.*;

/** {@link NinesPlain} with its decision threshold chosen on the validation rows for F1. */
@Model(task = Task.BINARY_CLASSIFICATION)
@Holdout(validation = 0.2, test = 0.2)
@Adam(learningRate = 0.001)
@Fit(epochs = 10, batchSize = 32, seed = 7)
@TuneThreshold(metric = Metric.F1)
public class NinesTuned {
    @Features double[] pixels;
    @Label boolean nine;

    @Dense(units = 8) Layer hidden;
    @Output Layer out;
}
