package io.kiln.spark;

import io.kiln.runtime.internal.train.ShardTrainer;
import java.io.Serializable;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One worker's share of a run's training rows on an executor, and its training of one averaging
 * round ({@link ShardTrainer.Request}) by the runtime's {@link ShardTrainer}, which each executor
 * JVM keeps per session and shard until the network changes or the run ends.
 */
record Shard(int index, ShardTrainer.Rows data, long seed) implements Serializable {
    private static final Map<String, ShardTrainer> TRAINERS = new ConcurrentHashMap<>();

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

    ShardTrainer.Sum train(String session, ShardTrainer.Request request) {
        // one run at a time trains on a cluster: the networks of another session are left over from an ended one
        TRAINERS.keySet().removeIf(key -> !key.startsWith(session + "/"));
        ShardTrainer trainer = TRAINERS.compute(session + "/" + index, (key, t) ->
                t != null && t.conf().equals(request.conf()) ? t : new ShardTrainer(request.conf(), data, seed, index));
        synchronized (trainer) { // (one task per shard at a time; a retried task may overlap its first attempt)
            return ShardTrainer.Sum.of(trainer.train(request));
        }
    }
}
