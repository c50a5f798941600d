package io.kiln.runtime;

import static com.google.common.truth.Truth.assertThat;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.learning.config.Adam;

/**
 * Parameter averaging over this machine's threads: it learns as one thread does, trains nothing in
 * the calling thread's loop, and gives the same weights on every run (the shards' results are
 * summed in shard order, whichever thread finishes first).
 */
class TrainingThreadsTest {
    @Test
    void twoThreadsLearnAsOneDoesAndEveryRunIsTheSame() {
        ModelDefinition def = TrainingFixtures.iris(new Adam(0.02)).protocol(new HoldoutProtocol(0.2, 0.2, true, true))
                .fit(new FitSettings(40, 8, 5)).build();
        TrainingResult one = Trainer.train(def, TrainingFixtures.quiet());
        TrainingResult a = Trainer.train(def, TrainingFixtures.quiet().dataParallel(new TrainingThreads(2, 3)));
        TrainingResult b = Trainer.train(def, TrainingFixtures.quiet().dataParallel(new TrainingThreads(2, 3)));
        assertThat(one.metrics().get("accuracy")).isGreaterThan(0.85);
        assertThat(a.metrics().get("accuracy")).isAtLeast(one.metrics().get("accuracy") - 0.07);
        assertThat(a.model().network().params()).isEqualTo(b.model().network().params());
        // not one thread's run: the averaged weights differ
        assertThat(a.model().network().params()).isNotEqualTo(one.model().network().params());
    }

    @Test
    void aScheduleFollowsTheEpochsAsInOneThread() {
        // an epoch on two shards is half the steps: the schedule counts epochs in the shards' steps
        ModelDefinition def = TrainingFixtures.iris(new Adam(0.02)).protocol(new HoldoutProtocol(0.2, 0.2, true, true))
                .fit(new FitSettings(20, 8, 5)).learningRate(LearningRate.cosine(0.02, 0.001)).build();
        TrainingResult one = Trainer.train(def, TrainingFixtures.quiet());
        TrainingResult two = Trainer.train(def, TrainingFixtures.quiet().dataParallel(new TrainingThreads(2, 3)));
        for (int e = 0; e < 20; e++) {
            assertThat(two.report().history().get(e).learningRate())
                    .isWithin(1e-12).of(one.report().history().get(e).learningRate());
        }
        assertThat(two.report().history().get(19).learningRate()).isLessThan(0.003);
    }

    @Test
    void classWeightsAndDropoutTrainOnTheShards() {
        ModelDefinition def = TrainingFixtures.iris(new Adam(0.02)).protocol(new HoldoutProtocol(0.2, 0.2, true, true))
                .fit(new FitSettings(40, 8, 5))
                .network((n, seed) -> TrainingFixtures.mlpWithDropout(n, seed, new Adam(0.02), 32, 0.8))
                .classWeights(ClassWeights.of(1, 2, 2)).build();
        long steps = io.kiln.runtime.internal.fast.FastPath.steps();
        TrainingResult r = Trainer.train(def, TrainingFixtures.quiet().dataParallel(new TrainingThreads(2, 3)));
        // the shards' networks ran on the fast path (seeded dropout, row weights), and learned
        assertThat(io.kiln.runtime.internal.fast.FastPath.steps()).isGreaterThan(steps);
        assertThat(r.metrics().get("accuracy")).isGreaterThan(0.8);
    }
}
