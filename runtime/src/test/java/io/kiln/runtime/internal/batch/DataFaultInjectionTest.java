package io.kiln.runtime.internal.batch;

import static com.google.common.truth.Truth.assertWithMessage;

import io.kiln.dsl.Missing;
import io.kiln.dsl.Scaling;
import io.kiln.dsl.Task;
import io.kiln.runtime.CsvSource;
import io.kiln.runtime.FeatureSchema;
import io.kiln.runtime.FitSettings;
import io.kiln.runtime.LabelCoding;
import io.kiln.runtime.LabelSchema;
import io.kiln.runtime.ModelDefinition;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Fault injection: a table of malformed data files, each run through {@code train}, {@code predict},
 * {@code drift} and {@code score}, with the exit code and error each command must give. Every
 * error names the file and, when the problem is in one place, the line and the column; the scorer's
 * one-pass reader (a model of numeric features only) and its general reader agree.
 */
class DataFaultInjectionTest {
    @TempDir static Path shared;
    @TempDir Path dir;

    static Path trainingCsv;
    static ModelDefinition species;
    static Path speciesModel;
    static ModelDefinition numeric;
    static Path numericModel;

    /** What a command must do: succeed, or fail with exit code 1 and an error containing this text. */
    static final String OK = "<ok>";
    /** The command is not run for this file. */
    static final String SKIP = "<skip>";

    @BeforeAll
    static void trainModels() throws IOException {
        trainingCsv = BatchFixtures.writeTrainingCsv(shared.resolve("train.csv"));
        species = BatchFixtures.species(trainingCsv);
        speciesModel = BatchFixtures.train(species, shared.resolve("species.kiln"));
        ModelDefinition.Builder b = ModelDefinition.builder("numeric", Task.MULTICLASS_CLASSIFICATION)
                .data(CsvSource.file(trainingCsv));
        for (String c : BatchFixtures.NUMERIC) {
            b.feature(FeatureSchema.numeric(c, c, Scaling.STANDARDIZE, Missing.MEAN, ""));
        }
        numeric = b.label(new LabelSchema("species", LabelCoding.INDEX, List.of("label"),
                        List.of("setosa", "versicolor", "virginica")))
                .fit(new FitSettings(5, 16, 3))
                .outputActivationIsIdentity(false)
                .network((n, seed) -> new NeuralNetConfiguration.Builder().seed(seed).updater(new Adam(0.01)).list()
                        .layer(new DenseLayer.Builder().nOut(8).activation(Activation.RELU).build())
                        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                                .activation(Activation.SOFTMAX).build())
                        .setInputType(InputType.feedForward(n)).build())
                .build();
        numericModel = BatchFixtures.train(numeric, shared.resolve("numeric.kiln"));
    }

    /** A malformed file: the training file changed by {@code edit} (its lines), and what each command gives. */
    record Fault(String name, UnaryOperator<List<String>> edit, String train, String predict, String drift,
            String score) {}

    /** Sets line {@code line} (1-based) column {@code column} (0-based) to {@code value}. */
    static UnaryOperator<List<String>> cell(int line, int column, String value) {
        return lines -> {
            String[] c = lines.get(line - 1).split(",", -1);
            c[column] = value;
            lines.set(line - 1, String.join(",", c));
            return lines;
        };
    }

    static UnaryOperator<List<String>> everyRow(int column, String value) {
        return lines -> {
            for (int i = 2; i <= lines.size(); i++) {
                cell(i, column, value).apply(lines);
            }
            return lines;
        };
    }

    static String notANumber(int line, String shown) {
        return "{F}:" + line + ": column 'sepal_length_cm' (1): \"" + shown + "\" is not a finite number";
    }

    static final String HUGE = "7".repeat(2_000_089);

    static final List<Fault> FAULTS = List.of(
            new Fault("java-float", cell(3, 0, "4.5f"), notANumber(3, "4.5f"), notANumber(3, "4.5f"),
                    notANumber(3, "4.5f"), notANumber(3, "4.5f")),
            new Fault("java-double", cell(5, 0, "4.5d"), notANumber(5, "4.5d"), notANumber(5, "4.5d"),
                    notANumber(5, "4.5d"), notANumber(5, "4.5d")),
            new Fault("java-hex", cell(4, 0, "0x1.2p2"), notANumber(4, "0x1.2p2"), notANumber(4, "0x1.2p2"),
                    notANumber(4, "0x1.2p2"), notANumber(4, "0x1.2p2")),
            new Fault("nul-byte", cell(2, 0, "4.5\u0000"), notANumber(2, "4.5\\u0000"), notANumber(2, "4.5\\u0000"),
                    notANumber(2, "4.5\\u0000"), notANumber(2, "4.5\\u0000")),
            new Fault("byte-order-mark", lines -> {
                lines.set(0, "\uFEFF" + lines.get(0));
                return lines;
            }, OK, OK, OK, OK),
            new Fault("duplicate-header", lines -> {
                lines.set(0, lines.get(0) + ",sepal_width_cm");
                for (int i = 1; i < lines.size(); i++) {
                    lines.set(i, lines.get(i) + ",9.9");
                }
                return lines;
            }, dup(), dup(), dup(), dup()),
            new Fault("semicolons", lines -> {
                lines.replaceAll(l -> l.replace(',', ';'));
                return lines;
            }, semicolons(), semicolons(), semicolons(), semicolons()),
            new Fault("bad-label", cell(3, 6, "maybe"), "{F}:3: column 'label' (7): \"maybe\" is not a finite number",
                    OK, OK, OK),
            new Fault("empty-label", cell(7, 6, ""), "{F}:7: column 'label' (7): the label is missing. Remove the row "
                    + "or fill in its label.", OK, OK, OK),
            new Fault("unclosed-quote", cell(4, 4, "\"small"), unclosed(4), unclosed(4), unclosed(4), unclosed(4)),
            new Fault("text-after-quote", cell(3, 4, "\"small\"x"), afterQuote(3), afterQuote(3), afterQuote(3),
                    afterQuote(3)),
            new Fault("huge-cell", cell(2, 0, HUGE), huge(), huge(), huge(), huge()),
            new Fault("binary", cell(6, 0, "\u0001\u0002PK\u0003\u0004\u007f"),
                    notANumber(6, "\\u0001\\u0002PK\\u0003\\u0004\\u007F"),
                    notANumber(6, "\\u0001\\u0002PK\\u0003\\u0004\\u007F"),
                    notANumber(6, "\\u0001\\u0002PK\\u0003\\u0004\\u007F"),
                    notANumber(6, "\\u0001\\u0002PK\\u0003\\u0004\\u007F")),
            new Fault("feature-always-missing", everyRow(1, ""), "{F}: column 'sepal_width_cm' (2): the value of "
                    + "feature 'sepal_width_cm' is missing (empty or a missing-value token) in all 90 training rows",
                    OK, SKIP, OK));

    static String dup() {
        return "{F}:1: column 'sepal_width_cm' (2): the header names 'sepal_width_cm' twice, at positions 2 and 9, so "
                + "which one to read is unclear. Rename or remove one of them.";
    }

    static String semicolons() {
        // a header name is cut after 60 characters
        return "{F}:1: column 'sepal_length_cm': missing column: the header has [sepal_length_cm;sepal_width_cm;"
                + "petal_length_cm;petal_width_c…]. The header line seems to be "
                + "separated by ';', not ','; declare it with "
                + "@CsvData(delimiter = ';')";
    }

    static String unclosed(int line) {
        return "{F}:" + line + ": malformed CSV: a quote opened in the row starting on line " + line
                + " is never closed.";
    }

    static String afterQuote(int line) {
        return "{F}:" + line + ": malformed CSV: text after the closing quote of a field; quote the whole field and "
                + "double the quotes inside it (\"\").";
    }

    static String huge() {
        return notANumber(2, "7".repeat(60) + "…") .replace("…\" is", "…\" (2000089 chars) is");
    }

    record Run(int exit, String out, String err) {}

    static Run cli(ModelDefinition definition, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = io.kiln.runtime.cli.KilnCli.run(definition,
                new java.io.PrintStream(out, true, StandardCharsets.UTF_8),
                new java.io.PrintStream(err, true, StandardCharsets.UTF_8), args);
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private void check(String fault, String command, Run run, String expected, Path file) {
        if (expected.equals(OK)) {
            assertWithMessage("%s: %s\n%s", fault, command, run.err()).that(run.exit()).isEqualTo(0);
            assertWithMessage("%s: %s", fault, command).that(run.err()).doesNotContain("error:");
            return;
        }
        String text = expected.replace("{F}", file.toString());
        assertWithMessage("%s: %s", fault, command).that(run.exit()).isEqualTo(1);
        assertWithMessage("%s: %s", fault, command).that(run.err()).contains("error: " + text);
        assertWithMessage("%s: %s: the message is short", fault, command).that(run.err().length()).isLessThan(2000);
        assertWithMessage("%s: %s: no control characters", fault, command)
                .that(run.err().replace("\n", "").chars().noneMatch(c -> c < 0x20 || c == 0x7f)).isTrue();
    }

    @Test
    void everyCommandNamesTheFault() throws IOException {
        List<String> training = Files.readAllLines(trainingCsv, StandardCharsets.UTF_8);
        for (Fault fault : FAULTS) {
            Path file = dir.resolve(fault.name() + ".csv");
            Files.write(file, fault.edit().apply(new ArrayList<>(training)), StandardCharsets.UTF_8);
            Map<String, String[]> commands = new LinkedHashMap<>();
            commands.put("train", new String[] {fault.train(), "train", "--data", file.toString(), "--model",
                    dir.resolve(fault.name() + ".kiln").toString(), "--quiet", "--epochs", "2"});
            commands.put("predict", new String[] {fault.predict(), "predict", "--model", speciesModel.toString(),
                    "--input", file.toString(), "--output", dir.resolve(fault.name() + ".predict.csv").toString()});
            commands.put("drift", new String[] {fault.drift(), "drift", "--model", speciesModel.toString(), "--data",
                    file.toString()});
            commands.put("score", new String[] {fault.score(), "score", "--model", speciesModel.toString(), "--input",
                    file.toString(), "--output", dir.resolve(fault.name() + ".score.csv").toString(), "--quiet"});
            for (Map.Entry<String, String[]> c : commands.entrySet()) {
                String expected = c.getValue()[0];
                if (expected.equals(SKIP)) {
                    continue;
                }
                String[] args = java.util.Arrays.copyOfRange(c.getValue(), 1, c.getValue().length);
                check(fault.name(), c.getKey(), cli(species, args), expected, file);
            }
            // the scorer's one-pass reader (numeric features only) gives the same as its general one
            if (!fault.score().equals(SKIP) && !fault.name().equals("semicolons")) {
                check(fault.name(), "score (numeric)", cli(numeric, "score", "--model", numericModel.toString(),
                        "--input", file.toString(), "--output", dir.resolve(fault.name() + ".numeric.csv").toString(),
                        "--quiet"), fault.score(), file);
            }
        }
    }

    @Test
    void aByteOrderMarkChangesNoPrediction() throws IOException {
        Path plain = BatchFixtures.writeRows(dir.resolve("plain.csv"), 50, 1);
        byte[] bytes = Files.readAllBytes(plain);
        byte[] marked = new byte[bytes.length + 3];
        marked[0] = (byte) 0xEF;
        marked[1] = (byte) 0xBB;
        marked[2] = (byte) 0xBF;
        System.arraycopy(bytes, 0, marked, 3, bytes.length);
        Path bom = Files.write(dir.resolve("bom.csv"), marked);
        for (ModelDefinition d : List.of(species, numeric)) {
            Path model = d == species ? speciesModel : numericModel;
            List<String> outputs = new ArrayList<>();
            for (Path input : List.of(plain, bom)) {
                Path out = dir.resolve(d.name() + "-" + input.getFileName());
                Run r = cli(d, "score", "--model", model.toString(), "--input", input.toString(), "--output",
                        out.toString(), "--quiet");
                assertWithMessage(r.err()).that(r.exit()).isEqualTo(0);
                outputs.add(Files.readString(out));
                Path predicted = dir.resolve(d.name() + "-predict-" + input.getFileName());
                Run p = cli(d, "predict", "--model", model.toString(), "--input", input.toString(), "--output",
                        predicted.toString());
                assertWithMessage(p.err()).that(p.exit()).isEqualTo(0);
                outputs.add(Files.readString(predicted));
            }
            assertWithMessage(d.name()).that(outputs.get(2)).isEqualTo(outputs.get(0));
            assertWithMessage(d.name()).that(outputs.get(3)).isEqualTo(outputs.get(1));
        }
    }

    @Test
    void unreadableAndUnwritableFilesSayWhyWithThePath() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("folder.csv"));
        for (String[] args : List.of(new String[] {"train", "--data", folder.toString(), "--quiet"},
                new String[] {"predict", "--model", speciesModel.toString(), "--input", folder.toString()},
                new String[] {"drift", "--model", speciesModel.toString(), "--data", folder.toString()})) {
            Run r = cli(species, args);
            assertWithMessage(args[0]).that(r.exit()).isEqualTo(1);
            assertWithMessage(args[0]).that(r.err()).isEqualTo("error: Data file " + folder.toAbsolutePath()
                    + " is a directory, not a file\n");
        }
        // an output that cannot be created (its folder is a file): the error names the path and why; predictions
        // are written beside the output and renamed over it, so a device such as /dev/full is never a target
        Path blocked = Files.writeString(dir.resolve("a-file"), "x").resolve("predictions.csv");
        Run unwritable = cli(species, "predict", "--model", speciesModel.toString(), "--input",
                trainingCsv.toString(), "--output", blocked.toString());
        assertWithMessage(unwritable.err()).that(unwritable.exit()).isEqualTo(1);
        assertWithMessage(unwritable.err()).that(unwritable.err()).startsWith("error: " + dir.resolve("a-file"));
        assertWithMessage(unwritable.err()).that(unwritable.err()).isEqualTo("error: " + dir.resolve("a-file")
                + ": exists, and is not a directory that can hold the file\n");
        Path noread = Files.writeString(dir.resolve("noread.csv"), "x\n1\n");
        if (noread.toFile().setReadable(false, false) && !Files.isReadable(noread)) { // not as root
            Run r = cli(species, "predict", "--model", speciesModel.toString(), "--input", noread.toString());
            assertWithMessage(r.err()).that(r.err()).isEqualTo("error: Cannot read data file " + noread.toAbsolutePath()
                    + ": permission denied\n");
            Run s = cli(species, "score", "--model", speciesModel.toString(), "--input", noread.toString(),
                    "--output", dir.resolve("noread.out.csv").toString());
            assertWithMessage(s.err()).that(s.err()).isEqualTo("error: " + noread + ": permission denied\n");
        }
    }
}
