package io.kiln.examples.wide;

import io.kiln.dsl.Adam;
import io.kiln.dsl.Dense;
import io.kiln.dsl.Feature;
import io.kiln.dsl.Features;
import io.kiln.dsl.Fit;
import io.kiln.dsl.Holdout;
import io.kiln.dsl.Label;
import io.kiln.dsl.Layer;
import io.kiln.dsl.Model;
import io.kiln.dsl.Output;
import io.kiln.dsl.Task;

/**
 * A table of 10,000 measurement columns ({@code g0} to {@code g9999}) beside a dose and an
 * identifier: the group finds the measurement columns by name, and the identifier is left out.
 */
@Model(task = Task.BINARY_CLASSIFICATION, name = "wide-10k")
@Holdout(validation = 0.2, test = 0.2)
@Adam(learningRate = 0.001)
@Fit(epochs = 20, batchSize = 32, seed = 1)
public class Wide10k {
    @Feature double dose;
    @Features(matching = "g\\d+", count = 10_000) double[] genes;

    @Label boolean responds;

    @Dense(units = 16) Layer hidden;
    @Output Layer out;
}
