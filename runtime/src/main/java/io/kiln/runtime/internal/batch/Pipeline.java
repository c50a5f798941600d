package io.kiln.runtime.internal.batch;

import io.kiln.runtime.DataException;
import io.kiln.runtime.KilnModel;
import io.kiln.runtime.Predictions;
import io.kiln.runtime.internal.batch.Chunks.Parsed;
import io.kiln.runtime.internal.batch.Chunks.Predicted;
import io.kiln.runtime.internal.batch.Chunks.Reject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The two background stages of a scoring run: a reader thread that parses and encodes chunks of
 * rows, and a predictor thread that runs the network on each. The caller takes the predicted
 * chunks, in input order, with {@link #next}. At most {@value #WAITING} chunks wait between two
 * stages, so memory does not depend on the size of the input.
 *
 * <p>A chunk is {@code batch} consecutive rows of the input, scored or rejected (for a raw series,
 * {@code batch} windows or rejected rows; see {@link SeriesEncoder}); chunk boundaries depend only
 * on the input and the batch size. When a row stops the run, the chunk it is in is
 * dropped: the last chunk then carries the error and no rows, and ends where the chunk began, so
 * that a run resumed there batches the rows as an uninterrupted run would.
 */
final class Pipeline implements AutoCloseable {
    static final int WAITING = 2;
    private static final String[] THREAD_NAMES = {"kiln-score-reader", "kiln-score-predictor"};

    private final BlockingQueue<Parsed> parsed = new ArrayBlockingQueue<>(WAITING);
    private final BlockingQueue<Predicted> predicted = new ArrayBlockingQueue<>(WAITING);
    private final ExecutorService threads;
    private final Future<?> reading;
    private final Future<?> predicting;

    /**
     * Starts reading at the reader's position.
     *
     * @param skipBadRows reject rows the encoder refuses ({@code --on-error skip}) instead of stopping
     */
    Pipeline(CsvRecordReader reader, Encoder encoder, KilnModel model, int batch, boolean skipBadRows) {
        AtomicInteger started = new AtomicInteger();
        this.threads = Executors.newFixedThreadPool(THREAD_NAMES.length, r -> {
            Thread t = new Thread(r, THREAD_NAMES[started.getAndIncrement() % THREAD_NAMES.length]);
            t.setDaemon(true);
            return t;
        });
        this.reading = threads.submit(() -> {
            read(reader, encoder, batch, skipBadRows);
            return null;
        });
        this.predicting = threads.submit(() -> {
            predict(model);
            return null;
        });
    }

    /** The next predicted chunk; an exception of either stage is rethrown here. */
    Predicted next() throws IOException {
        try {
            while (true) {
                Predicted c = predicted.poll(100, TimeUnit.MILLISECONDS);
                if (c != null) {
                    return c;
                }
                rethrowFailure(reading);
                rethrowFailure(predicting);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while scoring", e);
        }
    }

    /** Stops both threads (they may be blocked on a full queue). */
    @Override
    public void close() {
        threads.shutdownNow();
    }

    /** The reader stage: chunks of encoded rows, the last one marked (and carrying the error that ended it, if any). */
    private void read(CsvRecordReader reader, Encoder encoder, int batch, boolean skipBadRows)
            throws IOException, InterruptedException {
        int width = encoder.width();
        while (true) {
            float[] inputs = new float[batch * width];
            long[] lines = new long[batch];
            List<Reject> rejects = new ArrayList<>(0);
            int rows = 0;
            long[] chunkStart = encoder.resumeAt(reader);
            boolean last = false;
            DataException failure = null;
            for (int consumed = 0; consumed < batch; ) {
                if (encoder.readEncoded(reader, inputs, rows * width)) {
                    lines[rows++] = reader.line();
                    consumed++;
                    continue;
                }
                long start = reader.offset();
                long startLine = reader.nextLine();
                try {
                    if (!reader.next()) {
                        last = true;
                        break;
                    }
                } catch (DataException e) { // the CSV itself is broken: nothing after it can be read
                    failure = e;
                    break;
                }
                try {
                    if (encoder.encode(reader, start, startLine, inputs, rows * width)) {
                        lines[rows++] = reader.line();
                        consumed++;
                    }
                } catch (DataException e) {
                    if (!skipBadRows) {
                        failure = e;
                        break;
                    }
                    rejects.add(Reject.of(e, reader.text()));
                    consumed++;
                }
            }
            if (failure != null) {
                parsed.put(new Parsed(new float[0], 0, new long[0], List.of(), chunkStart[0], chunkStart[1], true,
                        failure));
                return;
            }
            if (rows < batch) {
                inputs = Arrays.copyOf(inputs, rows * width);
                lines = Arrays.copyOf(lines, rows);
            }
            long[] end = encoder.resumeAt(reader);
            parsed.put(new Parsed(inputs, rows, lines, rejects, end[0], end[1], last, null));
            if (last) {
                return;
            }
        }
    }

    /** The predictor stage: one forward pass per chunk. */
    private void predict(KilnModel model) throws InterruptedException {
        while (true) {
            Parsed c = parsed.take();
            Predictions p = c.rows() > 0 ? model.predictBatch(c.inputs(), c.rows()) : null;
            predicted.put(new Predicted(c, p));
            if (c.last()) {
                return;
            }
        }
    }

    private static void rethrowFailure(Future<?> stage) throws IOException, InterruptedException {
        if (!stage.isDone()) {
            return;
        }
        try {
            stage.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof UncheckedIOException u) {
                throw u.getCause();
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        }
    }
}
