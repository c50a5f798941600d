package io.kiln.runtime;

import io.kiln.dsl.Encoding;
import io.kiln.dsl.Missing;
import io.kiln.dsl.Scaling;
import io.kiln.dsl.Task;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * A served model with every feature kind, trained on the bundled iris data: the four measurements
 * (numeric; sepal width declared missing = ERROR), the petal size as a declared categorical
 * (small / medium / large, from the petal length) and whether the sepal is wide (boolean).
 */
public final class ServingFixtures {
    private ServingFixtures() {}

    public static final List<String> FEATURES = List.of("sepal_length", "sepal_width", "petal_length", "petal_width",
            "petal_size", "wide_sepal");
    public static final List<String> SIZES = List.of("small", "medium", "large");

    /** The iris rows with the two derived columns, as CSV lines (header first). */
    public static List<String> csvLines() {
        List<String> lines = new ArrayList<>();
        lines.add(String.join(",", FEATURES) + ",label");
        for (String[] r : TrainingFixtures.irisRows()) {
            double petal = Double.parseDouble(r[2]);
            String size = petal < 2.5 ? "small" : petal < 5 ? "medium" : "large";
            boolean wide = Double.parseDouble(r[1]) >= 3.0;
            lines.add(String.join(",", r[0], r[1], r[2], r[3], size, Boolean.toString(wide), r[4]));
        }
        return lines;
    }

    public static Path writeCsv(Path file) throws IOException {
        return TrainingFixtures.write(file, csvLines());
    }

    /** The definition over {@code csv}; {@code seed} tells versions apart. */
    public static ModelDefinition definition(Path csv, long seed, int epochs) {
        ModelDefinition.Builder b = ModelDefinition.builder("flowers", Task.MULTICLASS_CLASSIFICATION)
                .data(CsvSource.file(csv));
        for (String c : FEATURES.subList(0, 4)) {
            b.feature(FeatureSchema.numeric(c, c, Scaling.STANDARDIZE,
                    c.equals("sepal_width") ? Missing.ERROR : Missing.MEAN, ""));
        }
        b.feature(FeatureSchema.categorical("petal_size", "petal_size", SIZES, Encoding.ONE_HOT, Scaling.NONE,
                Missing.MOST_FREQUENT, ""));
        b.feature(FeatureSchema.bool("wide_sepal", "wide_sepal", Missing.MOST_FREQUENT, ""));
        return b.label(new LabelSchema("species", LabelCoding.INDEX, List.of("label"), TrainingFixtures.SPECIES))
                .fit(new FitSettings(epochs, 16, seed))
                .outputActivationIsIdentity(false)
                .network((n, s) -> TrainingFixtures.mlp(n, s, new Adam(0.01), 16, 3, Activation.SOFTMAX,
                        LossFunctions.LossFunction.MCXENT))
                .build();
    }

    /** Trains and saves a model file. */
    public static Path train(Path csv, long seed, int epochs, Path file) throws IOException {
        TrainingResult r = Trainer.train(definition(csv, seed, epochs), TrainOptions.defaults().quiet().references(false));
        r.model().save(file);
        return file;
    }

    /** A typed row of the CSV line {@code i} (1-based data lines), as the model's predict takes it. */
    public static Object[] row(List<String> lines, int i) {
        String[] c = lines.get(i).split(",");
        return new Object[] {Double.parseDouble(c[0]), Double.parseDouble(c[1]), Double.parseDouble(c[2]),
            Double.parseDouble(c[3]), c[4], Boolean.parseBoolean(c[5])};
    }
}
