package io.kiln.examples.breastcancer;

import io.kiln.dsl.Adam;
import io.kiln.dsl.CsvData;
import io.kiln.dsl.Dense;
import io.kiln.dsl.Dropout;
import io.kiln.dsl.EarlyStopping;
import io.kiln.dsl.Feature;
import io.kiln.dsl.Fit;
import io.kiln.dsl.Holdout;
import io.kiln.dsl.Label;
import io.kiln.dsl.Metric;
import io.kiln.dsl.Layer;
import io.kiln.dsl.Model;
import io.kiln.dsl.Output;
import io.kiln.dsl.Regularization;
import io.kiln.dsl.Report;
import io.kiln.dsl.Search;
import io.kiln.dsl.SearchStrategy;
import io.kiln.dsl.Task;
import io.kiln.dsl.Tune;

/**
 * {@link BreastCancer} with a random search over its hidden units, L2 penalty and learning rate,
 * and whether the dropout layer is there at all: each trial trains on the training rows and is scored on
 * the 20% validation split by its log loss (almost every configuration classifies the same 112 of those 113
 * rows right, so accuracy could not tell them apart); the test split is read once, by the retrained winner.
 */
@Model(task = Task.BINARY_CLASSIFICATION, name = "breast-cancer-tuned")
@CsvData(resource = "breast_cancer.csv")
@Holdout(validation = 0.2, test = 0.2, retrain = true)
@Adam(learningRate = 0.001)
@Regularization(l2 = 1e-4)
@EarlyStopping(patience = 15)
@Report(perCases = 1000)
@Fit(epochs = 150, batchSize = 32, seed = 42)
@Search(strategy = SearchStrategy.RANDOM, trials = 16, seed = 11, metric = Metric.LOG_LOSS)
@Tune(value = "Adam.learningRate", min = 0.0001, max = 0.01, log = true)
@Tune(value = "Regularization.l2", min = 0.00001, max = 0.01, log = true)
public class BreastCancerTuned {
    @Feature(column = "mean_radius") double meanRadius;
    @Feature(column = "mean_texture") double meanTexture;
    @Feature(column = "mean_perimeter") double meanPerimeter;
    @Feature(column = "mean_area") double meanArea;
    @Feature(column = "mean_smoothness") double meanSmoothness;
    @Feature(column = "mean_compactness") double meanCompactness;
    @Feature(column = "mean_concavity") double meanConcavity;
    @Feature(column = "mean_concave_points") double meanConcavePoints;
    @Feature(column = "mean_symmetry") double meanSymmetry;
    @Feature(column = "mean_fractal_dimension") double meanFractalDimension;
    @Feature(column = "radius_error") double radiusError;
    @Feature(column = "texture_error") double textureError;
    @Feature(column = "perimeter_error") double perimeterError;
    @Feature(column = "area_error") double areaError;
    @Feature(column = "smoothness_error") double smoothnessError;
    @Feature(column = "compactness_error") double compactnessError;
    @Feature(column = "concavity_error") double concavityError;
    @Feature(column = "concave_points_error") double concavePointsError;
    @Feature(column = "symmetry_error") double symmetryError;
    @Feature(column = "fractal_dimension_error") double fractalDimensionError;
    @Feature(column = "worst_radius") double worstRadius;
    @Feature(column = "worst_texture") double worstTexture;
    @Feature(column = "worst_perimeter") double worstPerimeter;
    @Feature(column = "worst_area") double worstArea;
    @Feature(column = "worst_smoothness") double worstSmoothness;
    @Feature(column = "worst_compactness") double worstCompactness;
    @Feature(column = "worst_concavity") double worstConcavity;
    @Feature(column = "worst_concave_points") double worstConcavePoints;
    @Feature(column = "worst_symmetry") double worstSymmetry;
    @Feature(column = "worst_fractal_dimension") double worstFractalDimension;

    /** 0 is malignant, 1 benign; the second class is the positive one. */
    @Label(column = "label", classes = {"malignant", "benign"}) int diagnosis;

    @Dense(units = 64) @Tune(value = "units", values = {8, 32, 128}) Layer hidden;
    @Dropout(rate = 0.2) @Tune(optional = true) Layer dropout;
    @Output Layer out;
}
