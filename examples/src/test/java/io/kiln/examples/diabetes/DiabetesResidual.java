package io.kiln.examples.diabetes;

import io.kiln.dsl.Activation;
import io.kiln.dsl.Adam;
import io.kiln.dsl.CsvData;
import io.kiln.dsl.Dense;
import io.kiln.dsl.EarlyStopping;
import io.kiln.dsl.Feature;
import io.kiln.dsl.Fit;
import io.kiln.dsl.Holdout;
import io.kiln.dsl.Label;
import io.kiln.dsl.Layer;
import io.kiln.dsl.Model;
import io.kiln.dsl.Output;
import io.kiln.dsl.Residual;
import io.kiln.dsl.Task;

/**
 * Diabetes progression with a residual connection from the input (test spec of {@code ResidualTest}):
 * the output layer sees the standardized features plus a learnt correction of them, so the network
 * starts from what a linear model sees.
 */
@Model(task = Task.SCALAR_REGRESSION, name = "diabetes-residual")
@CsvData(resource = "diabetes_regression.csv")
@Holdout(validation = 0.15, test = 0.2)
@Adam(learningRate = 0.003)
@EarlyStopping(patience = 15)
@Fit(epochs = 150, batchSize = 16, seed = 42)
public class DiabetesResidual {
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

    @Dense(units = 16) Layer hidden;
    @Dense(units = 10, activation = Activation.IDENTITY) Layer correction;
    @Residual(from = "input") Layer skip;
    @Output Layer out;
}
