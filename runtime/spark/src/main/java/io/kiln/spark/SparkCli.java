package io.kiln.spark;

import io.kiln.runtime.batch.BatchScorer;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Public API. Kiln's commands on Spark: {@code score} scores CSV or Parquet files on a cluster with a
 * model trained from a spec of the application jar. Run it with {@code spark-submit --class
 * io.kiln.spark.SparkCli app.jar score ...} (the master is spark-submit's), or directly with
 * {@code --master} ({@code local[*]} when neither gives one). Exit codes as the local commands':
 * 0 done, 1 a failure (the message names it), 2 a usage error.
 */
@Command(name = "kiln-spark", mixinStandardHelpOptions = true, subcommands = {SparkCli.Score.class, SparkCli.Train.class},
        description = "Kiln on Apache Spark.")
public final class SparkCli implements Runnable {
    @Spec
    CommandSpec spec;

    public static void main(String... args) {
        System.exit(run(System.out, System.err, args));
    }

    /** Runs a command; returns the exit code. */
    public static int run(PrintStream out, PrintStream err, String... args) {
        CommandLine cli = new CommandLine(new SparkCli());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            Throwable cause = e instanceof UncheckedIOException u ? u.getCause() : e;
            Throwable root = cause;
            while (root.getCause() != null && root.getCause() != root
                    && !(root instanceof IllegalArgumentException) && !(root instanceof IOException)) {
                root = root.getCause();
            }
            err.println("error: " + (root.getMessage() != null ? root.getMessage() : root.toString()));
            return 1;
        });
        ((Score) cli.getSubcommands().get("score").getCommand()).out = out;
        Train train = (Train) cli.getSubcommands().get("train").getCommand();
        train.out = out;
        train.err = err;
        return cli.execute(args);
    }

    /** The application's configuration: {@code --master} if given, else spark-submit's, else {@code local[*]}. */
    static SparkConf conf(String appName, String master) {
        SparkConf conf = new SparkConf().setAppName(appName);
        if (master != null) {
            conf.setMaster(master);
        } else if (!conf.contains("spark.master")) {
            conf.setMaster("local[*]");
        }
        return conf;
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Name a command: score or train");
    }

    @Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Train a spec data-parallel on a Spark cluster (parameter averaging): the local 'train' "
                    + "command, its options after '--', with every epoch's minibatches trained by the executors.",
                    "The driver reads the data, fits the preprocessing on the training rows, runs the protocol, "
                            + "validates and saves the model and reports, as locally."})
    static final class Train implements Callable<Integer> {
        PrintStream out = System.out;
        PrintStream err = System.err;

        @Spec
        CommandSpec spec;

        @Option(names = "--spec", paramLabel = "CLASS", required = true,
                description = "The spec class (its generated <Spec>Trainer must be on the class path).")
        String specClass;

        @Option(names = "--master", paramLabel = "URL",
                description = "The Spark master (local[*], spark://host:port, yarn); default: spark-submit's, else "
                        + "local[*].")
        String master;

        @Option(names = "--workers", paramLabel = "N",
                description = "Shards of the training rows, one task each per round (default: Spark's default "
                        + "parallelism, the executors' cores).")
        Integer workers;

        @Option(names = "--averaging-frequency", paramLabel = "N", defaultValue = "5",
                description = "Minibatches each shard trains between two averagings (default: ${DEFAULT-VALUE}).")
        int averagingFrequency;

        @picocli.CommandLine.Parameters(paramLabel = "TRAIN-OPTIONS",
                description = "The local train command's options (--model, --epochs, --seed, ...).")
        java.util.List<String> trainOptions = new java.util.ArrayList<>();

        @Override
        public Integer call() {
            if (workers != null && workers < 1 || averagingFrequency < 1) {
                throw new ParameterException(spec.commandLine(),
                        "--workers and --averaging-frequency must be positive");
            }
            io.kiln.runtime.ModelDefinition definition = DefinitionSource.ofSpec(specClass).definition();
            SparkConf conf = conf("kiln train " + definition.name(), master);
            try (JavaSparkContext sc = new JavaSparkContext(conf)) {
                SparkTraining training = new SparkTraining(sc, workers != null ? workers : sc.defaultParallelism(),
                        averagingFrequency);
                java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("train"));
                args.addAll(trainOptions);
                return io.kiln.runtime.internal.train.Workers.with(training,
                        () -> io.kiln.runtime.cli.KilnCli.run(definition, out, err, args.toArray(String[]::new)));
            }
        }
    }

    @Command(name = "score", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Score CSV or Parquet files on a Spark cluster: one task per CSV file (each output byte "
                    + "for byte the local 'score' command's), a task per partition of a Parquet file; the model is "
                    + "broadcast once.",
                    "Input and output are paths every executor can read and write."})
    static final class Score implements Callable<Integer> {
        PrintStream out = System.out;

        @Spec
        CommandSpec spec;

        @Option(names = "--spec", paramLabel = "CLASS", required = true,
                description = "The spec class the model was trained from (its generated <Spec>Trainer must be on the "
                        + "class path).")
        String specClass;

        @Option(names = "--model", paramLabel = "FILE", required = true, description = "The model file.")
        Path model;

        @Option(names = "--input", paramLabel = "FILE|DIR", required = true,
                description = "A CSV or Parquet file, or a folder of *.csv or *.parquet files.")
        Path input;

        @Option(names = "--output", paramLabel = "DIR", required = true,
                description = "The folder of prediction files, <name>.csv per input file.")
        Path output;

        @Option(names = "--master", paramLabel = "URL",
                description = "The Spark master (local[*], spark://host:port, yarn); default: spark-submit's, else "
                        + "local[*].")
        String master;

        @Option(names = "--batch-size", paramLabel = "N", defaultValue = "4096",
                description = "Rows per forward pass (default: ${DEFAULT-VALUE}).")
        int batchSize;

        @Option(names = "--on-error", paramLabel = "fail|skip", defaultValue = "fail",
                description = "A row the model cannot take: 'fail' stops naming it (default); 'skip' writes it to "
                        + "<output>.rejects.csv and goes on.")
        String onError;

        @Option(names = "--overwrite", description = "Replace outputs that a finished earlier run wrote.")
        boolean overwrite;

        @Override
        public Integer call() throws IOException {
            BatchScorer.OnError mode;
            try {
                mode = BatchScorer.OnError.parse(onError);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            if (batchSize <= 0) {
                throw new ParameterException(spec.commandLine(), "--batch-size must be positive");
            }
            SparkConf conf = conf("kiln score " + input.getFileName(), master);
            DefinitionSource definition = DefinitionSource.ofSpec(specClass);
            definition.definition(); // a missing spec fails here, before Spark starts
            try (JavaSparkContext sc = new JavaSparkContext(conf)) {
                SparkScorer scorer = new SparkScorer(sc, definition, model,
                        SparkScorer.Settings.defaults().batchSize(batchSize).onError(mode).overwrite(overwrite));
                SparkScorer.Summary s = scorer.score(input, output);
                out.println(s.describe());
                out.println("wrote    " + output + " (" + s.files().size() + (s.files().size() == 1 ? " file)"
                        : " files)"));
                for (SparkScorer.FileResult f : s.files()) {
                    if (f.rejects() != null) {
                        out.println("rejects  " + f.rejects());
                    }
                }
            }
            return 0;
        }
    }
}
