package io.kiln.runtime.internal.train;

import io.kiln.runtime.internal.fast.FastPath;
import io.kiln.runtime.internal.fast.SeededDropout;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One worker of parameter averaging ({@link io.kiln.runtime.DataParallel}): its share of a run's
 * training rows and its own copy of the network, which trains the minibatches of one averaging round
 * from the parameters, optimizer state and step count it is given, on the fast path when that
 * reproduces the network, else through DL4J, with the local loop's dropout masks and row weights.
 * Each epoch it shuffles its rows from (seed, epoch, shard). Not thread-safe: one round at a time.
 */
public final class ShardTrainer {
    private final String conf;
    private final MultiLayerNetwork net;
    private final FastPath fast;
    private final float[] x;
    private final int xWidth;
    private final float[] y;
    private final int yWidth;
    private final float[] w;
    private final int rows;
    private final long seed;
    private final int index;
    private int epoch = -1;
    private int[] order;

    /** What a round left: the copy's parameters and optimizer state, its summed minibatch scores, its steps. */
    public record Round(float[] params, float[] state, double loss, int steps) {}

    /**
     * A worker for shard {@code index} of a run with seed {@code seed}, its network built from the
     * configuration {@code conf} (JSON, as saved: DL4J's own dropout and loss).
     */
    public ShardTrainer(String conf, float[] x, int xWidth, float[] y, int yWidth, float[] w, int rows, long seed,
            int index) {
        this.conf = conf;
        this.x = x;
        this.xWidth = xWidth;
        this.y = y;
        this.yWidth = yWidth;
        this.w = w;
        this.rows = rows;
        this.seed = seed;
        this.index = index;
        this.net = new MultiLayerNetwork(MultiLayerConfiguration.fromJson(conf));
        net.init();
        // masks the fast path can replay, as the local loop does; each shard its own (the shards take the same steps)
        SeededDropout.install(net, seed + 1_000_003L * (index + 1));
        // (claimed with the plain loss: the fast path takes the row weights apart, as the local loop gives them)
        FastPath.Claim claim = "false".equals(System.getProperty(TrainingLoop.FAST_PROPERTY)) ? null
                : FastPath.of(net);
        this.fast = claim != null && claim.claimed() ? claim.stack() : null;
        if (w != null && fast == null) { // through DL4J: each row's weight as the labels' last column
            org.deeplearning4j.nn.conf.layers.BaseOutputLayer out =
                    (org.deeplearning4j.nn.conf.layers.BaseOutputLayer) net.getOutputLayer().conf().getLayer();
            out.setLossFn(new RowWeightedLoss(out.getLossFn()));
        }
    }

    /** A shard of a run's training rows. */
    public record Rows(float[] x, int xWidth, float[] y, int yWidth, float[] w, int rows) implements java.io.Serializable {}

    /** A worker of {@code rows}, shard {@code index} of a run with seed {@code seed}. */
    public ShardTrainer(String conf, Rows rows, long seed, int index) {
        this(conf, rows.x(), rows.xWidth(), rows.y(), rows.yWidth(), rows.w(), rows.rows(), seed, index);
    }

    /** Deals a run's rows at random (from {@code seed}) into {@code shards} shards of near-equal size. */
    public static java.util.List<Rows> deal(float[] x, int xWidth, float[] y, int yWidth, float[] w, int rows, long seed,
            int shards) {
        int[] order = shuffled(rows, new Random(seed));
        int n = Math.max(1, Math.min(shards, rows));
        java.util.List<Rows> dealt = new java.util.ArrayList<>();
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
            dealt.add(new Rows(sx, xWidth, sy, yWidth, sw, to - from));
        }
        return dealt;
    }

    /** The largest shard's minibatches when {@code rows} rows are dealt into {@code shards} shards. */
    public static int stepsPerEpoch(int rows, int shards, int batchSize) {
        return (largestShard(rows, shards) + batchSize - 1) / batchSize;
    }

    /** Rows of the largest of {@code shards} shards of {@code rows} rows. */
    public static int largestShard(int rows, int shards) {
        int n = Math.max(1, Math.min(shards, rows));
        return (rows + n - 1) / n;
    }

    /** {@code rows} in pieces of at most {@code size} rows, in order. */
    public static List<Rows> split(Rows rows, int size) {
        List<Rows> pieces = new java.util.ArrayList<>();
        for (int from = 0; from < rows.rows() || pieces.isEmpty(); from += size) {
            int n = Math.min(size, rows.rows() - from);
            pieces.add(new Rows(Arrays.copyOfRange(rows.x(), from * rows.xWidth(), (from + n) * rows.xWidth()),
                    rows.xWidth(), Arrays.copyOfRange(rows.y(), from * rows.yWidth(), (from + n) * rows.yWidth()),
                    rows.yWidth(), rows.w() == null ? null : Arrays.copyOfRange(rows.w(), from, from + n), n));
        }
        return pieces;
    }

    /** Rows of several pieces as one shard's. */
    public static Rows join(List<Rows> pieces) {
        Rows first = pieces.get(0);
        int rows = pieces.stream().mapToInt(Rows::rows).sum();
        float[] x = new float[rows * first.xWidth()];
        float[] y = new float[rows * first.yWidth()];
        float[] w = first.w() == null ? null : new float[rows];
        int at = 0;
        for (Rows p : pieces) {
            System.arraycopy(p.x(), 0, x, at * first.xWidth(), p.rows() * first.xWidth());
            System.arraycopy(p.y(), 0, y, at * first.yWidth(), p.rows() * first.yWidth());
            if (w != null) {
                System.arraycopy(p.w(), 0, w, at, p.rows());
            }
            at += p.rows();
        }
        return new Rows(x, first.xWidth(), y, first.yWidth(), w, rows);
    }

    /**
     * The configuration of {@code net} as workers are given it: without its step and epoch counts
     * (they travel with each round), so that it changes only when the network does.
     */
    public static String stableConf(MultiLayerNetwork net) {
        MultiLayerConfiguration c = net.getLayerWiseConfigurations().clone();
        c.setIterationCount(0);
        c.setEpochCount(0);
        return c.toJson();
    }

    /**
     * One averaging round, as every worker gets it: the network's configuration (as {@link
     * #stableConf}), parameters, optimizer state (or null) and counts, and which minibatches of each
     * shard's epoch to train.
     */
    public record Request(String conf, float[] params, float[] state, int iteration, int epochCount, int epoch,
            int batchSize, int fromStep, int toStep) implements java.io.Serializable {}

    /** Workers' rounds added up: parameters, optimizer states and losses summed; workers that trained; most steps. */
    public record Sum(float[] params, float[] state, double loss, int shards, int steps) implements java.io.Serializable {
        public static final Sum NONE = new Sum(null, null, 0, 0, 0);

        /** One worker's round (null: it had nothing left to train). */
        public static Sum of(Round r) {
            return r == null ? NONE : new Sum(r.params(), r.state(), r.loss(), 1, r.steps());
        }

        public Sum plus(Sum o) {
            if (o.shards == 0 || shards == 0) {
                Sum some = o.shards == 0 ? this : o;
                return new Sum(some.params, some.state, loss + o.loss, some.shards, Math.max(steps, o.steps));
            }
            return new Sum(add(params, o.params), add(state, o.state), loss + o.loss, shards + o.shards,
                    Math.max(steps, o.steps));
        }

        private static float[] add(float[] a, float[] b) {
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

    /** Runs one round on every worker and adds up what they give back (threads here, executors on Spark). */
    @FunctionalInterface
    public interface Rounds {
        Sum run(Request request);
    }

    /**
     * One epoch of parameter averaging on {@code network}: rounds of {@code averagingFrequency}
     * minibatches of each shard (as many rounds as the largest shard, of {@code largestShard} rows,
     * needs), each round's average put into the network; returns the rows' summed minibatch scores.
     */
    public static double averagedEpoch(MultiLayerNetwork network, int epoch, int batchSize, int largestShard,
            int averagingFrequency, Rounds rounds) {
        // (without the step and epoch counts, sent apart: a worker rebuilds its copy only when the network changes,
        // such as by gradual unfreezing)
        String conf = stableConf(network);
        int steps = (largestShard + batchSize - 1) / batchSize;
        double loss = 0;
        for (int from = 0; from < steps; from += averagingFrequency) {
            INDArray view = network.getUpdater(true).getStateViewArray();
            MultiLayerConfiguration c = network.getLayerWiseConfigurations();
            Sum sum = rounds.run(new Request(conf, network.params().dup('c').data().asFloat(),
                    view == null ? null : view.dup('c').data().asFloat(), c.getIterationCount(), c.getEpochCount(),
                    epoch, batchSize, from, Math.min(steps, from + averagingFrequency)));
            loss += sum.loss();
            if (sum.shards() > 0) {
                setAveraged(network, sum.params(), sum.state(), sum.shards(), sum.steps());
            }
        }
        return loss;
    }

    /**
     * Puts the average of {@code count} workers' rounds into {@code net}: the summed parameters and
     * optimizer states divided by {@code count}, the step count moved on by {@code steps}.
     */
    private static void setAveraged(MultiLayerNetwork net, float[] paramSum, float[] stateSum, int count, int steps) {
        for (int i = 0; i < paramSum.length; i++) {
            paramSum[i] /= count;
        }
        net.params().assign(Nd4j.create(paramSum, new long[] {1, paramSum.length}, 'c'));
        INDArray view = net.getUpdater(true).getStateViewArray();
        if (view != null && stateSum != null) {
            for (int i = 0; i < stateSum.length; i++) {
                stateSum[i] /= count;
            }
            view.assign(Nd4j.create(stateSum, new long[] {1, stateSum.length}, 'c'));
        }
        MultiLayerConfiguration c = net.getLayerWiseConfigurations();
        c.setIterationCount(c.getIterationCount() + steps);
    }

    /** The configuration this worker's network was built from. */
    public String conf() {
        return conf;
    }

    public int rows() {
        return rows;
    }

    /**
     * Trains minibatches {@code [fromStep, toStep)} of this shard's epoch {@code epoch} from {@code
     * params}, {@code state} (may be null) and step count {@code iteration}; null when the shard has
     * no minibatch left in that range (it has fewer rows than the largest shard).
     */
    public Round train(Request request) {
        float[] params = request.params();
        float[] state = request.state();
        int iteration = request.iteration();
        int epoch = request.epoch();
        int batchSize = request.batchSize();
        int from = request.fromStep() * batchSize;
        if (from >= rows) {
            return null;
        }
        int to = Math.min(rows, request.toStep() * batchSize);
        net.params().assign(Nd4j.create(params, new long[] {1, params.length}, 'c'));
        INDArray view = net.getUpdater(true).getStateViewArray();
        if (view != null && state != null) {
            view.assign(Nd4j.create(state, new long[] {1, state.length}, 'c'));
        }
        MultiLayerConfiguration c = net.getLayerWiseConfigurations();
        c.setIterationCount(iteration);
        c.setEpochCount(request.epochCount());
        if (this.epoch != epoch) {
            order = shuffled(rows, new Random(seed * 1_000_003L + epoch * 7919L + index));
            this.epoch = epoch;
        }
        int[] slice = Arrays.copyOfRange(order, from, to);
        double loss;
        if (fast != null) {
            fast.load();
            loss = TrainingLoop.fastEpoch(fast, x, y, w, slice, batchSize);
            fast.store();
        } else {
            loss = dl4jSteps(slice, batchSize);
        }
        INDArray after = net.getUpdater(true).getStateViewArray();
        return new Round(net.params().dup('c').data().asFloat(), after == null ? null : after.dup('c').data().asFloat(),
                loss, c.getIterationCount() - iteration);
    }

    /** Minibatches through DL4J's own {@code fit}; returns their scores summed over the rows. */
    private double dl4jSteps(int[] slice, int batchSize) {
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
