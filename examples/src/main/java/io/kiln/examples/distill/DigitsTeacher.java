package io.kiln.examples.distill;

import io.kiln.dsl.Adam;
import io.kiln.dsl.CsvData;
import io.kiln.dsl.Dense;
import io.kiln.dsl.Features;
import io.kiln.dsl.Fit;
import io.kiln.dsl.Holdout;
import io.kiln.dsl.Label;
import io.kiln.dsl.Layer;
import io.kiln.dsl.Model;
import io.kiln.dsl.Output;
import io.kiln.dsl.Task;

/**
 * The teacher of {@link DigitsStudent}: a wide network (64-256-256-10, about 85,000 weights) on the
 * handwritten digits, split 70/30.
 */
@Model(task = Task.MULTICLASS_CLASSIFICATION, name = "digits-teacher")
@CsvData(resource = "/io/kiln/examples/digits/digits.csv")
@Holdout(validation = 0, test = 0.3)
@Adam(learningRate = 0.001)
@Fit(epochs = 50, batchSize = 32, seed = 0)
public class DigitsTeacher {
    @Features double[] pixels; // every column but the label

    @Label(column = "label", classes = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}) int digit;

    @Dense(units = 256) Layer hidden1;
    @Dense(units = 256) Layer hidden2;
    @Output Layer out;
}
