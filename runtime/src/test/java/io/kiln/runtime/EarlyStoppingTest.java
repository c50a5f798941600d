package io.kiln.runtime;

import io.kiln.runtime.internal.train.Monitor;
import static com.google.common.truth.Truth.assertThat;
import static io.kiln.runtime.TrainingFixtures.quiet;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kiln.dsl.Metric;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Early stopping on iris with a network far larger than the problem needs, trained for far more
 * epochs than it needs: the validation loss bottoms out within a few dozen epochs.
 */
class EarlyStoppingTest {
    static final int PLANNED = 150;

    static ModelDefinition overfitting(EarlyStopping es) {
        return TrainingFixtures.iris(new Adam(0.01))
                .fit(new FitSettings(PLANNED, 16, 3))
                .network((n, seed) -> TrainingFixtures.mlp(n, seed, new Adam(0.01), 64, 3, Activation.SOFTMAX,
                        LossFunctions.LossFunction.MCXENT, 64))
                .earlyStopping(es)
                .build();
    }

    /** A training run and the test metrics of the model as it stood after every epoch. */
    record Watched(TrainingResult result, List<Map<String, Double>> testByEpoch) {
        Report.TrainingSummary training() {
            return result.report().training();
        }

        Map<String, Double> atEpoch(int epoch) {
            return testByEpoch.get(epoch - 1);
        }
    }

    static Watched train(ModelDefinition def) {
        Trainer.Prepared p = Trainer.prepare(def, quiet());
        int[] test = p.split().test();
        List<Map<String, Double>> scores = new ArrayList<>();
        TrainingResult r = Trainer.train(def, p, quiet().listener((epoch, model) -> {
            assertThat(epoch.epoch()).isEqualTo(scores.size() + 1);
            scores.add(model.evaluate(p.data(), test)[0].metrics());
        }));
        return new Watched(r, scores);
    }

    @Test
    void restoreBestGivesTheTestScoreOfTheBestValidationEpoch() {
        Watched w = train(overfitting(new EarlyStopping(Metric.LOSS, 5, 0, true)));
        Report.TrainingSummary t = w.training();
        List<Report.Epoch> history = w.result().report().history();

        assertThat(t.stoppedEarly()).isTrue();
        assertThat(t.epochsRun()).isLessThan(PLANNED);
        assertThat(t.epochsPlanned()).isEqualTo(PLANNED);
        assertThat(history).hasSize(t.epochsRun());
        assertThat(w.testByEpoch()).hasSize(t.epochsRun());
        assertThat(t.monitor()).isEqualTo("loss");
        // the best epoch is the first with the lowest validation loss, and training went on `patience` more epochs
        int best = t.bestEpoch();
        double minLoss = history.stream().mapToDouble(Report.Epoch::validationLoss).min().getAsDouble();
        assertThat(history.get(best - 1).validationLoss()).isEqualTo(minLoss);
        for (int e = 1; e < best; e++) {
            assertThat(history.get(e - 1).validationLoss()).isGreaterThan(minLoss);
        }
        assertThat(t.epochsRun()).isEqualTo(best + 5);
        assertThat(t.restoredBest()).isTrue();

        // the final model is the best epoch's: the same test score, to the last digit
        Map<String, Double> atBest = w.atEpoch(best);
        Map<String, Double> last = w.atEpoch(t.epochsRun());
        assertThat(last.get("log_loss")).isNotEqualTo(atBest.get("log_loss")); // else the test could not fail
        for (String metric : List.of("log_loss", "accuracy", "macro_f1")) {
            assertThat(w.result().metrics().get(metric)).isWithin(1e-9).of(atBest.get(metric));
        }
        assertThat(w.result().model().metadata().testMetrics().get("log_loss")).isWithin(1e-9)
                .of(atBest.get("log_loss"));
        assertThat(w.result().report().metrics().get("log_loss")).isWithin(1e-9).of(atBest.get("log_loss"));
    }

    @Test
    void withoutRestoreBestTheLastEpochsWeightsStay() {
        Watched w = train(overfitting(new EarlyStopping(Metric.LOSS, 5, 0, false)));
        Report.TrainingSummary t = w.training();
        assertThat(t.stoppedEarly()).isTrue();
        assertThat(t.restoredBest()).isFalse();
        assertThat(t.epochsRun()).isEqualTo(t.bestEpoch() + 5);
        Map<String, Double> last = w.atEpoch(t.epochsRun());
        assertThat(last.get("log_loss")).isNotEqualTo(w.atEpoch(t.bestEpoch()).get("log_loss"));
        for (String metric : List.of("log_loss", "accuracy")) {
            assertThat(w.result().metrics().get(metric)).isWithin(1e-9).of(last.get(metric));
        }
    }

    @Test
    void accuracyMonitorKeepsTheHighestValidationAccuracy() {
        Watched w = train(overfitting(new EarlyStopping(Metric.ACCURACY, 4, 0, true)));
        Report.TrainingSummary t = w.training();
        List<Report.Epoch> history = w.result().report().history();
        assertThat(t.monitor()).isEqualTo("accuracy");
        int best = t.bestEpoch();
        double max = history.stream().mapToDouble(Report.Epoch::validationMetric).max().getAsDouble();
        // higher is better: the best epoch is the first to reach the maximum, not the lowest loss
        assertThat(history.get(best - 1).validationMetric()).isEqualTo(max);
        for (int e = 1; e < best; e++) {
            assertThat(history.get(e - 1).validationMetric()).isLessThan(max);
        }
        assertThat(t.stoppedEarly()).isTrue();
        assertThat(t.epochsRun()).isEqualTo(best + 4);
        assertThat(w.result().metrics().get("accuracy")).isWithin(1e-9).of(w.atEpoch(best).get("accuracy"));
        assertThat(w.result().metrics().get("log_loss")).isWithin(1e-9).of(w.atEpoch(best).get("log_loss"));
    }

    @Test
    void withoutEarlyStoppingEveryEpochRunsAndTheLowestValidationLossIsTheBestEpoch() {
        ModelDefinition def = TrainingFixtures.iris(new Adam(0.01)).fit(new FitSettings(12, 16, 3)).build();
        TrainingResult r = Trainer.train(def, quiet());
        Report.TrainingSummary t = r.report().training();
        assertThat(t.epochsRun()).isEqualTo(12);
        assertThat(t.stoppedEarly()).isFalse();
        assertThat(t.restoredBest()).isFalse();
        double min = r.report().history().stream().mapToDouble(Report.Epoch::validationLoss).min().getAsDouble();
        assertThat(r.report().history().get(t.bestEpoch() - 1).validationLoss()).isEqualTo(min);
    }

    @Test
    void earlyStoppingNeedsValidationData() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrainingFixtures.iris(new Adam(0.01)).protocol(new HoldoutProtocol(0, 0.2, true, true))
                        .earlyStopping(new EarlyStopping(Metric.LOSS, 5, 0, true)).build());
        assertThat(e).hasMessageThat().contains("has none");
    }

    @Test
    void monitorOfALossWantsItLower() {
        Monitor m = new Monitor(Metric.LOSS, 0.1);
        assertThat(m.improved(1.0, Map.of())).isTrue(); // the first value is always the best so far
        assertThat(m.improved(0.95, Map.of())).isFalse(); // better, but by less than minDelta
        assertThat(m.waited()).isEqualTo(1);
        assertThat(m.improved(1.5, Map.of())).isFalse();
        assertThat(m.waited()).isEqualTo(2);
        assertThat(m.improved(0.85, Map.of())).isTrue();
        assertThat(m.waited()).isEqualTo(0);
        assertThat(m.best()).isEqualTo(0.85);
    }

    @Test
    void monitorOfAMetricReadsItAndWantsItHigherWhenHigherIsBetter() {
        Monitor acc = new Monitor(Metric.ACCURACY, 0);
        assertThat(acc.improved(9, Map.of("accuracy", 0.5))).isTrue();
        assertThat(acc.improved(0.1, Map.of("accuracy", 0.4))).isFalse(); // the loss is ignored
        assertThat(acc.improved(9, Map.of("accuracy", 0.5))).isFalse(); // equal is not better
        assertThat(acc.improved(9, Map.of("accuracy", 0.6))).isTrue();
        assertThat(acc.best()).isEqualTo(0.6);
        Monitor mae = new Monitor(Metric.MAE, 0);
        assertThat(mae.improved(0, Map.of("mae", 2.0))).isTrue();
        assertThat(mae.improved(0, Map.of("mae", 3.0))).isFalse();
        assertThat(mae.improved(0, Map.of("mae", 1.0))).isTrue();
    }

    @Test
    void validationLossStaysFiniteWhenTheModelBecomesConfident() {
        // Adam at 0.05 on the large network: within a few epochs some validation rows get a probability
        // of exactly 0 (float underflow) for a class that is not theirs. The validation loss must stay a
        // number, or early stopping never sees an improvement again and the diagnosis has no curve.
        ModelDefinition def = TrainingFixtures.iris(new Adam(0.05)).fit(new FitSettings(12, 16, 3))
                .network((n, seed) -> TrainingFixtures.mlp(n, seed, new Adam(0.05), 64, 3, Activation.SOFTMAX,
                        LossFunctions.LossFunction.MCXENT, 64))
                .build();
        Trainer.Prepared p = Trainer.prepare(def, quiet());
        List<Double> logLoss = new ArrayList<>();
        TrainingResult r = Trainer.train(def, p, quiet().listener((e, m) -> logLoss.add(
                m.evaluate(p.data(), p.split().validation())[0].metrics().get("log_loss"))));
        List<Report.Epoch> history = r.report().history();
        assertThat(history.get(0).validationLoss()).isWithin(1e-4).of(logLoss.get(0));
        for (Report.Epoch e : history) {
            assertThat(e.validationLoss()).isFinite();
        }
        assertThat(r.report().diagnosis()).isNotNull();
    }
}
