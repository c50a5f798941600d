package io.kiln.examples.sunspots;

import io.kiln.dsl.Adam;
import io.kiln.dsl.CsvData;
import io.kiln.dsl.Dense;
import io.kiln.dsl.EarlyStopping;
import io.kiln.dsl.Feature;
import io.kiln.dsl.Fit;
import io.kiln.dsl.Label;
import io.kiln.dsl.Layer;
import io.kiln.dsl.Model;
import io.kiln.dsl.Output;
import io.kiln.dsl.Regularization;
import io.kiln.dsl.Task;
import io.kiln.dsl.TemporalSplit;
import io.kiln.dsl.Warmup;
import io.kiln.dsl.CosineDecay;

/**
 * Yearly sunspot activity (1711-2008) predicted from the eleven years before it (about one solar
 * cycle). A temporal split: the model trains on the earliest years, is monitored on the years
 * after them and tested on the latest, so it never learns from the future it is scored on.
 */
@Model(task = Task.SCALAR_REGRESSION)
@CsvData(resource = "sunspots.csv")
@TemporalSplit(orderBy = "year", validation = 0.15, test = 0.15)
@Adam(learningRate = 0.003)
@Warmup(epochs = 5)
@CosineDecay(minLearningRate = 0.0001)
@Regularization(l2 = 1e-4)
@EarlyStopping(patience = 30)
@Fit(epochs = 300, batchSize = 16, seed = 42)
public class Sunspots {
    @Feature double lag_1;
    @Feature double lag_2;
    @Feature double lag_3;
    @Feature double lag_4;
    @Feature double lag_5;
    @Feature double lag_6;
    @Feature double lag_7;
    @Feature double lag_8;
    @Feature double lag_9;
    @Feature double lag_10;
    @Feature double lag_11;

    /** Yearly mean sunspot number. */
    @Label double activity;

    @Dense(units = 32) Layer hidden;
    @Output Layer out;
}
