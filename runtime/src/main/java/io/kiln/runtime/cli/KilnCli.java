package io.kiln.runtime.cli;

import io.kiln.runtime.CsvSource;
import io.kiln.runtime.DataException;
import io.kiln.runtime.internal.data.LabeledData;
import io.kiln.runtime.ModelDefinition;
import io.kiln.runtime.TrainingDivergedException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The command line of every generated {@code <Name>Main}: {@code train}, {@code evaluate},
 * {@code predict}, {@code score}, {@code serve}, {@code publish}, {@code learn}, {@code search}, {@code drift}, {@code sanity}, {@code info}
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
                .addSubcommand(new TrainCommand(definition, out, err))
                .addSubcommand(new EvaluateCommand(definition, out))
                .addSubcommand(new PredictCommand(definition, out, err))
                .addSubcommand(new ScoreCommand(definition, out, err))
                .addSubcommand(new SanityCommand(definition, out))
                .addSubcommand(new DriftCommand(definition, out, err))
                .addSubcommand(new ServeCommand(definition, out, err))
                .addSubcommand(new PublishCommand(definition, out))
                .addSubcommand(new LearnCommand(definition, out, err))
                .addSubcommand(new SearchCommand(definition, out, err))
                .addSubcommand(new InfoCommand(out))
                .addSubcommand(new SummaryCommand(definition, out));
        cli.setOut(new java.io.PrintWriter(out, true));
        cli.setErr(new java.io.PrintWriter(err, true));
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            Throwable cause = e instanceof UncheckedIOException u ? u.getCause() : e;
            if (cause instanceof DataException || cause instanceof IOException
                    || cause instanceof IllegalArgumentException || cause instanceof TrainingDivergedException) {
                err.println("error: " + describe(cause));
                return 1;
            }
            // anything else is a fault of Kiln or its libraries: one line, the stack trace on request
            if (Boolean.getBoolean(STACK_TRACE_PROPERTY)) {
                e.printStackTrace(err);
            }
            err.println("error: " + describe(root(e)));
            err.println("(an internal error, " + root(e).getClass().getName() + "; -D" + STACK_TRACE_PROPERTY
                    + "=true prints its stack trace)");
            return 1;
        });
        return cli.execute(args);
    }

    /** The system property that makes an unexpected error print its stack trace. */
    static final String STACK_TRACE_PROPERTY = "kiln.stacktrace";

    /** The innermost cause with a message (the outermost exception if none has one). */
    private static Throwable root(Throwable e) {
        Throwable found = e;
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t.getMessage() != null) {
                found = t;
            }
        }
        return found;
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

    /** Where commands read and write the model without {@code --model}: {@code models/<name>.kiln}. */
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

    /** A CSV read as the spec declares its columns; {@code requireLabel} false for rows to predict. */
    static LabeledData read(CsvSource source, ModelDefinition d, boolean requireLabel) throws IOException {
        return d.readData(source, requireLabel);
    }

    /** A SHA-256 as the console prints it: its first 12 hex digits. */
    static String abbreviate(String sha) {
        return sha == null || sha.length() < 12 ? String.valueOf(sha) : sha.substring(0, 12);
    }
}
