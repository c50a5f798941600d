package io.kiln.examples.transfer;

import io.kiln.dsl.Adam;
import io.kiln.dsl.CsvData;
import io.kiln.dsl.Dense;
import io.kiln.dsl.Feature;
import io.kiln.dsl.Fit;
import io.kiln.dsl.Holdout;
import io.kiln.dsl.Label;
import io.kiln.dsl.Layer;
import io.kiln.dsl.Model;
import io.kiln.dsl.Output;
import io.kiln.dsl.Reuse;
import io.kiln.dsl.Task;
import io.kiln.dsl.Transfer;

/**
 * A Keras 2 model as the source: the hidden layers of {@code pretrained/iris-mlp.h5} (a 4-8-6-3 MLP
 * trained elsewhere), imported by Deeplearning4j when training starts, fine-tuned at a low rate under
 * a new head of its own. Relative paths are resolved against the working directory ({@code examples/}
 * when run with {@code -Dexample.main}).
 */
@Model(task = Task.MULTICLASS_CLASSIFICATION, name = "iris-keras")
@CsvData(resource = "/io/kiln/examples/iris/iris.csv")
@Holdout(validation = 0.2, test = 0.2)
@Transfer(file = "pretrained/iris-mlp.h5", reuse = Reuse.FINE_TUNE, learningRate = 0.001)
@Adam(learningRate = 0.01)
@Fit(epochs = 40, batchSize = 16, seed = 42)
public class IrisKeras {
    @Feature(column = "sepal_length_cm") double sepalLength;
    @Feature(column = "sepal_width_cm") double sepalWidth;
    @Feature(column = "petal_length_cm") double petalLength;
    @Feature(column = "petal_width_cm") double petalWidth;

    @Label(column = "label", classes = {"setosa", "versicolor", "virginica"}) int species;

    @Dense(units = 8) Layer adapter;
    @Output Layer out;
}
