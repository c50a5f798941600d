package io.kiln.runtime.cli;

import io.kiln.runtime.CsvSource;
import io.kiln.runtime.DataException;
import io.kiln.runtime.FeatureSchema;
import io.kiln.runtime.KilnModel;
import io.kiln.runtime.LabeledData;
import io.kiln.runtime.Metrics;
import io.kiln.runtime.ModelDefinition;
import io.kiln.runtime.ModelMetadata;
import io.kiln.runtime.PredictionCsv;
import io.kiln.runtime.Predictions;
import io.kiln.runtime.Splits;
import io.kiln.runtime.TextBuffer;
import io.kiln.runtime.TrainOptions;
import io.kiln.runtime.Trainer;
import io.kiln.runtime.TrainingDivergedException;
import io.kiln.runtime.TrainingResult;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The command line of every generated {@code <Name>Main}: {@code train}, {@code evaluate},
 * {@code predict}, {@code score}, {@code serve}, {@code publish}, {@code drift}, {@code sanity}, {@code info}
 * and {@code summary}. Exit codes: 0 success, 1 a data or model problem (the message
 * names the file, line and column), 2 a usage error.
 */
public final class KilnCli {
    private KilnCli() {}

    /** Runs a command; returns the exit code. */
    public static int run(ModelDefinition definition, String... args) {
        return run(definition, System.out, System.err, args);
    }

    public static int run(ModelDefinition definition, PrintStream out, PrintStream err, String... args) {
        CommandLine cli = new CommandLine(new Root(definition, err))
                .addSubcommand(new Train(definition, out, err))
                .addSubcommand(new Evaluate(definition, out))
                .addSubcommand(new Predict(definition, out))
                .addSubcommand(new ScoreCommand(definition, out, err))
                .addSubcommand(new SanityCheck(definition, out))
                .addSubcommand(new DriftCommand(definition, out, err))
                .addSubcommand(new ServeCommand(definition, out, err))
                .addSubcommand(new PublishCommand(definition, out))
                .addSubcommand(new Info(out))
                .addSubcommand(new Summary(definition, out));
        cli.setOut(new java.io.PrintWriter(out, true));
        cli.setErr(new java.io.PrintWriter(err, true));
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            Throwable cause = e instanceof UncheckedIOException u ? u.getCause() : e;
            if (cause instanceof DataException || cause instanceof IOException
                    || cause instanceof IllegalArgumentException || cause instanceof TrainingDivergedException) {
                err.println("error: " + describe(cause));
                return 1;
            }
            throw e;
        });
        return cli.execute(args);
    }

    /**
     * The message of an error as printed after {@code error:}. Java's file exceptions often say only
     * the path ({@code AccessDeniedException: noread.csv}); they are printed with what went wrong.
     */
    static String describe(Throwable e) {
        if (e instanceof java.nio.file.FileSystemException f && f.getFile() != null) {
            String reason = CsvSource.reason(f);
            return f.getFile() + (f.getOtherFile() != null ? " -> " + f.getOtherFile() : "") + ": " + reason;
        }
        return String.valueOf(e.getMessage());
    }

    static Path defaultModelFile(ModelDefinition d) {
        return Path.of("models", d.name() + ".kiln");
    }

    @Command(name = "kiln", mixinStandardHelpOptions = true, description = "Train, evaluate and use a Kiln model.",
            synopsisSubcommandLabel = "COMMAND")
    static final class Root implements Callable<Integer> {
        private final ModelDefinition definition;
        private final PrintStream err;

        Root(ModelDefinition definition, PrintStream err) {
            this.definition = definition;
            this.err = err;
        }

        @Override
        public Integer call() {
            CommandLine.usage(this, err);
            err.println("\nModel '" + definition.name() + "': try 'train'.");
            return 2;
        }
    }

    @Command(name = "train", mixinStandardHelpOptions = true,
            description = "Train on the declared data (or --data), evaluate on the test split beside the baseline, save.")
    static final class Train implements Callable<Integer> {
        private final ModelDefinition definition;
        private final PrintStream out;
        private final PrintStream err;

        @Option(names = "--data", paramLabel = "FILE", description = "CSV to train on instead of the declared data.")
        Path data;

        @Option(names = "--model", paramLabel = "FILE", description = "Where to save the model (default: models/<name>.kiln).")
        Path model;

        @Option(names = "--epochs", paramLabel = "N", description = "Override the declared epochs.")
        Integer epochs;

        @Option(names = "--batch-size", paramLabel = "N", description = "Override the declared batch size.")
        Integer batchSize;

        @Option(names = "--seed", paramLabel = "N", description = "Override the declared seed.")
        Long seed;

        @Option(names = {"-q", "--quiet"}, description = "No per-epoch progress.")
        boolean quiet;

        @Option(names = "--every-epoch", description = "Print progress for every epoch.")
        boolean everyEpoch;

        @Option(names = "--sample", paramLabel = "N",
                description = "Train on a random N of the training rows (validation and test rows unchanged).")
        Integer sample;

        Train(ModelDefinition definition, PrintStream out, PrintStream err) {
            this.definition = definition;
            this.out = out;
            this.err = err;
        }

        @Override
        public Integer call() throws IOException {
            if (epochs != null && epochs <= 0 || batchSize != null && batchSize <= 0) {
                throw new IllegalArgumentException("--epochs and --batch-size must be positive");
            }
            if (sample != null && sample <= 0) {
                throw new IllegalArgumentException("--sample must be positive");
            }
            TrainOptions options = new TrainOptions(data, epochs, batchSize, seed, quiet ? null : err, everyEpoch,
                    null, sample);
            Trainer.Prepared prepared = Trainer.prepare(definition, options);
            Splits.Holdout s = prepared.split();
            out.printf(Locale.ROOT, "model    %s (%s)%n", definition.name(), definition.task());
            out.printf(Locale.ROOT, "data     %s: %d rows, sha256 %s%n", prepared.source().name(),
                    prepared.data().size(), abbreviate(prepared.data().sha256()));
            String protocol = definition.testData() != null && data == null // the official test set
                    ? ((io.kiln.runtime.HoldoutProtocol) definition.protocol())
                            .describeWithTestSet(definition.task(), definition.testData().name())
                    : definition.protocol().describe(definition.task());
            out.printf(Locale.ROOT, "protocol %s, seed %d%n", protocol, prepared.fit().seed());
            if (definition.protocol() instanceof io.kiln.runtime.KFoldProtocol) {
                out.printf(Locale.ROOT, "split    %d cross-validated / %d test%n", s.train().length, s.test().length);
            } else {
                out.printf(Locale.ROOT, "split    %d train / %d validation / %d test%n", s.train().length,
                        s.validation().length, s.test().length);
            }
            out.printf(Locale.ROOT, "training %d epochs, batch size %d%s%n", prepared.fit().epochs(),
                    prepared.fit().batchSize(), definition.learningRate() != null
                            ? ", learning rate " + definition.learningRate().describe() : "");
            TrainingResult result = Trainer.train(definition, prepared, options);
            out.println();
            out.println("test".equals(result.report().evaluatedOn())
                    ? "test metrics (" + s.test().length + " rows):" : "cross-validated metrics:");
            result.print(out);
            Path file = model != null ? model : defaultModelFile(definition);
            List<Path> reports = result.save(file);
            out.printf(Locale.ROOT, "%nsaved    %s (%d KB) after %.1f s of training%n", file, Files.size(file) / 1024,
                    result.model().metadata().provenance().trainingSeconds());
            for (Path r : reports) {
                out.printf(Locale.ROOT, "report   %s%n", r);
            }
            return 0;
        }
    }

    @Command(name = "evaluate", mixinStandardHelpOptions = true,
            description = "Evaluate a saved model: on --data (every row), or on the test split of the data it was trained on.")
    static final class Evaluate implements Callable<Integer> {
        private final ModelDefinition definition;
        private final PrintStream out;

        @Option(names = "--model", paramLabel = "FILE", description = "The model file (default: models/<name>.kiln).")
        Path model;

        @Option(names = "--data", paramLabel = "FILE", description = "Labelled CSV to evaluate on, every row.")
        Path data;

        Evaluate(ModelDefinition definition, PrintStream out) {
            this.definition = definition;
            this.out = out;
        }

        @Override
        public Integer call() throws IOException {
            KilnModel m = KilnModel.load(model != null ? model : defaultModelFile(definition));
            ModelMetadata meta = m.metadata();
            LabeledData labeled;
            int[] rows;
            String what;
            if (data != null) {
                CsvSource source = definition.data() != null ? definition.data().withFile(data) : CsvSource.file(data);
                labeled = read(source, definition, true);
                rows = java.util.stream.IntStream.range(0, labeled.size()).toArray();
                what = "all " + rows.length + " rows of " + data;
            } else if (definition.testData() != null) {
                // the spec's official test set, which the model never trained or validated on
                labeled = read(definition.testData(), definition, true);
                rows = java.util.stream.IntStream.range(0, labeled.size()).toArray();
                what = "the " + rows.length + " rows of the test set " + definition.testData().name();
            } else {
                if (definition.data() == null) {
                    throw new IllegalArgumentException("The spec declares no data; pass --data FILE.");
                }
                if (!definition.data().name().equals(meta.provenance().data())) {
                    throw new IllegalArgumentException("The model was trained on " + meta.provenance().data()
                            + ", not on the declared " + definition.data().name()
                            + ", so its test split cannot be rebuilt here. Pass --data FILE.");
                }
                labeled = read(definition.data(), definition, true);
                if (!labeled.sha256().equals(meta.provenance().dataSha256())) {
                    throw new IllegalArgumentException("The declared data changed since the model was trained (sha256 "
                            + abbreviate(labeled.sha256()) + ", trained on " + abbreviate(meta.provenance().dataSha256())
                            + "), so its test split cannot be rebuilt. Pass --data FILE to evaluate on other data.");
                }
                // the split saved with the model, not the spec's current @Holdout, so test rows stay unseen
                rows = Trainer.testRows(definition, meta.provenance().protocol(), definition.data(), labeled,
                        meta.provenance().fit().seed());
                if (rows.length == 0) {
                    throw new IllegalArgumentException("The model's protocol (" + meta.provenance().protocol().describe()
                            + ") kept no test split. Pass --data FILE to evaluate on other labelled data.");
                }
                what = "the " + rows.length + "-row test split of " + definition.data().name();
            }
            Metrics.Evaluation[] e = m.evaluate(labeled, rows);
            out.println("metrics on " + what + ":");
            new TrainingResult(m, e[0], e[1]).print(out);
            return 0;
        }
    }

    @Command(name = "sanity", mixinStandardHelpOptions = true,
            description = "Check that the model can overfit a few training rows (if it cannot, it cannot learn).")
    static final class SanityCheck implements Callable<Integer> {
        private final ModelDefinition definition;
        private final PrintStream out;

        @Option(names = "--data", paramLabel = "FILE", description = "CSV to use instead of the declared data.")
        Path data;

        @Option(names = "--rows", paramLabel = "N", defaultValue = "32", description = "Training rows to fit (default: ${DEFAULT-VALUE}).")
        int rows;

        @Option(names = "--epochs", paramLabel = "N", defaultValue = "300", description = "Epochs (default: ${DEFAULT-VALUE}).")
        int epochs;

        SanityCheck(ModelDefinition definition, PrintStream out) {
            this.definition = definition;
            this.out = out;
        }

        @Override
        public Integer call() {
            if (rows <= 0 || epochs <= 0) {
                throw new IllegalArgumentException("--rows and --epochs must be positive");
            }
            Trainer.Sanity s = Trainer.sanity(definition, new TrainOptions(data, null, null, null, null, false), rows,
                    epochs);
            out.println(s.describe());
            return s.passed() ? 0 : 1;
        }
    }

    @Command(name = "predict", mixinStandardHelpOptions = true,
            description = "Predict with a saved model: rows of a CSV file (--input), or one sample given as NAME=VALUE pairs.")
    static final class Predict implements Callable<Integer> {
        private final ModelDefinition definition;
        private final PrintStream out;

        @Option(names = "--model", paramLabel = "FILE", description = "The model file (default: models/<name>.kiln).")
        Path model;

        @Option(names = "--input", paramLabel = "FILE", description = "CSV with the feature columns (a label column is ignored).")
        Path input;

        @Option(names = "--output", paramLabel = "FILE", description = "Write predictions here instead of standard output.")
        Path output;

        @Parameters(paramLabel = "NAME=VALUE", description = "Feature values of one sample; omitted features are missing.")
        List<String> values = new ArrayList<>();

        Predict(ModelDefinition definition, PrintStream out) {
            this.definition = definition;
            this.out = out;
        }

        @Override
        public Integer call() throws IOException {
            if (input != null && !Files.isDirectory(input) && PredictFile.streams(definition, input)) {
                // chunk by chunk through the batch scorer: bounded memory whatever the file's size
                return PredictFile.predict(definition, model != null ? model : defaultModelFile(definition), input,
                        output, out);
            }
            KilnModel m = KilnModel.load(model != null ? model : defaultModelFile(definition));
            List<FeatureSchema> features = definition.features();
            m.requireFeatures(features.stream().map(FeatureSchema::name).toList());
            List<Object[]> rows;
            long[] lines;
            if (input != null) {
                CsvSource source = definition.data() != null ? definition.data().withFile(input) : CsvSource.file(input);
                LabeledData data = read(source, definition, false);
                rows = data.features();
                lines = data.lines();
            } else if (!values.isEmpty()) {
                rows = List.<Object[]>of(parsePairs(features, values));
                lines = new long[] {0};
            } else {
                throw new IllegalArgumentException("Give --input FILE or NAME=VALUE pairs");
            }
            Predictions p = m.predict(rows);
            PredictionCsv format = new PredictionCsv(definition, m);
            TextBuffer csv = new TextBuffer().append(format.headerLine());
            format.appendRows(csv, p, lines);
            if (output != null) {
                try {
                    Files.write(output, csv.toByteArray());
                } catch (IOException e) {
                    throw new IOException("Cannot write the predictions to " + output.toAbsolutePath() + ": "
                            + CsvSource.reason(e), e);
                }
                out.println("wrote " + p.size() + " predictions to " + output);
            } else {
                out.print(csv);
            }
            return 0;
        }

        private static Object[] parsePairs(List<FeatureSchema> features, List<String> pairs) {
            Object[] row = new Object[features.size()];
            for (String pair : pairs) {
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("'" + pair + "' is not NAME=VALUE");
                }
                String name = pair.substring(0, eq);
                int f = -1;
                for (int i = 0; i < features.size(); i++) {
                    if (features.get(i).name().equals(name) || features.get(i).column().equals(name)) {
                        f = i;
                    }
                }
                if (f < 0) {
                    throw new IllegalArgumentException("Unknown feature '" + name + "'; the model has "
                            + features.stream().map(FeatureSchema::name).toList());
                }
                String value = pair.substring(eq + 1);
                try {
                    row[f] = LabeledData.parseFeature(features.get(f), value.isEmpty() ? null : value);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("'" + name + "': " + e.getMessage());
                }
            }
            return row;
        }
    }

    @Command(name = "summary", mixinStandardHelpOptions = true,
            description = "Print the layers with their output shapes and parameter counts, as inferred at compile time "
                    + "(like Keras's model.summary()).")
    static final class Summary implements Callable<Integer> {
        private final ModelDefinition definition;
        private final PrintStream out;

        @Option(names = "--model", paramLabel = "FILE",
                description = "Also print a trained model's actual input width and parameter count.")
        Path model;

        Summary(ModelDefinition definition, PrintStream out) {
            this.definition = definition;
            this.out = out;
        }

        @Override
        public Integer call() throws IOException {
            out.print(definition.layerTable());
            if (model != null) {
                KilnModel m = KilnModel.load(model);
                out.printf(Locale.ROOT, "trained model %s: %d inputs, %,d params%n", model, m.metadata().numInputs(),
                        m.network().numParams());
            }
            return 0;
        }
    }

    @Command(name = "info", mixinStandardHelpOptions = true, description = "Print a saved model's metadata: spec, metrics, provenance.")
    static final class Info implements Callable<Integer> {
        private final PrintStream out;

        @Option(names = "--model", paramLabel = "FILE", required = true, description = "The model file.")
        Path model;

        @Option(names = "--json", description = "Print the whole metadata as JSON.")
        boolean json;

        Info(PrintStream out) {
            this.out = out;
        }

        @Override
        public Integer call() throws IOException {
            KilnModel m = KilnModel.load(model);
            if (json) {
                out.println(m.metadataJson());
                return 0;
            }
            ModelMetadata meta = m.metadata();
            ModelMetadata.Provenance p = meta.provenance();
            out.printf(Locale.ROOT, "model     %s (%s), %d inputs%n", meta.name(), meta.task(), meta.numInputs());
            out.printf(Locale.ROOT, "data      %s, sha256 %s, %d rows (%d train / %d validation / %d test)%n",
                    p.data(), abbreviate(p.dataSha256()), p.rows(), p.trainRows(), p.validationRows(), p.testRows());
            out.printf(Locale.ROOT, "protocol  %s%n", p.protocol().describe(meta.task()));
            out.printf(Locale.ROOT, "training  %d epochs, batch %d, seed %d, %.1f s, %s%n", p.fit().epochs(),
                    p.fit().batchSize(), p.fit().seed(), p.trainingSeconds(), p.createdAt());
            out.printf(Locale.ROOT, "versions  kiln %s, dl4j %s, java %s, %s%n", p.kilnVersion(), p.dl4jVersion(),
                    p.javaVersion(), p.backend());
            // k-fold without a test split reports the cross-validated means
            String label = p.testRows() == 0 ? "cv mean" : "test";
            for (Map.Entry<String, Double> e : meta.testMetrics().entrySet()) {
                out.printf(Locale.ROOT, "%-9s %-17s %.4f (baseline %.4f)%n", label, e.getKey(), e.getValue(),
                        meta.baselineMetrics().get(e.getKey()));
            }
            out.println("spec:");
            out.print(meta.spec());
            return 0;
        }
    }

    static LabeledData read(CsvSource source, ModelDefinition d, boolean requireLabel) throws IOException {
        return d.readData(source, requireLabel);
    }

    static String abbreviate(String sha) {
        return sha == null || sha.length() < 12 ? String.valueOf(sha) : sha.substring(0, 12);
    }
}
