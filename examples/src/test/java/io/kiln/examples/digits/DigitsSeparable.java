package io.kiln.examples.digits;

import io.kiln.dsl.Adam;
import io.kiln.dsl.Conv2D;
import io.kiln.dsl.CsvData;
import io.kiln.dsl.Feature;
import io.kiln.dsl.Fit;
import io.kiln.dsl.GlobalPool;
import io.kiln.dsl.Holdout;
import io.kiln.dsl.Image;
import io.kiln.dsl.Label;
import io.kiln.dsl.Layer;
import io.kiln.dsl.Model;
import io.kiln.dsl.Output;
import io.kiln.dsl.Pool2D;
import io.kiln.dsl.Pooling;
import io.kiln.dsl.SeparableConv2D;
import io.kiln.dsl.Task;

/**
 * The digits as images through a depthwise-separable convolution (test spec of
 * {@code ConvolutionTest}): an ordinary convolution makes 16 channels, which the separable one
 * filters channel by channel (two filters each) and mixes into 32.
 */
@Model(task = Task.MULTICLASS_CLASSIFICATION, name = "digits-separable")
@Image(height = 8, width = 8)
@CsvData(resource = "digits.csv")
@Holdout(validation = 0.1, test = 0.2)
@Adam(learningRate = 0.003)
@Fit(epochs = 20, batchSize = 32, seed = 42)
public class DigitsSeparable {
    @Feature double pixel_0_0; @Feature double pixel_0_1; @Feature double pixel_0_2; @Feature double pixel_0_3; @Feature double pixel_0_4; @Feature double pixel_0_5; @Feature double pixel_0_6; @Feature double pixel_0_7;
    @Feature double pixel_1_0; @Feature double pixel_1_1; @Feature double pixel_1_2; @Feature double pixel_1_3; @Feature double pixel_1_4; @Feature double pixel_1_5; @Feature double pixel_1_6; @Feature double pixel_1_7;
    @Feature double pixel_2_0; @Feature double pixel_2_1; @Feature double pixel_2_2; @Feature double pixel_2_3; @Feature double pixel_2_4; @Feature double pixel_2_5; @Feature double pixel_2_6; @Feature double pixel_2_7;
    @Feature double pixel_3_0; @Feature double pixel_3_1; @Feature double pixel_3_2; @Feature double pixel_3_3; @Feature double pixel_3_4; @Feature double pixel_3_5; @Feature double pixel_3_6; @Feature double pixel_3_7;
    @Feature double pixel_4_0; @Feature double pixel_4_1; @Feature double pixel_4_2; @Feature double pixel_4_3; @Feature double pixel_4_4; @Feature double pixel_4_5; @Feature double pixel_4_6; @Feature double pixel_4_7;
    @Feature double pixel_5_0; @Feature double pixel_5_1; @Feature double pixel_5_2; @Feature double pixel_5_3; @Feature double pixel_5_4; @Feature double pixel_5_5; @Feature double pixel_5_6; @Feature double pixel_5_7;
    @Feature double pixel_6_0; @Feature double pixel_6_1; @Feature double pixel_6_2; @Feature double pixel_6_3; @Feature double pixel_6_4; @Feature double pixel_6_5; @Feature double pixel_6_6; @Feature double pixel_6_7;
    @Feature double pixel_7_0; @Feature double pixel_7_1; @Feature double pixel_7_2; @Feature double pixel_7_3; @Feature double pixel_7_4; @Feature double pixel_7_5; @Feature double pixel_7_6; @Feature double pixel_7_7;

    @Label(column = "label", classes = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}) int digit;

    @Conv2D(filters = 16, same = true) Layer conv;
    @SeparableConv2D(filters = 32, depthMultiplier = 2, same = true) Layer separable;
    @Pool2D Layer pool;
    @GlobalPool(type = Pooling.MAX) Layer global;
    @Output Layer out;
}
