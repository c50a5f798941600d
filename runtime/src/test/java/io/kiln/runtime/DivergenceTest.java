package io.kiln.runtime;

import static com.google.common.truth.Truth.assertThat;
import static io.kiln.runtime.TrainingFixtures.quiet;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kiln.dsl.Missing;
import io.kiln.dsl.Scaling;
import io.kiln.dsl.Task;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Training that blows up stops with advice instead of returning a broken model. */
class DivergenceTest {

    /** Petal width from the other three measurements, unscaled. */
    static ModelDefinition petalWidth(double learningRate) {
        ModelDefinition.Builder b = ModelDefinition.builder("petal", Task.SCALAR_REGRESSION)
                .data(CsvSource.resource(DivergenceTest.class, "iris.csv"));
        for (String c : TrainingFixtures.IRIS_FEATURES.subList(0, 3)) {
            b.feature(FeatureSchema.numeric(c, c, Scaling.NONE, Missing.MEAN, ""));
        }
        return b.label(new LabelSchema("petal_width", LabelCoding.VALUES, List.of("petal_width_cm"), List.of()))
                .fit(new FitSettings(20, 16, 3))
                .network((n, seed) -> TrainingFixtures.mlp(n, seed, new Sgd(learningRate), 8, 1, Activation.IDENTITY,
                        LossFunctions.LossFunction.MSE))
                .build();
    }

    static void assertAdvice(TrainingDivergedException e, String rate, String tenth) {
        assertThat(e).hasMessageThat().startsWith("Training diverged at epoch ");
        assertThat(e).hasMessageThat().contains("lower the learning rate (it was " + rate + "; try " + tenth + ")");
        assertThat(e).hasMessageThat().contains("@GradientClipping(norm = 1.0)");
    }

    @Test
    void absurdLearningRateOnRegressionStopsWithAdvice() {
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> Trainer.train(petalWidth(1e6), quiet()));
        assertAdvice(e, "1.00e+06", "1.00e+05");
        assertThat(e).hasMessageThat().containsMatch("the loss is (NaN|Infinity|-Infinity)\\.");
        assertThat(e).hasMessageThat().contains("scale the unscaled numeric features [sepal_length_cm, "
                + "sepal_width_cm, petal_length_cm] (scaling = Scaling.STANDARDIZE)");
    }

    @Test
    void absurdLearningRateOnClassificationStopsWithAdvice() {
        // SGD at 1e6 on unscaled iris: the softmax saturates on the wrong class after the first minibatches.
        // DL4J clips the probabilities, so the training loss stays finite (about 15, against the majority
        // class's 1.1) and never grows to 100x the first epoch's: the run must still be recognized as diverged.
        ModelDefinition def = TrainingFixtures.iris(new Sgd(1e6), CsvSource.resource(DivergenceTest.class, "iris.csv"),
                Scaling.NONE).fit(new FitSettings(10, 16, 3)).build();
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> Trainer.train(def, quiet()));
        assertAdvice(e, "1.00e+06", "1.00e+05");
        assertThat(e).hasMessageThat().contains("scale the unscaled numeric features");
    }

    @Test
    void aSaneLearningRateTrains() {
        TrainingResult r = Trainer.train(petalWidth(0.001), quiet());
        assertThat(r.report().history()).hasSize(20);
        assertThat(r.metrics().get("r2")).isGreaterThan(0.0);
    }

    @Test
    void scaledFeaturesAreNotBlamed() {
        TrainingDivergedException e = new TrainingDivergedException(3, Double.NaN, 0.5,
                TrainingFixtures.iris(new Sgd(0.5)).build());
        assertThat(e).hasMessageThat().isEqualTo("Training diverged at epoch 3: the loss is NaN. Try: lower the "
                + "learning rate (it was 0.500; try 0.0500); add @GradientClipping(norm = 1.0); keep feature scaling "
                + "on (Scaling.STANDARDIZE); check the data for extreme values.");
    }

    @Test
    void anExplodingLossNamesTheFactor() {
        TrainingDivergedException e = new TrainingDivergedException(7, 250.0, 2.0, 0.1,
                TrainingFixtures.iris(new Sgd(0.1)).build());
        assertThat(e).hasMessageThat().startsWith("Training diverged at epoch 7: the loss exploded to 250.0, 125x "
                + "the first epoch's 2.000.");
        assertThat(e).hasMessageThat().contains("it was 0.100; try 0.0100");
    }
}
