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
import io.kiln.dsl.Task;

/** Fisher's iris: three species from four flower measurements (150 rows). */
@Model(task = Task.MULTICLASS_CLASSIFICATION)
@CsvData(resource = "iris.csv")
@KFold(k = 5, repeats = 3, test = 0.2)
@Adam(learningRate = 0.01)
@Fit(epochs = 60, batchSize = 16, seed = 42)
public class Iris {
    @Feature(column = "sepal_length_cm") double sepalLength;
    @Feature(column = "sepal_width_cm") double sepalWidth;
    @Feature(column = "petal_length_cm") double petalLength;
    @Feature(column = "petal_width_cm") double petalWidth;

    @Label(column = "label", classes = {"setosa", "versicolor", "virginica"}) int species;

    @Dense(units = 64) Layer hidden;
    @Output Layer out;
}
