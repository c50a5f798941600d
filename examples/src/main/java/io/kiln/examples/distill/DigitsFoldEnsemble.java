package io.kiln.examples.distill;

import io.kiln.dsl.Adam;
import io.kiln.dsl.CsvData;
import io.kiln.dsl.Dense;
import io.kiln.dsl.Ensemble;
import io.kiln.dsl.Features;
import io.kiln.dsl.Fit;
import io.kiln.dsl.KFold;
import io.kiln.dsl.Label;
import io.kiln.dsl.Layer;
import io.kiln.dsl.Members;
import io.kiln.dsl.Model;
import io.kiln.dsl.Output;
import io.kiln.dsl.Task;

/**
 * The digits network of the main example, deployed as the average of its 5 fold models: 5-fold
 * cross-validation of 70% of the rows, and the ensemble and each fold model scored on the other 30%,
 * which no fold model trained on.
 */
@Model(task = Task.MULTICLASS_CLASSIFICATION, name = "digits-fold-ensemble")
@CsvData(resource = "/io/kiln/examples/digits/digits.csv")
@KFold(k = 5, test = 0.3)
@Ensemble(members = Members.FOLDS)
@Adam(learningRate = 0.001)
@Fit(epochs = 50, batchSize = 32, seed = 42)
public class DigitsFoldEnsemble {
    @Features double[] pixels;

    @Label(column = "label", classes = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}) int digit;

    @Dense(units = 64) Layer hidden;
    @Output Layer out;
}
