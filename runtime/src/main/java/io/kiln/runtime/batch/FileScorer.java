package io.kiln.runtime.batch;

import io.kiln.runtime.CsvSource;
import io.kiln.runtime.DataException;
import io.kiln.runtime.KilnModel;
import io.kiln.runtime.LabeledData;
import io.kiln.runtime.ModelDefinition;
import io.kiln.runtime.PredictionCsv;
import io.kiln.runtime.Predictions;
import io.kiln.runtime.batch.Chunks.Parsed;
import io.kiln.runtime.batch.Chunks.Predicted;
import io.kiln.runtime.batch.Chunks.Reject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Scores one CSV file into one output file, resumably.
 *
 * <p>Three stages overlap: a reader thread parses and encodes chunks of rows, a predictor thread
 * runs the network on each, and the calling thread formats and appends the predictions to
 * {@code <output>.partial}. Two chunks wait between stages at most, so memory does not grow with
 * the file. After a chunk is written (or several, when the writer is behind) the partial output is
 * forced to disk and {@code <output>.checkpoint} is replaced atomically; a later run truncates the
 * partial output to the bytes the checkpoint counts and continues at the input offset it records.
 * When every row is done the partial output is renamed to {@code <output>}.
 */
final class FileScorer {
    private static final int HEAD_BYTES = 64 * 1024;
    static final java.lang.management.ThreadMXBean CPU = java.lang.management.ManagementFactory.getThreadMXBean();
    static final java.util.concurrent.atomic.AtomicLong PREDICT_NANOS = new java.util.concurrent.atomic.AtomicLong();
    static final java.util.concurrent.atomic.AtomicLong READ_NANOS = new java.util.concurrent.atomic.AtomicLong();
    static final java.util.concurrent.atomic.AtomicLong WRITE_NANOS = new java.util.concurrent.atomic.AtomicLong();
    static final java.util.concurrent.atomic.AtomicLong COMMIT_NANOS = new java.util.concurrent.atomic.AtomicLong();
    private static final String REJECTS_HEADER = "line,column,error,record\n";

    private final ModelDefinition definition;
    private final KilnModel model;
    private final Checkpoint.ModelIdentity modelIdentity;
    private final PredictionCsv format;
    private final BatchScorer.Options options;

    FileScorer(ModelDefinition definition, KilnModel model, Checkpoint.ModelIdentity modelIdentity,
            BatchScorer.Options options) {
        this.definition = definition;
        this.model = model;
        this.modelIdentity = modelIdentity;
        this.format = new PredictionCsv(definition, model);
        this.options = options;
    }

    /** What scoring one file did. */
    record Result(Path input, Path output, Path rejects, long rows, long scored, long rejected, long resumedRows,
            long rowsThisRun, boolean alreadyComplete) {}

    static Path partialOf(Path output) {
        return sibling(output, ".partial");
    }

    static Path checkpointOf(Path output) {
        return sibling(output, ".checkpoint");
    }

    static Path rejectsOf(Path output) {
        return sibling(output, ".rejects.csv");
    }

    private static Path sibling(Path file, String suffix) {
        return file.resolveSibling(file.getFileName() + suffix);
    }

    /**
     * Scores {@code input} into {@code output}, resuming from a matching checkpoint.
     *
     * @param keepCheckpoint keep the (complete) checkpoint after finishing, as a folder run does
     *     until every file is done
     */
    Result score(Path input, Path output, boolean keepCheckpoint) throws IOException {
        Path checkpointFile = checkpointOf(output);
        Path partial = partialOf(output);
        Checkpoint.FileIdentity inputIdentity = identify(input);
        boolean hadCheckpoint = Files.exists(checkpointFile);
        Checkpoint checkpoint = options.restart() ? null : Checkpoint.read(checkpointFile);
        if (checkpoint != null) {
            List<String> differences = checkpoint.differences(inputIdentity, modelIdentity);
            if (!differences.isEmpty()) {
                throw new IllegalArgumentException("Cannot resume " + output + ": " + checkpointFile + " does not match ("
                        + String.join("; ", differences) + "). Pass --restart to score " + input
                        + " from the beginning (the partial output is replaced).");
            }
            if (checkpoint.complete()) {
                return finishComplete(input, output, checkpoint, keepCheckpoint);
            }
        } else if (Files.exists(output) && !hadCheckpoint && !options.overwrite()) {
            throw new IllegalArgumentException(output + " exists (a finished output). Pass --overwrite to replace it, "
                    + "or choose another --output.");
        }
        CsvSource source = definition.data() != null ? definition.data().withFile(input) : CsvSource.file(input);
        try (FileChannel out = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = out.tryLock()) {
            if (lock == null) {
                throw new IllegalArgumentException("Another run is writing " + partial + "; wait for it to finish.");
            }
            Run run = new Run(input, output, source, inputIdentity, out, checkpoint);
            try {
                return run.execute(keepCheckpoint);
            } finally {
                run.closeRejects();
            }
        }
    }

    /** A previous run scored every row; only renaming (or nothing) was left. */
    private Result finishComplete(Path input, Path output, Checkpoint c, boolean keepCheckpoint) throws IOException {
        Path partial = partialOf(output);
        Path rejects = rejectsOf(output);
        Path rejectsPartial = partialOf(rejects);
        if (Files.exists(partial)) {
            if (Files.size(partial) < c.outputBytes()) {
                throw new IllegalArgumentException(partial + " is shorter than " + checkpointOf(output)
                        + " records. Pass --restart to score " + input + " again.");
            }
            try (FileChannel ch = FileChannel.open(partial, StandardOpenOption.WRITE)) {
                ch.truncate(c.outputBytes());
            }
            finishFiles(partial, output, rejectsPartial, rejects, c.rejected() > 0);
        } else if (!Files.exists(output)) {
            throw new IllegalArgumentException(checkpointOf(output) + " says scoring finished, but neither " + output
                    + " nor " + partial + " exists. Pass --restart to score " + input + " again.");
        }
        if (!keepCheckpoint) {
            Files.deleteIfExists(checkpointOf(output));
        }
        return new Result(input, output, c.rejected() > 0 ? rejects : null, c.rows(), c.scored(), c.rejected(),
                c.rows(), 0, true);
    }

    /** Renames the finished partial files to their final names: the rejects (or none), then the output. */
    private static void finishFiles(Path partial, Path output, Path rejectsPartial, Path rejects, boolean anyRejects)
            throws IOException {
        if (anyRejects) {
            Files.move(rejectsPartial, rejects, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } else {
            Files.deleteIfExists(rejectsPartial);
            Files.deleteIfExists(rejects); // of an earlier output this one replaces
        }
        Files.move(partial, output, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The identity a checkpoint records: path, size, modification time and a hash of the first 64 KB. */
    static Checkpoint.FileIdentity identify(Path input) throws IOException {
        if (!Files.isRegularFile(input)) {
            throw new java.io.FileNotFoundException("Input file not found: " + input.toAbsolutePath());
        }
        byte[] head;
        try (InputStream in = Files.newInputStream(input)) {
            head = in.readNBytes(HEAD_BYTES);
        }
        return new Checkpoint.FileIdentity(input.toAbsolutePath().normalize().toString(), Files.size(input),
                Files.getLastModifiedTime(input).toMillis(), sha256(head));
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One run over one file: the open files and the state of the checkpoint. */
    private final class Run {
        private final Path input;
        private final Path output;
        private final CsvSource source;
        private final FileChannel out;
        private final Path checkpointFile;
        private final Path rejectsPartial;
        private final long resumedRows;
        private Checkpoint checkpoint;
        private FileChannel rejectsOut;
        private long outputBytes;
        private long rejectBytes;

        Run(Path input, Path output, CsvSource source, Checkpoint.FileIdentity identity, FileChannel out,
                Checkpoint resumeFrom) throws IOException {
            this.input = input;
            this.output = output;
            this.source = source;
            this.out = out;
            this.checkpointFile = checkpointOf(output);
            this.rejectsPartial = partialOf(rejectsOf(output));
            if (resumeFrom == null) {
                checkpoint = Checkpoint.start(identity, modelIdentity);
                out.truncate(0);
                outputBytes = append(out, format.headerLine());
                Files.deleteIfExists(rejectsPartial);
                resumedRows = 0;
            } else {
                checkpoint = resumeFrom;
                if (out.size() < resumeFrom.outputBytes()) {
                    throw new IllegalArgumentException(partialOf(output) + " is shorter than " + checkpointFile
                            + " records (" + out.size() + " < " + resumeFrom.outputBytes()
                            + " bytes). Pass --restart to score " + input + " from the beginning.");
                }
                out.truncate(resumeFrom.outputBytes());
                outputBytes = resumeFrom.outputBytes();
                rejectBytes = resumeFrom.rejectBytes();
                if (rejectBytes > 0) {
                    if (!Files.exists(rejectsPartial) || Files.size(rejectsPartial) < rejectBytes) {
                        throw new IllegalArgumentException(rejectsPartial + " is missing or shorter than "
                                + checkpointFile + " records. Pass --restart to score " + input
                                + " from the beginning.");
                    }
                    rejectsOut = FileChannel.open(rejectsPartial, StandardOpenOption.WRITE);
                    rejectsOut.truncate(rejectBytes);
                } else {
                    Files.deleteIfExists(rejectsPartial);
                }
                resumedRows = resumeFrom.rows();
            }
            out.position(outputBytes);
        }

        Result execute(boolean keepCheckpoint) throws IOException {
            CsvRecordReader reader = new CsvRecordReader(input, source.name(), source.delimiter(), 0, 1);
            String[] names = {"kiln-score-reader", "kiln-score-predictor"};
            java.util.concurrent.atomic.AtomicInteger started = new java.util.concurrent.atomic.AtomicInteger();
            ExecutorService threads = Executors.newFixedThreadPool(2, r -> {
                Thread t = new Thread(r, names[started.getAndIncrement() % names.length]);
                t.setDaemon(true);
                return t;
            });
            try (reader) {
                RowEncoder encoder = openInput(reader);
                Progress progress = new Progress(options.progress(), options.terminal(), input.getFileName().toString(),
                        checkpoint.input().size(), checkpoint.inputOffset());
                BlockingQueue<Parsed> parsed = new ArrayBlockingQueue<>(2);
                BlockingQueue<Predicted> predicted = new ArrayBlockingQueue<>(2);
                Future<?> reading = threads.submit(() -> {
                    read(reader, encoder, parsed);
                    return null;
                });
                Future<?> predicting = threads.submit(() -> {
                    predict(parsed, predicted);
                    return null;
                });
                write(predicted, progress, reading, predicting);
            } finally {
                threads.shutdownNow();
            }
            Path rejects = rejectsOf(output);
            closeRejects();
            finishFiles(partialOf(output), output, rejectsPartial, rejects, checkpoint.rejected() > 0);
            if (!keepCheckpoint) {
                Files.deleteIfExists(checkpointFile);
            }
            return new Result(input, output, checkpoint.rejected() > 0 ? rejects : null, checkpoint.rows(),
                    checkpoint.scored(), checkpoint.rejected(), resumedRows, checkpoint.rows() - resumedRows, false);
        }

        /**
         * Reads the header (or, without one, the first row's width), maps the features to columns and
         * positions the reader at the first row to score.
         */
        private RowEncoder openInput(CsvRecordReader reader) throws IOException {
            List<String> header = List.of();
            int width = -1;
            if (reader.next()) {
                if (source.header()) {
                    header = List.of(reader.cells());
                }
                width = reader.fields();
            } else if (source.header()) {
                throw new DataException(source.name(), 1, null,
                        "the file is empty; expected a header line naming the columns");
            }
            if (checkpoint.rows() > 0 || checkpoint.inputOffset() > 0) {
                reader.seek(checkpoint.inputOffset(), checkpoint.nextLine());
            } else if (source.header()) {
                checkpoint = checkpoint.advance(0, 0, reader.offset(), reader.nextLine(), outputBytes, rejectBytes,
                        false);
            } else {
                reader.seek(0, 1);
            }
            int[] columns = width < 0 ? new int[definition.features().size()]
                    : LabeledData.featureColumns(source.name(), header, source.header() ? -1 : width,
                            definition.features(), definition.label());
            return new RowEncoder(source.name(), definition.features(), model.preprocessor(), columns,
                    source.missingValues(), width, source.header(), source.delimiter());
        }

        /** The reader thread: chunks of encoded rows, then a last chunk (which may carry the error that ended it). */
        private void read(CsvRecordReader reader, RowEncoder encoder, BlockingQueue<Parsed> queue)
                throws IOException, InterruptedException {
            int batch = options.batchSize();
            int width = encoder.width();
            boolean skip = options.onError() == BatchScorer.OnError.SKIP;
            while (true) {
                long t0 = CPU.getCurrentThreadCpuTime();
                float[] inputs = new float[batch * width];
                long[] lines = new long[batch];
                List<Reject> rejects = new ArrayList<>(0);
                int rows = 0;
                long offset = reader.offset();
                long nextLine = reader.nextLine();
                boolean last = false;
                RuntimeException failure = null;
                for (int consumed = 0; consumed < batch; consumed++) {
                    boolean more;
                    try {
                        more = reader.next();
                    } catch (DataException e) { // the CSV itself is broken: nothing after it can be read
                        last = true;
                        failure = e;
                        break;
                    }
                    if (!more) {
                        last = true;
                        break;
                    }
                    try {
                        encoder.encode(reader, inputs, rows * width);
                        lines[rows++] = reader.line();
                    } catch (DataException e) {
                        if (!skip) {
                            last = true;
                            failure = e;
                            break;
                        }
                        rejects.add(Reject.of(e, reader.text()));
                    }
                    offset = reader.offset();
                    nextLine = reader.nextLine();
                }
                if (rows < batch) {
                    inputs = Arrays.copyOf(inputs, rows * width);
                    lines = Arrays.copyOf(lines, rows);
                }
                READ_NANOS.addAndGet(CPU.getCurrentThreadCpuTime() - t0);
                queue.put(new Parsed(inputs, rows, lines, rejects, offset, nextLine, last, failure));
                if (last) {
                    return;
                }
            }
        }

        /** The predictor thread. */
        private void predict(BlockingQueue<Parsed> in, BlockingQueue<Predicted> out) throws InterruptedException {
            while (true) {
                Parsed c = in.take();
                long t0 = CPU.getCurrentThreadCpuTime();
                Predictions p = c.rows() > 0 ? model.predictEncoded(c.inputs(), c.rows()) : null;
                PREDICT_NANOS.addAndGet(CPU.getCurrentThreadCpuTime() - t0);
                out.put(new Predicted(c, p));
                if (c.last()) {
                    return;
                }
            }
        }

        /** The writing thread (the caller's): appends, commits, reports progress; rethrows a stage's failure. */
        private void write(BlockingQueue<Predicted> queue, Progress progress, Future<?> reading, Future<?> predicting)
                throws IOException {
            StringBuilder text = new StringBuilder(1 << 16);
            long startRows = checkpoint.rows();
            long pendingScored = 0;
            long pendingRejected = 0;
            while (true) {
                Predicted c = take(queue, reading, predicting);
                Parsed parsed = c.parsed();
                long t0 = CPU.getCurrentThreadCpuTime();
                text.setLength(0);
                for (int i = 0; i < parsed.rows(); i++) {
                    format.appendRow(text, c.predictions(), i, parsed.lines()[i]);
                }
                outputBytes += append(out, text);
                if (!parsed.rejects().isEmpty()) {
                    text.setLength(0);
                    for (Reject r : parsed.rejects()) {
                        text.append(r.line()).append(',').append(PredictionCsv.field(r.column())).append(',')
                                .append(PredictionCsv.field(r.reason())).append(',')
                                .append(PredictionCsv.field(r.text())).append('\n');
                    }
                    rejectBytes += append(rejects(), text);
                }
                pendingScored += parsed.rows();
                pendingRejected += parsed.rejects().size();
                boolean done = parsed.last() && parsed.failure() == null;
                long t1 = CPU.getCurrentThreadCpuTime();
                WRITE_NANOS.addAndGet(t1 - t0);
                if (parsed.last() || queue.isEmpty()) { // group commit when the writer is behind
                    out.force(false);
                    if (rejectsOut != null) {
                        rejectsOut.force(false);
                    }
                    checkpoint = checkpoint.advance(pendingScored, pendingRejected, parsed.offset(), parsed.nextLine(),
                            outputBytes, rejectBytes, done);
                    checkpoint.write(checkpointFile);
                    pendingScored = 0;
                    pendingRejected = 0;
                    COMMIT_NANOS.addAndGet(CPU.getCurrentThreadCpuTime() - t1);
                    if (options.listener() != null) {
                        options.listener().committed(output, checkpoint.rows());
                    }
                }
                progress.update(checkpoint.rows(), checkpoint.rows() - startRows, parsed.offset());
                if (parsed.last()) {
                    progress.finish(checkpoint.rows(), checkpoint.rows() - startRows, parsed.offset());
                    if (parsed.failure() != null) {
                        throw withHint(parsed.failure());
                    }
                    System.err.printf("TIMING read %.2f predict %.2f write %.2f commit %.2f%n", READ_NANOS.get() / 1e9,
                            PREDICT_NANOS.get() / 1e9, WRITE_NANOS.get() / 1e9, COMMIT_NANOS.get() / 1e9);
                    return;
                }
            }
        }

        private RuntimeException withHint(RuntimeException failure) {
            if (!(failure instanceof DataException e) || e.line() <= 0) {
                return failure;
            }
            return new DataException(e.source(), e.line(), e.column(), e.reason() + " The " + checkpoint.rows()
                    + " rows before it are saved in " + partialOf(output) + ": re-run with --on-error skip to "
                    + "continue there and write bad rows to " + rejectsOf(output)
                    + ", or fix the data and re-run with --restart.");
        }

        private Predicted take(BlockingQueue<Predicted> queue, Future<?> reading, Future<?> predicting)
                throws IOException {
            try {
                while (true) {
                    Predicted c = queue.poll(100, TimeUnit.MILLISECONDS);
                    if (c != null) {
                        return c;
                    }
                    rethrowFailure(reading);
                    rethrowFailure(predicting);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("Interrupted while scoring " + input, e);
            }
        }

        private void rethrowFailure(Future<?> stage) throws IOException, InterruptedException {
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

        private FileChannel rejects() throws IOException {
            if (rejectsOut == null) {
                rejectsOut = FileChannel.open(rejectsPartial, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING);
                rejectBytes = append(rejectsOut, REJECTS_HEADER);
            }
            return rejectsOut;
        }

        void closeRejects() throws IOException {
            if (rejectsOut != null) {
                rejectsOut.close();
                rejectsOut = null;
            }
        }
    }

    /** Appends UTF-8 text; returns the bytes written. */
    private static long append(FileChannel channel, CharSequence text) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
        long n = bytes.remaining();
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
        return n;
    }
}
