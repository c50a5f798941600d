package io.kiln.examples.diabetes;

import io.kiln.dsl.Adam;
import io.kiln.dsl.CsvData;
import io.kiln.dsl.Dense;
import io.kiln.dsl.Dropout;
import io.kiln.dsl.Feature;
import io.kiln.dsl.Fit;
import io.kiln.dsl.KFold;
import io.kiln.dsl.EarlyStopping;
import io.kiln.dsl.ReduceOnPlateau;
import io.kiln.dsl.Label;
import io.kiln.dsl.Layer;
import io.kiln.dsl.Model;
import io.kiln.dsl.Output;
import io.kiln.dsl.Task;

/** Diabetes progression one year after baseline, from ten clinical measurements (442 rows). */
@Model(task = Task.SCALAR_REGRESSION)
@CsvData(resource = "diabetes_regression.csv")
@KFold(k = 5)
@Adam(learningRate = 0.001)
@EarlyStopping(patience = 20)
@ReduceOnPlateau(patience = 8, factor = 0.5)
@Fit(epochs = 200, batchSize = 16, seed = 42)
public class Diabetes {
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

    @Dense(units = 64) Layer hidden;
    @Dropout(rate = 0.5) Layer dropout;
    @Output Layer out;
}
