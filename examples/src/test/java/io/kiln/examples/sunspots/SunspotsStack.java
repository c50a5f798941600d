package io.kiln.examples.sunspots;

import io.kiln.dsl.Adam;
import io.kiln.dsl.Conv1D;
import io.kiln.dsl.CsvData;
import io.kiln.dsl.Dense;
import io.kiln.dsl.Dropout;
import io.kiln.dsl.Feature;
import io.kiln.dsl.Fit;
import io.kiln.dsl.Label;
import io.kiln.dsl.LastTimeStep;
import io.kiln.dsl.Layer;
import io.kiln.dsl.Lstm;
import io.kiln.dsl.Model;
import io.kiln.dsl.Output;
import io.kiln.dsl.Pool1D;
import io.kiln.dsl.Series;
import io.kiln.dsl.SimpleRnn;
import io.kiln.dsl.Task;
import io.kiln.dsl.TemporalSplit;

/** Every sequence layer in one network, for the test that DL4J builds what the processor's table says. */
@Model(task = Task.SCALAR_REGRESSION, name = "sunspots-stack")
@CsvData(resource = "sunspots_yearly.csv")
@Series(window = 12, horizon = 2)
@TemporalSplit(orderBy = "year", validation = 0.15, test = 0.15)
@Adam(learningRate = 0.005)
@Fit(epochs = 3, batchSize = 32, seed = 7)
class SunspotsStack {
    @Feature double activity;
    @Label(column = "activity") double later;

    @Conv1D(filters = 8, causal = true) Layer conv;
    @Pool1D Layer pool;
    @Dropout(rate = 0.1) Layer drop;
    @Lstm(units = 16, bidirectional = true) Layer lstm;
    @SimpleRnn(units = 4) Layer rnn;
    @LastTimeStep Layer last;
    @Dense(units = 8) Layer hidden;
    @Output Layer out;
}
