package io.kiln.examples.decision;

import io.kiln.dsl.*;

/** The threshold chosen on the out-of-fold predictions of a 5-fold cross-validation, then tested once. */
@Model(task = Task.BINARY_CLASSIFICATION)
@KFold(k = 5, test = 0.2)
@Adam(learningRate = 0.001)
@Fit(epochs = 10, batchSize = 32, seed = 7)
@TuneThreshold(metric = Metric.BALANCED_ACCURACY)
public class NinesFolds {
    @Features double[] pixels;
    @Label boolean nine;

    @Dense(units = 8) Layer hidden;
    @Output Layer out;
}
