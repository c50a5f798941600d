package io.kiln.examples.digits;

import io.kiln.dsl.Activation;
import io.kiln.dsl.Adam;
import io.kiln.dsl.BatchNorm;
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
import io.kiln.dsl.Residual;
import io.kiln.dsl.Task;

/**
 * The digits through one residual block (test spec of {@code ResidualTest}): a convolution makes
 * 16 channels, two more with batch normalization learn a correction, and the block's output is
 * relu(correction + its input), as in ResNet. Generated as a DL4J ComputationGraph.
 */
@Model(task = Task.MULTICLASS_CLASSIFICATION, name = "digits-residual")
@Image(height = 8, width = 8)
@CsvData(resource = "digits.csv")
@Holdout(validation = 0.1, test = 0.2)
@Adam(learningRate = 0.003)
@Fit(epochs = 15, batchSize = 32, seed = 42)
public class DigitsResidual {
    @Feature double pixel_0_0; @Feature double pixel_0_1; @Feature double pixel_0_2; @Feature double pixel_0_3; @Feature double pixel_0_4; @Feature double pixel_0_5; @Feature double pixel_0_6; @Feature double pixel_0_7;
    @Feature double pixel_1_0; @Feature double pixel_1_1; @Feature double pixel_1_2; @Feature double pixel_1_3; @Feature double pixel_1_4; @Feature double pixel_1_5; @Feature double pixel_1_6; @Feature double pixel_1_7;
    @Feature double pixel_2_0; @Feature double pixel_2_1; @Feature double pixel_2_2; @Feature double pixel_2_3; @Feature double pixel_2_4; @Feature double pixel_2_5; @Feature double pixel_2_6; @Feature double pixel_2_7;
    @Feature double pixel_3_0; @Feature double pixel_3_1; @Feature double pixel_3_2; @Feature double pixel_3_3; @Feature double pixel_3_4; @Feature double pixel_3_5; @Feature double pixel_3_6; @Feature double pixel_3_7;
    @Feature double pixel_4_0; @Feature double pixel_4_1; @Feature double pixel_4_2; @Feature double pixel_4_3; @Feature double pixel_4_4; @Feature double pixel_4_5; @Feature double pixel_4_6; @Feature double pixel_4_7;
    @Feature double pixel_5_0; @Feature double pixel_5_1; @Feature double pixel_5_2; @Feature double pixel_5_3; @Feature double pixel_5_4; @Feature double pixel_5_5; @Feature double pixel_5_6; @Feature double pixel_5_7;
    @Feature double pixel_6_0; @Feature double pixel_6_1; @Feature double pixel_6_2; @Feature double pixel_6_3; @Feature double pixel_6_4; @Feature double pixel_6_5; @Feature double pixel_6_6; @Feature double pixel_6_7;
    @Feature double pixel_7_0; @Feature double pixel_7_1; @Feature double pixel_7_2; @Feature double pixel_7_3; @Feature double pixel_7_4; @Feature double pixel_7_5; @Feature double pixel_7_6; @Feature double pixel_7_7;

    @Label(column = "label", classes = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}) int digit;

    @Conv2D(filters = 16, same = true) Layer stem;
    @Conv2D(filters = 16, same = true) Layer conv1;
    @BatchNorm Layer norm1;
    @Conv2D(filters = 16, same = true, activation = Activation.IDENTITY) Layer conv2;
    @BatchNorm Layer norm2;
    @Residual(from = "stem", activation = Activation.RELU) Layer block;
    @Pool2D Layer pool;
    @GlobalPool Layer global;
    @Output Layer out;
}
