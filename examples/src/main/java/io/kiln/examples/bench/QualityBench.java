package io.kiln.examples.bench;

import io.kiln.examples.breastcancer.BreastCancerTrainer;
import io.kiln.examples.diabetes.DiabetesTrainer;
import io.kiln.examples.digits.DigitsTrainer;
import io.kiln.examples.iris.IrisTrainer;
import io.kiln.runtime.Metrics;
import io.kiln.runtime.ModelDefinition;
import io.kiln.runtime.TrainOptions;
import io.kiln.runtime.Trainer;
import io.kiln.runtime.TrainingResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Holdout test quality of every example over several seeds (each seed draws another split and
 * another initialization), beside the baseline. Prints a Markdown table for docs/benchmarks.md.
 *
 * <p>Usage: {@code QualityBench [seeds] [example ...]}; examples: digits, breast-cancer, iris, diabetes.
 */
public final class QualityBench {
    private QualityBench() {}

    public static void main(String[] args) {
        int seeds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        List<ModelDefinition> all = List.of(DigitsTrainer.DEFINITION, BreastCancerTrainer.DEFINITION,
                IrisTrainer.DEFINITION, DiabetesTrainer.DEFINITION);
        List<String> only = args.length > 1 ? List.of(args).subList(1, args.length) : List.of();
        System.out.printf(Locale.ROOT, "| example | metric | seeds | model mean ± std | min | max | baseline | declared seed | train s/run |%n");
        System.out.printf(Locale.ROOT, "|---|---|---|---|---|---|---|---|---|%n");
        for (ModelDefinition d : all) {
            if (!only.isEmpty() && !only.contains(d.name())) {
                continue;
            }
            String metric = Metrics.primary(d.task());
            List<Double> values = new ArrayList<>();
            double baseline = 0;
            double seconds = 0;
            for (int s = 1; s <= seeds; s++) {
                TrainingResult r = Trainer.train(d, TrainOptions.defaults().quiet().seed(s));
                values.add(r.metrics().get(metric));
                baseline += r.baselineMetrics().get(metric) / seeds;
                seconds += r.model().metadata().provenance().trainingSeconds() / seeds;
            }
            double declared = Trainer.train(d, TrainOptions.defaults().quiet()).metrics().get(metric);
            double mean = values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
            double std = Math.sqrt(values.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum() / values.size());
            System.out.printf(Locale.ROOT, "| %s | %s | %d | %.4f ± %.4f | %.4f | %.4f | %.4f | %.4f | %.1f |%n", d.name(),
                    metric, seeds, mean, std, values.stream().mapToDouble(Double::doubleValue).min().orElse(0),
                    values.stream().mapToDouble(Double::doubleValue).max().orElse(0), baseline, declared, seconds);
        }
    }
}
