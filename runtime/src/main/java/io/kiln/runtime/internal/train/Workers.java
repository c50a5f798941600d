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

    private Workers() {}

    /** The workers of this thread's training, or null. */
    public static DataParallel current() {
        return CURRENT.get();
    }

    /** Runs {@code body} with {@code workers} (null: none) as this thread's. */
    public static <T> T with(DataParallel workers, Supplier<T> body) {
        DataParallel before = CURRENT.get();
        CURRENT.set(workers);
        try {
            return body.get();
        } finally {
            CURRENT.set(before);
        }
    }
}
