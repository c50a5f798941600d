package io.kiln.spark;

import io.kiln.runtime.internal.train.ShardTrainer;
import java.io.Serializable;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One worker's share of a run's training rows on an executor, and its training of one averaging
 * round ({@link SparkTraining.Round}) by the runtime's {@link ShardTrainer}, which each executor
 * JVM keeps per session and shard until the network changes or the run ends.
 */
record Shard(int index, ShardTrainer.Rows data, long seed) implements Serializable {
    private static final Map<String, ShardTrainer> TRAINERS = new ConcurrentHashMap<>();

    /** What rounds add up to on the driver: summed parameters, optimizer states and losses; shards; most steps. */
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

    /** Piece {@code index} of a shard's rows, as sent. */
    record Piece(int index, ShardTrainer.Rows rows) implements Serializable {}

    /** The pieces of shard {@code index}, joined in their order (whatever order they arrive in). */
    static Shard gather(int index, java.util.Iterator<scala.Tuple2<Integer, Piece>> pieces, long seed) {
        java.util.List<Piece> all = new java.util.ArrayList<>();
        pieces.forEachRemaining(t -> all.add(t._2()));
        all.sort(java.util.Comparator.comparingInt(Piece::index));
        return new Shard(index, ShardTrainer.join(all.stream().map(Piece::rows).toList()), seed);
    }

    /** Drops this executor's copy of the shard's network when its run is over. */
    void forget(String session) {
        TRAINERS.remove(session + "/" + index);
    }

    Update train(SparkTraining.Round round) {
        // one run at a time trains on a cluster: the networks of another session are left over from an ended one
        TRAINERS.keySet().removeIf(key -> !key.startsWith(round.session() + "/"));
        ShardTrainer trainer = TRAINERS.compute(round.session() + "/" + index, (key, t) ->
                t != null && t.conf().equals(round.conf()) ? t : new ShardTrainer(round.conf(), data, seed, index));
        synchronized (trainer) { // (one task per shard at a time; a retried task may overlap its first attempt)
            ShardTrainer.Round r = trainer.train(round.params(), round.state(), round.iteration(), round.epochCount(),
                    round.epoch(), round.batchSize(), round.fromStep(), round.toStep());
            return r == null ? Update.NONE : new Update(r.params(), r.state(), r.loss(), 1, r.steps());
        }
    }
}
