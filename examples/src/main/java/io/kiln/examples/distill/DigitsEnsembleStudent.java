package io.kiln.examples.distill;

import io.kiln.dsl.Adam;
import io.kiln.dsl.CsvData;
import io.kiln.dsl.Dense;
import io.kiln.dsl.Distillation;
import io.kiln.dsl.Features;
import io.kiln.dsl.Fit;
import io.kiln.dsl.Holdout;
import io.kiln.dsl.Label;
import io.kiln.dsl.Layer;
import io.kiln.dsl.Model;
import io.kiln.dsl.Output;
import io.kiln.dsl.Task;

/**
 * A 64-16-10 student of the fold ensemble {@link DigitsFoldEnsemble}: inside this spec's 70/30 split,
 * the teacher cross-validates the training rows, averages its 5 fold models, and the student learns
 * from that average.
 */
@Model(task = Task.MULTICLASS_CLASSIFICATION, name = "digits-ensemble-student")
@CsvData(resource = "/io/kiln/examples/digits/digits.csv")
@Holdout(validation = 0, test = 0.3)
@Distillation(teacher = DigitsFoldEnsemble.class, temperature = 4, alpha = 0.5)
@Adam(learningRate = 0.001)
@Fit(epochs = 50, batchSize = 32, seed = 42)
public class DigitsEnsembleStudent {
    @Features double[] pixels;

    @Label(column = "label", classes = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}) int digit;

    @Dense(units = 16) Layer hidden;
    @Output Layer out;
}
