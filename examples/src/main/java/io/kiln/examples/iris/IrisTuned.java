package io.kiln.examples.iris;

import io.kiln.dsl.Adam;
import io.kiln.dsl.CsvData;
import io.kiln.dsl.Dense;
import io.kiln.dsl.Feature;
import io.kiln.dsl.Fit;
import io.kiln.dsl.KFold;
import io.kiln.dsl.Label;
import io.kiln.dsl.Layer;
import io.kiln.dsl.Model;
import io.kiln.dsl.Output;
import io.kiln.dsl.Search;
import io.kiln.dsl.SearchStrategy;
import io.kiln.dsl.Task;
import io.kiln.dsl.Tune;

/**
 * {@link Iris} with a random search over its hidden units, learning rate and batch size: each trial is
 * cross-validated on 5 folds of the 120 rows outside the test split, which only the winner and the
 * declared spec see, once each, after the search.
 */
@Model(task = Task.MULTICLASS_CLASSIFICATION, name = "iris-tuned")
@CsvData(resource = "iris.csv")
@KFold(k = 5, repeats = 3, test = 0.2)
@Adam(learningRate = 0.01)
@Fit(epochs = 60, batchSize = 16, seed = 42)
@Search(strategy = SearchStrategy.RANDOM, trials = 12, seed = 7)
@Tune(value = "Adam.learningRate", min = 0.0005, max = 0.05, log = true)
@Tune(value = "Fit.batchSize", values = {8, 16, 32})
public class IrisTuned {
    @Feature(column = "sepal_length_cm") double sepalLength;
    @Feature(column = "sepal_width_cm") double sepalWidth;
    @Feature(column = "petal_length_cm") double petalLength;
    @Feature(column = "petal_width_cm") double petalWidth;

    @Label(column = "label", classes = {"setosa", "versicolor", "virginica"}) int species;

    @Dense(units = 64) @Tune(value = "units", values = {4, 16, 64}) Layer hidden;
    @Output Layer out;
}
