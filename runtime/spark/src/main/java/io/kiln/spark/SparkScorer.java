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
                    files.stream().flatMap(f -> java.util.Arrays.stream(f.executor().split(","))).distinct().count(),
                    seconds);
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

    /**
     * Scores {@code input} (a CSV or Parquet file, or a folder of *.csv or *.parquet files) into the
     * folder {@code output}: {@code <name>.csv} per input file.
     */
    public Summary score(Path input, Path output) throws IOException {
        long start = System.nanoTime();
        List<Path> files = inputs(input);
        boolean parquet = files.get(0).getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".parquet");
        if (Files.exists(output) && !Files.isDirectory(output)) {
            throw new IllegalArgumentException("--output " + output + " is a file; Spark scoring writes a folder of "
                    + "prediction files, one per input file.");
        }
        if (!settings.overwrite()) {
            BatchScorer.refuseFinished(files.stream().map(f -> output.resolve(outputName(f))).toList());
        }
        Files.createDirectories(output);
        Broadcast<byte[]> model = spark.broadcast(Files.readAllBytes(modelFile));
        try {
            if (parquet) {
                List<FileResult> results = new ArrayList<>();
                for (Path f : files) {
                    results.add(scoreParquet(f, output.resolve(outputName(f)), model));
                }
                return new Summary(List.copyOf(results), (System.nanoTime() - start) / 1e9);
            }
            List<String> names = files.stream().map(f -> f.toAbsolutePath().toString()).toList();
            List<FileResult> results = spark.parallelize(names, names.size())
                    .map(new ScoreFile(definition, model, output.toAbsolutePath().toString(), settings)).collect();
            return new Summary(List.copyOf(results), (System.nanoTime() - start) / 1e9);
        } finally {
            model.destroy();
        }
    }

    /** {@code <name>.csv} for a CSV input, {@code <name without .parquet>.csv} for a Parquet one. */
    static String outputName(Path input) {
        String name = input.getFileName().toString();
        return name.toLowerCase(Locale.ROOT).endsWith(".parquet") ? name.substring(0, name.length() - 8) + ".csv"
                : name;
    }

    private static List<Path> inputs(Path input) throws IOException {
        if (!Files.exists(input)) {
            throw new FileNotFoundException("Input not found: " + input.toAbsolutePath());
        }
        if (!Files.isDirectory(input)) {
            return List.of(input);
        }
        List<Path> csv = list(input, ".csv");
        List<Path> parquet = list(input, ".parquet");
        if (!csv.isEmpty() && !parquet.isEmpty()) {
            throw new IllegalArgumentException(input + " holds both *.csv and *.parquet files; score them from two "
                    + "folders.");
        }
        if (csv.isEmpty() && parquet.isEmpty()) {
            throw new IllegalArgumentException("There are no *.csv or *.parquet files in " + input + ".");
        }
        return csv.isEmpty() ? parquet : csv;
    }

    private static List<Path> list(Path folder, String extension) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.filter(f -> f.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(extension)
                    && Files.isRegularFile(f)).sorted().toList();
        }
    }

    /**
     * One Parquet file: its rows (the definition's feature columns) in file order, each partition a
     * task writing a part; the driver then joins the header and the parts, in order, into {@code target}.
     */
    private FileResult scoreParquet(Path file, Path target, Broadcast<byte[]> model) throws IOException {
        io.kiln.runtime.ModelDefinition def = definition.definition();
        if (def.series() != null || def.image() != null) {
            throw new IllegalArgumentException("Parquet scoring takes one row per prediction; model '" + def.name()
                    + "' reads " + (def.series() != null ? "windows of rows (@Series)" : "images")
                    + ": score CSV files instead.");
        }
        io.kiln.runtime.KilnModel kiln = io.kiln.runtime.KilnModel.load(modelFile);
        def = def.resolvedFor(kiln);
        org.apache.spark.sql.Column[] columns = def.features().stream()
                .map(f -> org.apache.spark.sql.functions.col("`" + f.column() + "`"))
                .toArray(org.apache.spark.sql.Column[]::new);
        org.apache.spark.sql.SparkSession session = org.apache.spark.sql.SparkSession.builder()
                .sparkContext(spark.sc()).getOrCreate();
        Path parts = target.resolveSibling(target.getFileName() + ".parts");
        deleteFolder(parts);
        Files.createDirectories(parts);
        List<ParquetPart.Written> written = null;
        try {
            org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> table = session.read()
                    .parquet(file.toAbsolutePath().toString()).select(columns);
            long total = table.count(); // (from the files' footers)
            written = table.javaRDD().zipWithIndex().mapPartitionsWithIndex(new ParquetPart(definition, model,
                    file.toString(), total, parts.toAbsolutePath().toString(), settings), true).collect();
        } finally {
            if (written == null) { // (Spark's exceptions are checked ones Java does not see): nothing stays behind
                deleteFolder(parts);
            }
        }
        io.kiln.runtime.internal.inference.PredictionCsv format =
                new io.kiln.runtime.internal.inference.PredictionCsv(def, kiln);
        Path partial = target.resolveSibling(target.getFileName() + ".partial");
        Path rejects = target.resolveSibling(target.getFileName() + ".rejects.csv");
        boolean anyRejects = written.stream().anyMatch(w -> w.rejected() > 0);
        try (java.nio.channels.FileChannel out = java.nio.channels.FileChannel.open(partial,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.TRUNCATE_EXISTING,
                java.nio.file.StandardOpenOption.WRITE)) {
            out.write(java.nio.ByteBuffer.wrap(format.headerLine().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            for (ParquetPart.Written w : written.stream().sorted(java.util.Comparator.comparingInt(
                    ParquetPart.Written::part)).toList()) {
                append(out, ParquetPart.partFile(parts, w.part()));
            }
        }
        if (anyRejects) {
            try (java.nio.channels.FileChannel out = java.nio.channels.FileChannel.open(rejects,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.TRUNCATE_EXISTING,
                    java.nio.file.StandardOpenOption.WRITE)) {
                out.write(java.nio.ByteBuffer.wrap("line,column,error,record\n".getBytes(
                        java.nio.charset.StandardCharsets.UTF_8)));
                for (ParquetPart.Written w : written.stream().sorted(java.util.Comparator.comparingInt(
                        ParquetPart.Written::part)).toList()) {
                    Path r = ParquetPart.rejectsFile(parts, w.part());
                    if (Files.exists(r)) {
                        append(out, r);
                    }
                }
            }
        } else {
            Files.deleteIfExists(rejects);
        }
        Files.move(partial, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        deleteFolder(parts);
        return new FileResult(file.toAbsolutePath().toString(), target.toString(), anyRejects ? rejects.toString() : null,
                written.stream().mapToLong(ParquetPart.Written::rows).sum(),
                written.stream().mapToLong(ParquetPart.Written::scored).sum(),
                written.stream().mapToLong(ParquetPart.Written::rejected).sum(), 0,
                written.stream().map(ParquetPart.Written::executor).distinct().sorted()
                        .collect(java.util.stream.Collectors.joining(",")));
    }

    private static void append(java.nio.channels.FileChannel out, Path part) throws IOException {
        try (java.nio.channels.FileChannel in = java.nio.channels.FileChannel.open(part)) {
            long size = in.size();
            for (long at = 0; at < size; ) {
                at += in.transferTo(at, size - at, out);
            }
        }
    }

    private static void deleteFolder(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> s = Files.walk(folder)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
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
