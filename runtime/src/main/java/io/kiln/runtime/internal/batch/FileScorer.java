package io.kiln.runtime.internal.batch;

import io.kiln.runtime.batch.BatchScorer;
import io.kiln.runtime.CsvSource;
import io.kiln.runtime.DataException;
import io.kiln.runtime.KilnModel;
import io.kiln.runtime.internal.data.LabeledData;
import io.kiln.runtime.ModelDefinition;
import io.kiln.runtime.internal.inference.PredictionCsv;
import io.kiln.runtime.internal.inference.TextBuffer;
import io.kiln.runtime.internal.batch.Chunks.Parsed;
import io.kiln.runtime.internal.batch.Chunks.Predicted;
import io.kiln.runtime.internal.batch.Chunks.Reject;
import java.io.IOException;
import java.io.InputStream;
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
import java.util.HexFormat;
import java.util.List;

/**
 * Scores one CSV file into one output file, resumably.
 *
 * <p>Three stages overlap: a reader thread parses and encodes chunks of rows and a predictor
 * thread runs the network on each ({@link Pipeline}), while the calling thread formats and appends
 * the predictions to {@code <output>.partial}. After a chunk is written, once the checkpoint
 * interval has passed since the last commit (and after the last chunk), the partial output is
 * forced to disk and {@code <output>.checkpoint} is replaced atomically; a later run truncates the
 * partial output to the bytes the checkpoint counts and continues at the input offset it records.
 * When every row is done the partial output is renamed to {@code <output>}.
 */
public final class FileScorer {
    private static final int HEAD_BYTES = 64 * 1024;
    private static final String REJECTS_HEADER = "line,column,error,record\n";

    private final ModelDefinition definition;
    private final KilnModel model;
    private final Checkpoint.ModelIdentity modelIdentity;
    private final PredictionCsv format;
    private final BatchScorer.Options options;

    public FileScorer(ModelDefinition definition, KilnModel model, Checkpoint.ModelIdentity modelIdentity,
            BatchScorer.Options options) {
        this.definition = definition;
        this.model = model;
        this.modelIdentity = modelIdentity;
        this.format = new PredictionCsv(definition, model);
        this.options = options;
    }

    /** What scoring one file did. */
    public record Result(Path input, Path output, Path rejects, long rows, long scored, long rejected, long resumedRows,
            long rowsThisRun, boolean alreadyComplete) {}

    public static Path partialOf(Path output) {
        return sibling(output, ".partial");
    }

    public static Path checkpointOf(Path output) {
        return sibling(output, ".checkpoint");
    }

    public static Path rejectsOf(Path output) {
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
    public Result score(Path input, Path output, boolean keepCheckpoint) throws IOException {
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
            deleteOrphanedCheckpointTemporaries(checkpointFile);
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

    /** Removes the temporary files of checkpoint writes that a killed run left (see {@link io.kiln.runtime.internal.model.AtomicFiles}). */
    private static void deleteOrphanedCheckpointTemporaries(Path checkpointFile) throws IOException {
        Path folder = checkpointFile.toAbsolutePath().getParent();
        String prefix = "." + checkpointFile.getFileName();
        try (java.util.stream.Stream<Path> files = Files.list(folder)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String name = f.getFileName().toString();
                if (name.startsWith(prefix) && name.endsWith(".tmp")) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    /** The identity a checkpoint records: path, size, modification time and a hash of the first 64 KB. */
    public static Checkpoint.FileIdentity identify(Path input) throws IOException {
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

    public static String sha256(byte[] bytes) {
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
                checkpoint = Checkpoint.start(identity, modelIdentity, options.batchSize());
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
                    rejectsOut.position(rejectBytes); // append after the committed rejects, not over them
                } else {
                    Files.deleteIfExists(rejectsPartial);
                }
                resumedRows = resumeFrom.rows();
            }
            out.position(outputBytes);
        }

        Result execute(boolean keepCheckpoint) throws IOException {
            try (CsvRecordReader reader = new CsvRecordReader(input, source.name(), source.delimiter(), 0, 1)) {
                Encoder encoder = openInput(reader);
                Progress progress = new Progress(options.progress(), options.terminal(), input.getFileName().toString(),
                        checkpoint.input().size(), checkpoint.inputOffset());
                // a resumed run keeps the chunks of the run it continues
                try (Pipeline pipeline = new Pipeline(reader, encoder, model, checkpoint.batchSize(),
                        options.onError() == BatchScorer.OnError.SKIP)) {
                    write(pipeline, progress);
                }
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
         * positions the reader at the first row to score. A series model's file is either the series
         * itself (windowed as it is read, {@link SeriesEncoder}) or rows of windows, a column per step.
         */
        private Encoder openInput(CsvRecordReader reader) throws IOException {
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
            if (definition.series() != null && !definition.isWindowTable(header)) {
                if (!source.header()) {
                    throw new DataException(source.name(), 1, null, "A series is windowed by column name, so the "
                            + "file needs a header line (or a column per window step: " + definition.features().get(0)
                            .column() + ", ...)");
                }
                return new SeriesEncoder(source.name(), definition.declaredFeatures(), model.preprocessor(),
                        definition.series(), header, definition.protocol().orderColumn(),
                        source.missingValues(), source.delimiter());
            }
            int[] columns = width < 0 ? new int[definition.features().size()]
                    : LabeledData.featureColumns(source.name(), header, source.header() ? -1 : width,
                            definition.features(), definition.label(), source.delimiter());
            return new RowEncoder(source.name(), definition.features(), model.preprocessor(), columns,
                    source.missingValues(), width, source.header(), source.delimiter());
        }

        /** The writing stage (the caller's thread): appends, commits, reports progress; rethrows a stage's failure. */
        private void write(Pipeline pipeline, Progress progress) throws IOException {
            TextBuffer text = new TextBuffer(1 << 16);
            StringBuilder rejectText = new StringBuilder();
            long startRows = checkpoint.rows();
            long pendingScored = 0;
            long pendingRejected = 0;
            long interval = options.checkpointInterval().toNanos();
            long lastCommit = System.nanoTime();
            while (true) {
                Predicted c = pipeline.next();
                Parsed parsed = c.parsed();
                try {
                    text.clear();
                    if (parsed.rows() > 0) {
                        format.appendRows(text, c.predictions(), parsed.lines());
                    }
                    text.writeTo(out);
                    outputBytes += text.size();
                    if (!parsed.rejects().isEmpty()) {
                        rejectText.setLength(0);
                        for (Reject r : parsed.rejects()) {
                            rejectText.append(r.line()).append(',').append(PredictionCsv.field(r.column())).append(',')
                                    .append(PredictionCsv.field(r.reason())).append(',')
                                    .append(PredictionCsv.field(r.text())).append('\n');
                        }
                        FileChannel rejects = rejects(); // first: opening it counts the header into rejectBytes
                        rejectBytes += append(rejects, rejectText);
                    }
                    pendingScored += parsed.rows();
                    pendingRejected += parsed.rejects().size();
                    boolean done = parsed.last() && parsed.failure() == null;
                    // each commit is two fsyncs and a rename: one per interval, not one per chunk
                    if (parsed.last() || System.nanoTime() - lastCommit >= interval) {
                        out.force(false);
                        if (rejectsOut != null) {
                            rejectsOut.force(false);
                        }
                        checkpoint = checkpoint.advance(pendingScored, pendingRejected, parsed.offset(), parsed.nextLine(),
                                outputBytes, rejectBytes, done);
                        checkpoint.write(checkpointFile);
                        pendingScored = 0;
                        pendingRejected = 0;
                        lastCommit = System.nanoTime();
                        if (options.listener() != null) {
                            options.listener().committed(output, checkpoint.rows());
                        }
                    }
                } catch (IOException e) {
                    throw new IOException("Cannot write the scores to " + partialOf(output).toAbsolutePath() + ": "
                            + io.kiln.runtime.CsvSource.reason(e) + ". The rows committed before are kept: free some "
                            + "space and run the same command again to resume.", e);
                }
                progress.update(checkpoint.rows(), checkpoint.rows() - startRows, parsed.offset());
                if (parsed.last()) {
                    progress.finish(checkpoint.rows(), checkpoint.rows() - startRows, parsed.offset());
                    if (parsed.failure() != null) {
                        throw withHint(parsed.failure());
                    }
                    return;
                }
            }
        }

        private RuntimeException withHint(RuntimeException failure) {
            if (!(failure instanceof DataException e) || e.line() <= 0) {
                return failure;
            }
            String reason = e.reason().endsWith(".") ? e.reason() : e.reason() + ".";
            DataException hinted = new DataException(e.source(), e.line(), e.column(), reason + " The "
                    + checkpoint.rows() + " rows before its chunk are saved in " + partialOf(output) + ": re-run with "
                    + "--on-error skip to continue there and write bad rows to " + rejectsOf(output)
                    + ", or fix the data and re-run with --restart.");
            hinted.initCause(e); // the error alone, for callers that do not resume (predict)
            return hinted;
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
