package io.kiln.runtime;

import static com.google.common.truth.Truth.assertThat;

import io.kiln.dsl.Members;
import io.kiln.runtime.internal.train.Parallel;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.learning.config.Adam;

/**
 * Folds of a cross-validation and the seeds of an ensemble train side by side, and give exactly what
 * they give one after another: the same fold metrics, the same final weights.
 */
class ParallelTrainingTest {

    private static TrainingResult trainWith(int parallel, ModelDefinition def) {
        return TrainingFixtures.withProperty(Parallel.PROPERTY, Integer.toString(parallel),
                () -> Trainer.train(def, TrainingFixtures.quiet()));
    }

    private static void assertSame(TrainingResult a, TrainingResult b) {
        assertThat(b.report().crossValidation().folds().stream().map(f -> f.metrics()).toList())
                .isEqualTo(a.report().crossValidation().folds().stream().map(f -> f.metrics()).toList());
        assertThat(b.metrics()).isEqualTo(a.metrics());
        assertThat(b.model().network().params().toFloatVector()).isEqualTo(a.model().network().params()
                .toFloatVector());
    }

    @Test
    void foldsSideBySideGiveTheFoldsOneAfterAnother() {
        ModelDefinition def = TrainingFixtures.iris(new Adam(0.01)).protocol(new KFoldProtocol(5, 2, true, true, 0.2))
                .fit(new FitSettings(15, 16, 3)).build();
        assertSame(trainWith(1, def), trainWith(2, def));
    }

    @Test
    void ensembleSeedsSideBySideGiveTheSeedsOneAfterAnother() {
        ModelDefinition def = TrainingFixtures.iris(new Adam(0.01)).protocol(new KFoldProtocol(3, 1, true, true, 0.2))
                .fit(new FitSettings(10, 16, 3)).ensemble(new Ensemble(Members.SEEDS, 3)).build();
        assertSame(trainWith(1, def), trainWith(2, def));
    }

    @Test
    void aBadSettingIsNamed() {
        System.setProperty(Parallel.PROPERTY, "two");
        try {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    Parallel::width);
            assertThat(e).hasMessageThat().contains("-Dkiln.parallel must be a whole number");
        } finally {
            System.clearProperty(Parallel.PROPERTY);
        }
        assertThat(Parallel.map(3, i -> i * i, true)).isEqualTo(List.of(0, 1, 4));
    }
}
