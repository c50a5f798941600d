package io.kiln.examples.bench;

import io.kiln.examples.digits.DigitsTrainer;
import io.kiln.runtime.TrainOptions;
import io.kiln.runtime.Trainer;
import io.kiln.runtime.TrainingResult;
import io.kiln.runtime.internal.train.Parallel;
import io.kiln.runtime.internal.train.TrainingLoop;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The digits example's 5-fold cross-validation and final model (reference models off), three ways,
 * alternating over several rounds: through DL4J's minibatch loop with the folds one after another
 * ({@code -Dkiln.fast=false -Dkiln.parallel=1}, how it ran before the fast path), on the fast path one
 * after another, and on the fast path two side by side. Prints each time and whether every fold
 * metric agrees with the first way's to 4 decimals (the fast path's arithmetic rounds differently in
 * the last float bits), and identically between the two fast ways.
 *
 * <p>Arguments: the number of rounds (default 3).
 */
public final class CrossValidationBench {
    private CrossValidationBench() {}

    public static void main(String... args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        List<Map<String, Double>> reference = null;
        List<Map<String, Double>> fastReference = null;
        String[][] ways = {{"false", "1"}, {"true", "1"}, {"true", "2"}};
        for (int round = 1; round <= rounds; round++) {
            for (String[] way : ways) {
                System.setProperty(TrainingLoop.FAST_PROPERTY, way[0]);
                System.setProperty(Parallel.PROPERTY, way[1]);
                long t0 = System.nanoTime();
                TrainingResult r = Trainer.train(DigitsTrainer.DEFINITION, TrainOptions.defaults().quiet()
                        .references(false));
                double seconds = (System.nanoTime() - t0) / 1e9;
                List<Map<String, Double>> folds = r.report().crossValidation().folds().stream()
                        .map(f -> f.metrics()).toList();
                if (reference == null) {
                    reference = folds;
                }
                if (fastReference == null && way[0].equals("true")) {
                    fastReference = folds;
                }
                String agreement = agree(reference, folds) ? "agree with DL4J's to 4 decimals" : "DIFFER from DL4J's";
                if (way[0].equals("true")) {
                    agreement += folds.equals(fastReference) ? ", identical between fast runs" : ", NOT identical";
                }
                System.out.printf(Locale.ROOT, "round %d, %s, %s at once: %.1f s, accuracy %.4f, folds %s%n", round,
                        way[0].equals("true") ? "fast path" : "DL4J loop", way[1], seconds,
                        r.report().crossValidation().mean().get("accuracy"), agreement);
                System.out.flush();
            }
        }
    }

    private static boolean agree(List<Map<String, Double>> a, List<Map<String, Double>> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            for (Map.Entry<String, Double> e : a.get(i).entrySet()) {
                Double other = b.get(i).get(e.getKey());
                if (other == null || Math.abs(other - e.getValue()) > 5e-5) {
                    return false;
                }
            }
        }
        return true;
    }
}
