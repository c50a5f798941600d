package io.kiln.runtime;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import io.kiln.runtime.internal.train.TrainingLoop;
import java.nio.file.Path;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/**
 * Class weights multiply each training row's loss (and so its gradient) by its class's weight, and do
 * nothing else: the same weight for every class is a rescaled loss, which Adam (invariant to the
 * gradient's scale) trains to the same network as no weights at all, through DL4J's loop and on the
 * fast path. (A DL4J labels mask, the earlier way, also multiplied the output layer's pre-activations
 * by the weight, which trained a different network.)
 */
class ClassWeightsTrainingTest {
    @TempDir Path dir;

    private static TrainingResult train(boolean fast, ModelDefinition def) {
        return TrainingFixtures.withProperty(TrainingLoop.FAST_PROPERTY, Boolean.toString(fast),
                () -> Trainer.train(def, TrainingFixtures.quiet()));
    }

    private static ModelDefinition iris(ClassWeights weights) {
        ModelDefinition.Builder b = TrainingFixtures.iris(new Adam(0.01))
                .protocol(new HoldoutProtocol(0.2, 0.2, true, true)).fit(new FitSettings(20, 16, 5));
        if (weights != null) {
            b.classWeights(weights);
        }
        return b.build();
    }

    private static void assertSameWeights(TrainingResult a, TrainingResult b, String what) {
        float[] wa = a.model().network().params().toFloatVector();
        float[] wb = b.model().network().params().toFloatVector();
        double worst = 0;
        for (int i = 0; i < wa.length; i++) {
            worst = Math.max(worst, Math.abs(wa[i] - wb[i]) / Math.max(1, Math.abs(wa[i])));
        }
        assertWithMessage("%s: largest weight difference", what).that(worst).isLessThan(1e-3);
    }

    @Test
    void equalWeightsForEveryClassTrainTheUnweightedNetwork() {
        for (boolean fast : new boolean[] {false, true}) {
            TrainingResult plain = train(fast, iris(null));
            TrainingResult doubled = train(fast, iris(ClassWeights.of(2, 2, 2)));
            assertSameWeights(plain, doubled, fast ? "fast path" : "DL4J loop");
            // the weighted training loss is the plain one doubled
            assertThat(doubled.report().history().get(0).trainLoss())
                    .isWithin(1e-3).of(2 * plain.report().history().get(0).trainLoss());
        }
    }

    @Test
    void weightedRunsAreTheSameOnBothPathsAndSaveThePlainLoss() throws Exception {
        ModelDefinition def = iris(ClassWeights.of(1, 3, 0.5));
        TrainingResult dl4j = train(false, def);
        TrainingResult fast = train(true, def);
        assertSameWeights(dl4j, fast, "fast path against DL4J's loop");
        for (int e = 0; e < dl4j.report().history().size(); e++) {
            assertThat(fast.report().history().get(e).trainLoss()).isWithin(1e-4)
                    .of(dl4j.report().history().get(e).trainLoss());
        }
        for (TrainingResult r : new TrainingResult[] {dl4j, fast}) {
            assertThat(((BaseOutputLayer) r.model().network().outputLayer()).getLossFn()).isInstanceOf(LossMCXENT.class);
            Path file = dir.resolve("weighted-" + System.nanoTime() + ".kiln");
            r.model().save(file);
            assertThat(KilnModel.load(file).network().params().toFloatVector())
                    .isEqualTo(r.model().network().params().toFloatVector());
        }
    }

    @Test
    void aCheckpointAnEpochListenerWritesMidTrainingLoads() throws Exception {
        // while training, the network carries the row-weighted loss and seeded dropout; a listener sees it as saved
        ModelDefinition def = TrainingFixtures.iris(new Adam(0.01))
                .protocol(new HoldoutProtocol(0.2, 0.2, true, true)).fit(new FitSettings(4, 16, 5))
                .classWeights(ClassWeights.of(1, 2, 1))
                .network((n, seed) -> TrainingFixtures.mlpWithDropout(n, seed, new Adam(0.01), 16, 0.8))
                .build();
        Path checkpoint = dir.resolve("checkpoint.kiln");
        java.util.List<float[]> saved = new java.util.ArrayList<>();
        TrainingResult r = Trainer.train(def, TrainingFixtures.quiet().listener((epoch, model) -> {
            if (epoch.epoch() == 2) {
                try {
                    model.save(checkpoint);
                    saved.add(model.network().params().toFloatVector());
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        }));
        KilnModel loaded = KilnModel.load(checkpoint);
        assertThat(loaded.network().params().toFloatVector()).isEqualTo(saved.get(0));
        assertThat(((BaseOutputLayer) loaded.network().outputLayer()).getLossFn()).isInstanceOf(LossMCXENT.class);
        assertThat(r.report().history()).hasSize(4);
    }
}
