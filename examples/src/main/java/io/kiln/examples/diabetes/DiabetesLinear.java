package io.kiln.examples.diabetes;

import io.kiln.dsl.Adam;
import io.kiln.dsl.CsvData;
import io.kiln.dsl.Feature;
import io.kiln.dsl.Fit;
import io.kiln.dsl.KFold;
import io.kiln.dsl.Label;
import io.kiln.dsl.Layer;
import io.kiln.dsl.Model;
import io.kiln.dsl.Output;
import io.kiln.dsl.Task;

/** Linear regression on the diabetes data: a spec with only an output layer, the reference the MLP must beat. */
@Model(task = Task.SCALAR_REGRESSION, name = "diabetes-linear")
@CsvData(resource = "diabetes_regression.csv")
@KFold(k = 5)
@Adam(learningRate = 0.01)
@Fit(epochs = 50, batchSize = 16, seed = 42)
public class DiabetesLinear {
    @Feature double age;
    /** Coded 1 or 2 in the data: kept numeric (standardized), as the source codes it. */
    @Feature double sex;
    @Feature double bmi;
    /** Mean blood pressure. */
    @Feature double bp;
    @Feature double s1;
    @Feature double s2;
    @Feature double s3;
    @Feature double s4;
    @Feature double s5;
    @Feature double s6;

    /** Disease progression, a quantitative measure. */
    @Label double target;

    @Output Layer out;
}
