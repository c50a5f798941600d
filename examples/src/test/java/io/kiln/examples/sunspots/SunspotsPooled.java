package io.kiln.examples.sunspots;

import io.kiln.dsl.Adam;
import io.kiln.dsl.Conv1D;
import io.kiln.dsl.CsvData;
import io.kiln.dsl.Feature;
import io.kiln.dsl.Fit;
import io.kiln.dsl.GlobalPool;
import io.kiln.dsl.Label;
import io.kiln.dsl.Layer;
import io.kiln.dsl.Model;
import io.kiln.dsl.Output;
import io.kiln.dsl.Pool1D;
import io.kiln.dsl.Pooling;
import io.kiln.dsl.Series;
import io.kiln.dsl.Task;
import io.kiln.dsl.TemporalSplit;

/** A convolutional forecaster: strided and dilated 1-D convolutions, average pooling over time. */
@Model(task = Task.SCALAR_REGRESSION, name = "sunspots-pooled")
@CsvData(resource = "sunspots_yearly.csv")
@Series(window = 20)
@TemporalSplit(orderBy = "year", validation = 0.15, test = 0.15)
@Adam(learningRate = 0.005)
@Fit(epochs = 3, batchSize = 32, seed = 7)
class SunspotsPooled {
    @Feature double activity;
    @Label(column = "activity") double next;

    @Conv1D(filters = 6, kernel = 5, stride = 2, padding = 1) Layer conv;
    @Conv1D(filters = 6, kernel = 3, dilation = 2, same = true) Layer dilated;
    @Pool1D(kernel = 3, stride = 1, type = Pooling.AVG) Layer pool;
    @GlobalPool(type = Pooling.MAX) Layer global;
    @Output Layer out;
}
