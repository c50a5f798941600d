package io.kiln.runtime.batch;

import io.kiln.runtime.FeatureSchema;
import io.kiln.runtime.internal.batch.Checkpoint;
import io.kiln.runtime.internal.batch.FileScorer;
import io.kiln.runtime.KilnModel;
import io.kiln.runtime.ModelDefinition;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Public API. Offline batch inference: scores a CSV file, or every {@code *.csv} file of a folder, with a saved
 * model, streaming in bounded memory, into CSV files of predictions in the format of the
 * {@code predict} command ({@link io.kiln.runtime.internal.inference.PredictionCsv}).
 *
 * <p>Runs survive crashes: each output is written to {@code <output>.partial} with a
 * {@code <output>.checkpoint} beside it, and running the same job again continues after the last
 * committed chunk, so no row is lost or written twice. A finished output is renamed into place
 * atomically. See docs/concepts/batch-scoring.md.
 *
 * <pre>{@code
 * BatchScorer scorer = new BatchScorer(IrisTrainer.DEFINITION, Path.of("models/iris.kiln"), Options.defaults());
 * Summary s = scorer.score(Path.of("in.csv"), Path.of("scores.csv"));
 * }</pre>
 */
public final class BatchScorer {
    /** What to do with a row whose cells the model cannot take. */
    public enum OnError {
        /** Stop with a {@link io.kiln.runtime.DataException} naming the file, line and column. */
        FAIL,
        /** Write the row and the reason to {@code <output>.rejects.csv} and go on. */
        SKIP;

        /** The mode a command line names ({@code fail} or {@code skip}, any case); a message for anything else. */
        public static OnError parse(String text) {
            return switch (text.toLowerCase(Locale.ROOT)) {
                case "fail" -> FAIL;
                case "skip" -> SKIP;
                default -> throw new IllegalArgumentException("--on-error is 'fail' or 'skip', not '" + text + "'");
            };
        }
    }

    /** Called after each commit, on the writing thread. */
    @FunctionalInterface
    public interface CommitListener {
        /** {@code rows} input rows of {@code output} are now safely on disk (scored or rejected). */
        void committed(Path output, long rows);
    }

    /**
     * How to score.
     *
     * @param batchSize rows per chunk: per forward pass, and the unit of a commit
     * @param onError what to do with a bad row
     * @param restart ignore checkpoints: score every input from its beginning
     * @param overwrite replace outputs that a finished earlier run left
     * @param progress where the progress bar goes, or null for none
     * @param terminal whether {@code progress} is a terminal (redraw in place) or a log (a line now and then)
     * @param listener called after each commit, or null
     * @param checkpointInterval the least time between two commits: after a chunk is written, the
     *     run commits (forces the output to disk and replaces the checkpoint) once this much time
     *     has passed since the last commit, and always after the last chunk; zero commits every
     *     chunk. A crash loses at most about this much work.
     */
    public record Options(int batchSize, OnError onError, boolean restart, boolean overwrite, PrintStream progress,
            boolean terminal, CommitListener listener, Duration checkpointInterval) {
        public static final int DEFAULT_BATCH_SIZE = 4096;
        public static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(1);

        public Options {
            if (batchSize <= 0) {
                throw new IllegalArgumentException("--batch-size must be positive, was " + batchSize);
            }
            if (onError == null) {
                throw new IllegalArgumentException("onError is required");
            }
            if (checkpointInterval == null || checkpointInterval.isNegative()) {
                throw new IllegalArgumentException("--checkpoint-interval must be zero or more seconds, was "
                        + checkpointInterval);
            }
        }

        /**
         * Batches of {@value #DEFAULT_BATCH_SIZE}, fail on a bad row, resume, keep finished outputs,
         * no progress, a commit at most every second.
         */
        public static Options defaults() {
            return new Options(DEFAULT_BATCH_SIZE, OnError.FAIL, false, false, null, false, null,
                    DEFAULT_CHECKPOINT_INTERVAL);
        }

        public Options batchSize(int rows) {
            return new Options(rows, onError, restart, overwrite, progress, terminal, listener, checkpointInterval);
        }

        public Options onError(OnError mode) {
            return new Options(batchSize, mode, restart, overwrite, progress, terminal, listener, checkpointInterval);
        }

        public Options restart(boolean on) {
            return new Options(batchSize, onError, on, overwrite, progress, terminal, listener, checkpointInterval);
        }

        public Options overwrite(boolean on) {
            return new Options(batchSize, onError, restart, on, progress, terminal, listener, checkpointInterval);
        }

        public Options progress(PrintStream out, boolean isTerminal) {
            return new Options(batchSize, onError, restart, overwrite, out, isTerminal, listener, checkpointInterval);
        }

        public Options listener(CommitListener l) {
            return new Options(batchSize, onError, restart, overwrite, progress, terminal, l, checkpointInterval);
        }

        public Options checkpointInterval(Duration interval) {
            return new Options(batchSize, onError, restart, overwrite, progress, terminal, listener, interval);
        }
    }

    /**
     * What a {@link #score} call did, over all its files.
     *
     * @param files the files scored (or found already scored)
     * @param rows input rows done, in this run and resumed ones
     * @param scored rows written to the outputs
     * @param rejected rows written to rejects files
     * @param resumedRows rows that earlier, interrupted runs had done
     * @param seconds wall time of this run
     * @param peakHeapBytes the most heap in use during this run (sum of the heap pools' peaks)
     * @param outputs the output files
     * @param rejects the rejects files written
     */
    public record Summary(int files, long rows, long scored, long rejected, long resumedRows, double seconds,
            long peakHeapBytes, List<Path> outputs, List<Path> rejects) {

        /** Rows done by this run. */
        public long rowsThisRun() {
            return rows - resumedRows;
        }

        /** Rows per second of this run. */
        public double rowsPerSecond() {
            return rowsThisRun() / Math.max(seconds, 1e-9);
        }

        /** One line: rows scored and skipped, time, throughput and peak heap. */
        public String describe() {
            return String.format(Locale.ROOT, "scored %d rows, skipped %d in %.2f s%s: %.0f rows/s, peak heap %d MB",
                    scored, rejected, seconds, resumedRows > 0 ? " (resumed after " + resumedRows + " rows)" : "",
                    rowsPerSecond(), peakHeapBytes >> 20);
        }
    }

    private final FileScorer scorer;
    private final Options options;

    /** Loads the model in {@code modelFile}, which must have been trained from {@code definition}. */
    public BatchScorer(ModelDefinition definition, Path modelFile, Options options) throws IOException {
        KilnModel model = KilnModel.load(modelFile);
        definition = definition.resolvedFor(model); // the columns it was trained on
        model.requireFeatures(definition.features().stream().map(FeatureSchema::name).toList());
        model.hasBatchForward(); // builds and checks the network's batch pass now, with the model, not in the first chunk
        Checkpoint.ModelIdentity identity = new Checkpoint.ModelIdentity(
                modelFile.toAbsolutePath().normalize().toString(), FileScorer.sha256(Files.readAllBytes(modelFile)),
                model.metadata().provenance().createdAt());
        this.scorer = new FileScorer(definition, model, identity, options);
        this.options = options;
    }

    /**
     * Scores {@code input} into {@code output}: a file into a file, or every {@code *.csv} file of a
     * folder (sorted by name) into a folder of files with the same names.
     */
    public Summary score(Path input, Path output) throws IOException {
        long start = System.nanoTime();
        List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP).toList();
        heap.forEach(MemoryPoolMXBean::resetPeakUsage);
        List<FileScorer.Result> results = Files.isDirectory(input) ? scoreFolder(input, output)
                : List.of(scoreFile(input, output));
        long peak = heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
        double seconds = (System.nanoTime() - start) / 1e9;
        List<Path> rejects = results.stream().map(FileScorer.Result::rejects).filter(r -> r != null).toList();
        return new Summary(results.size(), results.stream().mapToLong(FileScorer.Result::rows).sum(),
                results.stream().mapToLong(FileScorer.Result::scored).sum(),
                results.stream().mapToLong(FileScorer.Result::rejected).sum(),
                results.stream().mapToLong(FileScorer.Result::resumedRows).sum(), seconds, peak,
                results.stream().map(FileScorer.Result::output).toList(), rejects);
    }

    private FileScorer.Result scoreFile(Path input, Path output) throws IOException {
        if (!Files.exists(input)) {
            throw new FileNotFoundException("Input not found: " + input.toAbsolutePath());
        }
        if (Files.isDirectory(output)) {
            throw new IllegalArgumentException("--output " + output + " is a folder; give the file to write (a folder "
                    + "is the output of a folder --input).");
        }
        if (Files.exists(output) && Files.isSameFile(input, output)) {
            throw new IllegalArgumentException("--output is the input file " + input + "; choose another file.");
        }
        createParent(output);
        return scorer.score(input, output, false);
    }

    private List<FileScorer.Result> scoreFolder(Path input, Path output) throws IOException {
        if (Files.exists(output) && !Files.isDirectory(output)) {
            throw new IllegalArgumentException("--input " + input + " is a folder, so --output must be a folder too, but "
                    + output + " is a file.");
        }
        if (Files.isDirectory(output) && Files.isSameFile(input, output)) {
            throw new IllegalArgumentException("--output is the input folder " + input + "; choose another folder.");
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(input)) {
            files = s.filter(f -> f.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv")
                    && Files.isRegularFile(f)).sorted().toList();
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("There are no *.csv files in " + input + ".");
        }
        if (!options.overwrite()) {
            refuseFinished(files.stream().map(f -> output.resolve(f.getFileName().toString())).toList());
        }
        Files.createDirectories(output);
        List<FileScorer.Result> results = new ArrayList<>();
        for (Path f : files) {
            // keep each file's complete checkpoint until all are done: a re-run then skips finished files
            results.add(scorer.score(f, output.resolve(f.getFileName().toString()), true));
        }
        for (FileScorer.Result r : results) {
            Files.deleteIfExists(FileScorer.checkpointOf(r.output()));
        }
        return results;
    }

    /**
     * Refuses outputs a finished run wrote (they exist and have no checkpoint): a folder run does not
     * replace them unless told to.
     */
    public static void refuseFinished(List<Path> targets) {
        List<String> finished = new ArrayList<>();
        for (Path target : targets) {
            if (Files.exists(target) && !Files.exists(FileScorer.checkpointOf(target))) {
                finished.add(target.toString());
            }
        }
        if (!finished.isEmpty()) {
            throw new IllegalArgumentException("Finished outputs exist: " + String.join(", ", finished.subList(0,
                    Math.min(3, finished.size()))) + (finished.size() > 3 ? " and " + (finished.size() - 3) + " more" : "")
                    + ". Pass --overwrite to replace them, or choose another --output.");
        }
    }

    private static void createParent(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
    }
}
