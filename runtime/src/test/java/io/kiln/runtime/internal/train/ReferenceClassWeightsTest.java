package io.kiln.runtime.internal.train;

import static com.google.common.truth.Truth.assertThat;

import io.kiln.runtime.ClassWeights;
import io.kiln.runtime.ModelDefinition;
import io.kiln.runtime.TrainOptions;
import io.kiln.runtime.Trainer;
import io.kiln.runtime.TrainingFixtures;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.learning.config.Adam;

/** The boosted-trees reference weighs the classes as the network does when the spec declares class weights. */
class ReferenceClassWeightsTest {
    @TempDir Path dir;

    static int positives(double[][] outputs) {
        int n = 0;
        for (double[] o : outputs) {
            n += o[0] >= 0.5 ? 1 : 0;
        }
        return n;
    }

    @Test
    void aHeavyWeightOnTheRareClassMakesTheTreesCallItMoreOften() throws Exception {
        Path csv = TrainingFixtures.writeVirginicaCsv(dir.resolve("virginica.csv"));
        ModelDefinition plain = TrainingFixtures.virginica(new Adam(0.01), csv).build();
        ModelDefinition heavy = TrainingFixtures.virginica(new Adam(0.01), csv).classWeights(ClassWeights.of(1, 30))
                .build();
        Trainer.Prepared p = Trainer.prepare(plain, TrainOptions.defaults().quiet());
        int[] train = p.split().train();
        int[] all = java.util.stream.IntStream.range(0, p.data().size()).toArray();
        int without = positives(References.trees(plain, p.data(), train, new int[0], all, false, 3));
        int with = positives(References.trees(heavy, p.data(), train, new int[0], all, false, 3));
        // 50 virginica among the 150 rows; weighing them 30 times calls more rows virginica
        assertThat(with).isGreaterThan(without);
        assertThat(References.weights(plain, p.data(), train)).isNull();
        float[] w = References.weights(heavy, p.data(), train);
        for (int i = 0; i < train.length; i++) {
            assertThat(w[i]).isEqualTo(p.data().classes()[train[i]] == 1 ? 30f : 1f);
        }
    }
}
