package io.kiln.examples.digits;

import io.kiln.dsl.Adam;
import io.kiln.dsl.Augment;
import io.kiln.dsl.Conv2D;
import io.kiln.dsl.CsvData;
import io.kiln.dsl.Dense;
import io.kiln.dsl.Feature;
import io.kiln.dsl.Fit;
import io.kiln.dsl.Holdout;
import io.kiln.dsl.Image;
import io.kiln.dsl.Label;
import io.kiln.dsl.Layer;
import io.kiln.dsl.Model;
import io.kiln.dsl.Output;
import io.kiln.dsl.Pool2D;
import io.kiln.dsl.Preprocessing;
import io.kiln.dsl.Scaling;
import io.kiln.dsl.Task;

/**
 * {@link DigitsCnn} trained on randomly shifted digits (test spec of {@code AugmentationTest}): the
 * same data, split and network, with {@code @Augment}. Its pixels are fed unscaled (0-16): scaled
 * pixel by pixel, an edge pixel that is nearly always blank gets a tiny scale, and a stroke shifted
 * onto it becomes an input of hundreds.
 */
@Model(task = Task.MULTICLASS_CLASSIFICATION, name = "digits-cnn-augmented")
@Image(height = 8, width = 8)
@Augment(shift = 0.125)
@Preprocessing(scaling = Scaling.NONE)
@CsvData(resource = "digits.csv")
@Holdout(validation = 0.1, test = 0.2)
@Adam(learningRate = 0.003)
@Fit(epochs = 30, batchSize = 32, seed = 42)
public class DigitsCnnAugmented {
    @Feature double pixel_0_0; @Feature double pixel_0_1; @Feature double pixel_0_2; @Feature double pixel_0_3; @Feature double pixel_0_4; @Feature double pixel_0_5; @Feature double pixel_0_6; @Feature double pixel_0_7;
    @Feature double pixel_1_0; @Feature double pixel_1_1; @Feature double pixel_1_2; @Feature double pixel_1_3; @Feature double pixel_1_4; @Feature double pixel_1_5; @Feature double pixel_1_6; @Feature double pixel_1_7;
    @Feature double pixel_2_0; @Feature double pixel_2_1; @Feature double pixel_2_2; @Feature double pixel_2_3; @Feature double pixel_2_4; @Feature double pixel_2_5; @Feature double pixel_2_6; @Feature double pixel_2_7;
    @Feature double pixel_3_0; @Feature double pixel_3_1; @Feature double pixel_3_2; @Feature double pixel_3_3; @Feature double pixel_3_4; @Feature double pixel_3_5; @Feature double pixel_3_6; @Feature double pixel_3_7;
    @Feature double pixel_4_0; @Feature double pixel_4_1; @Feature double pixel_4_2; @Feature double pixel_4_3; @Feature double pixel_4_4; @Feature double pixel_4_5; @Feature double pixel_4_6; @Feature double pixel_4_7;
    @Feature double pixel_5_0; @Feature double pixel_5_1; @Feature double pixel_5_2; @Feature double pixel_5_3; @Feature double pixel_5_4; @Feature double pixel_5_5; @Feature double pixel_5_6; @Feature double pixel_5_7;
    @Feature double pixel_6_0; @Feature double pixel_6_1; @Feature double pixel_6_2; @Feature double pixel_6_3; @Feature double pixel_6_4; @Feature double pixel_6_5; @Feature double pixel_6_6; @Feature double pixel_6_7;
    @Feature double pixel_7_0; @Feature double pixel_7_1; @Feature double pixel_7_2; @Feature double pixel_7_3; @Feature double pixel_7_4; @Feature double pixel_7_5; @Feature double pixel_7_6; @Feature double pixel_7_7;

    @Label(column = "label", classes = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}) int digit;

    @Conv2D(filters = 16, same = true) Layer conv1;
    @Pool2D Layer pool1;
    @Conv2D(filters = 32, same = true) Layer conv2;
    @Pool2D Layer pool2;
    @Dense(units = 64) Layer hidden;
    @Output Layer out;
}
