package io.kiln.runtime;

import io.kiln.runtime.internal.train.ShardTrainer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * <b>Public API</b>. Data-parallel training on this machine's cores by parameter averaging: a run's
 * training rows are dealt at random into one shard per thread; every {@code averagingFrequency}
 * minibatches of each shard, the threads' copies of the network (each started from the averaged
 * parameters and optimizer state) are averaged into the network. The same arithmetic as
 * {@code kiln-spark}'s {@code SparkTraining}, without a cluster. The result depends on the number of
 * threads, while a run in one thread is the same on every machine, so the {@code train} command uses
 * it by default only where it was measured to win ({@link #byDefault}; docs/concepts/training.md).
 *
 * <pre>{@code
 * Trainer.train(DigitsTrainer.DEFINITION, TrainOptions.defaults().dataParallel(new TrainingThreads(2, 5)));
 * }</pre>
 */
public final class TrainingThreads implements DataParallel {
    private final int threads;
    private final int averagingFrequency;

    public TrainingThreads(int threads, int averagingFrequency) {
        if (threads < 1 || averagingFrequency < 1) {
            throw new IllegalArgumentException("threads and averagingFrequency must be positive, were " + threads
                    + " and " + averagingFrequency);
        }
        this.threads = threads;
        this.averagingFrequency = averagingFrequency;
    }

    /** Threads that train each shard (the shards of a run). */
    public int threads() {
        return threads;
    }

    /** Minibatches each shard trains between two averagings. */
    public int averagingFrequency() {
        return averagingFrequency;
    }

    /**
     * The threads the {@code train} command trains a definition on when not told: two, averaging every
     * 5 minibatches, for an image network (one trained one run at a time: a holdout or temporal split,
     * no ensemble) on a machine with two cores or more, where a minibatch step is long enough that two
     * threads train faster (the Fashion-MNIST CNN 1.31 to 1.55 times, the digits CNN 1.3 times,
     * on 2 cores); null, one thread, for everything else: a dense network's step is shorter than an
     * averaging round, and k-fold already trains two folds side by side.
     */
    public static TrainingThreads byDefault(ModelDefinition def) {
        boolean oneRunAtATime = (def.protocol() instanceof HoldoutProtocol || def.protocol() instanceof TemporalProtocol)
                && def.ensemble() == null;
        // (what the workers train: a stack of layers without augmentation, distillation or transfer)
        boolean workersTrainIt = def.image() != null && !def.isGraph()
                && (def.augmentation() == null || !def.augmentation().isActive())
                && def.distillation() == null && def.transfer() == null;
        return oneRunAtATime && workersTrainIt && Runtime.getRuntime().availableProcessors() >= 2
                ? new TrainingThreads(2, 5) : null;
    }

    @Override
    public String describe() {
        return threads + " thread" + (threads == 1 ? "" : "s") + " on this machine, parameter averaging every "
                + averagingFrequency + " minibatches";
    }

    @Override
    public int stepsPerEpoch(int rows, int batchSize) {
        return ShardTrainer.stepsPerEpoch(rows, threads, batchSize);
    }

    @Override
    public Session start(float[] x, int xWidth, float[] y, int yWidth, float[] w, int rows, long seed) {
        List<ShardTrainer.Rows> shards = ShardTrainer.deal(x, xWidth, y, yWidth, w, rows, seed, threads);
        ExecutorService pool = Executors.newFixedThreadPool(shards.size(), r -> {
            Thread t = new Thread(r, "kiln-train-shard");
            t.setDaemon(true);
            return t;
        });
        return new Session() {
            private final List<ShardTrainer> trainers = new ArrayList<>();

            @Override
            public double epoch(MultiLayerNetwork network, int epoch, int batchSize) {
                String conf = ShardTrainer.stableConf(network);
                if (trainers.isEmpty() || !trainers.get(0).conf().equals(conf)) { // new, or rebuilt (unfreezing)
                    trainers.clear();
                    for (int s = 0; s < shards.size(); s++) {
                        trainers.add(new ShardTrainer(conf, shards.get(s), seed, s));
                    }
                }
                int largest = shards.stream().mapToInt(ShardTrainer.Rows::rows).max().orElse(0);
                return ShardTrainer.averagedEpoch(network, epoch, batchSize, largest, averagingFrequency, request -> {
                    List<Future<ShardTrainer.Round>> rounds = new ArrayList<>();
                    for (ShardTrainer t : trainers) {
                        rounds.add(pool.submit(() -> t.train(request)));
                    }
                    ShardTrainer.Sum sum = ShardTrainer.Sum.NONE;
                    for (Future<ShardTrainer.Round> f : rounds) { // in shard order, whichever finished first
                        sum = sum.plus(ShardTrainer.Sum.of(get(f)));
                    }
                    return sum;
                });
            }

            @Override
            public void close() {
                pool.shutdownNow();
            }
        };
    }

    private static ShardTrainer.Round get(Future<ShardTrainer.Round> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the shards trained", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(cause);
        }
    }
}
