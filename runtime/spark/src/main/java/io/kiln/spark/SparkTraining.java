package io.kiln.spark;

import io.kiln.runtime.DataParallel;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Public API. Data-parallel training on Spark by parameter averaging: a run's training rows are
 * dealt at random into one shard per worker (an RDD partition, cached on the executors); every
 * {@code averagingFrequency} minibatches of each shard, the executors' copies of the network (each
 * started from the broadcast parameters and optimizer state) are averaged by {@code treeAggregate}
 * into the driver's network. Each shard is shuffled per epoch from the run's seed. Executors train
 * their minibatches on Kiln's fast path when it reproduces the network, else through DL4J.
 *
 * <p>Give it to a training with {@code TrainOptions.defaults().dataParallel(new SparkTraining(sc, 2, 5))}:
 * everything else of the run (preprocessing fitted on the training rows, the protocol, validation,
 * early stopping, the report and the model file) is what a local run does, on the driver.
 */
public final class SparkTraining implements DataParallel, Serializable {
    private static final long serialVersionUID = 1L;

    private final transient JavaSparkContext spark;
    private final int workers;
    private final int averagingFrequency;

    /**
     * @param workers shards (tasks per round): the executors' cores in total, typically
     * @param averagingFrequency minibatches each shard trains between two averagings
     */
    public SparkTraining(JavaSparkContext spark, int workers, int averagingFrequency) {
        if (workers < 1 || averagingFrequency < 1) {
            throw new IllegalArgumentException("workers and averagingFrequency must be positive, were " + workers
                    + " and " + averagingFrequency);
        }
        this.spark = spark;
        this.workers = workers;
        this.averagingFrequency = averagingFrequency;
    }

    /** Shards as many as the cluster's default parallelism, averaging every 5 minibatches (as DL4J's default). */
    public SparkTraining(JavaSparkContext spark) {
        this(spark, spark.defaultParallelism(), 5);
    }

    @Override
    public Session start(float[] x, int xWidth, float[] y, int yWidth, float[] w, int rows, long seed) {
        int[] order = new int[rows];
        for (int i = 0; i < rows; i++) {
            order[i] = i;
        }
        Random random = new Random(seed);
        for (int i = rows - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        int n = Math.min(workers, rows);
        List<Shard> shards = new ArrayList<>();
        for (int s = 0; s < n; s++) {
            int from = (int) ((long) rows * s / n);
            int to = (int) ((long) rows * (s + 1) / n);
            float[] sx = new float[(to - from) * xWidth];
            float[] sy = new float[(to - from) * yWidth];
            float[] sw = w == null ? null : new float[to - from];
            for (int r = from; r < to; r++) {
                int row = order[r];
                System.arraycopy(x, row * xWidth, sx, (r - from) * xWidth, xWidth);
                System.arraycopy(y, row * yWidth, sy, (r - from) * yWidth, yWidth);
                if (sw != null) {
                    sw[r - from] = w[row];
                }
            }
            shards.add(new Shard(s, sx, xWidth, sy, yWidth, sw, to - from, seed));
        }
        JavaRDD<Shard> rdd = spark.parallelize(shards, n).cache();
        rdd.count(); // on the executors now, not in the first round
        return new SparkSession(rdd, n);
    }

    /** A run's shards on the executors. */
    private final class SparkSession implements Session {
        private final JavaRDD<Shard> shards;
        private final int count;
        private final String id = java.util.UUID.randomUUID().toString();

        SparkSession(JavaRDD<Shard> shards, int count) {
            this.shards = shards;
            this.count = count;
        }

        @Override
        public double epoch(MultiLayerNetwork network, int epoch, int batchSize) {
            // the configuration without its step and epoch counts (sent apart): the executors rebuild their copy only
            // when the network changes (gradual unfreezing), not every round
            org.deeplearning4j.nn.conf.MultiLayerConfiguration stable = network.getLayerWiseConfigurations().clone();
            stable.setIterationCount(0);
            stable.setEpochCount(0);
            String conf = stable.toJson();
            int largest = shards.map(Shard::rows).reduce(Math::max);
            int steps = (largest + batchSize - 1) / batchSize;
            double loss = 0;
            for (int from = 0; from < steps; from += averagingFrequency) {
                INDArray state = network.getUpdater(true).getStateViewArray();
                Round round = new Round(id, conf, network.params().dup('c').data().asFloat(),
                        state == null ? null : state.dup('c').data().asFloat(),
                        network.getLayerWiseConfigurations().getIterationCount(),
                        network.getLayerWiseConfigurations().getEpochCount(), epoch, batchSize, from,
                        Math.min(steps, from + averagingFrequency));
                Broadcast<Round> sent = spark.broadcast(round);
                try {
                    Shard.Update sum = shards.map(s -> s.train(sent.value()))
                            .treeAggregate(Shard.Update.NONE, Shard.Update::plus, Shard.Update::plus);
                    loss += sum.loss();
                    int trained = sum.shards();
                    if (trained == 0) {
                        continue;
                    }
                    float[] params = sum.params();
                    for (int i = 0; i < params.length; i++) {
                        params[i] /= trained;
                    }
                    network.params().assign(Nd4j.create(params, new long[] {1, params.length}, 'c'));
                    if (state != null) {
                        float[] averaged = sum.state();
                        for (int i = 0; i < averaged.length; i++) {
                            averaged[i] /= trained;
                        }
                        state.assign(Nd4j.create(averaged, new long[] {1, averaged.length}, 'c'));
                    }
                    network.getLayerWiseConfigurations().setIterationCount(round.iteration() + sum.steps());
                } finally {
                    sent.destroy();
                }
            }
            return loss;
        }

        @Override
        public void close() {
            String session = id; // (a lambda reading the field would capture this session, which stays here)
            shards.foreach(s -> s.forget(session));
            shards.unpersist();
        }

        @Override
        public String toString() {
            return "Spark session " + id + " (" + count + " shards)";
        }
    }

    /** What one averaging round sends: the network and which minibatches of each shard's epoch to train. */
    record Round(String session, String conf, float[] params, float[] state, int iteration, int epochCount, int epoch,
            int batchSize, int fromStep, int toStep) implements Serializable {}
}
