package io.kiln.examples.decision;

import io.kiln.dsl.*;

/** {@link NinesPlain} with balanced class weights: the nines weigh as much in total as the rest. */
@Model(task = Task.BINARY_CLASSIFICATION)
@Holdout(validation = 0.2, test = 0.2)
@Adam(learningRate = 0.001)
@Fit(epochs = 10, batchSize = 32, seed = 7)
@ClassWeights
public class NinesWeighted {
    @Features double[] pixels;
    @Label boolean nine;

    @Dense(units = 8) Layer hidden;
    @Output Layer out;
}
