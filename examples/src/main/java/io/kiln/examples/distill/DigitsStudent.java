package io.kiln.examples.distill;

import io.kiln.dsl.Adam;
import io.kiln.dsl.CsvData;
import io.kiln.dsl.Dense;
import io.kiln.dsl.Distillation;
import io.kiln.dsl.Features;
import io.kiln.dsl.Fit;
import io.kiln.dsl.Holdout;
import io.kiln.dsl.Label;
import io.kiln.dsl.Layer;
import io.kiln.dsl.Model;
import io.kiln.dsl.Output;
import io.kiln.dsl.Task;

/**
 * A small network (64-16-10, about 1,200 weights) distilled from {@link DigitsTeacher}: its loss
 * blends the teacher's softmax at temperature 4 with the labels, half and half. The teacher trains
 * first, on the student's training rows only; the report sets teacher, student and the same student
 * trained on the labels alone side by side, with their sizes and single-row latencies.
 */
@Model(task = Task.MULTICLASS_CLASSIFICATION, name = "digits-student")
@CsvData(resource = "/io/kiln/examples/digits/digits.csv")
@Holdout(validation = 0, test = 0.3)
@Distillation(teacher = DigitsTeacher.class, temperature = 4, alpha = 0.5)
@Adam(learningRate = 0.001)
@Fit(epochs = 50, batchSize = 32, seed = 0)
public class DigitsStudent {
    @Features double[] pixels;

    @Label(column = "label", classes = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}) int digit;

    @Dense(units = 16) Layer hidden;
    @Output Layer out;
}
