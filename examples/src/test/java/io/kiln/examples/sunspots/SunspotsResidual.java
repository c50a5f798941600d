package io.kiln.examples.sunspots;

import io.kiln.dsl.Adam;
import io.kiln.dsl.Conv1D;
import io.kiln.dsl.CsvData;
import io.kiln.dsl.Feature;
import io.kiln.dsl.Fit;
import io.kiln.dsl.GlobalPool;
import io.kiln.dsl.Label;
import io.kiln.dsl.Layer;
import io.kiln.dsl.Lstm;
import io.kiln.dsl.Model;
import io.kiln.dsl.Output;
import io.kiln.dsl.Residual;
import io.kiln.dsl.SelfAttention;
import io.kiln.dsl.Series;
import io.kiln.dsl.Task;
import io.kiln.dsl.TemporalSplit;

/**
 * Series windows through a graph (test spec of {@code SequenceLayersTest}): a convolution, an LSTM and
 * self-attention over its steps, the attention's output added to the convolution's, then pooled.
 */
@Model(task = Task.SCALAR_REGRESSION, name = "sunspots-residual")
@CsvData(resource = "sunspots_yearly.csv")
@Series(window = 20)
@TemporalSplit(orderBy = "year", validation = 0.15, test = 0.15)
@Adam(learningRate = 0.005)
@Fit(epochs = 3, batchSize = 32, seed = 7)
class SunspotsResidual {
    @Feature double activity;
    @Label(column = "activity") double next;

    @Conv1D(filters = 8, kernel = 3, same = true) Layer conv;
    @Lstm(units = 8) Layer lstm;
    @SelfAttention(heads = 2) Layer attention;
    @Residual(from = "conv") Layer block;
    @GlobalPool Layer global;
    @Output Layer out;
}
