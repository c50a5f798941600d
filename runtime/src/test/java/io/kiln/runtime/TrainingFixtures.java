package io.kiln.runtime;

import io.kiln.dsl.Missing;
import io.kiln.dsl.Scaling;
import io.kiln.dsl.Task;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Small models on the bundled iris data (150 rows, classes in file order), built by hand. */
public final class TrainingFixtures {
    private TrainingFixtures() {}

    public static final List<String> IRIS_FEATURES = List.of("sepal_length_cm", "sepal_width_cm", "petal_length_cm",
            "petal_width_cm");
    public static final List<String> SPECIES = List.of("setosa", "versicolor", "virginica");

    /** Multiclass iris from the class-path resource: 4 standardized features, one ReLU layer of 16 units. */
    public static ModelDefinition.Builder iris(IUpdater updater) {
        return iris(updater, CsvSource.resource(TrainingFixtures.class, "iris.csv"), Scaling.STANDARDIZE);
    }

    public static ModelDefinition.Builder iris(IUpdater updater, CsvSource data, Scaling scaling) {
        ModelDefinition.Builder b = ModelDefinition.builder("iris", Task.MULTICLASS_CLASSIFICATION).data(data);
        for (String c : IRIS_FEATURES) {
            b.feature(FeatureSchema.numeric(c, c, scaling, Missing.MEAN, ""));
        }
        return b.label(new LabelSchema("species", LabelCoding.INDEX, List.of("label"), SPECIES))
                .fit(new FitSettings(10, 16, 3))
                .outputActivationIsIdentity(false)
                .network((n, seed) -> mlp(n, seed, updater, 16, 3, Activation.SOFTMAX,
                        LossFunctions.LossFunction.MCXENT));
    }

    /** Binary iris: is the flower a virginica? (Overlaps with versicolor, so the ranking is imperfect.) */
    public static ModelDefinition.Builder virginica(IUpdater updater, Path csv) {
        ModelDefinition.Builder b = ModelDefinition.builder("virginica", Task.BINARY_CLASSIFICATION)
                .data(CsvSource.file(csv));
        for (String c : IRIS_FEATURES) {
            b.feature(FeatureSchema.numeric(c, c, Scaling.STANDARDIZE, Missing.MEAN, ""));
        }
        return b.label(new LabelSchema("virginica", LabelCoding.BOOLEAN, List.of("virginica"),
                        List.of("other", "virginica")))
                .fit(new FitSettings(10, 16, 3))
                .outputActivationIsIdentity(false)
                .network((n, seed) -> mlp(n, seed, updater, 8, 1, Activation.SIGMOID,
                        LossFunctions.LossFunction.XENT));
    }

    /** Writes iris with a boolean "virginica" label instead of the class index. */
    public static Path writeVirginicaCsv(Path file) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add(String.join(",", IRIS_FEATURES) + ",virginica");
        for (String[] row : irisRows()) {
            lines.add(String.join(",", Arrays.copyOf(row, 4)) + "," + row[4].equals("2"));
        }
        return write(file, lines);
    }

    /** Dense ReLU layers of {@code hidden} units each, then the output layer. */
    public static MultiLayerConfiguration mlp(int numInputs, long seed, IUpdater updater, int hidden, int outputs,
            Activation output, LossFunctions.LossFunction loss, int... moreHidden) {
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder().seed(seed).updater(updater)
                .list().layer(new DenseLayer.Builder().nOut(hidden).activation(Activation.RELU).build());
        for (int h : moreHidden) {
            list.layer(new DenseLayer.Builder().nOut(h).activation(Activation.RELU).build());
        }
        return list.layer(new OutputLayer.Builder(loss).nOut(outputs).activation(output).build())
                .setInputType(InputType.feedForward(numInputs)).build();
    }

    /** The iris rows as text cells: 4 features and the class index, in file order (50 of each class). */
    public static List<String[]> irisRows() {
        try (InputStream in = TrainingFixtures.class.getResourceAsStream("iris.csv")) {
            String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n");
            List<String[]> rows = new ArrayList<>();
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

    /** Column {@code col} of the iris rows as numbers. */
    public static double[] irisColumn(int col) {
        return irisRows().stream().mapToDouble(r -> Double.parseDouble(r[col])).toArray();
    }

    public static Path write(Path file, List<String> lines) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        return Files.write(file, lines, StandardCharsets.UTF_8);
    }

    public static double mean(double[] all, int[] rows) {
        return Arrays.stream(rows).mapToDouble(r -> all[r]).average().orElseThrow();
    }

    /**
     * No progress and no reference models (they cost a few seconds per run; ReferenceModelsTest and
     * the examples' tests train them).
     */
    public static TrainOptions quiet() {
        return TrainOptions.defaults().quiet().references(false);
    }

    /** Runs {@code body} with the system property {@code key} set to {@code value}, then puts it back. */
    public static <T> T withProperty(String key, String value, java.util.function.Supplier<T> body) {
        String before = System.getProperty(key);
        System.setProperty(key, value);
        try {
            return body.get();
        } finally {
            if (before == null) {
                System.clearProperty(key);
            } else {
                System.setProperty(key, before);
            }
        }
    }

    /** The bundled examples' yearly sunspot numbers (1700-2008), read where the examples keep them. */
    public static final Path SUNSPOTS_CSV =
            Path.of("../examples/src/main/resources/io/kiln/examples/sunspots/sunspots_yearly.csv");

    /**
     * Next year's sunspot number from the {@code window} years before, through a recurrent network
     * ({@code layers} between the sequence input and a linear output), with gradient clipping at norm
     * 1 as the example declares it.
     */
    public static ModelDefinition.Builder sunspots(IUpdater updater, int window,
            java.util.function.Function<NeuralNetConfiguration.ListBuilder, NeuralNetConfiguration.ListBuilder> layers) {
        return ModelDefinition.builder("sunspots", Task.SCALAR_REGRESSION)
                .data(CsvSource.file(SUNSPOTS_CSV))
                .feature(FeatureSchema.numeric("activity", "activity", Scaling.STANDARDIZE, Missing.MEAN, ""))
                .series(new SeriesWindow(window, 1))
                .label(new LabelSchema("next", LabelCoding.VALUES, List.of("activity"), List.of()))
                .protocol(new TemporalProtocol("year", 0.15, 0.15))
                .fit(new FitSettings(10, 16, 42))
                .outputActivationIsIdentity(true)
                .network((n, seed) -> layers.apply(new NeuralNetConfiguration.Builder().seed(seed).updater(updater)
                                .gradientNormalization(org.deeplearning4j.nn.conf.GradientNormalization.ClipL2PerLayer)
                                .gradientNormalizationThreshold(1.0).list())
                        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(1)
                                .activation(Activation.IDENTITY).build())
                        .inputPreProcessor(0, new SequenceInput(1, window))
                        .setInputType(InputType.feedForward(n)).build());
    }

    /** Iris's network with a dropout layer (keeping {@code keep} of the units) between the hidden and output layers. */
    public static MultiLayerConfiguration mlpWithDropout(int numInputs, long seed, IUpdater updater, int hidden,
            double keep) {
        return new NeuralNetConfiguration.Builder().seed(seed).updater(updater).list()
                .layer(new DenseLayer.Builder().nOut(hidden).activation(Activation.RELU).build())
                .layer(new org.deeplearning4j.nn.conf.layers.DropoutLayer.Builder(keep).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.feedForward(numInputs)).build();
    }

    /** The examples' digits file: 1797 rows of 64 pixel intensities (0..16) and the label. */
    public static final Path DIGITS_CSV = Path.of("../examples/src/main/resources/io/kiln/examples/digits/digits.csv");
    public static final List<String> DIGITS = IntStream.range(0, 10).mapToObj(Integer::toString).toList();

    /** Digits under a shuffled 70/10/20 holdout: a 64-32-10 network, Adam 1e-3, 15 epochs of 32 rows. */
    public static ModelDefinition.Builder digits(Path csv) throws IOException {
        List<String> header;
        try (var reader = Files.newBufferedReader(csv)) {
            header = List.of(reader.readLine().split(","));
        }
        ModelDefinition.Builder b = ModelDefinition.builder("digits", Task.MULTICLASS_CLASSIFICATION)
                .data(CsvSource.file(csv));
        for (String c : header.subList(0, 64)) {
            b.feature(FeatureSchema.numeric(c, c, Scaling.STANDARDIZE, Missing.MEAN, ""));
        }
        return b.label(new LabelSchema("digit", LabelCoding.INDEX, List.of("label"), DIGITS))
                .protocol(new HoldoutProtocol(0.1, 0.2, false, true))
                .fit(new FitSettings(15, 32, 7))
                .outputActivationIsIdentity(false)
                .network((n, seed) -> mlp(n, seed, new Adam(1e-3), 32, 10, Activation.SOFTMAX,
                        LossFunctions.LossFunction.MCXENT));
    }
}
