package io.kiln.examples.bench;

import io.kiln.dsl.Missing;
import io.kiln.dsl.Scaling;
import io.kiln.dsl.Task;
import io.kiln.examples.breastcancer.BreastCancerTrainer;
import io.kiln.examples.diabetes.DiabetesLinearTrainer;
import io.kiln.examples.diabetes.DiabetesTrainer;
import io.kiln.examples.digits.DigitsTrainer;
import io.kiln.examples.iris.IrisTrainer;
import io.kiln.runtime.CsvSource;
import io.kiln.runtime.FeatureSchema;
import io.kiln.runtime.FitSettings;
import io.kiln.runtime.KFoldProtocol;
import io.kiln.runtime.LabelCoding;
import io.kiln.runtime.LabelSchema;
import io.kiln.runtime.ModelDefinition;
import io.kiln.runtime.Report;
import io.kiln.runtime.TrainOptions;
import io.kiln.runtime.Trainer;
import io.kiln.runtime.internal.data.LabeledData;
import io.kiln.runtime.internal.data.Splits;
import io.kiln.runtime.internal.train.References;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Exports, per table, the rows of each fold of Kiln's 5-fold cross-validation and Kiln's reference
 * models' scores on each fold, for {@code src/bench/reference_parity.py} to run scikit-learn on
 * exactly the same folds (docs/benchmarks.md, "Reference models against scikit-learn"). Not a test.
 *
 * <p>Each example's declared protocol is replaced by stratified, shuffled 5-fold cross-validation
 * of all rows (no final test set); everything the references read from the spec (batch size, seed,
 * early stopping, features and their preprocessing) is as declared. The per-fold scores come from
 * {@link References#foldMetrics}, the code {@code Trainer.train} runs for the report; with the check
 * on (default), {@code Trainer.train} also runs (the network for one epoch) and its report's
 * reference means must equal the per-fold means.
 *
 * <p>Usage: {@code ReferenceParity [--out DIR] [--wine FILE] [--seed N] [--no-check] [table ...]},
 * tables among iris, breast-cancer, digits, diabetes, diabetes-linear, wine.
 */
public final class ReferenceParity {
    private ReferenceParity() {}

    static final String WINE = "/usr/lib/python3/dist-packages/sklearn/datasets/data/wine_data.csv";
    static final List<String> WINE_COLUMNS = List.of("alcohol", "malic_acid", "ash", "alcalinity_of_ash",
            "magnesium", "total_phenols", "flavanoids", "nonflavanoid_phenols", "proanthocyanins",
            "color_intensity", "hue", "od280_od315_of_diluted_wines", "proline");

    /** A table to compare on: the definition, and the file the Python side reads. */
    record Table(ModelDefinition def, Path file) {}

    public static void main(String[] args) throws IOException {
        Path out = Path.of("target/bench-references");
        Path wine = Path.of(WINE);
        Long seed = null;
        boolean check = true;
        List<String> only = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> out = Path.of(args[++i]);
                case "--wine" -> wine = Path.of(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--no-check" -> check = false;
                default -> only.add(args[i]);
            }
        }
        Files.createDirectories(out);
        KFoldProtocol k = new KFoldProtocol(5, 1, true, true, 0);
        List<Table> tables = new ArrayList<>();
        for (ModelDefinition d : List.of(IrisTrainer.DEFINITION, BreastCancerTrainer.DEFINITION,
                DigitsTrainer.DEFINITION, DiabetesTrainer.DEFINITION, DiabetesLinearTrainer.DEFINITION)) {
            tables.add(new Table(d.withProtocol(k), resourceFile(d.data())));
        }
        if (Files.isRegularFile(wine)) {
            Path csv = writeWine(wine, out.resolve("wine.csv"));
            tables.add(new Table(wine(csv, k), csv.toAbsolutePath()));
        } else {
            System.out.println("wine: " + wine + " not found (Debian's python3-sklearn), skipped");
        }
        StringBuilder index = new StringBuilder();
        for (Table t : tables) {
            if (!only.isEmpty() && !only.contains(t.def().name())) {
                continue;
            }
            export(t, seed, check, out);
            index.append(t.def().name()).append('\n');
        }
        Files.writeString(out.resolve("tables.txt"), index.toString(), StandardCharsets.UTF_8);
    }

    /**
     * Writes {@code <name>.json} (the table, its columns and Kiln's scores), {@code <name>.folds.csv}
     * and, for a spec that stops early, {@code <name>.watched.csv} (the rows each fold stops on).
     */
    static void export(Table t, Long seed, boolean check, Path out) throws IOException {
        ModelDefinition def = t.def();
        // one epoch: only the check trains the network; the references do not read the epoch count
        TrainOptions options = TrainOptions.defaults().quiet().epochs(1);
        if (seed != null) {
            options = options.seed(seed);
        }
        Trainer.Prepared p = Trainer.prepare(def, options);
        LabeledData data = p.data();
        FitSettings fit = p.fit();
        KFoldProtocol k = (KFoldProtocol) def.protocol();
        int[] rows = p.split().train();
        if (rows.length != data.size() || p.split().test().length != 0) {
            throw new IllegalStateException(def.name() + ": expected every row cross-validated");
        }
        List<Splits.Fold> folds = References.folds(def, data, rows, k, fit, 0);
        int[] foldOf = new int[data.size()];
        Arrays.fill(foldOf, -1);
        for (int f = 0; f < folds.size(); f++) {
            for (int r : folds.get(f).validation()) {
                if (foldOf[r] != -1) {
                    throw new IllegalStateException(def.name() + ": row " + r + " held out twice");
                }
                foldOf[r] = f;
            }
        }
        StringBuilder csv = new StringBuilder("row,line,fold,target\n");
        long[] lines = data.lines();
        for (int r = 0; r < data.size(); r++) {
            double target = data.classes() != null ? data.classes()[r] : data.targets()[r][0];
            csv.append(r).append(',').append(lines[r]).append(',').append(foldOf[r]).append(',')
                    .append(num(target)).append('\n');
        }
        Files.writeString(out.resolve(def.name() + ".folds.csv"), csv.toString(), StandardCharsets.UTF_8);
        // with early stopping, the rows each fold sets aside to stop on (never its held-out rows)
        if (def.earlyStopping() != null) {
            StringBuilder watched = new StringBuilder("fold,row\n");
            for (int f = 0; f < folds.size(); f++) {
                for (int r : io.kiln.runtime.internal.train.CrossValidation.monitored(def, data, folds.get(f),
                        fit.seed(), f).validation()) {
                    watched.append(f).append(',').append(r).append('\n');
                }
            }
            Files.writeString(out.resolve(def.name() + ".watched.csv"), watched.toString(), StandardCharsets.UTF_8);
        }

        String linear = def.task().isClassification() ? "logistic regression" : "linear regression";
        Map<String, Object> kiln = new LinkedHashMap<>();
        Map<String, double[]> seconds = new LinkedHashMap<>();
        for (String name : List.of(linear, "gradient-boosted trees")) {
            long t0 = System.nanoTime();
            List<Map<String, Double>> scores = References.foldMetrics(def, data, rows, k, fit,
                    !name.equals(linear));
            double s = (System.nanoTime() - t0) / 1e9;
            kiln.put(name, scores);
            seconds.put(name, new double[] {s});
            System.out.printf(Locale.ROOT, "%s %s: %s%n", def.name(), name, summary(def, scores, s));
        }

        Map<String, Object> report = new LinkedHashMap<>();
        if (check) {
            // the report's references, from the same code through Trainer.train (the network for one epoch)
            Report r = Trainer.train(def, p, options).report();
            if (r.references() == null) {
                throw new IllegalStateException(def.name() + ": no references: " + r.referencesSkipped());
            }
            for (Report.Reference ref : r.references()) {
                report.put(ref.name(), ref.metrics());
                @SuppressWarnings("unchecked")
                List<Map<String, Double>> mine = (List<Map<String, Double>>) kiln.get(ref.name());
                for (Map.Entry<String, Double> e : ref.metrics().entrySet()) {
                    double mean = mine.stream().mapToDouble(m -> m.get(e.getKey())).average().orElse(Double.NaN);
                    if (Math.abs(mean - e.getValue()) > 1e-9) {
                        System.out.printf(Locale.ROOT, "WARNING %s %s %s: report %.6f, per-fold mean %.6f%n",
                                def.name(), ref.name(), e.getKey(), e.getValue(), mean);
                    }
                }
            }
        }

        StringBuilder json = new StringBuilder("{\n");
        field(json, "name", def.name());
        field(json, "task", def.task().name());
        field(json, "file", t.file().toAbsolutePath().toString());
        json.append("  \"header\": ").append(def.data().header()).append(",\n");
        field(json, "delimiter", String.valueOf(def.data().delimiter()));
        json.append("  \"missing\": ").append(strings(def.data().missingValues())).append(",\n");
        json.append("  \"features\": ").append(strings(def.features().stream().map(FeatureSchema::column).toList()))
                .append(",\n");
        json.append("  \"feature_kinds\": ").append(strings(def.features().stream().map(f -> f.kind().name()
                + "/" + f.scaling() + "/" + f.missing()).toList())).append(",\n");
        field(json, "label", def.label().columns().get(0));
        field(json, "label_coding", def.label().coding().name());
        json.append("  \"classes\": ").append(strings(def.label().classes())).append(",\n");
        json.append("  \"rows\": ").append(data.size()).append(",\n");
        json.append("  \"k\": ").append(k.k()).append(",\n");
        json.append("  \"seed\": ").append(fit.seed()).append(",\n");
        json.append("  \"batch_size\": ").append(fit.batchSize()).append(",\n");
        json.append("  \"early_stopping\": ").append(def.earlyStopping() != null).append(",\n");
        json.append("  \"kiln\": {\n");
        int i = 0;
        for (Map.Entry<String, Object> e : kiln.entrySet()) {
            @SuppressWarnings("unchecked")
            List<Map<String, Double>> scores = (List<Map<String, Double>>) e.getValue();
            json.append("    \"").append(e.getKey()).append("\": {\"seconds\": ")
                    .append(num(seconds.get(e.getKey())[0])).append(", \"folds\": [");
            for (int f = 0; f < scores.size(); f++) {
                json.append(f == 0 ? "" : ", ").append(metrics(scores.get(f)));
            }
            json.append("]}").append(++i < kiln.size() ? ",\n" : "\n");
        }
        json.append("  },\n  \"report\": {");
        i = 0;
        for (Map.Entry<String, Object> e : report.entrySet()) {
            @SuppressWarnings("unchecked")
            Map<String, Double> m = (Map<String, Double>) e.getValue();
            json.append(i++ == 0 ? "\n" : ",\n").append("    \"").append(e.getKey()).append("\": ").append(metrics(m));
        }
        json.append(report.isEmpty() ? "}\n}\n" : "\n  }\n}\n");
        Files.writeString(out.resolve(def.name() + ".json"), json.toString(), StandardCharsets.UTF_8);
    }

    static String summary(ModelDefinition def, List<Map<String, Double>> scores, double seconds) {
        String metric = def.task().isClassification() ? "accuracy" : "r2";
        double[] v = scores.stream().mapToDouble(m -> m.get(metric)).toArray();
        double mean = Arrays.stream(v).average().orElse(Double.NaN);
        double var = Arrays.stream(v).map(x -> (x - mean) * (x - mean)).sum() / Math.max(1, v.length - 1);
        return String.format(Locale.ROOT, "%s %.4f ± %.4f over %d folds (%.1f s)", metric, mean, Math.sqrt(var),
                v.length, seconds);
    }

    static void field(StringBuilder json, String key, String value) {
        json.append("  \"").append(key).append("\": ").append(quote(value)).append(",\n");
    }

    static String metrics(Map<String, Double> m) {
        StringBuilder b = new StringBuilder("{");
        for (Map.Entry<String, Double> e : m.entrySet()) {
            b.append(b.length() > 1 ? ", " : "").append(quote(e.getKey())).append(": ").append(num(e.getValue()));
        }
        return b.append('}').toString();
    }

    static String strings(List<String> values) {
        StringBuilder b = new StringBuilder("[");
        for (String v : values) {
            b.append(b.length() > 1 ? ", " : "").append(quote(v));
        }
        return b.append(']').toString();
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    static String num(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "null";
    }

    /** The file of a class-path resource (the examples' classes directory). */
    static Path resourceFile(CsvSource source) {
        if (source.file() != null) {
            return source.file().toAbsolutePath();
        }
        String name = source.resource();
        URL url = source.anchor().getResource(name);
        if (url == null || !"file".equals(url.getProtocol())) {
            throw new IllegalStateException("resource " + name + " is not a file: " + url);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Scikit-learn's wine table (first line: rows, columns and class names; then 13 measurements and
     * the class index per row) rewritten with a header naming the columns, the same rows in order.
     */
    static Path writeWine(Path source, Path target) {
        try {
            List<String> lines = Files.readAllLines(source, StandardCharsets.UTF_8);
            StringBuilder b = new StringBuilder(String.join(",", WINE_COLUMNS)).append(",label\n");
            for (String line : lines.subList(1, lines.size())) {
                if (!line.isBlank()) {
                    b.append(line.strip()).append('\n');
                }
            }
            Files.writeString(target, b.toString(), StandardCharsets.UTF_8);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The wine table as a spec would declare it: 13 standardized numeric features, three classes, a
     * softmax output layer (the network is trained only for the check), batch 16, seed 42.
     */
    static ModelDefinition wine(Path csv, KFoldProtocol k) {
        ModelDefinition.Builder b = ModelDefinition.builder("wine", Task.MULTICLASS_CLASSIFICATION)
                .data(CsvSource.file(csv));
        for (String c : WINE_COLUMNS) {
            b.feature(FeatureSchema.numeric(c, c, Scaling.STANDARDIZE, Missing.MEAN, ""));
        }
        return b.label(new LabelSchema("cultivar", LabelCoding.INDEX, List.of("label"),
                        List.of("class_0", "class_1", "class_2")))
                .protocol(k)
                .fit(new FitSettings(50, 16, 42L))
                .outputActivationIsIdentity(false)
                .network((numInputs, s) -> new NeuralNetConfiguration.Builder().seed(s).updater(new Adam(0.01))
                        .weightInit(WeightInit.XAVIER).list()
                        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(numInputs).nOut(3)
                                .activation(Activation.SOFTMAX).build())
                        .build())
                .build();
    }
}
