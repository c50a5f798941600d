package io.kiln.runtime.internal.evaluate;

import static com.google.common.truth.Truth.assertThat;

import io.kiln.runtime.Report;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.IntToDoubleFunction;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fit diagnosis against recorded cases: learning curves whose right reading is known, each with the
 * verdict and the advice it must give. Two kinds of case:
 *
 * <ul>
 *   <li>curves reported by a user with the wrong advice the diagnosis gave them (rebuilt from the numbers
 *       reported: best epoch, losses, early stopping), and
 *   <li>curves recorded from real runs of the bundled examples ({@code curves/*.txt}: every monitored run
 *       of the example, one per fold for k-fold, training and validation loss per epoch).
 * </ul>
 */
class DiagnosisCasesTest {

    /**
     * A recorded case.
     *
     * @param runs the monitored runs: one for a holdout or temporal split, one per fold for k-fold
     * @param kfold whether the runs are folds (diagnosed each on its own curve)
     * @param contains phrases the advice must contain
     * @param absent phrases the advice must not contain
     */
    record Case(String name, List<Diagnostics.Curve> runs, boolean kfold, boolean earlyStopping, String verdict,
            List<String> contains, List<String> absent) {
        @Override
        public String toString() {
            return name;
        }

        Report.Diagnosis diagnose() {
            return kfold ? Diagnostics.diagnoseFolds(runs, earlyStopping).diagnosis()
                    : Diagnostics.diagnose(runs.get(0), earlyStopping);
        }
    }

    static List<Report.Epoch> curve(int epochs, IntToDoubleFunction train, IntToDoubleFunction validation) {
        List<Report.Epoch> h = new ArrayList<>();
        for (int e = 1; e <= epochs; e++) {
            h.add(new Report.Epoch(e, train.applyAsDouble(e), validation.applyAsDouble(e), Double.NaN, Double.NaN,
                    0.001, 0.1));
        }
        return h;
    }

    static Diagnostics.Curve run(List<Report.Epoch> h, boolean stoppedEarly) {
        return new Diagnostics.Curve(h, h.get(0).trainLoss(), stoppedEarly);
    }

    // ---- the user's cases

    /**
     * Best validation epoch 19 of 100, validation loss rising 7% after it while the training loss kept
     * falling, training and validation loss close at the best epoch: was "underfitting... add units or
     * layers"; removing the hidden layer is what helped.
     */
    static Case earlyBestWithRisingValidation() {
        List<Report.Epoch> h = curve(100, e -> 0.40 + 0.29 * Math.exp(-(e - 1) / 25.0),
                e -> e <= 19 ? 0.52 + 0.17 * (19 - e) / 18.0 : 0.52 + 0.04 * (e - 19) / 81.0);
        return new Case("user: best epoch 19 of 100, validation rising", List.of(run(h, false)), false, false,
                "overfitting", List.of("best at epoch 19 of 100", "a smaller network", "add @EarlyStopping"),
                List.of("Add units or layers"));
    }

    /**
     * Five folds, each ended by early stopping (patience 20) 20 epochs after its best epoch (25 to 45),
     * validation loss flat after it. Averaged up to the shortest fold (45 epochs), the curve is still
     * falling at its end: was "still improving... train for more epochs".
     */
    static List<Diagnostics.Curve> foldsThatAllStoppedEarly() {
        List<Diagnostics.Curve> folds = new ArrayList<>();
        for (int best : new int[] {25, 30, 35, 40, 45}) {
            final int b = best;
            List<Report.Epoch> h = curve(best + 20, e -> 0.30 + 0.6 * Math.exp(-e / (b / 3.0)),
                    e -> e <= b ? 0.36 + 0.6 * Math.exp(-e / (b / 3.0)) + 0.002 * (b - e) / (double) b
                            : 0.36 + 0.6 * Math.exp(-b / (b / 3.0)) + 0.0002 * (e - b));
            folds.add(run(h, true));
        }
        return folds;
    }

    static Case kfoldEveryFoldStoppedEarly() {
        return new Case("user: k-fold, every fold stopped early", foldsThatAllStoppedEarly(), true, true, "good fit",
                List.of("Read on each fold's own curve: good fit in 5 of 5 folds"),
                List.of("train for more epochs"));
    }

    /** Validation loss 0.80 against training loss 0.37 at the best epoch, flat after it: was "good fit". */
    static Case largeGap() {
        List<Report.Epoch> h = curve(60, e -> 0.35 + 0.34 * Math.exp(-(e - 1) / 12.0) + (e <= 40 ? 0.0 : 0.0),
                e -> e <= 40 ? 0.80 + 0.15 * (40 - e) / 39.0 : 0.80 + 0.0001 * (e - 40));
        // at epoch 40: training loss 0.35 + 0.34 e^-3.25 = 0.363
        return new Case("user: validation 0.80 against training 0.37", List.of(run(h, true)), false, true,
                "overfitting", List.of("times the training loss", "Regularize"), List.of("did not rise much"));
    }

    // ---- recorded from the bundled examples

    static Case example(String file, String verdict, List<String> contains, List<String> absent) {
        String resource = "curves/" + file + ".txt";
        List<Diagnostics.Curve> runs = new ArrayList<>();
        boolean earlyStopping = false;
        boolean kfold = false;
        int planned = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(Objects.requireNonNull(
                DiagnosisCasesTest.class.getResourceAsStream(resource), resource), StandardCharsets.UTF_8))) {
            List<String> lines = r.lines().filter(l -> !l.startsWith("#") && !l.isBlank()).toList();
            double[] train = null;
            for (String line : lines) {
                String[] w = line.trim().split(" +");
                switch (w[0]) {
                    case "planned" -> planned = Integer.parseInt(w[1]);
                    case "earlyStopping" -> earlyStopping = Boolean.parseBoolean(w[1]);
                    case "kfold" -> kfold = Boolean.parseBoolean(w[1]);
                    case "train" -> train = Arrays.stream(w).skip(1).mapToDouble(Double::parseDouble).toArray();
                    case "validation" -> {
                        double[] v = Arrays.stream(w).skip(1).mapToDouble(Double::parseDouble).toArray();
                        final double[] t = train;
                        List<Report.Epoch> h = curve(v.length, e -> t[e - 1], e -> v[e - 1]);
                        // a run shorter than planned was ended by early stopping
                        runs.add(run(h, earlyStopping && v.length < planned));
                    }
                    default -> { }
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return new Case("example: " + file, runs, kfold, earlyStopping, verdict, contains, absent);
    }

    static Stream<Case> cases() {
        return Stream.of(earlyBestWithRisingValidation(), kfoldEveryFoldStoppedEarly(), largeGap()
,
                // sunspots (temporal split, early stopping ended it at epoch 111): validation loss 0.194 against
                // training loss 0.085 at the best epoch, and over the last tenth of the epochs 16% above its best
                // while the training loss kept falling; was "good fit"
                example("sunspots", "overfitting", List.of("best at epoch 81 of 111 and then rose 16%",
                        "early stopping ended the run on it", "Regularize"), List.of("did not rise much")),
                // the linear diabetes model, 5 folds of 50 epochs: converged, training and validation loss close
                // in every fold and flat at the end. The curves show no fault; the model's limit (R² about 0.5)
                // shows in its metrics beside the baseline
                example("diabetes-linear", "good fit", List.of("good fit in 5 of 5 folds"),
                        List.of("train for more epochs", "Add units"))
        );
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void verdictAndAdvice(Case c) {
        Report.Diagnosis d = c.diagnose();
        assertThat(d).isNotNull();
        String advice = String.join(" ", d.advice());
        assertThat(d.verdict()).isEqualTo(c.verdict());
        for (String s : c.contains()) {
            assertThat(advice).contains(s);
        }
        for (String s : c.absent()) {
            assertThat(advice).doesNotContain(s);
        }
    }

    /** The cause of the k-fold case: the folds' curves averaged up to the shortest fold end still falling. */
    @org.junit.jupiter.api.Test
    void theTruncatedAverageOfFoldsThatStoppedEarlyLooksStillImproving() {
        List<Diagnostics.Curve> folds = foldsThatAllStoppedEarly();
        int shortest = folds.stream().mapToInt(f -> f.history().size()).min().getAsInt();
        List<Report.Epoch> mean = curve(shortest,
                e -> folds.stream().mapToDouble(f -> f.history().get(e - 1).trainLoss()).average().getAsDouble(),
                e -> folds.stream().mapToDouble(f -> f.history().get(e - 1).validationLoss()).average().getAsDouble());
        assertThat(Diagnostics.diagnose(mean, mean.get(0).trainLoss(), true).verdict()).isEqualTo("still improving");
        // each fold on its own: early stopping ended it, so none is still improving
        for (Diagnostics.Curve f : folds) {
            assertThat(Diagnostics.diagnose(f, true).verdict()).isEqualTo("good fit");
        }
    }
}
