package io.kiln.runtime.internal.train;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * Independent trainings (the folds of a cross-validation, the seeds of an ensemble) run side by side,
 * one per core up to {@link #width()}: each trains on one native thread, and its result does not
 * depend on which thread ran it or in what order, so the results are those of one after another.
 * A training inside one that already runs beside others runs inline (no nested pools).
 */
public final class Parallel {
    /** The system property that sets how many trainings run at once (1: one after another). */
    public static final String PROPERTY = "kiln.parallel";

    private static final ThreadLocal<Boolean> INSIDE = ThreadLocal.withInitial(() -> false);

    private Parallel() {}

    /** Trainings at once: the {@value #PROPERTY} property, else the cores, at most 2. */
    public static int width() {
        String set = System.getProperty(PROPERTY);
        if (set != null && !set.isBlank()) {
            try {
                int n = Integer.parseInt(set.trim());
                if (n >= 1) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException("-D" + PROPERTY + " must be a whole number of trainings, 1 or more, not '"
                    + set + "'");
        }
        return Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
    }

    /**
     * {@code job(0) .. job(n - 1)}, in that order; side by side when {@code allowed} (nothing in them
     * expects one thread, such as a user's epoch listener) and more than one may run. The first failure
     * by index is thrown, after every job has ended.
     */
    public static <T> List<T> map(int n, IntFunction<T> job, boolean allowed) {
        return map(n, job, allowed ? width() : 1);
    }

    /**
     * {@code job(0) .. job(n - 1)}, in that order, at most {@code width} at once (1: one after another,
     * here). The first failure by index is thrown, after every job has ended.
     */
    public static <T> List<T> map(int n, IntFunction<T> job, int width) {
        int threads = Math.min(n, width);
        if (threads <= 1 || INSIDE.get() || Workers.current() != null) {
            List<T> results = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                results.add(job.apply(i));
            }
            return results;
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(() -> {
                INSIDE.set(true);
                r.run();
            }, "kiln-training");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<T>> futures = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                final int index = i;
                futures.add(pool.submit(() -> job.apply(index)));
            }
            List<T> results = new ArrayList<>(n);
            Throwable failure = null;
            for (Future<T> f : futures) {
                try {
                    results.add(f.get());
                } catch (ExecutionException e) {
                    failure = failure != null ? failure : e.getCause();
                    results.add(null);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while training", e);
                }
            }
            if (failure instanceof RuntimeException r) {
                throw r;
            }
            if (failure instanceof Error e) {
                throw e;
            }
            if (failure != null) {
                throw new IllegalStateException(failure);
            }
            return results;
        } finally {
            pool.shutdown();
            try {
                pool.awaitTermination(1, TimeUnit.DAYS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
