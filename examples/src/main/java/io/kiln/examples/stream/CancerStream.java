package io.kiln.examples.stream;

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
 * Continuous learning on a drifting table: Wisconsin breast cancer ordered by the nucleus's mean area, so
 * that the measurements drift from small (mostly benign) to large (mostly malignant) nuclei. The first
 * model trains on the 200 smallest ({@code cancer-small.csv}; 160 of them, 40 held out as its test rows); the larger ones arrive as the batches of
 * {@code examples/stream-batches/} (every fifth row held out, for the benchmark). A model that never
 * retrains ends up wrong on nearly every large nucleus; this policy fine-tunes on all kept rows every 90
 * new rows (30 epochs), a challenger accepted only if better on the last 20.
 *
 * <pre>
 * learn --inbox stream-batches --store target/stream-store --work target/stream-learn --once
 * </pre>
 */
@Model(task = Task.BINARY_CLASSIFICATION, name = "cancer-stream")
@CsvData(resource = "cancer-small.csv")
@Holdout(validation = 0, test = 0.2)
@Adam(learningRate = 0.001)
@Fit(epochs = 100, batchSize = 16, seed = 42)
@Retrain(everyRows = 90, accept = 20, epochs = 30)
public class CancerStream {
    @Features double[] measurements;

    @Label(column = "label", classes = {"malignant", "benign"}) int diagnosis;

    @Dense(units = 16) Layer hidden;
    @Output Layer out;
}
