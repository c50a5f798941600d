package io.kiln.examples.compat;

import io.kiln.dsl.CsvData;
import io.kiln.dsl.Dense;
import io.kiln.dsl.Feature;
import io.kiln.dsl.Fit;
import io.kiln.dsl.Holdout;
import io.kiln.dsl.Label;
import io.kiln.dsl.Layer;
import io.kiln.dsl.Model;
import io.kiln.dsl.Output;
import io.kiln.dsl.Sgd;
import io.kiln.dsl.StepDecay;
import io.kiln.dsl.Task;

/**
 * Saved-model compatibility spec (see {@link SavedModelCompatTest}): classical SGD momentum (the
 * runtime's {@code io.kiln.runtime.Momentum} updater) and a step-decay learning-rate schedule (the
 * runtime's {@code io.kiln.runtime.KilnSchedule}), both recorded by class name inside the saved DL4J
 * configuration. Its fixture was produced by the Kiln build before the runtime refactor: do not
 * change this spec without regenerating the fixture with that build.
 */
@Model(task = Task.MULTICLASS_CLASSIFICATION, name = "compat-momentum")
@CsvData(file = "iris.csv")
@Holdout(validation = 0.2, test = 0.2)
@Sgd(learningRate = 0.05, momentum = 0.9)
@StepDecay(every = 3, factor = 0.5)
@Fit(epochs = 12, batchSize = 16, seed = 7)
public class CompatMomentum {
    @Feature(column = "sepal_length_cm") double sepalLength;
    @Feature(column = "sepal_width_cm") double sepalWidth;
    @Feature(column = "petal_length_cm") double petalLength;
    @Feature(column = "petal_width_cm") double petalWidth;

    @Label(column = "label", classes = {"setosa", "versicolor", "virginica"}) int species;

    @Dense(units = 8) Layer hidden;
    @Output Layer out;
}
