package io.kiln.runtime;

import static com.google.common.truth.Truth.assertThat;
import static io.kiln.runtime.TrainingFixtures.quiet;

import io.kiln.dsl.Metric;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.schedule.ISchedule;

/** Learning-rate schedules: their values, their DL4J form, and their effect on real training. */
class LearningRateTest {
    @TempDir Path dir;

    static final double E = 1e-12;

    @Test
    void constant() {
        LearningRate lr = LearningRate.constant(0.1);
        assertThat(lr.isConstant()).isTrue();
        assertThat(lr.at(0, 10)).isEqualTo(0.1);
        assertThat(lr.at(5.5, 10)).isEqualTo(0.1);
        assertThat(lr.at(10, 10)).isEqualTo(0.1);
        assertThat(lr.withWarmup(2).isConstant()).isFalse();
    }

    @Test
    void stepDecayChangesAtEpochBoundaries() {
        LearningRate lr = LearningRate.step(0.1, 3, 0.5);
        assertThat(lr.isConstant()).isFalse();
        assertThat(lr.at(0, 9)).isWithin(E).of(0.1);
        assertThat(lr.at(2.99, 9)).isWithin(E).of(0.1);
        assertThat(lr.at(3, 9)).isWithin(E).of(0.05);
        assertThat(lr.at(4.5, 9)).isWithin(E).of(0.05);
        assertThat(lr.at(6, 9)).isWithin(E).of(0.025);
        assertThat(lr.at(9, 9)).isWithin(E).of(0.0125);
    }

    @Test
    void exponentialDecayIsSmoothPerEpoch() {
        LearningRate lr = LearningRate.exponential(0.1, 0.9);
        assertThat(lr.at(0, 10)).isWithin(E).of(0.1);
        assertThat(lr.at(0.5, 10)).isWithin(E).of(0.1 * Math.sqrt(0.9));
        assertThat(lr.at(2, 10)).isWithin(E).of(0.081);
        assertThat(lr.at(10, 10)).isWithin(E).of(0.1 * Math.pow(0.9, 10));
    }

    @Test
    void cosineAnnealsFromBaseToMinimum() {
        LearningRate lr = LearningRate.cosine(0.1, 0.001);
        assertThat(lr.at(0, 20)).isWithin(E).of(0.1);
        assertThat(lr.at(5, 20)).isWithin(E).of(0.001 + 0.099 * (1 + Math.cos(Math.PI / 4)) / 2);
        assertThat(lr.at(10, 20)).isWithin(E).of((0.1 + 0.001) / 2);
        assertThat(lr.at(20, 20)).isWithin(E).of(0.001);
        assertThat(lr.at(25, 20)).isWithin(E).of(0.001); // past the end it stays at the minimum
        for (double t = 0; t < 20; t += 0.5) {
            assertThat(lr.at(t + 0.5, 20)).isLessThan(lr.at(t, 20));
        }
    }

    @Test
    void oneCycleRisesToThePeakThenAnnealsBelowTheStart() {
        LearningRate lr = LearningRate.oneCycle(0.01, 0.1, 0.25);
        double end = 0.01 * LearningRate.ONE_CYCLE_END;
        assertThat(lr.at(0, 20)).isWithin(E).of(0.01);
        assertThat(lr.at(2.5, 20)).isWithin(E).of(0.055); // half way up
        assertThat(lr.at(5, 20)).isWithin(E).of(0.1); // the peak at 25% of the run
        assertThat(lr.at(12.5, 20)).isWithin(E).of(end + (0.1 - end) / 2); // half way down
        assertThat(lr.at(20, 20)).isWithin(E).of(end);
        assertThat(end).isWithin(E).of(1e-4);
    }

    @Test
    void warmupRampsLinearlyIntoTheSchedule() {
        LearningRate cosine = LearningRate.cosine(0.1, 0);
        LearningRate warm = cosine.withWarmup(4);
        assertThat(warm.warmupEpochs()).isEqualTo(4);
        assertThat(warm.at(0, 20)).isEqualTo(0.0);
        assertThat(warm.at(1, 20)).isWithin(E).of(cosine.at(1, 20) / 4);
        assertThat(warm.at(2, 20)).isWithin(E).of(cosine.at(2, 20) / 2);
        assertThat(warm.at(4, 20)).isWithin(E).of(cosine.at(4, 20));
        assertThat(warm.at(10, 20)).isWithin(E).of(cosine.at(10, 20));
        for (double t = 0; t < 4; t += 0.25) {
            assertThat(warm.at(t + 0.25, 20)).isGreaterThan(warm.at(t, 20));
        }
        assertThat(warm.describe()).contains("after 4 warm-up epochs");
        assertThat(cosine.describe()).doesNotContain("warm-up");
    }

    @Test
    void scheduleFollowsIterationsNotDl4jsEpochCounter() {
        // 5 minibatches per epoch: iteration 10 is the start of the third epoch
        KilnSchedule s = new KilnSchedule(LearningRate.step(0.1, 2, 0.5), 10, 5);
        assertThat(s.valueAt(0, 0)).isWithin(E).of(0.1);
        assertThat(s.valueAt(9, 0)).isWithin(E).of(0.1);
        assertThat(s.valueAt(10, 0)).isWithin(E).of(0.05);
        assertThat(s.valueAt(19, 0)).isWithin(E).of(0.05);
        assertThat(s.valueAt(20, 0)).isWithin(E).of(0.025);
        // DL4J's epoch counter does not advance under fit(DataSet); the schedule does not read it
        assertThat(s.valueAt(10, 7)).isEqualTo(s.valueAt(10, 0));
        KilnSchedule smooth = new KilnSchedule(LearningRate.exponential(0.1, 0.5), 10, 4);
        assertThat(smooth.valueAt(2, 0)).isWithin(E).of(0.1 * Math.pow(0.5, 0.5)); // half an epoch in
    }

    @Test
    void warmupStartsOneMinibatchInSoTheFirstUpdateIsNotZero() {
        KilnSchedule s = new KilnSchedule(LearningRate.constant(0.1).withWarmup(2), 10, 5);
        assertThat(s.valueAt(0, 0)).isWithin(E).of(0.1 * (1 / 5.0) / 2);
        assertThat(s.valueAt(4, 0)).isWithin(E).of(0.05);
        for (int i = 0; i < 9; i++) {
            assertThat(s.valueAt(i + 1, 0)).isGreaterThan(s.valueAt(i, 0));
        }
        assertThat(s.valueAt(9, 0)).isWithin(E).of(0.1);
        assertThat(s.valueAt(10, 0)).isWithin(E).of(0.1);
        assertThat(s.valueAt(49, 0)).isWithin(E).of(0.1);
    }

    @Test
    void scaledMultipliesAndFloorsWithoutChangingTheOriginal() {
        KilnSchedule s = new KilnSchedule(LearningRate.step(0.1, 1, 0.1), 10, 1);
        KilnSchedule half = s.scaled(0.5, 0.001);
        assertThat(half.valueAt(0, 0)).isWithin(E).of(0.05);
        assertThat(half.valueAt(1, 0)).isWithin(E).of(0.005);
        assertThat(half.valueAt(2, 0)).isWithin(E).of(0.001); // 0.0005, floored
        assertThat(half.valueAt(5, 0)).isWithin(E).of(0.001);
        assertThat(s.valueAt(0, 0)).isWithin(E).of(0.1);
        assertThat(s.valueAt(2, 0)).isWithin(E).of(0.001);
        assertThat(s.valueAt(3, 0)).isWithin(1e-15).of(0.0001); // no floor on the original
        assertThat(half.learningRate()).isEqualTo(s.learningRate());
        assertThat(half).isNotEqualTo(s);
        assertThat(half.clone()).isEqualTo(half);
        assertThat(half.clone().hashCode()).isEqualTo(half.hashCode());
    }

    static KilnSchedule nontrivial() {
        return new KilnSchedule(LearningRate.oneCycle(0.002, 0.03, 0.3).withWarmup(2), 40, 7).scaled(0.25, 1e-5);
    }

    static IUpdater updaterOf(MultiLayerConfiguration c, int layer) {
        return ((BaseLayer) c.getConf(layer).getLayer()).getIUpdater();
    }

    static ISchedule scheduleOf(IUpdater u) {
        if (u instanceof Adam a) {
            return a.getLearningRateSchedule();
        }
        if (u instanceof Sgd s) {
            return s.getLearningRateSchedule();
        }
        if (u instanceof Nesterovs n) {
            return n.getLearningRateSchedule();
        }
        return ((Momentum) u).getLearningRateSchedule();
    }

    @Test
    void updatersCarryingAKilnScheduleSurviveTheConfigurationJson() {
        KilnSchedule schedule = nontrivial();
        Momentum momentum = new Momentum(0.01, 0.9);
        momentum.setLearningRateSchedule(schedule);
        for (IUpdater updater : List.of(new Adam(schedule), new Sgd(schedule), new Nesterovs(schedule, 0.9),
                momentum)) {
            MultiLayerConfiguration c = TrainingFixtures.mlp(4, 1, updater, 8, 3, Activation.SOFTMAX,
                    LossFunctions.LossFunction.MCXENT);
            MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(c.toJson());
            for (int layer = 0; layer < 2; layer++) {
                IUpdater u = updaterOf(back, layer);
                assertThat(u.getClass()).isEqualTo(updater.getClass());
                assertThat(scheduleOf(u)).isEqualTo(schedule);
                for (int it : new int[] {0, 3, 14, 100, 279}) {
                    assertThat(u.getLearningRate(it, 0)).isEqualTo(schedule.valueAt(it, 0));
                }
            }
            assertThat(back).isEqualTo(c);
        }
    }

    // ---- in training: full-batch SGD, one update per epoch, so a parameter step is learning rate x gradient

    /** The initial parameters and those after every epoch, and the run's history. */
    record Steps(List<INDArray> params, TrainingResult result) {
        /** The size of the parameter step made in epoch {@code e} (1-based). */
        double step(int e) {
            return params.get(e).sub(params.get(e - 1)).norm2Number().doubleValue();
        }

        List<Double> rates() {
            return result.report().history().stream().map(Report.Epoch::learningRate).toList();
        }
    }

    static Steps trainFullBatch(ModelDefinition def) {
        List<INDArray> params = new ArrayList<>();
        // the trainer builds the network from the same configuration and seed: these are its initial weights
        params.add(def.newNetwork(4, def.fit().seed()).params().dup());
        TrainingResult r = Trainer.train(def, quiet().listener((e, m) -> params.add(m.network().params().dup())));
        return new Steps(params, r);
    }

    static ModelDefinition.Builder sgd(double lr, int epochs) {
        return TrainingFixtures.iris(new Sgd(lr)).fit(new FitSettings(epochs, 1000, 3));
    }

    @Test
    void stepDecayDrivesTheUpdaterAndIsRecordedPerEpoch() {
        // x0 after two epochs: the weights must stop moving
        Steps s = trainFullBatch(sgd(0.1, 5).learningRate(LearningRate.step(0.1, 2, 0.0)).build());
        assertThat(s.rates()).containsExactly(0.1, 0.1, 0.0, 0.0, 0.0).inOrder();
        assertThat(s.step(2)).isGreaterThan(1e-3);
        assertThat(s.step(3)).isEqualTo(0.0);
        assertThat(s.step(1)).isGreaterThan(1e-3);
        assertThat(s.params().get(5)).isEqualTo(s.params().get(2));
        assertThat(s.result().report().training().learningRate()).isEqualTo(LearningRate.step(0.1, 2, 0).describe());
    }

    @Test
    void stepDecayOnAdamIsInstalledOnEveryLayerAndSavedWithTheModel() throws Exception {
        LearningRate lr = LearningRate.step(0.05, 2, 0.5);
        ModelDefinition def = TrainingFixtures.iris(new Adam(0.01)).learningRate(lr).fit(new FitSettings(6, 16, 3))
                .build();
        TrainingResult r = Trainer.train(def, quiet());
        List<Double> rates = r.report().history().stream().map(Report.Epoch::learningRate).toList();
        assertThat(rates).containsExactly(0.05, 0.05, 0.025, 0.025, 0.0125, 0.0125).inOrder();
        KilnSchedule expected = new KilnSchedule(lr, 6, 6); // 90 training rows in minibatches of 16
        MultiLayerNetwork net = r.model().network().layers();
        for (int layer = 0; layer < 2; layer++) {
            assertThat(scheduleOf(updaterOf(net.getLayerWiseConfigurations(), layer))).isEqualTo(expected);
        }
        Path file = dir.resolve("step.kiln");
        r.model().save(file);
        KilnModel loaded = KilnModel.load(file);
        for (int layer = 0; layer < 2; layer++) {
            assertThat(scheduleOf(updaterOf(loaded.network().layers().getLayerWiseConfigurations(), layer)))
                    .isEqualTo(expected);
        }
        assertThat(loaded.predict(new Object[][] {{5.1, 3.5, 1.4, 0.2}}).output(0))
                .isEqualTo(r.model().predict(new Object[][] {{5.1, 3.5, 1.4, 0.2}}).output(0));
    }

    @Test
    void momentumWithAScheduleTrainsAndReloads() throws Exception {
        ModelDefinition def = TrainingFixtures.iris(new Momentum(0.05, 0.9))
                .learningRate(LearningRate.cosine(0.05, 0.001)).fit(new FitSettings(4, 16, 3)).build();
        TrainingResult r = Trainer.train(def, quiet());
        Path file = dir.resolve("momentum.kiln");
        r.model().save(file);
        KilnModel loaded = KilnModel.load(file);
        IUpdater u = updaterOf(loaded.network().layers().getLayerWiseConfigurations(), 0);
        assertThat(u).isInstanceOf(Momentum.class);
        assertThat(((Momentum) u).getMomentum()).isEqualTo(0.9);
        assertThat(scheduleOf(u)).isEqualTo(new KilnSchedule(LearningRate.cosine(0.05, 0.001), 4, 6));
    }

    @Test
    void warmupHalvesTheFirstStep() {
        // one minibatch per epoch and 2 warm-up epochs: rates 1/2, 1, 1, 1 of the base
        Steps s = trainFullBatch(sgd(1e-3, 4).learningRate(LearningRate.constant(1e-3).withWarmup(2)).build());
        assertThat(s.rates()).containsExactly(5e-4, 1e-3, 1e-3, 1e-3).inOrder();
        // the gradient barely changes at this rate, so the steps scale with the rate
        assertThat(s.step(1) / s.step(2)).isWithin(0.02).of(0.5);
        assertThat(s.step(3) / s.step(2)).isWithin(0.02).of(1.0);
    }

    @Test
    void reduceOnPlateauHalvesTheRateAfterAPlateauDownToTheFloor() {
        // minDelta 1: no epoch improves the validation loss enough, so every epoch after the first is a plateau
        ModelDefinition def = sgd(1e-3, 6).plateau(new ReduceOnPlateau(Metric.LOSS, 0.5, 1, 1.0, 2e-4)).build();
        Steps s = trainFullBatch(def);
        List<Double> rates = s.rates();
        assertThat(rates.get(0)).isWithin(E).of(1e-3);
        assertThat(rates.get(1)).isWithin(E).of(1e-3);
        assertThat(rates.get(2)).isWithin(E).of(5e-4);
        assertThat(rates.get(3)).isWithin(E).of(2.5e-4);
        assertThat(rates.get(4)).isWithin(E).of(2e-4); // 1.25e-4, floored
        assertThat(rates.get(5)).isWithin(E).of(2e-4);
        // and the updater really uses them: each step is the rate times a nearly constant gradient
        assertThat(s.step(3) / s.step(2)).isWithin(0.02).of(0.5);
        assertThat(s.step(4) / s.step(3)).isWithin(0.02).of(0.5);
        assertThat(s.step(6) / s.step(5)).isWithin(0.02).of(1.0);
    }

    @Test
    void reduceOnPlateauWaitsForPatience() {
        ModelDefinition def = sgd(1e-3, 7).plateau(new ReduceOnPlateau(Metric.LOSS, 0.1, 3, 1.0, 0)).build();
        List<Double> rates = trainFullBatch(def).rates();
        // epoch 1 sets the best; epochs 2, 3, 4 do not improve: the rate drops from epoch 5 on
        for (int e = 0; e < 4; e++) {
            assertThat(rates.get(e)).isWithin(E).of(1e-3);
        }
        assertThat(rates.get(4)).isWithin(E).of(1e-4);
        assertThat(rates.get(6)).isWithin(E).of(1e-4);
    }

    @Test
    void withoutAScheduleTheOptimizersRateIsRecorded() {
        ModelDefinition def = TrainingFixtures.iris(new Adam(0.007)).fit(new FitSettings(2, 16, 3)).build();
        TrainingResult r = Trainer.train(def, quiet());
        assertThat(r.report().history().get(1).learningRate()).isWithin(E).of(0.007);
        assertThat(r.report().training().learningRate()).contains("constant");
        assertThat(scheduleOf(updaterOf(r.model().network().layers().getLayerWiseConfigurations(), 0))).isNull();
    }
}
