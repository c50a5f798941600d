package io.kiln.spark;

import io.kiln.runtime.internal.fast.FastPath;
import io.kiln.runtime.internal.fast.SeededDropout;
import io.kiln.runtime.internal.train.RowWeightedLoss;
import io.kiln.runtime.internal.train.TrainingLoop;
import java.io.Serializable;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.layers.BaseOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One worker's share of a run's training rows, and its training of the minibatches of one averaging
 * round ({@link SparkTraining.Round}) from the broadcast network.
 */
record Shard(int index, float[] x, int xWidth, float[] y, int yWidth, float[] w, int rows, long seed)
        implements Serializable {
    /** The executor's copy of each shard's network, by session and shard: rebuilt when the network changes. */
    private static final Map<String, Worker> WORKERS = new ConcurrentHashMap<>();

    /** A shard's network on an executor, with its fast path (or null) and its current epoch's row order. */
    private static final class Worker {
        final String conf;
        final MultiLayerNetwork net;
        final FastPath fast;
        int epoch = -1;
        int[] order;

        Worker(String conf, MultiLayerNetwork net, FastPath fast) {
            this.conf = conf;
            this.net = net;
            this.fast = fast;
        }
    }

    /** What rounds add up to on the driver: summed parameters, optimizer states, losses and counts. */
    record Update(float[] params, float[] state, double loss, int shards, int steps) implements Serializable {
        static final Update NONE = new Update(null, null, 0, 0, 0);

        Update plus(Update o) {
            if (o.shards == 0) {
                return new Update(params, state, loss + o.loss, shards, Math.max(steps, o.steps));
            }
            if (shards == 0) {
                return new Update(o.params, o.state, loss + o.loss, o.shards, Math.max(steps, o.steps));
            }
            return new Update(sum(params, o.params), sum(state, o.state), loss + o.loss, shards + o.shards,
                    Math.max(steps, o.steps));
        }

        private static float[] sum(float[] a, float[] b) {
            if (a == null) {
                return null;
            }
            float[] s = a.clone();
            for (int i = 0; i < s.length; i++) {
                s[i] += b[i];
            }
            return s;
        }
    }

    /** Drops this executor's copy of the shard's network when its run is over. */
    void forget(String session) {
        WORKERS.remove(session + "/" + index);
    }

    Update train(SparkTraining.Round round) {
        int from = round.fromStep() * round.batchSize();
        if (from >= rows) { // this shard's epoch is over (the others have more rows)
            return Update.NONE;
        }
        int to = Math.min(rows, round.toStep() * round.batchSize());
        Worker worker = WORKERS.compute(round.session() + "/" + index, (key, w) -> w != null && w.conf.equals(round.conf())
                ? w : newWorker(round.conf()));
        synchronized (worker) {
            MultiLayerNetwork net = worker.net;
            net.params().assign(Nd4j.create(round.params(), new long[] {1, round.params().length}, 'c'));
            INDArray state = net.getUpdater(true).getStateViewArray();
            if (state != null && round.state() != null) {
                state.assign(Nd4j.create(round.state(), new long[] {1, round.state().length}, 'c'));
            }
            MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
            conf.setIterationCount(round.iteration());
            conf.setEpochCount(round.epochCount());
            if (worker.epoch != round.epoch()) {
                worker.order = shuffled(rows, new Random(seed * 1_000_003L + round.epoch() * 7919L + index));
                worker.epoch = round.epoch();
            }
            int[] slice = java.util.Arrays.copyOfRange(worker.order, from, to);
            double loss;
            if (worker.fast != null) {
                worker.fast.load();
                loss = TrainingLoop.fastEpoch(worker.fast, x, y, w, slice, round.batchSize());
                worker.fast.store();
            } else {
                loss = dl4jSteps(net, slice, round.batchSize());
            }
            INDArray after = net.getUpdater(true).getStateViewArray();
            return new Update(net.params().dup('c').data().asFloat(), after == null ? null
                    : after.dup('c').data().asFloat(), loss, 1, conf.getIterationCount() - round.iteration());
        }
    }

    private Worker newWorker(String json) {
        MultiLayerNetwork net = new MultiLayerNetwork(MultiLayerConfiguration.fromJson(json));
        net.init();
        SeededDropout.install(net, seed); // masks the fast path can replay, as the local loop does
        if (w != null) { // each row's weight as the labels' last column, as the local loop trains
            BaseOutputLayer<?> out = (BaseOutputLayer<?>) net.getOutputLayer();
            ((org.deeplearning4j.nn.conf.layers.BaseOutputLayer) out.conf().getLayer())
                    .setLossFn(new RowWeightedLoss(((org.deeplearning4j.nn.conf.layers.BaseOutputLayer) out.conf()
                            .getLayer()).getLossFn()));
        }
        FastPath.Claim claim = "false".equals(System.getProperty(TrainingLoop.FAST_PROPERTY)) ? null : FastPath.of(net);
        return new Worker(json, net, claim != null && claim.claimed() ? claim.stack() : null);
    }

    /** Minibatches through DL4J's own {@code fit}; returns their scores summed over the rows. */
    private double dl4jSteps(MultiLayerNetwork net, int[] slice, int batchSize) {
        int yw = yWidth + (w == null ? 0 : 1);
        double loss = 0;
        for (int from = 0; from < slice.length; from += batchSize) {
            int n = Math.min(batchSize, slice.length - from);
            float[] xb = new float[n * xWidth];
            float[] yb = new float[n * yw];
            for (int r = 0; r < n; r++) {
                int row = slice[from + r];
                System.arraycopy(x, row * xWidth, xb, r * xWidth, xWidth);
                System.arraycopy(y, row * yWidth, yb, r * yw, yWidth);
                if (w != null) {
                    yb[r * yw + yWidth] = w[row];
                }
            }
            net.fit(new DataSet(Nd4j.create(xb, new long[] {n, xWidth}, 'c'), Nd4j.create(yb, new long[] {n, yw}, 'c')));
            loss += net.score() * n;
        }
        return loss;
    }

    private static int[] shuffled(int n, Random random) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }
}
