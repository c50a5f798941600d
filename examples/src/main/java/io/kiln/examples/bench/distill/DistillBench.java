package io.kiln.examples.bench.distill;

import io.kiln.examples.distill.DigitsEnsembleStudentTrainer;
import io.kiln.examples.distill.DigitsFoldEnsembleTrainer;
import io.kiln.examples.distill.DigitsStudentTrainer;
import io.kiln.examples.distill.DigitsTeacherTrainer;
import io.kiln.runtime.Distillation;
import io.kiln.runtime.FitSettings;
import io.kiln.runtime.ModelDefinition;
import io.kiln.runtime.Report;
import io.kiln.runtime.TrainOptions;
import io.kiln.runtime.Trainer;
import io.kiln.runtime.TrainingResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Distillation and ensembles on the digits, seeds 0..n-1, each seed its own stratified 70/30 split.
 *
 * <ul>
 *   <li>Distillation: the teacher (64-256-256-10, 50 epochs) trained on the seed's training rows, the
 *       student (64-16-10) distilled from it at T = 4, alpha = 0.5, and the same student on the labels
 *       alone, for 50 and for 200 student epochs; Adam 1e-3, batch 32, pixels standardized.
 *   <li>Ensembles: the 5 fold models of the digits network (64-64-10, 50 epochs, 5-fold cross-validation
 *       of the training rows) averaged, against each fold model, and a 64-16-10 student distilled from
 *       that average, on the same test rows.
 * </ul>
 *
 * Prints test accuracy and log loss (mean ± std over seeds, and paired differences) as Markdown for
 * docs/benchmarks.md, and writes each seed's split to {@code target/bench-distill/} for
 * {@code src/bench/distill_torch.py}, the same experiment in PyTorch on the same rows.
 *
 * <p>Usage: {@code DistillBench [seeds]}.
 */
public final class DistillBench {
    private DistillBench() {}

    public static void main(String[] args) throws IOException {
        int seeds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Path dir = Path.of("target", "bench-distill");
        Files.createDirectories(dir);
        TrainOptions quiet = TrainOptions.defaults().quiet().references(false);
        Map<String, List<Double>> accuracy = new LinkedHashMap<>();
        Map<String, List<Double>> logLoss = new LinkedHashMap<>();
        Map<String, List<Double>> seconds = new LinkedHashMap<>();
        Map<String, Report.Compared> sizes = new LinkedHashMap<>();
        for (int s = 0; s < seeds; s++) {
            ModelDefinition teacher = DigitsTeacherTrainer.DEFINITION.withFit(new FitSettings(50, 32, s));
            for (int epochs : new int[] {50, 200}) {
                ModelDefinition student = DigitsStudentTrainer.DEFINITION.withFit(new FitSettings(epochs, 32, s))
                        .withDistillation(Distillation.of(teacher, 4, 0.5, true));
                if (epochs == 50) {
                    writeSplit(student, s, dir.resolve("split-" + s + ".txt"));
                }
                long t0 = System.nanoTime();
                TrainingResult r = Trainer.train(student, quiet);
                record(accuracy, logLoss, sizes, r, epochs + " epochs: ");
                seconds.computeIfAbsent("distillation, " + epochs + " student epochs", k -> new ArrayList<>())
                        .add((System.nanoTime() - t0) / 1e9);
                System.out.printf(Locale.ROOT, "seed %d, %d epochs: %s%n", s, epochs, r.report().compared().stream()
                        .map(c -> c.role() + " " + format(c.metrics().get("accuracy")))
                        .collect(Collectors.joining(", ")));
            }
            ModelDefinition folds = DigitsFoldEnsembleTrainer.DEFINITION.withFit(new FitSettings(50, 32, s));
            ModelDefinition ensembleStudent = DigitsEnsembleStudentTrainer.DEFINITION
                    .withFit(new FitSettings(50, 32, s)).withDistillation(Distillation.of(folds, 4, 0.5, true));
            int[] a = Trainer.prepare(folds, quiet).split().test();
            int[] b = Trainer.prepare(ensembleStudent, quiet).split().test();
            if (!Arrays.equals(a, b)) {
                throw new IllegalStateException("the fold ensemble and its student are tested on other rows");
            }
            TrainingResult e = Trainer.train(folds, quiet);
            record(accuracy, logLoss, sizes, e, "fold ensemble: ");
            double meanMember = e.report().compared().stream().filter(c -> c.role().startsWith("member "))
                    .mapToDouble(c -> c.metrics().get("accuracy")).average().orElseThrow();
            accuracy.computeIfAbsent("fold ensemble: member mean", k -> new ArrayList<>()).add(meanMember);
            TrainingResult es = Trainer.train(ensembleStudent, quiet);
            record(accuracy, logLoss, sizes, es, "ensemble student: ");
            System.out.printf(Locale.ROOT, "seed %d: fold ensemble %s (member mean %s); its student %s%n", s,
                    format(e.metrics().get("accuracy")), format(meanMember), format(es.metrics().get("accuracy")));
        }
        System.out.println();
        System.out.println("| model | test accuracy | test log loss | parameters | model file | single-row latency |");
        System.out.println("|---|---|---|---|---|---|");
        for (String key : accuracy.keySet()) {
            Report.Compared size = sizes.get(key);
            System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %s |%n", key, meanStd(accuracy.get(key)),
                    logLoss.containsKey(key) ? meanStd(logLoss.get(key)) : "",
                    size == null ? "" : String.format(Locale.ROOT, "%,d", size.parameters()),
                    size == null ? "" : (size.fileBytes() + 512) / 1024 + " KB",
                    size == null ? "" : String.format(Locale.ROOT, "%.3f ms", size.latencyMillis()));
        }
        System.out.println();
        System.out.println("| paired difference (per seed) | mean ± std | seeds better |");
        System.out.println("|---|---|---|");
        for (int epochs : new int[] {50, 200}) {
            paired(accuracy, epochs + " epochs: student", epochs + " epochs: hard-only student");
        }
        paired(accuracy, "fold ensemble: ensemble", "fold ensemble: member mean");
        paired(accuracy, "ensemble student: student", "ensemble student: hard-only student");
        System.out.println();
        seconds.forEach((k, v) -> System.out.printf(Locale.ROOT, "%s: %s s a seed (teacher, student and hard-only)%n",
                k, meanStd(v)));
    }

    private static void record(Map<String, List<Double>> accuracy, Map<String, List<Double>> logLoss,
            Map<String, Report.Compared> sizes, TrainingResult r, String prefix) {
        for (Report.Compared c : r.report().compared()) {
            if (c.role().startsWith("member ")) {
                continue;
            }
            String key = prefix + c.role();
            accuracy.computeIfAbsent(key, k -> new ArrayList<>()).add(c.metrics().get("accuracy"));
            logLoss.computeIfAbsent(key, k -> new ArrayList<>()).add(c.metrics().get("log_loss"));
            sizes.putIfAbsent(key, c);
        }
    }

    private static void paired(Map<String, List<Double>> accuracy, String a, String b) {
        List<Double> x = accuracy.get(a);
        List<Double> y = accuracy.get(b);
        double[] d = IntStream.range(0, x.size()).mapToDouble(i -> x.get(i) - y.get(i)).toArray();
        long better = Arrays.stream(d).filter(v -> v > 0).count();
        System.out.printf(Locale.ROOT, "| %s − %s | %+.4f ± %.4f | %d of %d |%n", a, b, mean(d), std(d), better,
                d.length);
    }

    /** The seed's training and test rows (0-based data rows), one line each, for the PyTorch script. */
    private static void writeSplit(ModelDefinition def, int seed, Path file) throws IOException {
        var split = Trainer.prepare(def, TrainOptions.defaults().quiet()).split();
        Files.writeString(file, join(split.train()) + "\n" + join(split.test()) + "\n");
    }

    private static String join(int[] rows) {
        return Arrays.stream(rows).mapToObj(Integer::toString).collect(Collectors.joining(" "));
    }

    private static String format(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }

    private static String meanStd(List<Double> v) {
        double[] a = v.stream().mapToDouble(Double::doubleValue).toArray();
        return String.format(Locale.ROOT, "%.4f ± %.4f", mean(a), std(a));
    }

    private static double mean(double[] a) {
        return Arrays.stream(a).average().orElse(Double.NaN);
    }

    private static double std(double[] a) {
        return io.kiln.runtime.internal.data.Rows.std(a);
    }
}
