package io.kiln.runtime;

import static com.google.common.truth.Truth.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.learning.config.Adam;

/**
 * Rows predicted as parts of a chunk get the whole chunk's values bit for bit: the batch pass of a
 * large chunk and the plain pass of a few rows round differently in the last bits (most values here),
 * so a part follows its chunk's pass, whatever its own size.
 */
class ChunkPartsTest {
    @Test
    void partsOfAChunkAreBitForBitTheChunksPredictions() {
        KilnModel model = Trainer.train(TrainingFixtures.iris(new Adam(0.02)).fit(new FitSettings(5, 16, 3)).build(),
                TrainingFixtures.quiet()).model();
        List<Object[]> rows = new ArrayList<>();
        Random r = new Random(1);
        for (int i = 0; i < 1000; i++) {
            rows.add(new Object[] {4 + 4 * r.nextDouble(), 2 + 2 * r.nextDouble(), 1 + 6 * r.nextDouble(),
                2.5 * r.nextDouble()});
        }
        float[] encoded = model.encode(rows);
        Predictions whole = model.predictBatch(encoded, 1000);
        int differentAlone = 0;
        for (int from = 0; from < 1000; from += 50) {
            float[] part = Arrays.copyOfRange(encoded, from * 4, (from + 50) * 4);
            Predictions asPart = model.predictPartOf(part, 50, 1000);
            Predictions alone = model.predictBatch(part, 50);
            for (int i = 0; i < 50; i++) {
                for (int j = 0; j < 3; j++) {
                    assertThat(asPart.probability(i, j)).isEqualTo(whole.probability(from + i, j));
                    differentAlone += alone.probability(i, j) == whole.probability(from + i, j) ? 0 : 1;
                }
            }
        }
        // (the reason for predictPartOf: predicted alone, the parts differ)
        assertThat(differentAlone).isGreaterThan(0);
    }
}
