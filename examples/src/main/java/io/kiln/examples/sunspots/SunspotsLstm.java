package io.kiln.examples.sunspots;

import io.kiln.dsl.Adam;
import io.kiln.dsl.CsvData;
import io.kiln.dsl.EarlyStopping;
import io.kiln.dsl.Feature;
import io.kiln.dsl.Fit;
import io.kiln.dsl.GradientClipping;
import io.kiln.dsl.Label;
import io.kiln.dsl.LastTimeStep;
import io.kiln.dsl.Layer;
import io.kiln.dsl.Lstm;
import io.kiln.dsl.Model;
import io.kiln.dsl.Output;
import io.kiln.dsl.Series;
import io.kiln.dsl.Task;
import io.kiln.dsl.TemporalSplit;

/**
 * Next year's sunspot activity forecast by an LSTM from the raw yearly series (1700-2008): each
 * sample is a window of the 22 years before (two solar cycles), its target the year after. The
 * split is temporal, so the test years (the last 15%) come after every training window, and the
 * test metrics stand beside the naive forecast, "next year as this year".
 */
@Model(task = Task.SCALAR_REGRESSION, name = "sunspots-lstm")
@CsvData(resource = "sunspots_yearly.csv")
@Series(window = 22, horizon = 1)
@TemporalSplit(orderBy = "year", validation = 0.15, test = 0.15)
@Adam(learningRate = 0.005)
@GradientClipping(norm = 1.0)
@EarlyStopping(patience = 30)
@Fit(epochs = 300, batchSize = 16, seed = 42)
public class SunspotsLstm {
    /** Yearly mean sunspot number: the series the model reads. */
    @Feature double activity;

    /** The same series, one year after the window. */
    @Label(column = "activity") double next;

    @Lstm(units = 32) Layer lstm;
    @LastTimeStep Layer last;
    @Output Layer out;
}
