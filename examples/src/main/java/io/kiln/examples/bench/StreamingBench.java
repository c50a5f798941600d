package io.kiln.examples.bench;

import io.kiln.dsl.Missing;
import io.kiln.dsl.Scaling;
import io.kiln.dsl.Task;
import io.kiln.runtime.CsvSource;
import io.kiln.runtime.EarlyStopping;
import io.kiln.runtime.FeatureSchema;
import io.kiln.runtime.FitSettings;
import io.kiln.runtime.HoldoutProtocol;
import io.kiln.runtime.LabelCoding;
import io.kiln.runtime.LabelSchema;
import io.kiln.runtime.ModelDefinition;
import io.kiln.runtime.TrainOptions;
import io.kiln.runtime.Trainer;
import io.kiln.runtime.TrainingResult;
import java.io.BufferedWriter;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import java.util.zip.GZIPInputStream;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Training on a CSV larger than the heap: Fashion-MNIST's 60,000 training images and copies of them
 * shifted by one or two pixels (the classic way to grow an image set), written as one CSV of 784
 * pixel columns, more than ten times a 256 MB heap, and trained streamed under {@code -Xmx256m}
 * while resident memory is sampled. Beside it, the same network on the 60,000 unshifted images:
 * streamed under the same heap, and read into memory (a 12 GB heap; 256 MB does not hold even
 * 1,000 images with the test file). All are tested on the official 10,000 test images.
 *
 * <p>Arguments: copies of the training set (default 20), streamed epochs (default 3). Needs Debian's
 * {@code dataset-fashion-mnist}. Files go to {@code target/bench-stream} and are kept for reruns.
 */
public final class StreamingBench {
    static final String IDX = "/usr/share/datasets/fashion-mnist/";
    static final int PIXELS = 784;

    private StreamingBench() {}

    public static void main(String... args) throws Exception {
        if (args.length > 0 && args[0].equals("child")) {
            child(args);
            return;
        }
        int copies = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Path dir = Files.createDirectories(Path.of("target/bench-stream"));
        byte[][] train = images(IDX + "train-images-idx3-ubyte.gz");
        byte[] trainLabels = labels(IDX + "train-labels-idx1-ubyte.gz");
        Path test = dir.resolve("fashion-test.csv");
        if (!Files.exists(test)) {
            byte[][] testImages = images(IDX + "t10k-images-idx3-ubyte.gz");
            write(test, testImages, labels(IDX + "t10k-labels-idx1-ubyte.gz"), 1, testImages.length);
        }
        Path big = dir.resolve("fashion-x" + copies + ".csv");
        if (!Files.exists(big)) {
            long t0 = System.nanoTime();
            write(big, train, trainLabels, copies, train.length);
            System.out.printf(Locale.ROOT, "wrote %s in %.0f s%n", big, (System.nanoTime() - t0) / 1e9);
        }
        long heap = 256L << 20;
        System.out.printf(Locale.ROOT, "%s: %d rows, %.2f GB = %.1f times the %d MB heap%n", big,
                (long) copies * train.length, Files.size(big) / 1e9, Files.size(big) / (double) heap, heap >> 20);

        System.out.println(run(List.of("-Xmx256m"), big, test, epochs, "stream"));
        // the unshifted images alone, streamed in the same heap and read into memory (which needs gigabytes),
        // each for up to 30 epochs with early stopping
        Path all = dir.resolve("fashion-60000.csv");
        if (!Files.exists(all)) {
            write(all, train, trainLabels, 1, train.length);
        }
        System.out.println(run(List.of("-Xmx256m"), all, test, 30, "stream"));
        System.out.println(run(List.of("-Xmx12g"), all, test, 30, "memory"));
    }

    /** What a child printed and the resident memory sampled while it ran. */
    record Result(String what, Double accuracy, String line, List<long[]> rss, double seconds) {
        @Override
        public String toString() {
            StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%s: %s (%.0f s wall)", what,
                    accuracy == null ? "failed: " + line : line, seconds));
            if (!rss.isEmpty()) {
                long max = rss.stream().mapToLong(s -> s[1]).max().orElse(0);
                b.append(String.format(Locale.ROOT, "%n  resident memory, max %d MB; at", max >> 10));
                for (int q = 1; q <= 10; q++) {
                    long[] s = rss.get(Math.min(rss.size() - 1, q * rss.size() / 10 - (q == 10 ? 1 : 0)));
                    b.append(String.format(Locale.ROOT, " %d%% %d MB", q * 10, s[1] >> 10));
                }
            }
            return b.toString();
        }
    }

    /** Trains in a child JVM, sampling its resident memory (VmRSS) every half second. */
    static Result run(List<String> jvm, Path train, Path test, int epochs, String mode) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ServerProcess.javaBinary()));
        cmd.addAll(jvm);
        cmd.addAll(List.of("--add-modules=jdk.incubator.vector", "-Dorg.bytedeco.javacpp.maxPhysicalBytes=0",
                "-cp", System.getProperty("java.class.path"), StreamingBench.class.getName(), "child",
                train.toString(), test.toString(), Integer.toString(epochs), mode));
        Path log = Files.createTempFile("streaming-bench", ".log");
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        List<long[]> rss = new ArrayList<>();
        Path status = Path.of("/proc/" + p.pid() + "/status");
        while (p.isAlive()) {
            try {
                for (String line : Files.readAllLines(status)) {
                    if (line.startsWith("VmRSS:")) {
                        rss.add(new long[] {System.nanoTime() - t0, Long.parseLong(line.replaceAll("\\D", ""))});
                    }
                }
            } catch (IOException gone) {
                // the process ended between the check and the read
            }
            Thread.sleep(500);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        List<String> out = Files.readAllLines(log);
        Files.delete(log);
        String result = out.stream().filter(l -> l.startsWith("RESULT ")).findFirst().orElse(null);
        String what = String.format(Locale.ROOT, "%s %s, %s, %d epochs", mode.equals("stream") ? "streamed"
                : "in memory", train.getFileName(), String.join(" ", jvm), epochs);
        for (String l : out) {
            if (!l.startsWith("RESULT ") && !l.startsWith("WARNING")) {
                System.out.println("  | " + l);
            }
        }
        if (result == null) {
            String last = out.stream().filter(l -> l.contains("Error") || l.contains("Exception")).findFirst()
                    .orElse(out.isEmpty() ? "no output" : out.get(out.size() - 1));
            return new Result(what, null, last, rss, seconds);
        }
        double accuracy = Double.parseDouble(result.replaceAll(".*accuracy ([0-9.]+).*", "$1"));
        return new Result(what, accuracy, result.substring(7), rss, seconds);
    }

    static void child(String... args) {
        Path train = Path.of(args[1]);
        Path test = Path.of(args[2]);
        int epochs = Integer.parseInt(args[3]);
        boolean stream = args[4].equals("stream");
        ModelDefinition.Builder b = ModelDefinition.builder("fashion-mlp", Task.MULTICLASS_CLASSIFICATION)
                .data(CsvSource.file(train)).testData(CsvSource.file(test));
        for (int i = 0; i < PIXELS; i++) {
            b.feature(FeatureSchema.numeric("p" + i, "p" + i, Scaling.MIN_MAX, Missing.MEAN, ""));
        }
        ModelDefinition def = b.label(new LabelSchema("item", LabelCoding.INDEX, List.of("label"),
                IntStream.range(0, 10).mapToObj(Integer::toString).toList()))
                .protocol(new HoldoutProtocol(0.05, 0.2, false, true))
                .earlyStopping(epochs >= 10 ? new EarlyStopping(io.kiln.dsl.Metric.LOSS, 3, 0, true) : null)
                .fit(new FitSettings(epochs, 64, 42)).outputActivationIsIdentity(false)
                .network((n, seed) -> new NeuralNetConfiguration.Builder().seed(seed).updater(new Adam(1e-3)).list()
                        .layer(new DenseLayer.Builder().nOut(128).activation(Activation.RELU).build())
                        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
                                .activation(Activation.SOFTMAX).build())
                        .setInputType(InputType.feedForward(n)).build())
                .build();
        long t0 = System.nanoTime();
        TrainingResult r = Trainer.train(def, TrainOptions.defaults().references(false).progress(System.out, true)
                .stream(stream));
        var data = r.report().data();
        System.out.printf(Locale.ROOT, "RESULT test accuracy %.4f (majority %.4f) on %d test rows; %d training rows, "
                + "%d epochs, %.0f s, heap %d MB%n", r.test().metrics().get("accuracy"),
                r.baseline().metrics().get("accuracy"), data.testRows(), data.trainRows(),
                r.report().history().size(), (System.nanoTime() - t0) / 1e9, Runtime.getRuntime().maxMemory() >> 20);
    }

    /**
     * Writes the first {@code rows} images as CSV ({@code p0..p783,label}), then {@code copies - 1}
     * more copies shifted by a pixel offset each (one pixel in the eight directions, then two).
     */
    static void write(Path file, byte[][] images, byte[] labels, int copies, int rows) throws IOException {
        int[][] shifts = {{0, 0}, {1, 0}, {-1, 0}, {0, 1}, {0, -1}, {1, 1}, {1, -1}, {-1, 1}, {-1, -1}, {2, 0},
            {-2, 0}, {0, 2}, {0, -2}, {2, 1}, {2, -1}, {-2, 1}, {-2, -1}, {1, 2}, {1, -2}, {-1, 2}, {-1, -2}, {2, 2},
            {2, -2}, {-2, 2}, {-2, -2}};
        if (copies > shifts.length) {
            throw new IllegalArgumentException("at most " + shifts.length + " copies");
        }
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        Files.deleteIfExists(partial);
        try (BufferedWriter out = Files.newBufferedWriter(partial, StandardCharsets.US_ASCII)) {
            StringBuilder line = new StringBuilder(4096);
            for (int i = 0; i < PIXELS; i++) {
                line.append('p').append(i).append(',');
            }
            out.append(line).append("label\n");
            for (int c = 0; c < copies; c++) {
                int dx = shifts[c][0];
                int dy = shifts[c][1];
                for (int r = 0; r < rows; r++) {
                    line.setLength(0);
                    for (int y = 0; y < 28; y++) {
                        for (int x = 0; x < 28; x++) {
                            int sx = x - dx;
                            int sy = y - dy;
                            int v = sx < 0 || sy < 0 || sx >= 28 || sy >= 28 ? 0 : images[r][sy * 28 + sx] & 0xFF;
                            line.append(v).append(',');
                        }
                    }
                    line.append(labels[r]).append('\n');
                    out.append(line);
                }
            }
        }
        Files.move(partial, file);
    }

    static byte[][] images(String gz) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(Path.of(gz)), 1 << 16);
                DataInputStream data = new DataInputStream(in)) {
            data.readInt();
            int n = data.readInt();
            int size = data.readInt() * data.readInt();
            byte[][] images = new byte[n][size];
            for (byte[] image : images) {
                data.readFully(image);
            }
            return images;
        }
    }

    static byte[] labels(String gz) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(Path.of(gz)), 1 << 16);
                DataInputStream data = new DataInputStream(in)) {
            data.readInt();
            byte[] labels = new byte[data.readInt()];
            data.readFully(labels);
            return labels;
        }
    }
}
