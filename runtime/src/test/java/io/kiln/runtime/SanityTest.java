package io.kiln.runtime;

import static com.google.common.truth.Truth.assertThat;
import static io.kiln.runtime.TrainingFixtures.quiet;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Sgd;

/** The sanity check: can the model overfit a handful of training rows? */
class SanityTest {

    @Test
    void irisCanOverfitTwentyRows() {
        Trainer.Sanity s = Trainer.sanity(TrainingFixtures.iris(new Adam(0.05)).build(), quiet(), 20, 100);
        assertThat(s.passed()).isTrue();
        assertThat(s.rows()).isEqualTo(20);
        assertThat(s.epochs()).isEqualTo(100);
        assertThat(s.metric()).isEqualTo("accuracy");
        assertThat(s.score()).isAtLeast(0.99);
        assertThat(s.finalLoss()).isLessThan(s.firstLoss() / 5);
        assertThat(s.describe()).contains("PASS: the model can overfit a small sample");
        assertThat(s.describe()).startsWith("trained 100 epochs on 20 rows: loss ");
    }

    @Test
    void aModelThatCannotLearnFailsWithAdvice() {
        Trainer.Sanity s = Trainer.sanity(TrainingFixtures.iris(new Sgd(1e-9)).build(), quiet(), 20, 100);
        assertThat(s.passed()).isFalse();
        assertThat(s.score()).isLessThan(0.99);
        assertThat(s.finalLoss()).isWithin(1e-3).of(s.firstLoss());
        assertThat(s.describe()).contains("FAIL: the model cannot even fit 20 rows.");
        assertThat(s.describe()).contains("that the learning rate is not far too small or too large");
        assertThat(s.describe()).contains("labels line up with their rows");
    }

    @Test
    void sanityTrainsFullBatchOnTrainingRowsOnly() {
        List<Report.Epoch> epochs = new ArrayList<>();
        ModelDefinition def = TrainingFixtures.iris(new Adam(0.05)).build();
        // asking for more rows than the training split has uses the whole training split (90 of 150 rows)
        Trainer.Sanity s = Trainer.sanity(def, quiet().listener((e, m) -> epochs.add(e)), 1000, 3);
        assertThat(s.rows()).isEqualTo(Trainer.prepare(def, quiet()).split().train().length);
        assertThat(s.rows()).isEqualTo(90);
        assertThat(epochs).hasSize(3);
        assertThat(epochs.get(0).validationLoss()).isNaN();
    }
}
