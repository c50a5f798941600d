package io.kiln.runtime;

import static com.google.common.truth.Truth.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/**
 * The training loop's side of {@link DataParallel}: each run hands its training rows over once, every
 * epoch goes to the workers (and nothing trains here), the folds of a protocol run one after another on
 * the calling thread, and each session is closed. The workers here are a stand-in that trains in this
 * JVM, through DL4J, and records what it was given.
 */
class DataParallelHookTest {
    /** Workers that train their rows in order, whole epoch at once, and log the calls. */
    static final class Recording implements DataParallel {
        final List<String> calls = new ArrayList<>();
        final List<Thread> threads = new ArrayList<>();

        @Override
        public int stepsPerEpoch(int rows, int batchSize) {
            return (rows + batchSize - 1) / batchSize;
        }

        @Override
        public Session start(float[] x, int xWidth, float[] y, int yWidth, float[] w, int rows, long seed) {
            calls.add("start " + rows + "x" + xWidth + " -> " + yWidth);
            threads.add(Thread.currentThread());
            return new Session() {
                @Override
                public double epoch(MultiLayerNetwork network, int epoch, int batchSize) {
                    calls.add("epoch " + epoch);
                    double loss = 0;
                    for (int from = 0; from < rows; from += batchSize) {
                        int n = Math.min(batchSize, rows - from);
                        float[] xb = java.util.Arrays.copyOfRange(x, from * xWidth, (from + n) * xWidth);
                        float[] yb = java.util.Arrays.copyOfRange(y, from * yWidth, (from + n) * yWidth);
                        network.fit(new DataSet(Nd4j.create(xb, new long[] {n, xWidth}, 'c'),
                                Nd4j.create(yb, new long[] {n, yWidth}, 'c')));
                        loss += network.score() * n;
                    }
                    return loss;
                }

                @Override
                public void close() {
                    calls.add("close");
                }
            };
        }
    }

    @Test
    void everyRunHandsItsEpochsToTheWorkersOneRunAfterAnother() {
        Recording workers = new Recording();
        ModelDefinition def = TrainingFixtures.iris(new Adam(0.02)).protocol(new KFoldProtocol(3, 1, true, true, 0.2))
                .fit(new FitSettings(12, 16, 3)).build();
        long steps = io.kiln.runtime.internal.fast.FastPath.steps();
        TrainingResult r = Trainer.train(def, TrainingFixtures.quiet().dataParallel(workers));
        // three folds and the final model: four runs of 12 epochs each, each started and closed once
        assertThat(workers.calls.stream().filter(c -> c.startsWith("start")).count()).isEqualTo(4);
        assertThat(workers.calls.stream().filter(c -> c.equals("close")).count()).isEqualTo(4);
        assertThat(workers.calls.stream().filter(c -> c.startsWith("epoch")).count()).isEqualTo(48);
        assertThat(workers.calls.get(0)).endsWith("x4 -> 3"); // four standardized features, three classes
        assertThat(workers.calls.subList(1, 13)).containsExactly("epoch 1", "epoch 2", "epoch 3", "epoch 4",
                "epoch 5", "epoch 6", "epoch 7", "epoch 8", "epoch 9", "epoch 10", "epoch 11", "epoch 12").inOrder();
        assertThat(workers.calls.get(13)).isEqualTo("close");
        assertThat(workers.threads.stream().distinct().toList()).containsExactly(Thread.currentThread());
        assertThat(io.kiln.runtime.internal.fast.FastPath.steps()).isEqualTo(steps); // nothing trained here
        // what the workers trained is the model: it learned
        assertThat(r.metrics().get("accuracy")).isGreaterThan(0.8);
    }
}
