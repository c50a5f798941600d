package io.kiln.examples.bench.transfer;

import io.kiln.examples.transfer.DigitsSourceTrainer;
import io.kiln.examples.transfer.DigitsTransferTrainer;
import io.kiln.runtime.CsvSource;
import io.kiln.runtime.ModelDefinition;
import io.kiln.runtime.TrainOptions;
import io.kiln.runtime.Trainer;
import io.kiln.runtime.TrainingResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Few-shot transfer on the digits, seeds 0..n-1: per seed the source (the digits 0 to 4, 80% trained
 * on, 20% held out, MLP 64-64-64-5, Adam 1e-3, batch 32, 50 epochs) is trained, and the digits 5 to 9
 * are relabelled, 20 images per class drawn as the labelled training rows and all the others kept as
 * the test set. Each target variant trains on the same rows for 100 and 500 epochs: from scratch (the
 * source's architecture, lr 1e-3), frozen body + new head, fine-tuning at 1e-4, discriminative rates,
 * gradual unfreezing and L2-SP. Prints test accuracy (mean ± std over seeds) and the paired difference
 * to training from scratch, as a Markdown table for docs/benchmarks.md.
 *
 * <p>Usage: {@code TransferBench [seeds]}.
 */
public final class TransferBench {
    private TransferBench() {}

    public static void main(String[] args) throws IOException {
        int seeds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Path dir = Path.of("target", "bench-transfer");
        Files.createDirectories(dir);
        String[] lines = read("/io/kiln/examples/digits/digits.csv");
        Map<String, ModelDefinition> variants = new LinkedHashMap<>();
        ModelDefinition frozen = DigitsTransferTrainer.DEFINITION;
        variants.put("from scratch (lr 1e-3)", DigitsSourceTrainer.DEFINITION.withProtocol(frozen.protocol()));
        variants.put("frozen body + new head (lr 1e-3)", frozen);
        variants.put("fine-tune all (lr 1e-4)", FewShotFineTuneTrainer.DEFINITION);
        variants.put("discriminative (body 1e-4, head 1e-3)", FewShotDiscriminativeTrainer.DEFINITION);
        variants.put("gradual unfreezing (every 25 epochs; body 1e-4)", FewShotGradualTrainer.DEFINITION);
        variants.put("L2-SP 0.01 (all 1e-3)", FewShotL2spTrainer.DEFINITION);
        int[] epochCounts = {100, 500};
        Map<String, double[]> accuracy = new LinkedHashMap<>();
        double sourceAccuracy = 0;
        for (int s = 0; s < seeds; s++) {
            TrainingResult source = Trainer.train(DigitsSourceTrainer.DEFINITION,
                    TrainOptions.defaults().quiet().references(false).seed(s));
            sourceAccuracy += source.metrics().get("accuracy") / seeds;
            Path sourceFile = dir.resolve("source-" + s + ".kiln");
            source.model().save(sourceFile);
            Path[] target = fewShot(lines, s, dir);
            for (int epochs : epochCounts) {
                for (Map.Entry<String, ModelDefinition> v : variants.entrySet()) {
                    ModelDefinition d = v.getValue().withData(CsvSource.file(target[0]), CsvSource.file(target[1]));
                    if (d.transfer() != null) {
                        d = d.withTransferSource(sourceFile);
                    }
                    TrainingResult r = Trainer.train(d, TrainOptions.defaults().quiet().references(false).seed(s)
                            .epochs(epochs));
                    accuracy.computeIfAbsent(v.getKey() + "|" + epochs, k -> new double[seeds])[s] =
                            r.metrics().get("accuracy");
                    System.err.printf(Locale.ROOT, "seed %d, %d epochs, %s: %.4f%n", s, epochs, v.getKey(),
                            r.metrics().get("accuracy"));
                }
            }
        }
        System.out.printf(Locale.ROOT, "Source (digits 0-4, 20%% held out): accuracy %.4f, mean of %d seeds%n%n",
                sourceAccuracy, seeds);
        table(variants.keySet(), epochCounts, accuracy, seeds);
    }

    /**
     * The Markdown table: per epoch count and variant, test accuracy over seeds and the paired difference
     * to the first variant (from scratch); {@code accuracy} is keyed {@code variant|epochs}.
     */
    static void table(java.util.Collection<String> variants, int[] epochCounts, Map<String, double[]> accuracy,
            int seeds) {
        System.out.printf(Locale.ROOT, "| target variant | epochs | test accuracy (mean ± std) | paired difference "
                + "to scratch (mean ± std) | better than scratch |%n|---|---|---|---|---|%n");
        for (int epochs : epochCounts) {
            double[] scratch = accuracy.get(variants.iterator().next() + "|" + epochs);
            for (String name : variants) {
                double[] a = accuracy.get(name + "|" + epochs);
                double[] diff = new double[seeds];
                int wins = 0;
                for (int s = 0; s < seeds; s++) {
                    diff[s] = a[s] - scratch[s];
                    wins += diff[s] > 0 ? 1 : 0;
                }
                System.out.printf(Locale.ROOT, "| %s | %d | %.4f ± %.4f | %s | %s |%n", name, epochs, mean(a), std(a),
                        a == scratch ? "" : String.format(Locale.ROOT, "%+.4f ± %.4f", mean(diff), std(diff)),
                        a == scratch ? "" : wins + " of " + seeds);
            }
        }
    }

    /** Seed {@code s}'s target: 20 images of each digit 5..9 (relabelled 0..4) to train on, the others to test. */
    static Path[] fewShot(String[] lines, int s, Path dir) throws IOException {
        String header = lines[0];
        int label = List.of(header.split(",")).indexOf("label");
        Map<Integer, List<String>> byClass = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            String[] cells = lines[i].split(",");
            int digit = Integer.parseInt(cells[label]);
            if (digit >= 5) {
                cells[label] = Integer.toString(digit - 5);
                byClass.computeIfAbsent(digit, k -> new ArrayList<>()).add(String.join(",", cells));
            }
        }
        List<String> train = new ArrayList<>(List.of(header));
        List<String> test = new ArrayList<>(List.of(header));
        Random random = new Random(1000 + s);
        for (List<String> rows : byClass.values()) {
            java.util.Collections.shuffle(rows, random);
            train.addAll(rows.subList(0, 20));
            test.addAll(rows.subList(20, rows.size()));
        }
        Path trainFile = dir.resolve("few-" + s + ".csv");
        Path testFile = dir.resolve("rest-" + s + ".csv");
        Files.write(trainFile, train, StandardCharsets.UTF_8);
        Files.write(testFile, test, StandardCharsets.UTF_8);
        return new Path[] {trainFile, testFile};
    }

    private static String[] read(String resource) throws IOException {
        try (InputStream in = TransferBench.class.getResourceAsStream(resource)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip().split("\\r?\\n");
        }
    }

    static double mean(double[] v) {
        return java.util.Arrays.stream(v).average().orElse(Double.NaN);
    }

    /** The sample standard deviation (0 for fewer than two values). */
    static double std(double[] v) {
        return io.kiln.runtime.internal.data.Rows.std(v);
    }
}
