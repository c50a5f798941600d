/**
 * The Kiln DSL: the annotations a model spec is written with.
 *
 * <p>A spec is one class annotated {@link io.kiln.dsl.Model @Model}. Its fields declare the data
 * schema ({@link io.kiln.dsl.Feature @Feature}, {@link io.kiln.dsl.Label @Label}) and, in source
 * order, the layers of the network ({@link io.kiln.dsl.Dense @Dense}, {@link io.kiln.dsl.Dropout
 * @Dropout}, {@link io.kiln.dsl.BatchNorm @BatchNorm}, {@link io.kiln.dsl.Output @Output}). Class
 * annotations choose the data source ({@link io.kiln.dsl.CsvData @CsvData}), preprocessing
 * ({@link io.kiln.dsl.Preprocessing @Preprocessing}), the optimizer ({@link io.kiln.dsl.Sgd @Sgd},
 * {@link io.kiln.dsl.Adam @Adam}, {@link io.kiln.dsl.AdamW @AdamW}, {@link io.kiln.dsl.RmsProp
 * @RmsProp}, {@link io.kiln.dsl.AdaGrad @AdaGrad}), training ({@link io.kiln.dsl.Fit @Fit}) and
 * the evaluation protocol ({@link io.kiln.dsl.Holdout @Holdout}, {@link io.kiln.dsl.KFold @KFold},
 * {@link io.kiln.dsl.TemporalSplit @TemporalSplit}), regularization ({@link io.kiln.dsl.Regularization
 * @Regularization}, {@link io.kiln.dsl.EarlyStopping @EarlyStopping}, {@link io.kiln.dsl.GradientClipping
 * @GradientClipping}), the learning-rate schedule ({@link io.kiln.dsl.StepDecay @StepDecay},
 * {@link io.kiln.dsl.ExponentialDecay @ExponentialDecay}, {@link io.kiln.dsl.CosineDecay @CosineDecay},
 * {@link io.kiln.dsl.OneCycle @OneCycle}, {@link io.kiln.dsl.Warmup @Warmup},
 * {@link io.kiln.dsl.ReduceOnPlateau @ReduceOnPlateau}) and reporting ({@link io.kiln.dsl.Report @Report}).
 *
 * <pre>{@code
 * @Model(task = Task.MULTICLASS_CLASSIFICATION)
 * @CsvData(resource = "iris.csv")
 * @Holdout(validation = 0.2, test = 0.2)
 * @Adam(learningRate = 0.01)
 * @Fit(epochs = 200, batchSize = 16, seed = 42)
 * public class Iris {
 *     @Feature double sepalLength;
 *     @Feature double sepalWidth;
 *     @Feature double petalLength;
 *     @Feature double petalWidth;
 *     @Label(classes = {"setosa", "versicolor", "virginica"}) int species;
 *
 *     @Dense(units = 64) Layer hidden;
 *     @Output Layer out;
 * }
 * }</pre>
 *
 * <p>The annotation processor checks the spec at compile time and generates {@code IrisNetwork},
 * {@code IrisTrainer}, {@code IrisPredictor} and {@code IrisMain} next to it.
 */
package io.kiln.dsl;
