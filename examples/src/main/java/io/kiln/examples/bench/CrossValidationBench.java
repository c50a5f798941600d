package io.kiln.examples.bench;

import io.kiln.examples.digits.DigitsTrainer;
import io.kiln.runtime.TrainOptions;
import io.kiln.runtime.Trainer;
import io.kiln.runtime.TrainingResult;
import io.kiln.runtime.internal.train.Parallel;
import java.util.Locale;

/**
 * The digits example's 5-fold cross-validation and final model (reference models off), with its folds
 * one after another ({@code -Dkiln.parallel=1}) and two side by side, alternating, over several rounds;
 * prints each time and checks the fold metrics are identical.
 *
 * <p>Arguments: the number of rounds (default 3).
 */
public final class CrossValidationBench {
    private CrossValidationBench() {}

    public static void main(String... args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        Object reference = null;
        for (int round = 1; round <= rounds; round++) {
            for (int parallel : new int[] {1, 2}) {
                System.setProperty(Parallel.PROPERTY, Integer.toString(parallel));
                long t0 = System.nanoTime();
                TrainingResult r = Trainer.train(DigitsTrainer.DEFINITION, TrainOptions.defaults().quiet()
                        .references(false));
                double seconds = (System.nanoTime() - t0) / 1e9;
                Object folds = r.report().crossValidation().folds().stream().map(f -> f.metrics()).toList();
                if (reference == null) {
                    reference = folds;
                }
                System.out.printf(Locale.ROOT, "round %d, %d at once: %.1f s, accuracy %.4f, folds %s%n", round,
                        parallel, seconds, r.report().crossValidation().mean().get("accuracy"),
                        folds.equals(reference) ? "identical" : "DIFFERENT");
                System.out.flush();
            }
        }
    }
}
