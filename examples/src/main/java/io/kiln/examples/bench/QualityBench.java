package io.kiln.examples.bench;

import io.kiln.examples.breastcancer.BreastCancerTrainer;
import io.kiln.examples.diabetes.DiabetesLinearTrainer;
import io.kiln.examples.diabetes.DiabetesTrainer;
import io.kiln.examples.digits.DigitsTrainer;
import io.kiln.examples.iris.IrisTrainer;
import io.kiln.runtime.KFoldProtocol;
import io.kiln.runtime.internal.evaluate.Metrics;
import io.kiln.runtime.ModelDefinition;
import io.kiln.runtime.Report;
import io.kiln.runtime.TrainOptions;
import io.kiln.runtime.Trainer;
import io.kiln.runtime.TrainingResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Quality of every example by stratified 5-fold cross-validation (the protocol of the reference
 * results in the data README), repeated with several seeds (each seed draws other folds and
 * another initialization), beside the baseline and the reference. The spec's own declared protocol
 * is replaced by 5-fold CV; everything else (network, optimizer, early stopping, schedules) is as
 * declared. Prints a Markdown table for docs/benchmarks.md.
 *
 * <p>Usage: {@code QualityBench [seeds] [example ...]}.
 */
public final class QualityBench {
    private QualityBench() {}

    /** Reference scores from ../shared/data/README.md (5-fold CV). */
    private static final Map<String, String> REFERENCE = Map.of(
            "digits", "PyTorch MLP(64) 0.984 ± 0.003",
            "breast-cancer", "logistic regression 0.974 ± 0.017",
            "iris", "scikit-learn MLP(64) 0.960 ± 0.049",
            "diabetes", "linear regression R² 0.479; PyTorch MLP(64) 0.489",
            "diabetes-linear", "linear regression R² 0.479");

    public static void main(String[] args) {
        int seeds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        List<ModelDefinition> all = List.of(DigitsTrainer.DEFINITION, BreastCancerTrainer.DEFINITION,
                IrisTrainer.DEFINITION, DiabetesTrainer.DEFINITION, DiabetesLinearTrainer.DEFINITION);
        List<String> only = args.length > 1 ? List.of(args).subList(1, args.length) : List.of();
        System.out.printf(Locale.ROOT, "| example | metric | 5-fold CV, seed 42 (mean ± std over folds) | "
                + "mean over %d seeds (min – max) | baseline | reference | s per CV |%n", seeds);
        System.out.printf(Locale.ROOT, "|---|---|---|---|---|---|---|%n");
        for (ModelDefinition declared : all) {
            if (!only.isEmpty() && !only.contains(declared.name())) {
                continue;
            }
            ModelDefinition d = declared.withProtocol(new KFoldProtocol(5, 1, true, true, 0));
            String metric = Metrics.primary(d.task());
            List<Double> means = new ArrayList<>();
            String first = "";
            double baseline = 0;
            double seconds = 0;
            for (int s = 0; s < seeds; s++) {
                long seed = 42 + s;
                long t0 = System.nanoTime();
                TrainingResult r = Trainer.train(d, TrainOptions.defaults().quiet().seed(seed));
                seconds += (System.nanoTime() - t0) / 1e9 / seeds;
                Report.CrossValidation cv = r.report().crossValidation();
                means.add(cv.mean().get(metric));
                baseline += cv.baselineMean().get(metric) / seeds;
                if (s == 0) {
                    first = String.format(Locale.ROOT, "%.4f ± %.4f", cv.mean().get(metric), cv.std().get(metric));
                }
            }
            double mean = means.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
            System.out.printf(Locale.ROOT, "| %s | %s | %s | %.4f (%.4f – %.4f) | %.4f | %s | %.1f |%n", d.name(),
                    metric, first, mean, means.stream().mapToDouble(Double::doubleValue).min().orElse(0),
                    means.stream().mapToDouble(Double::doubleValue).max().orElse(0), baseline,
                    REFERENCE.getOrDefault(d.name(), "—"), seconds);
        }
    }
}
