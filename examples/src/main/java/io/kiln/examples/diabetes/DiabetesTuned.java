package io.kiln.examples.diabetes;

import io.kiln.dsl.Adam;
import io.kiln.dsl.CsvData;
import io.kiln.dsl.Dense;
import io.kiln.dsl.Dropout;
import io.kiln.dsl.EarlyStopping;
import io.kiln.dsl.Feature;
import io.kiln.dsl.Fit;
import io.kiln.dsl.KFold;
import io.kiln.dsl.Label;
import io.kiln.dsl.Layer;
import io.kiln.dsl.Model;
import io.kiln.dsl.Output;
import io.kiln.dsl.ReduceOnPlateau;
import io.kiln.dsl.Search;
import io.kiln.dsl.SearchStrategy;
import io.kiln.dsl.Task;
import io.kiln.dsl.Tune;

/**
 * {@link Diabetes} with a grid over its hidden units, learning rate and dropout (27 configurations and the
 * declared one), each cross-validated on 5 folds of the rows outside a 20% test split.
 */
@Model(task = Task.SCALAR_REGRESSION, name = "diabetes-tuned")
@CsvData(resource = "diabetes_regression.csv")
@KFold(k = 5, test = 0.2)
@Adam(learningRate = 0.001)
@EarlyStopping(patience = 20)
@ReduceOnPlateau(patience = 8, factor = 0.5)
@Fit(epochs = 200, batchSize = 16, seed = 42)
@Search(strategy = SearchStrategy.GRID, ablationSeeds = 3)
@Tune(value = "Adam.learningRate", values = {0.0003, 0.001, 0.003})
public class DiabetesTuned {
    @Feature double age;
    @Feature double sex;
    @Feature double bmi;
    @Feature double bp;
    @Feature double s1;
    @Feature double s2;
    @Feature double s3;
    @Feature double s4;
    @Feature double s5;
    @Feature double s6;

    @Label double target;

    @Dense(units = 64) @Tune(value = "units", values = {8, 32, 128}) Layer hidden;
    @Dropout(rate = 0.5) @Tune(value = "rate", values = {0.0, 0.2, 0.5}) Layer dropout;
    @Output Layer out;
}
