package io.kiln.examples.bench.transfer;

import io.kiln.runtime.CsvSource;
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
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPInputStream;

/**
 * Few-shot transfer of a CNN on Fashion-MNIST (Debian's dataset-fashion-mnist), seeds 0..n-1: per seed a
 * source CNN ({@link FashionSource}: conv 16, pool, conv 32, pool, dense 64) is trained for 3 epochs on
 * 12,000 training images of classes 0 to 4 (T-shirt, trouser, pullover, dress, coat), and classes 5 to 9
 * (sandal, shirt, sneaker, bag, ankle boot), relabelled, get 20 labelled training images each; the 5,000
 * test-set images of those classes are the test set. Each variant trains 100 epochs on the 100 images:
 * from scratch (the source's architecture), and the source's convolutions (up to pool2) under a new dense
 * head of 64 and the output: frozen, fine-tuned, discriminative, gradual, L2-SP.
 *
 * <p>Usage: {@code FashionTransferBench [seeds] [source images]}.
 */
public final class FashionTransferBench {
    private FashionTransferBench() {}

    public static final Path DATA = Path.of("/usr/share/datasets/fashion-mnist");

    public static void main(String[] args) throws IOException {
        int seeds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int sourceImages = args.length > 1 ? Integer.parseInt(args[1]) : 12_000;
        Path dir = Path.of("target", "bench-transfer");
        Files.createDirectories(dir);
        byte[][] train = images(DATA.resolve("train-images-idx3-ubyte.gz"));
        int[] trainLabels = labels(DATA.resolve("train-labels-idx1-ubyte.gz"));
        byte[][] test = images(DATA.resolve("t10k-images-idx3-ubyte.gz"));
        int[] testLabels = labels(DATA.resolve("t10k-labels-idx1-ubyte.gz"));
        Path rest = dir.resolve("fashion-rest.csv");
        List<Integer> restRows = new ArrayList<>();
        for (int i = 0; i < test.length; i++) {
            if (testLabels[i] >= 5) {
                restRows.add(i);
            }
        }
        write(rest, test, testLabels, restRows, 5);

        Map<String, ModelDefinition> variants = new LinkedHashMap<>();
        ModelDefinition frozen = FashionFewShotFrozenTrainer.DEFINITION;
        variants.put("from scratch (lr 1e-3)", FashionSourceTrainer.DEFINITION.withProtocol(frozen.protocol()));
        variants.put("frozen convolutions + new head (lr 1e-3)", frozen);
        variants.put("fine-tune all (lr 1e-4)", FashionFewShotFineTuneTrainer.DEFINITION);
        variants.put("discriminative (body 1e-4, head 1e-3)", FashionFewShotDiscriminativeTrainer.DEFINITION);
        variants.put("gradual unfreezing (every 25 epochs; body 1e-4)", FashionFewShotGradualTrainer.DEFINITION);
        variants.put("L2-SP 0.01 (all 1e-3)", FashionFewShotL2spTrainer.DEFINITION);
        int[] epochCounts = {100};
        Map<String, double[]> accuracy = new LinkedHashMap<>();
        double sourceAccuracy = 0;
        for (int s = 0; s < seeds; s++) {
            Random random = new Random(2000 + s);
            List<Integer> low = new ArrayList<>();
            Map<Integer, List<Integer>> high = new LinkedHashMap<>();
            for (int i = 0; i < train.length; i++) {
                if (trainLabels[i] < 5) {
                    low.add(i);
                } else {
                    high.computeIfAbsent(trainLabels[i], k -> new ArrayList<>()).add(i);
                }
            }
            Collections.shuffle(low, random);
            Path sourceData = dir.resolve("fashion-source-" + s + ".csv");
            write(sourceData, train, trainLabels, low.subList(0, sourceImages), 0);
            List<Integer> few = new ArrayList<>();
            for (List<Integer> rows : high.values()) {
                Collections.shuffle(rows, random);
                few.addAll(rows.subList(0, 20));
            }
            Path fewData = dir.resolve("fashion-few-" + s + ".csv");
            write(fewData, train, trainLabels, few, 5);

            long t0 = System.nanoTime();
            TrainingResult source = Trainer.train(FashionSourceTrainer.DEFINITION.withData(CsvSource.file(sourceData),
                    null), TrainOptions.defaults().quiet().references(false).seed(s));
            sourceAccuracy += source.metrics().get("accuracy") / seeds;
            System.err.printf(Locale.ROOT, "seed %d: source accuracy %.4f in %.0f s%n", s,
                    source.metrics().get("accuracy"), (System.nanoTime() - t0) / 1e9);
            Path sourceFile = dir.resolve("fashion-source-" + s + ".kiln");
            source.model().save(sourceFile);
            for (Map.Entry<String, ModelDefinition> v : variants.entrySet()) {
                ModelDefinition d = v.getValue().withData(CsvSource.file(fewData), CsvSource.file(rest));
                if (d.transfer() != null) {
                    d = d.withTransferSource(sourceFile);
                }
                long t1 = System.nanoTime();
                TrainingResult r = Trainer.train(d, TrainOptions.defaults().quiet().references(false).seed(s)
                        .epochs(100));
                accuracy.computeIfAbsent(v.getKey() + "|100", k -> new double[seeds])[s] = r.metrics().get("accuracy");
                System.err.printf(Locale.ROOT, "seed %d, %s: %.4f (%.0f s)%n", s, v.getKey(),
                        r.metrics().get("accuracy"), (System.nanoTime() - t1) / 1e9);
            }
        }
        System.out.printf(Locale.ROOT, "Source (Fashion-MNIST classes 0-4, %d images, 3 epochs; 10%% held out): "
                + "accuracy %.4f, mean of %d seeds%n%n", sourceImages, sourceAccuracy, seeds);
        TransferBench.table(variants.keySet(), epochCounts, accuracy, seeds);
    }

    /** The rows {@code which} as a CSV of 784 pixel columns and the label minus {@code shift}. */
    static void write(Path file, byte[][] images, int[] labels, List<Integer> which, int shift) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            StringBuilder header = new StringBuilder();
            for (int p = 0; p < 784; p++) {
                header.append('p').append(p).append(',');
            }
            out.write(header.append("label\n").toString());
            StringBuilder line = new StringBuilder();
            for (int i : which) {
                line.setLength(0);
                for (byte b : images[i]) {
                    line.append(b & 0xff).append(',');
                }
                out.write(line.append(labels[i] - shift).append('\n').toString());
            }
        }
    }

    public static byte[][] images(Path gz) throws IOException {
        try (DataInputStream in = new DataInputStream(new GZIPInputStream(Files.newInputStream(gz)))) {
            in.readInt();
            int n = in.readInt();
            int size = in.readInt() * in.readInt();
            byte[][] images = new byte[n][size];
            for (byte[] image : images) {
                in.readFully(image);
            }
            return images;
        }
    }

    public static int[] labels(Path gz) throws IOException {
        try (InputStream raw = new GZIPInputStream(Files.newInputStream(gz));
                DataInputStream in = new DataInputStream(raw)) {
            in.readInt();
            int[] labels = new int[in.readInt()];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = in.readUnsignedByte();
            }
            return labels;
        }
    }
}
