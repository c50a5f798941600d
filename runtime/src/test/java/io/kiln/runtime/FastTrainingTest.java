package io.kiln.runtime;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import io.kiln.dsl.Metric;
import io.kiln.runtime.internal.fast.FastPath;
import io.kiln.runtime.internal.train.TrainingLoop;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Nesterovs;

/**
 * Whole trainings through the plain-Java minibatch loop and through DL4J's give the same run: every
 * epoch's losses and metrics, the epoch early stopping kept, the final weights and the test metrics.
 * The callbacks between epochs (early stopping's snapshots, reduce-on-plateau's rates, schedules) act
 * on the DL4J network the trainer copies in and out.
 */
class FastTrainingTest {
    @TempDir Path dir;

    private static TrainingResult train(boolean fast, ModelDefinition def) {
        long steps = FastPath.steps();
        TrainingResult result = TrainingFixtures.withProperty(TrainingLoop.FAST_PROPERTY, Boolean.toString(fast),
                () -> Trainer.train(def, TrainingFixtures.quiet()));
        assertWithMessage("steps taken in plain Java").that(FastPath.steps() > steps).isEqualTo(fast);
        return result;
    }

    private static void assertSameRun(TrainingResult dl4j, TrainingResult fast) {
        List<Report.Epoch> a = dl4j.report().history();
        List<Report.Epoch> b = fast.report().history();
        assertThat(b.size()).isEqualTo(a.size());
        for (int i = 0; i < a.size(); i++) {
            assertWithMessage("train loss of epoch %s", i + 1).that(b.get(i).trainLoss()).isWithin(1e-4)
                    .of(a.get(i).trainLoss());
            if (!Double.isNaN(a.get(i).validationLoss())) {
                assertWithMessage("validation loss of epoch %s", i + 1).that(b.get(i).validationLoss()).isWithin(1e-4)
                        .of(a.get(i).validationLoss());
            }
            assertWithMessage("learning rate of epoch %s", i + 1).that(b.get(i).learningRate()).isWithin(1e-12)
                    .of(a.get(i).learningRate());
        }
        assertThat(fast.report().training().bestEpoch()).isEqualTo(dl4j.report().training().bestEpoch());
        for (Map.Entry<String, Double> m : dl4j.metrics().entrySet()) {
            assertWithMessage(m.getKey()).that(fast.metrics().get(m.getKey())).isWithin(1e-3).of(m.getValue());
        }
        float[] wa = dl4j.model().network().params().toFloatVector();
        float[] wb = fast.model().network().params().toFloatVector();
        for (int i = 0; i < wa.length; i++) {
            assertWithMessage("parameter %s", i).that((double) wb[i]).isWithin(1e-3 * Math.max(1, Math.abs(wa[i])))
                    .of(wa[i]);
        }
    }

    @Test
    void aHoldoutRunWithEarlyStoppingAndReduceOnPlateauIsTheSameRun() {
        ModelDefinition def = TrainingFixtures.iris(new Adam(0.02))
                .protocol(new HoldoutProtocol(0.2, 0.2, true, true))
                .fit(new FitSettings(40, 8, 5))
                .earlyStopping(new EarlyStopping(Metric.LOSS, 6, 0, true))
                .plateau(new ReduceOnPlateau(Metric.LOSS, 0.5, 2, 0, 1e-5))
                .build();
        TrainingResult dl4j = train(false, def);
        TrainingResult fast = train(true, def);
        assertSameRun(dl4j, fast);
        assertThat(fast.metrics().get("accuracy")).isGreaterThan(0.85);
    }

    @Test
    void aScheduledCrossValidationIsTheSameRun() {
        ModelDefinition def = TrainingFixtures.iris(new Nesterovs(0.05, 0.9))
                .protocol(new KFoldProtocol(3, 1, true, true, 0.2))
                .fit(new FitSettings(15, 16, 9))
                .learningRate(LearningRate.cosine(0.05, 0.001))
                .build();
        TrainingResult dl4j = train(false, def);
        TrainingResult fast = train(true, def);
        assertThat(fast.report().crossValidation().folds().size()).isEqualTo(3);
        for (int f = 0; f < 3; f++) {
            Map<String, Double> a = dl4j.report().crossValidation().folds().get(f).metrics();
            Map<String, Double> b = fast.report().crossValidation().folds().get(f).metrics();
            for (String key : a.keySet()) {
                assertWithMessage("fold %s %s", f, key).that(b.get(key)).isWithin(1e-3).of(a.get(key));
            }
        }
        assertSameRun(dl4j, fast);
    }

    @Test
    void aNetworkWithDropoutIsTheSameRunAndSavesDl4jsDropout() throws Exception {
        ModelDefinition def = TrainingFixtures.iris(new Adam(0.02))
                .protocol(new HoldoutProtocol(0.2, 0.2, true, true)).fit(new FitSettings(30, 8, 6))
                .network((n, seed) -> TrainingFixtures.mlpWithDropout(n, seed, new Adam(0.02), 32, 0.7))
                .build();
        TrainingResult dl4j = train(false, def);
        TrainingResult fast = train(true, def);
        assertSameRun(dl4j, fast);
        Path file = dir.resolve("dropout.kiln");
        fast.model().save(file);
        var layer = KilnModel.load(file).network().layers().getLayer(1).conf().getLayer();
        assertThat(layer.getIDropout()).isInstanceOf(org.deeplearning4j.nn.conf.dropout.Dropout.class);
    }

    @Test
    void recurrentForecastersWithGradientClippingAreTheSameRun() {
        // the sunspots example's LSTM keeping its last step, and a simple RNN handing every step to it
        ModelDefinition lstm = TrainingFixtures.sunspots(new Adam(0.005), 12, l -> l
                        .layer(new org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep(
                                new org.deeplearning4j.nn.conf.layers.LSTM.Builder().nOut(16)
                                        .activation(org.nd4j.linalg.activations.Activation.TANH).build())))
                .earlyStopping(new EarlyStopping(Metric.LOSS, 5, 0, true)).fit(new FitSettings(25, 16, 42)).build();
        TrainingResult dl4j = train(false, lstm);
        TrainingResult fast = train(true, lstm);
        assertSameRun(dl4j, fast);
        // it learned: the forecast error is below the spread of the series (standardized, about 1)
        assertThat(fast.metrics().get("r2")).isGreaterThan(0.5);
        ModelDefinition stacked = TrainingFixtures.sunspots(new Nesterovs(0.01, 0.9), 10, l -> l
                .layer(new org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn.Builder().nOut(8)
                        .activation(org.nd4j.linalg.activations.Activation.TANH).build())
                .layer(new org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep(
                        new org.deeplearning4j.nn.conf.layers.LSTM.Builder().nOut(8)
                                .activation(org.nd4j.linalg.activations.Activation.TANH).build())))
                .fit(new FitSettings(15, 32, 5)).build();
        assertSameRun(train(false, stacked), train(true, stacked));
    }

    @Test
    void aBinaryModelIsTheSameRunAndItsFileLoadsAnywhere() throws Exception {
        Path csv = TrainingFixtures.writeVirginicaCsv(dir.resolve("virginica.csv"));
        ModelDefinition def = TrainingFixtures.virginica(new Adam(0.01), csv)
                .protocol(new HoldoutProtocol(0.2, 0.2, true, true)).fit(new FitSettings(20, 16, 4)).build();
        TrainingResult dl4j = train(false, def);
        TrainingResult fast = train(true, def);
        assertSameRun(dl4j, fast);
        Path file = dir.resolve("virginica.kiln");
        fast.model().save(file);
        KilnModel loaded = KilnModel.load(file);
        assertThat(loaded.network().params().toFloatVector()).isEqualTo(fast.model().network().params()
                .toFloatVector());
    }
}
