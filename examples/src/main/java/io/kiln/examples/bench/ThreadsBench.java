package io.kiln.examples.bench;

import io.kiln.examples.digits.DigitsCnnTrainer;
import io.kiln.examples.digits.DigitsTrainer;
import io.kiln.examples.fashion.FashionCnnTrainer;
import io.kiln.runtime.Report;
import io.kiln.runtime.TrainOptions;
import io.kiln.runtime.Trainer;
import io.kiln.runtime.TrainingResult;
import io.kiln.runtime.TrainingThreads;
import io.kiln.runtime.internal.train.Parallel;
import java.util.List;
import java.util.Locale;

/**
 * One training on one core or on both (parameter averaging over two threads, {@link
 * TrainingThreads}, averaging every 5 minibatches), on this machine, in interleaved rounds: the digits
 * example's 5-fold cross-validation and final model (time and cross-validated accuracy; the folds one
 * after another both ways, and, as Kiln runs it by default, two folds side by side on one thread each),
 * and the Fashion-MNIST CNN on 6,000 sampled images (training rows per second of two epochs after a
 * warm-up epoch, and the validation accuracy), and the digits CNN (8x8 images, a holdout split, 20 epochs:
 * the time of the whole training, its rows per second after the first epoch, and the test accuracy).
 *
 * <p>Arguments: rounds (default 3).
 */
public final class ThreadsBench {
    private ThreadsBench() {}

    public static void main(String... args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        for (int round = 1; round <= rounds; round++) {
            for (String way : List.of("1 thread, folds one after another", "2 threads, folds one after another",
                    "1 thread, 2 folds side by side")) {
                System.setProperty(Parallel.PROPERTY, way.contains("side by side") ? "2" : "1");
                TrainOptions options = TrainOptions.defaults().quiet().references(false);
                if (way.startsWith("2 threads")) {
                    options = options.dataParallel(new TrainingThreads(2, 5));
                }
                long t0 = System.nanoTime();
                TrainingResult r = Trainer.train(DigitsTrainer.DEFINITION, options);
                System.out.printf(Locale.ROOT, "round %d, digits 5-fold, %s: %.2f s, accuracy %.4f%n", round, way,
                        (System.nanoTime() - t0) / 1e9, r.report().crossValidation().mean().get("accuracy"));
            }
            for (int threads : new int[] {1, 2}) {
                TrainOptions options = TrainOptions.defaults().quiet().references(false).sample(6000).epochs(3);
                if (threads == 2) {
                    options = options.dataParallel(new TrainingThreads(2, 5));
                }
                TrainingResult r = Trainer.train(FashionCnnTrainer.DEFINITION, options);
                List<Report.Epoch> history = r.report().history();
                double seconds = history.stream().skip(1).mapToDouble(Report.Epoch::seconds).sum();
                System.out.printf(Locale.ROOT, "round %d, Fashion CNN, %d thread%s: %.0f rows/s, validation accuracy "
                        + "%.4f%n", round, threads, threads == 1 ? "" : "s",
                        r.report().data().trainRows() * (double) (history.size() - 1) / seconds,
                        history.get(history.size() - 1).validationMetric());
            }
            for (int threads : new int[] {1, 2}) {
                TrainOptions options = TrainOptions.defaults().quiet().references(false);
                if (threads == 2) {
                    options = options.dataParallel(new TrainingThreads(2, 5));
                }
                long t0 = System.nanoTime();
                TrainingResult r = Trainer.train(DigitsCnnTrainer.DEFINITION, options);
                List<Report.Epoch> history = r.report().history();
                double seconds = history.stream().skip(1).mapToDouble(Report.Epoch::seconds).sum();
                System.out.printf(Locale.ROOT, "round %d, digits CNN, %d thread%s: %.2f s, %.0f rows/s, test accuracy "
                        + "%.4f%n", round, threads, threads == 1 ? "" : "s", (System.nanoTime() - t0) / 1e9,
                        r.report().data().trainRows() * (double) (history.size() - 1) / seconds,
                        r.test().metrics().get("accuracy"));
            }
            System.out.flush();
        }
    }
}
