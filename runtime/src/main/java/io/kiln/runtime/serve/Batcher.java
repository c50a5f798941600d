package io.kiln.runtime.serve;

import io.kiln.runtime.KilnModel;
import io.kiln.runtime.Predictions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * Dynamic batching: concurrent requests for one model version are queued and run through the
 * network together, up to {@code maxBatch} rows per forward pass. After the first request of a
 * batch arrives the batcher waits at most {@code maxDelay} for more; with a delay of 0 it takes
 * only what is already queued, so a lone request is never held back, and batches form by
 * themselves when requests arrive faster than the network answers them.
 *
 * <p>Requests arrive already encoded (encoding, which validates every value, runs on the
 * request's own thread), so one bad request never fails a batch.
 */
final class Batcher implements AutoCloseable {
    private record Job(float[] inputs, int rows, CompletableFuture<Predictions> result) {}

    private static final Job POISON = new Job(new float[0], 0, null);

    private final KilnModel model;
    private final int maxBatch;
    private final long maxDelayNanos;
    private final IntConsumer batchSizes;
    private final LinkedBlockingQueue<Job> queue = new LinkedBlockingQueue<>();
    private final Thread worker;
    private final Object lock = new Object();
    private boolean closed; // guarded by lock: no job is queued after the stop marker

    Batcher(KilnModel model, String name, int maxBatch, long maxDelayMicros, IntConsumer batchSizes) {
        if (maxBatch < 1 || maxDelayMicros < 0) {
            throw new IllegalArgumentException("maxBatch must be at least 1 and the delay not negative");
        }
        this.model = model;
        this.maxBatch = maxBatch;
        this.maxDelayNanos = TimeUnit.MICROSECONDS.toNanos(maxDelayMicros);
        this.batchSizes = batchSizes;
        this.worker = new Thread(this::loop, "kiln-batcher-" + name);
        worker.setDaemon(true);
        worker.start();
    }

    /** Predicts encoded rows; blocks until their batch has run. */
    Predictions predict(float[] inputs, int rows) {
        CompletableFuture<Predictions> result = new CompletableFuture<>();
        boolean queued;
        synchronized (lock) {
            queued = !closed;
            if (queued) {
                queue.add(new Job(inputs, rows, result));
            }
        }
        if (!queued) { // a request that reached a version just retired: answer it directly
            Predictions p = model.predictEncoded(inputs, rows);
            batchSizes.accept(rows);
            return p;
        }
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the batch", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    private void loop() {
        List<Job> batch = new ArrayList<>();
        Job carry = null; // a job that did not fit the previous batch: it opens the next one
        try {
            while (true) {
                Job first = carry != null ? carry : queue.take();
                carry = null;
                if (first == POISON) {
                    return;
                }
                batch.clear();
                batch.add(first);
                int rows = first.rows();
                long deadline = System.nanoTime() + maxDelayNanos;
                while (rows < maxBatch) {
                    Job next = maxDelayNanos == 0 ? queue.poll()
                            : queue.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    if (next == null) {
                        break;
                    }
                    if (next == POISON || rows + next.rows() > maxBatch) {
                        carry = next;
                        break;
                    }
                    batch.add(next);
                    rows += next.rows();
                }
                run(batch, rows);
            }
        } catch (InterruptedException e) {
            batch.forEach(j -> j.result().completeExceptionally(e));
        }
    }

    private void run(List<Job> batch, int rows) {
        try {
            Predictions p;
            if (batch.size() == 1) {
                p = model.predictEncoded(batch.get(0).inputs(), rows);
            } else {
                float[] all = new float[batch.stream().mapToInt(j -> j.inputs().length).sum()];
                int at = 0;
                for (Job j : batch) {
                    System.arraycopy(j.inputs(), 0, all, at, j.inputs().length);
                    at += j.inputs().length;
                }
                p = model.predictEncoded(all, rows);
            }
            batchSizes.accept(rows);
            int from = 0;
            for (Job j : batch) {
                j.result().complete(batch.size() == 1 ? p : p.slice(from, from + j.rows()));
                from += j.rows();
            }
        } catch (RuntimeException | Error e) {
            batch.forEach(j -> j.result().completeExceptionally(e));
        }
    }

    /** Finishes the queued requests, then stops the worker. */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            queue.add(POISON);
        }
        try {
            worker.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
