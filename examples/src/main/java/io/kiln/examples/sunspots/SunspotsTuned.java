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
import io.kiln.dsl.Search;
import io.kiln.dsl.SearchStrategy;
import io.kiln.dsl.Task;
import io.kiln.dsl.Tune;
import io.kiln.dsl.TemporalSplit;
import io.kiln.dsl.Warmup;
import io.kiln.dsl.CosineDecay;

/**
 * {@link Sunspots} with a random search over its learning rate, L2 penalty, hidden units and activation:
 * each trial trains on the earliest years and is scored on the years after them; the latest years, the
 * test split, are read once, by the retrained winner (and the declared spec beside it).
 */
@Model(task = Task.SCALAR_REGRESSION, name = "sunspots-tuned")
@CsvData(resource = "sunspots.csv")
@TemporalSplit(orderBy = "year", validation = 0.15, test = 0.15)
@Adam(learningRate = 0.003)
@Warmup(epochs = 5)
@CosineDecay(minLearningRate = 0.0001)
@Regularization(l2 = 1e-4)
@EarlyStopping(patience = 30)
@Fit(epochs = 300, batchSize = 16, seed = 42)
@Search(strategy = SearchStrategy.RANDOM, trials = 16, seed = 5)
@Tune(value = "Adam.learningRate", min = 0.0003, max = 0.01, log = true)
@Tune(value = "Regularization.l2", min = 0.00001, max = 0.01, log = true)
public class SunspotsTuned {
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

    @Dense(units = 32) @Tune(value = "units", values = {8, 32, 128})
    @Tune(value = "activation", choices = {"RELU", "TANH"}) Layer hidden;
    @Output Layer out;
}
