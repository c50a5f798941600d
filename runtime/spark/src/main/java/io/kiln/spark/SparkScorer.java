package io.kiln.spark;

import io.kiln.runtime.batch.BatchScorer;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.broadcast.Broadcast;

/**
 * Public API. Batch scoring on a Spark cluster: every {@code *.csv} file of a folder (or one file)
 * scored by the executors, one task per file, into a folder of prediction files with the same
 * names, each byte for byte what the local {@code score} command writes for that file (the same
 * parser, encoder, forward pass and format run in each task). The model file is broadcast once; each
 * executor JVM writes it to a temporary file once and shares it between its tasks.
 *
 * <p>Input and output are paths every executor can read and write (a shared file system, or the
 * local disk with a local master). A task that fails and is retried continues from the checkpoint
 * its first attempt left, as a re-run of the local command does.
 *
 * <pre>{@code
 * try (JavaSparkContext sc = new JavaSparkContext(new SparkConf().setAppName("score"))) {
 *     SparkScorer scorer = new SparkScorer(sc, DefinitionSource.ofSpec("com.acme.Churn"), Path.of("churn.kiln"),
 *             SparkScorer.Settings.defaults());
 *     SparkScorer.Summary s = scorer.score(Path.of("/shared/in"), Path.of("/shared/out"));
 * }
 * }</pre>
 */
public final class SparkScorer {
    private final JavaSparkContext spark;
    private final DefinitionSource definition;
    private final Path modelFile;
    private final Settings settings;

    /** What the executors' local scorers are given (the local command's options that apply per file). */
    public record Settings(int batchSize, BatchScorer.OnError onError, boolean overwrite) implements Serializable {
        public Settings {
            if (batchSize <= 0) {
                throw new IllegalArgumentException("batchSize must be positive, was " + batchSize);
            }
        }

        public static Settings defaults() {
            return new Settings(BatchScorer.Options.DEFAULT_BATCH_SIZE, BatchScorer.OnError.FAIL, false);
        }

        public Settings overwrite(boolean on) {
            return new Settings(batchSize, onError, on);
        }

        public Settings onError(BatchScorer.OnError mode) {
            return new Settings(batchSize, mode, overwrite);
        }

        public Settings batchSize(int rows) {
            return new Settings(rows, onError, overwrite);
        }

        BatchScorer.Options options() {
            // each task scores one file and its output is complete or resumable on its own: a finished output
            // is refused on the driver, before any task starts, unless overwriting was asked for
            return BatchScorer.Options.defaults().batchSize(batchSize).onError(onError).overwrite(true)
                    .progress(null, false);
        }
    }

    /** One file's outcome, as a task reports it. */
    public record FileResult(String input, String output, String rejects, long rows, long scored, long rejected,
            long resumedRows, String executor) implements Serializable {}

    /** What a run did: per file, and in total. */
    public record Summary(List<FileResult> files, double seconds) {
        public long rows() {
            return files.stream().mapToLong(FileResult::rows).sum();
        }

        public long scored() {
            return files.stream().mapToLong(FileResult::scored).sum();
        }

        public long rejected() {
            return files.stream().mapToLong(FileResult::rejected).sum();
        }

        public String describe() {
            return String.format(Locale.ROOT, "scored   %,d of %,d rows (%,d rejected) in %d files on %d executors in "
                    + "%.1f s", scored(), rows(), rejected(), files.size(),
                    files.stream().map(FileResult::executor).distinct().count(), seconds);
        }
    }

    public SparkScorer(JavaSparkContext spark, DefinitionSource definition, Path modelFile, Settings settings)
            throws IOException {
        this.spark = spark;
        this.definition = definition;
        this.modelFile = modelFile;
        this.settings = settings;
        if (!Files.isRegularFile(modelFile)) {
            throw new FileNotFoundException("Model file not found: " + modelFile.toAbsolutePath());
        }
        // fail here, on the driver, on a model that does not fit the definition, not in every task
        new BatchScorer(definition.definition(), modelFile, settings.options());
    }

    /** Scores {@code input} (a CSV file, or a folder of *.csv files) into the folder {@code output}. */
    public Summary score(Path input, Path output) throws IOException {
        long start = System.nanoTime();
        List<Path> files = inputs(input);
        if (Files.exists(output) && !Files.isDirectory(output)) {
            throw new IllegalArgumentException("--output " + output + " is a file; Spark scoring writes a folder of "
                    + "prediction files, one per input file.");
        }
        List<String> finished = new ArrayList<>();
        for (Path f : files) {
            Path target = output.resolve(f.getFileName().toString());
            if (Files.exists(target) && !Files.exists(target.resolveSibling(target.getFileName() + ".checkpoint"))) {
                finished.add(target.toString());
            }
        }
        if (!finished.isEmpty() && !settings.overwrite()) {
            throw new IllegalArgumentException("Finished outputs exist: " + String.join(", ", finished.subList(0,
                    Math.min(3, finished.size()))) + (finished.size() > 3 ? " and " + (finished.size() - 3) + " more" : "")
                    + ". Pass --overwrite to replace them, or choose another --output.");
        }
        Files.createDirectories(output);
        Broadcast<byte[]> model = spark.broadcast(Files.readAllBytes(modelFile));
        try {
            List<String> names = files.stream().map(f -> f.toAbsolutePath().toString()).toList();
            List<FileResult> results = spark.parallelize(names, names.size())
                    .map(new ScoreFile(definition, model, output.toAbsolutePath().toString(), settings)).collect();
            return new Summary(List.copyOf(results), (System.nanoTime() - start) / 1e9);
        } finally {
            model.destroy();
        }
    }

    private static List<Path> inputs(Path input) throws IOException {
        if (!Files.exists(input)) {
            throw new FileNotFoundException("Input not found: " + input.toAbsolutePath());
        }
        if (!Files.isDirectory(input)) {
            return List.of(input);
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(input)) {
            files = s.filter(f -> f.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv")
                    && Files.isRegularFile(f)).sorted().toList();
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("There are no *.csv files in " + input + ".");
        }
        return files;
    }

    /** A task: one input file scored by the local scorer into the output folder. */
    private record ScoreFile(DefinitionSource definition, Broadcast<byte[]> model, String output, Settings settings)
            implements Function<String, FileResult> {
        @Override
        public FileResult call(String input) {
            Path in = Path.of(input);
            Path out = Path.of(output).resolve(in.getFileName().toString());
            try {
                BatchScorer scorer = new BatchScorer(definition.definition(), ExecutorModels.file(model.value()),
                        settings.options());
                BatchScorer.Summary s = scorer.score(in, out);
                return new FileResult(input, out.toString(), s.rejects().isEmpty() ? null : s.rejects().get(0).toString(),
                        s.rows(), s.scored(), s.rejected(), s.resumedRows(),
                        org.apache.spark.SparkEnv.get().executorId());
            } catch (IOException e) {
                throw new UncheckedIOException("Scoring " + input + " failed: " + e.getMessage(), e);
            }
        }
    }
}
