package io.kiln.runtime;

import io.kiln.runtime.internal.train.TrainingLoop;
import static com.google.common.truth.Truth.assertThat;
import static io.kiln.runtime.TrainingFixtures.quiet;

import io.kiln.dsl.Task;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/** Label smoothing moves training targets toward uniform, so the model stops short of certainty. */
class LabelSmoothingTest {

    @Test
    void oneHotTargetsMoveTowardUniform() {
        INDArray y = Nd4j.createFromArray(new float[][] {{1, 0, 0}, {0, 0, 1}});
        TrainingLoop.smooth(y, 0.3, Task.MULTICLASS_CLASSIFICATION);
        assertThat(y.getDouble(0, 0)).isWithin(1e-6).of(0.7 + 0.1);
        assertThat(y.getDouble(0, 1)).isWithin(1e-6).of(0.1);
        assertThat(y.getDouble(1, 2)).isWithin(1e-6).of(0.8);
        assertThat(y.sumNumber().doubleValue()).isWithin(1e-5).of(2.0); // rows still sum to 1
    }

    @Test
    void binaryAndMultilabelTargetsSmoothAsTwoClasses() {
        for (Task task : new Task[] {Task.BINARY_CLASSIFICATION, Task.MULTILABEL_CLASSIFICATION}) {
            INDArray y = Nd4j.createFromArray(new float[][] {{1, 0}, {0, 1}});
            TrainingLoop.smooth(y, 0.2, task);
            assertThat(y.getDouble(0, 0)).isWithin(1e-6).of(0.9);
            assertThat(y.getDouble(0, 1)).isWithin(1e-6).of(0.1);
        }
    }

    static double meanTopProbability(TrainingResult r) {
        double[][] out = r.model().output(r.model().preprocessor().matrix(Trainer.prepare(TrainingFixtures.iris(new Adam(0.05)).build(), quiet()).data(),
                java.util.stream.IntStream.range(0, 150).toArray()));
        double sum = 0;
        for (double[] row : out) {
            sum += java.util.Arrays.stream(row).max().getAsDouble();
        }
        return sum / out.length;
    }

    @Test
    void aSmoothedModelIsLessConfident() {
        ModelDefinition.Builder b = TrainingFixtures.iris(new Adam(0.05)).fit(new FitSettings(40, 16, 3));
        TrainingResult sharp = Trainer.train(b.build(), quiet());
        TrainingResult smoothed = Trainer.train(b.labelSmoothing(0.3).build(), quiet());
        double confident = meanTopProbability(sharp);
        double hedged = meanTopProbability(smoothed);
        assertThat(confident).isGreaterThan(0.9);
        // the smoothed targets' top value is 0.8: the model learns about that
        assertThat(hedged).isLessThan(0.85);
        assertThat(hedged).isGreaterThan(0.6);
        // and it still classifies
        assertThat(smoothed.metrics().get("accuracy")).isAtLeast(0.85);
    }
}
