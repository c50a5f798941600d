package io.kiln.examples.bench;

import io.kiln.examples.fashion.FashionCnnTrainer;
import io.kiln.runtime.Report;
import io.kiln.runtime.TrainOptions;
import io.kiln.runtime.Trainer;
import io.kiln.runtime.TrainingResult;
import io.kiln.runtime.internal.train.TrainingLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The examples' Fashion-MNIST CNN, Kiln against PyTorch on the same machine in the same run, one
 * thread each, in interleaved rounds: Kiln's generated trainer on a sample of the training images
 * (one warm-up epoch, then timed epochs, validation included), on the fast path and through DL4J's
 * minibatch loop ({@code -Dkiln.fast=false}), and {@code src/bench/cnn_torch.py}
 * (the same network, batch and optimizer, run with Debian's {@code /usr/bin/python3}, scoring as many
 * validation rows every epoch as Kiln's run did).
 * Prints each round and the medians of training rows per second.
 *
 * <p>Arguments: rounds (default 3), rows (default 6000), timed epochs (default 2).
 */
public final class CnnSpeedBench {
    private CnnSpeedBench() {}

    public static void main(String... args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int rows = args.length > 1 ? Integer.parseInt(args[1]) : 6000;
        int epochs = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        List<Double> kiln = new ArrayList<>();
        List<Double> dl4j = new ArrayList<>();
        List<Double> torch = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            System.setProperty(TrainingLoop.FAST_PROPERTY, "true");
            kiln.add(kiln(rows, epochs));
            System.setProperty(TrainingLoop.FAST_PROPERTY, "false");
            dl4j.add(kiln(rows, epochs));
            torch.add(torch(rows, epochs));
            System.out.printf(Locale.ROOT, "round %d: kiln %.0f rows/s, kiln through DL4J's loop %.0f, torch %.0f "
                    + "(each scoring %d validation rows per epoch)%n", round, kiln.get(kiln.size() - 1),
                    dl4j.get(dl4j.size() - 1), torch.get(torch.size() - 1), validationRows);
            System.out.flush();
        }
        TorchComparison.printTable(rounds, kiln, dl4j, torch);
    }

    /** Training rows per second of Kiln's epochs after the first, on {@code rows} images. */
    /** Validation rows of the last Kiln run, which the PyTorch run scores too. */
    private static int validationRows;

    private static double kiln(int rows, int epochs) {
        TrainingResult r = Trainer.train(FashionCnnTrainer.DEFINITION, TrainOptions.defaults().quiet().references(false).sample(rows)
                .epochs(epochs + 1));
        List<Report.Epoch> history = r.report().history();
        validationRows = r.report().data().validationRows();
        double seconds = history.stream().skip(1).mapToDouble(Report.Epoch::seconds).sum();
        return r.report().data().trainRows() * (double) (history.size() - 1) / seconds;
    }

    private static double torch(int rows, int epochs) throws Exception {
        return TorchComparison.rowsPerSecond("cnn_torch.py", Integer.toString(rows), Integer.toString(epochs),
                Integer.toString(validationRows));
    }
}
