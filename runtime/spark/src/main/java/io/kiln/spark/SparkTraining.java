package io.kiln.spark;

import io.kiln.runtime.DataParallel;
import io.kiln.runtime.internal.train.ShardTrainer;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

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
    /** Rows per piece sent to the executors when a run starts. */
    static final int CHUNK_ROWS = 8192;

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
    public String describe() {
        return "Spark, " + workers + " shard" + (workers == 1 ? "" : "s") + ", parameter averaging every "
                + averagingFrequency + " minibatches";
    }

    @Override
    public int stepsPerEpoch(int rows, int batchSize) {
        return ShardTrainer.stepsPerEpoch(rows, workers, batchSize);
    }

    @Override
    public Session start(float[] x, int xWidth, float[] y, int yWidth, float[] w, int rows, long seed) {
        // the rows go out in pieces of at most CHUNK_ROWS (a task carries its piece, and one message has a size limit),
        // are gathered into the shards on the executors, and stay there: the rounds' tasks carry no rows
        List<ShardTrainer.Rows> dealt = ShardTrainer.deal(x, xWidth, y, yWidth, w, rows, seed, workers);
        int n = dealt.size();
        List<scala.Tuple2<Integer, Shard.Piece>> pieces = new ArrayList<>();
        for (int s = 0; s < n; s++) {
            List<ShardTrainer.Rows> split = ShardTrainer.split(dealt.get(s), CHUNK_ROWS);
            for (int p = 0; p < split.size(); p++) {
                pieces.add(new scala.Tuple2<>(s, new Shard.Piece(p, split.get(p))));
            }
        }
        JavaRDD<Shard> rdd = spark.parallelizePairs(pieces, pieces.size()).partitionBy(new ByShard(n))
                .mapPartitionsWithIndex((index, it) -> List.of(Shard.gather(index, it, seed)).iterator(), true);
        rdd.rdd().localCheckpoint();
        rdd.count(); // gathered on the executors now, not in the first round
        return new SparkSession(rdd, n, ShardTrainer.largestShard(rows, n));
    }

    /** A run's shards on the executors. */
    private final class SparkSession implements Session {
        private final JavaRDD<Shard> shards;
        private final int count;
        /** Rows of the largest shard: its minibatches are an epoch's. */
        private final int largest;
        private final String id = java.util.UUID.randomUUID().toString();

        SparkSession(JavaRDD<Shard> shards, int count, int largest) {
            this.shards = shards;
            this.count = count;
            this.largest = largest;
        }

        @Override
        public double epoch(MultiLayerNetwork network, int epoch, int batchSize) {
            String session = id; // (a lambda reading the field would capture this session, which stays here)
            return ShardTrainer.averagedEpoch(network, epoch, batchSize, largest, averagingFrequency, request -> {
                Broadcast<ShardTrainer.Request> sent = spark.broadcast(request);
                try {
                    return shards.map(s -> s.train(session, sent.value()))
                            .treeAggregate(ShardTrainer.Sum.NONE, ShardTrainer.Sum::plus, ShardTrainer.Sum::plus);
                } finally {
                    sent.destroy();
                }
            });
        }

        @Override
        public void close() {
            // (the executors also drop another session's networks when a round of a new one arrives)
            String session = id;
            try {
                shards.foreach(s -> s.forget(session));
            } catch (RuntimeException e) {
                // best effort: a failed cleanup must not hide why the run ended
            } finally {
                shards.unpersist();
            }
        }

        @Override
        public String toString() {
            return "Spark session " + id + " (" + count + " shards)";
        }
    }

    /** Piece of shard {@code s} to partition {@code s}. */
    private static final class ByShard extends org.apache.spark.Partitioner {
        private static final long serialVersionUID = 1L;
        private final int shards;

        ByShard(int shards) {
            this.shards = shards;
        }

        @Override
        public int numPartitions() {
            return shards;
        }

        @Override
        public int getPartition(Object key) {
            return (Integer) key;
        }
    }
}
