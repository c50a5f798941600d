package io.kiln.runtime;

import static com.google.common.truth.Truth.assertThat;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.learning.config.Adam;

/** The same spec, data and seed give the same model, seed 0 included. */
class SeedTest {

    @Test
    void seedZeroRepeatsAsAnyOtherSeed() throws Exception {
        // ND4J's native generator seeds itself from the clock when given 0: Kiln never hands it 0
        ModelDefinition def = TrainingFixtures.iris(new Adam(0.01)).fit(new FitSettings(5, 16, 0)).build();
        TrainingResult a = Trainer.train(def, TrainingFixtures.quiet());
        Thread.sleep(1100); // a clock-seeded generator would now draw other weights
        TrainingResult b = Trainer.train(def, TrainingFixtures.quiet());
        assertThat(b.model().network().params().toFloatVector())
                .isEqualTo(a.model().network().params().toFloatVector());
        assertThat(b.metrics()).isEqualTo(a.metrics());
        assertThat(new FitSettings(1, 1, 0).weightSeed()).isNotEqualTo(0L);
        assertThat(new FitSettings(1, 1, 42).weightSeed()).isEqualTo(42L);
    }
}
