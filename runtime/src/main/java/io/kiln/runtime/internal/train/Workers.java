package io.kiln.runtime.internal.train;

import io.kiln.runtime.DataParallel;
import java.util.function.Supplier;

/**
 * The {@link DataParallel} workers of the training running on this thread ({@code
 * TrainOptions.dataParallel}), for the training loop; while there are some, the runs of a protocol
 * train one after another ({@link Parallel}), each over the workers.
 */
public final class Workers {
    private static final ThreadLocal<DataParallel> CURRENT = new ThreadLocal<>();
    /** The workers that trained a run of this thread's training, or null while none has. */
    private static final ThreadLocal<DataParallel> USED = new ThreadLocal<>();

    private Workers() {}

    /** The workers of this thread's training, or null. */
    public static DataParallel current() {
        return CURRENT.get();
    }

    /** The workers that have trained a run of this thread's training so far, or null. */
    public static DataParallel used() {
        return USED.get();
    }

    /** Notes that {@code workers} trained a run (the training loop calls it). */
    static void markUsed(DataParallel workers) {
        USED.set(workers);
    }

    /** Runs {@code body} with {@code workers} (null: none) as this thread's, none of them used yet. */
    public static <T> T with(DataParallel workers, Supplier<T> body) {
        DataParallel before = CURRENT.get();
        DataParallel usedBefore = USED.get();
        CURRENT.set(workers);
        USED.remove();
        try {
            return body.get();
        } finally {
            CURRENT.set(before);
            USED.set(usedBefore);
        }
    }
}
