package io.kiln.runtime.internal.batch;

import io.kiln.dsl.Encoding;
import io.kiln.dsl.Missing;
import io.kiln.dsl.Scaling;
import io.kiln.dsl.Task;
import io.kiln.runtime.CsvSource;
import io.kiln.runtime.FeatureSchema;
import io.kiln.runtime.FitSettings;
import io.kiln.runtime.KilnModel;
import io.kiln.runtime.LabelCoding;
import io.kiln.runtime.LabelSchema;
import io.kiln.runtime.ModelDefinition;
import io.kiln.runtime.TrainOptions;
import io.kiln.runtime.Trainer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Small models trained on the bundled iris data (runtime test resource {@code io/kiln/runtime/iris.csv}),
 * extended with two derived columns so that every feature kind is read: {@code petal_size}
 * (categorical: small, medium, large) and {@code wide_sepal} (boolean), plus a boolean
 * {@code virginica} label for the binary task.
 */
final class BatchFixtures {
    private BatchFixtures() {}

    static final List<String> NUMERIC = List.of("sepal_length_cm", "sepal_width_cm", "petal_length_cm",
            "petal_width_cm");
    static final String HEADER = "sepal_length_cm,sepal_width_cm,petal_length_cm,petal_width_cm,petal_size,wide_sepal,"
            + "label,virginica";

    /** The 150 iris rows: four measurements and the class index. */
    static List<String[]> irisRows() {
        try (InputStream in = KilnModel.class.getResourceAsStream("iris.csv")) {
            List<String[]> rows = new ArrayList<>();
            String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n");
            for (int i = 1; i < lines.length; i++) {
                if (!lines[i].isBlank()) {
                    rows.add(lines[i].trim().split(","));
                }
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One row in {@link #HEADER}'s columns. */
    static String row(String[] iris) {
        double petal = Double.parseDouble(iris[2]);
        String size = petal < 2.5 ? "small" : petal < 5 ? "medium" : "large";
        boolean wide = Double.parseDouble(iris[1]) > 3.0;
        return String.join(",", iris[0], iris[1], iris[2], iris[3], size, Boolean.toString(wide), iris[4],
                Boolean.toString(iris[4].equals("2")));
    }

    /** The training file: the iris rows in {@link #HEADER}'s columns. */
    static Path writeTrainingCsv(Path file) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add(HEADER);
        irisRows().forEach(r -> lines.add(row(r)));
        Files.createDirectories(file.toAbsolutePath().getParent());
        return Files.write(file, lines, StandardCharsets.UTF_8);
    }

    /**
     * {@code n} rows like the iris rows (cycled, measurements jittered by up to ±0.2), to score: the
     * file is {@code n + 1} lines.
     */
    static Path writeRows(Path file, int n, long seed) throws IOException {
        List<String[]> iris = irisRows();
        Random r = new Random(seed);
        StringBuilder text = new StringBuilder(HEADER).append('\n');
        for (int i = 0; i < n; i++) {
            String[] row = iris.get(i % iris.size()).clone();
            for (int c = 0; c < 4; c++) {
                row[c] = String.format(Locale.ROOT, "%.1f", Math.max(0.1,
                        Double.parseDouble(row[c]) + (r.nextInt(5) - 2) / 10.0));
            }
            text.append(row(row)).append('\n');
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        return Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    private static ModelDefinition.Builder withFeatures(ModelDefinition.Builder b, List<String> numeric) {
        for (String c : numeric) {
            b.feature(FeatureSchema.numeric(c, c, Scaling.STANDARDIZE, Missing.MEAN, ""));
        }
        b.feature(FeatureSchema.categorical("petal_size", "petal_size", List.of(), Encoding.ONE_HOT, Scaling.NONE,
                Missing.MOST_FREQUENT, ""));
        return b.feature(FeatureSchema.bool("wide_sepal", "wide_sepal", Missing.MOST_FREQUENT, ""));
    }

    /** Multiclass: the species from every column. */
    static ModelDefinition species(Path trainingCsv) {
        return species(CsvSource.file(trainingCsv));
    }

    /** The species model reading data in the format of {@code data}. */
    static ModelDefinition species(CsvSource data) {
        return withFeatures(ModelDefinition.builder("species", Task.MULTICLASS_CLASSIFICATION).data(data), NUMERIC)
                .label(new LabelSchema("species", LabelCoding.INDEX, List.of("label"),
                        List.of("setosa", "versicolor", "virginica")))
                .fit(new FitSettings(15, 16, 3))
                .outputActivationIsIdentity(false)
                .network((n, seed) -> mlp(n, seed, 3, Activation.SOFTMAX, LossFunctions.LossFunction.MCXENT))
                .build();
    }

    /** Binary: is it a virginica? */
    static ModelDefinition virginica(Path trainingCsv) {
        return withFeatures(ModelDefinition.builder("virginica", Task.BINARY_CLASSIFICATION)
                        .data(CsvSource.file(trainingCsv)), NUMERIC)
                .label(new LabelSchema("is_virginica", LabelCoding.BOOLEAN, List.of("virginica"),
                        List.of("other", "virginica")))
                .fit(new FitSettings(15, 16, 3))
                .outputActivationIsIdentity(false)
                .network((n, seed) -> mlp(n, seed, 1, Activation.SIGMOID, LossFunctions.LossFunction.XENT))
                .build();
    }

    /** Regression: the petal width from the other columns. */
    static ModelDefinition petalWidth(Path trainingCsv) {
        return withFeatures(ModelDefinition.builder("petal", Task.SCALAR_REGRESSION)
                        .data(CsvSource.file(trainingCsv)), NUMERIC.subList(0, 3))
                .label(new LabelSchema("petal_width", LabelCoding.VALUES, List.of("petal_width_cm"), List.of()))
                .fit(new FitSettings(15, 16, 3))
                .outputActivationIsIdentity(true)
                .network((n, seed) -> mlp(n, seed, 1, Activation.IDENTITY, LossFunctions.LossFunction.MSE))
                .build();
    }

    private static MultiLayerConfiguration mlp(int numInputs, long seed, int outputs, Activation output,
            LossFunctions.LossFunction loss) {
        return new NeuralNetConfiguration.Builder().seed(seed).updater(new Adam(0.01)).list()
                .layer(new DenseLayer.Builder().nOut(16).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(loss).nOut(outputs).activation(output).build())
                .setInputType(InputType.feedForward(numInputs)).build();
    }

    /** Trains the definition on its data and saves the model. */
    static Path train(ModelDefinition definition, Path modelFile) throws IOException {
        Trainer.train(definition, TrainOptions.defaults().quiet().references(false)).model().save(modelFile);
        return modelFile;
    }
}
