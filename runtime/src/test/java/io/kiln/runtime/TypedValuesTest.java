package io.kiln.runtime;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.learning.config.Adam;

/** {@link KilnModel#predict(Object[][])} with values of the wrong type: an error naming the feature. */
class TypedValuesTest {
    @Test
    void textForANumericFeatureIsAnErrorNamingTheFeature() {
        KilnModel model = Trainer.train(TrainingFixtures.iris(new Adam(0.02)).fit(new FitSettings(3, 16, 3)).build(),
                TrainingFixtures.quiet()).model();
        assertThat(model.predict(new Object[][] {{5.1, 3.5, 1.4, 0.2}}).size()).isEqualTo(1);
        // (was a ClassCastException from inside the preprocessing)
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> model.predict(new Object[][] {{5.1, "oops", 1.4, 0.2}}));
        assertThat(e).hasMessageThat().isEqualTo("'sepal_width_cm' is a number; got String \"oops\"");
    }
}
