package io.kiln.examples.wide;

import static com.google.common.truth.Truth.assertThat;

import io.kiln.runtime.KilnModel;
import io.kiln.runtime.Predictions;
import io.kiln.runtime.TrainOptions;
import io.kiln.runtime.Trainer;
import io.kiln.runtime.TrainingResult;
import io.kiln.runtime.cli.KilnCli;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Wide tables declared with {@code @Features}: Fashion-MNIST written as a 785-column CSV (label,
 * pixel1..pixel784, as the popular CSV copies lay it out) trains a dense network and a CNN, and
 * a 10,000-column table compiles in seconds, trains and predicts; the model file, the typed
 * predictor and the command line all read the columns the training found.
 */
class WideDataTest {
    static final String FASHION = "/usr/share/datasets/fashion-mnist/";
    static final int TRAIN = 3000;
    static final int TEST = 1000;

    @TempDir static Path dir;
    static Path fashionTrain;
    static Path fashionTest;

    @BeforeAll
    static void writeFashionCsv() throws IOException {
        fashionTrain = fashionCsv("train", TRAIN, dir.resolve("fashion-train.csv"));
        fashionTest = fashionCsv("t10k", TEST, dir.resolve("fashion-test.csv"));
    }

    /** The first {@code n} images of an IDX pair as CSV rows: label, then 784 intensities 0..255. */
    static Path fashionCsv(String part, int n, Path file) throws IOException {
        try (DataInputStream images = idx(FASHION + part + "-images-idx3-ubyte.gz", 16);
                DataInputStream labels = idx(FASHION + part + "-labels-idx1-ubyte.gz", 8);
                Writer out = Files.newBufferedWriter(file)) {
            StringBuilder header = new StringBuilder("label");
            for (int p = 1; p <= 784; p++) {
                header.append(",pixel").append(p);
            }
            out.write(header.append('\n').toString());
            byte[] pixels = new byte[784];
            for (int i = 0; i < n; i++) {
                images.readFully(pixels);
                StringBuilder line = new StringBuilder().append(labels.readUnsignedByte());
                for (byte b : pixels) {
                    line.append(',').append(b & 0xff);
                }
                out.write(line.append('\n').toString());
            }
        }
        return file;
    }

    private static DataInputStream idx(String file, int headerBytes) throws IOException {
        InputStream in = new GZIPInputStream(Files.newInputStream(Path.of(file)), 1 << 16);
        DataInputStream data = new DataInputStream(new java.io.BufferedInputStream(in));
        data.skipNBytes(headerBytes);
        return data;
    }

    @Test
    void aDenseNetworkLearnsClothingFrom784PixelColumnsDeclaredByOneField() throws Exception {
        TrainOptions options = TrainOptions.defaults().quiet().data(fashionTrain).references(false);
        TrainingResult result = Trainer.train(FashionCsvDenseTrainer.DEFINITION, options);
        // 300 test rows of ten kinds: the majority class scores about 0.1; this network measured 0.8x
        assertThat(result.baselineMetrics().get("accuracy")).isLessThan(0.2);
        assertThat(result.metrics().get("accuracy")).isAtLeast(0.75);

        // the model file records the 784 columns the group found, in file order
        Path file = dir.resolve("dense.kiln");
        result.model().save(file);
        KilnModel model = KilnModel.load(file);
        assertThat(model.metadata().features()).hasSize(784);
        assertThat(model.metadata().features().get(0).column()).isEqualTo("pixel1");
        assertThat(model.metadata().features().get(783).column()).isEqualTo("pixel784");

        // the typed predictor takes the group as one array, and agrees with the model
        FashionCsvDensePredictor predictor = FashionCsvDensePredictor.load(file);
        List<String> lines = Files.readAllLines(fashionTest);
        List<FashionCsvDensePredictor.Input> inputs = new ArrayList<>();
        List<Object[]> rows = new ArrayList<>();
        int[] labels = new int[200];
        for (int i = 0; i < 200; i++) {
            double[] values = Arrays.stream(lines.get(i + 1).split(",")).mapToDouble(Double::parseDouble).toArray();
            labels[i] = (int) values[0];
            double[] pixels = Arrays.copyOfRange(values, 1, 785);
            inputs.add(new FashionCsvDensePredictor.Input(pixels));
            rows.add(Arrays.stream(pixels).boxed().toArray());
        }
        List<FashionCsvDensePredictor.Prediction> typed = predictor.predict(inputs);
        Predictions direct = model.predict(rows);
        int correct = 0;
        for (int i = 0; i < 200; i++) {
            assertThat(typed.get(i).label()).isEqualTo(direct.classIndex(i));
            correct += typed.get(i).label() == labels[i] ? 1 : 0;
        }
        assertThat(correct).isAtLeast(140);
        IllegalArgumentException shortRow = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> predictor.predict(new FashionCsvDensePredictor.Input(new double[28])));
        assertThat(shortRow).hasMessageThat().contains("'pixels' has 28 values; model 'fashion-csv-dense' was trained "
                + "on 784 columns of it (first pixel1, last pixel784)");
    }

    @Test
    void aCnnSeesThePixelColumnsAsAnImageAndTheCommandLineScoresAFile() throws Exception {
        Path model = dir.resolve("cnn.kiln");
        Run train = cli(FashionCsvCnnTrainer.DEFINITION, "train", "--data", fashionTrain.toString(), "--model",
                model.toString(), "--no-references", "--quiet");
        assertThat(train.err()).isEmpty();
        assertThat(train.exit()).isEqualTo(0);
        assertThat(train.out()).contains("features pixels: 784 columns, pixel1, pixel2, ..., pixel784");
        // ten kinds of clothing from 2,160 training images, 3 epochs: measured 0.7x-0.8x
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("accuracy\\s+(0\\.\\d+)").matcher(train.out());
        assertThat(m.find()).isTrue();
        assertThat(Double.parseDouble(m.group(1))).isAtLeast(0.65);

        // score a file: the same columns, read by name (a file without the label)
        Path unlabeled = dir.resolve("unlabeled.csv");
        List<String> lines = Files.readAllLines(fashionTest).subList(0, 101);
        List<String> noLabel = lines.stream().map(l -> l.substring(l.indexOf(',') + 1)).toList();
        Files.write(unlabeled, noLabel);
        Path scored = dir.resolve("scored.csv");
        Run score = cli(FashionCsvCnnTrainer.DEFINITION, "score", "--model", model.toString(), "--input",
                unlabeled.toString(), "--output", scored.toString(), "--quiet");
        assertThat(score.exit()).isEqualTo(0);
        assertThat(Files.readAllLines(scored)).hasSize(101);

        // predict NAME=VALUE: a group's name is not a column; a few columns given, the rest counted, not listed
        Run group = cli(FashionCsvCnnTrainer.DEFINITION, "predict", "--model", model.toString(), "pixels=0");
        assertThat(group.exit()).isNotEqualTo(0);
        assertThat(group.err()).contains("'pixels' is a group of 784 columns (@Features); give its columns by name, "
                + "e.g. pixel1=VALUE");
        Run few = cli(FashionCsvCnnTrainer.DEFINITION, "predict", "--model", model.toString(), "pixel1=0",
                "pixel400=200");
        assertThat(few.exit()).isEqualTo(0);
        assertThat(few.err()).contains("note: 782 of 784 features not given");
        assertThat(few.err()).contains(", and 772 more");
        assertThat(few.err().length()).isLessThan(1000);

        // evaluate on the labelled test rows
        Run evaluate = cli(FashionCsvCnnTrainer.DEFINITION, "evaluate", "--model", model.toString(), "--data",
                fashionTest.toString());
        assertThat(evaluate.exit()).isEqualTo(0);
        assertThat(evaluate.out()).contains("accuracy");

        // a file that lacks some pixel columns is a data error naming the file and the column
        Path narrow = dir.resolve("narrow.csv");
        Files.write(narrow, noLabel.stream().map(l -> l.substring(l.indexOf(',') + 1)).toList());
        Run bad = cli(FashionCsvCnnTrainer.DEFINITION, "score", "--model", model.toString(), "--input",
                narrow.toString(), "--output", dir.resolve("bad.csv").toString(), "--quiet");
        assertThat(bad.exit()).isNotEqualTo(0);
        assertThat(bad.err()).contains("narrow.csv");
        assertThat(bad.err()).contains("pixel1");
    }

    @Test
    void aTenThousandColumnTableCompilesInSecondsTrainsAndPredicts() throws Exception {
        // compile the spec with the processor, as a user's build does (default javac settings)
        Path sources = Files.createDirectories(dir.resolve("src/io/kiln/examples/wide"));
        Path spec = Files.copy(Path.of("src/test/java/io/kiln/examples/wide/Wide10k.java"),
                sources.resolve("Wide10k.java"));
        Path classes = Files.createDirectories(dir.resolve("classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        long started = System.nanoTime();
        int status = javac.run(null, null, null, "-d", classes.toString(), "-s",
                Files.createDirectories(dir.resolve("generated")).toString(), "-cp",
                System.getProperty("java.class.path"), spec.toString());
        double seconds = (System.nanoTime() - started) / 1e9;
        assertThat(status).isEqualTo(0);
        System.out.printf(Locale.ROOT, "Wide10k compiled with the processor in %.1f s%n", seconds);
        assertThat(seconds).isLessThan(10.0);
        // the generated code is bounded: no per-column code
        long trainerBytes = Files.size(dir.resolve("generated/io/kiln/examples/wide/Wide10kTrainer.java"));
        assertThat(trainerBytes).isLessThan(20_000L);

        // 600 rows: an identifier, a dose and 10,000 measurements that, as real wide data (pixels, genes,
        // sensors) do, move together: each is a mix of three hidden factors plus as much noise; a row responds
        // when the first factor and half its dose are above 0
        Random random = new Random(11);
        double[][] loadings = new double[10_000][3];
        for (double[] l : loadings) {
            for (int k = 0; k < 3; k++) {
                l[k] = random.nextGaussian();
            }
        }
        Path csv = dir.resolve("wide.csv");
        try (Writer out = Files.newBufferedWriter(csv)) {
            StringBuilder header = new StringBuilder("id,dose");
            for (int g = 0; g < 10_000; g++) {
                header.append(",g").append(g);
            }
            out.write(header.append(",responds\n").toString());
            for (int r = 0; r < 600; r++) {
                double dose = random.nextGaussian();
                double[] factors = {random.nextGaussian(), random.nextGaussian(), random.nextGaussian()};
                StringBuilder line = new StringBuilder("p").append(r).append(',')
                        .append(String.format(Locale.ROOT, "%.2f", dose));
                for (double[] l : loadings) {
                    double v = l[0] * factors[0] + l[1] * factors[1] + l[2] * factors[2] + random.nextGaussian();
                    line.append(',').append(Math.round(v * 10) / 10.0);
                }
                boolean responds = factors[0] + 0.5 * dose > 0;
                out.write(line.append(',').append(responds).append('\n').toString());
            }
        }
        TrainingResult result = Trainer.train(Wide10kTrainer.DEFINITION, TrainOptions.defaults().quiet().data(csv));
        assertThat(result.model().metadata().features()).hasSize(10_001); // dose and the group's columns
        assertThat(result.report().referencesSkipped()).contains("10001");
        System.out.printf(Locale.ROOT, "Wide10k test accuracy %.3f, majority class %.3f%n",
                result.metrics().get("accuracy"), result.baselineMetrics().get("accuracy"));
        // 120 test rows; the majority class is about half
        assertThat(result.metrics().get("accuracy")).isAtLeast(result.baselineMetrics().get("accuracy") + 0.15);

        Path file = dir.resolve("wide.kiln");
        result.model().save(file);
        Wide10kPredictor predictor = Wide10kPredictor.load(file);
        // measurements of a strongly positive and a strongly negative first factor
        double[] high = new double[10_000];
        double[] low = new double[10_000];
        for (int g = 0; g < 10_000; g++) {
            high[g] = 3 * loadings[g][0];
            low[g] = -3 * loadings[g][0];
        }
        assertThat(predictor.predict(new Wide10kPredictor.Input(0.0, high)).responds()).isTrue();
        assertThat(predictor.predict(new Wide10kPredictor.Input(0.0, low)).responds()).isFalse();
    }

    record Run(int exit, String out, String err) {}

    static Run cli(io.kiln.runtime.ModelDefinition definition, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = KilnCli.run(definition, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), args);
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
