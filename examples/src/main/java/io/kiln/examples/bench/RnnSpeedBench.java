package io.kiln.examples.bench;

import io.kiln.examples.sunspots.SunspotsLstmTrainer;
import io.kiln.runtime.Report;
import io.kiln.runtime.TrainOptions;
import io.kiln.runtime.Trainer;
import io.kiln.runtime.TrainingResult;
import io.kiln.runtime.internal.train.TrainingLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The examples' sunspots LSTM (windows of 22 years, 32 units, batch 16, Adam, gradient clipping), Kiln
 * against PyTorch on the same machine in the same run, one thread each, in interleaved rounds: Kiln's
 * generated trainer (one warm-up epoch, then timed epochs, validation included), on the fast path and
 * through DL4J's minibatch loop ({@code -Dkiln.fast=false}), and {@code src/bench/rnn_torch.py} (the
 * same network, batch, optimizer and clipping, run with Debian's {@code /usr/bin/python3}, on the same
 * training windows and scoring the same validation windows every epoch).
 * Prints each round and the medians of training rows per second.
 *
 * <p>Arguments: rounds (default 5), timed epochs (default 25; fewer than the example's early-stopping patience, so every run trains them all).
 */
public final class RnnSpeedBench {
    private RnnSpeedBench() {}

    public static void main(String... args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 25;
        List<Double> kiln = new ArrayList<>();
        List<Double> dl4j = new ArrayList<>();
        List<Double> torch = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            System.setProperty(TrainingLoop.FAST_PROPERTY, "true");
            kiln.add(kiln(epochs));
            System.setProperty(TrainingLoop.FAST_PROPERTY, "false");
            dl4j.add(kiln(epochs));
            torch.add(torch(epochs));
            System.out.printf(Locale.ROOT, "round %d: kiln %.0f rows/s, kiln through DL4J's loop %.0f, torch %.0f "
                    + "(%d training rows, %d validation rows per epoch)%n", round, kiln.get(kiln.size() - 1),
                    dl4j.get(dl4j.size() - 1), torch.get(torch.size() - 1), trainRows, validationRows);
            System.out.flush();
        }
        TorchComparison.printTable(rounds, kiln, dl4j, torch);
    }

    /** Training and validation rows of the last Kiln run, which the PyTorch run uses too. */
    private static int trainRows;
    private static int validationRows;

    /** Training rows per second of Kiln's epochs after the first. */
    private static double kiln(int epochs) {
        TrainingResult r = Trainer.train(SunspotsLstmTrainer.DEFINITION,
                TrainOptions.defaults().quiet().references(false).epochs(epochs + 1));
        List<Report.Epoch> history = r.report().history();
        trainRows = r.report().data().trainRows();
        validationRows = r.report().data().validationRows();
        double seconds = history.stream().skip(1).mapToDouble(Report.Epoch::seconds).sum();
        return r.report().data().trainRows() * (double) (history.size() - 1) / seconds;
    }

    private static double torch(int epochs) throws Exception {
        return TorchComparison.rowsPerSecond("rnn_torch.py",
                "src/main/resources/io/kiln/examples/sunspots/sunspots_yearly.csv", Integer.toString(trainRows),
                Integer.toString(validationRows), Integer.toString(epochs));
    }
}
