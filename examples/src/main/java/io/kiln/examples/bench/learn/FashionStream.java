package io.kiln.examples.bench.learn;

import io.kiln.dsl.Adam;
import io.kiln.dsl.CsvData;
import io.kiln.dsl.Dense;
import io.kiln.dsl.Features;
import io.kiln.dsl.Fit;
import io.kiln.dsl.Holdout;
import io.kiln.dsl.Label;
import io.kiln.dsl.Layer;
import io.kiln.dsl.Model;
import io.kiln.dsl.Output;
import io.kiln.dsl.Retrain;
import io.kiln.dsl.Task;

/**
 * The Fashion-MNIST stream of {@link LearnBench}: the first model trains on 4,500 of 5,000 upright images
 * (the CSV the bench writes; 500 are its test rows), then learns continuously; {@link LearnBench} runs it
 * under several policies. The declared one fine-tunes on all kept rows every 1,000 rows.
 */
@Model(task = Task.MULTICLASS_CLASSIFICATION, name = "fashion-stream")
@CsvData(file = "target/bench-learn/fashion-initial.csv")
@Holdout(validation = 0, test = 0.1)
@Adam(learningRate = 0.001)
@Fit(epochs = 5, batchSize = 64, seed = 42)
@Retrain(everyRows = 1000, accept = 250, epochs = 3)
public class FashionStream {
    @Features double[] pixels;

    @Label(column = "label", classes = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}) int item;

    @Dense(units = 128) Layer hidden;
    @Output Layer out;
}
