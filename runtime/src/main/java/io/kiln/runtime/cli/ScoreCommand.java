package io.kiln.runtime.cli;

import io.kiln.runtime.ModelDefinition;
import io.kiln.runtime.batch.BatchScorer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code score}: offline batch inference. Streams a CSV file (or every {@code *.csv} file of a
 * folder) through a saved model into predictions in the format of {@code predict}, in bounded
 * memory, with a progress bar on standard error and a summary line on standard output. An
 * interrupted run continues where it stopped when run again; see {@link BatchScorer}.
 */
@Command(name = "score", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Score a CSV file, or every *.csv file of a folder, with a saved model: predictions in the "
                + "format of 'predict', streamed in bounded memory.",
                "An interrupted run (crash, kill, Ctrl-C) continues where it stopped when the same command is run "
                        + "again; no row is lost or written twice."})
public final class ScoreCommand implements Callable<Integer> {
    private final ModelDefinition definition;
    private final PrintStream out;
    private final PrintStream err;

    @Spec
    CommandSpec spec;

    @Option(names = "--model", paramLabel = "FILE", description = "The model file (default: models/<name>.kiln).")
    Path model;

    @Option(names = "--input", paramLabel = "FILE|DIR", required = true,
            description = "CSV with the feature columns (a label column is ignored), or a folder of *.csv files.")
    Path input;

    @Option(names = "--output", paramLabel = "FILE|DIR", required = true,
            description = "Where to write the predictions: a file, or a folder for a folder --input.")
    Path output;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "4096",
            description = "Rows per forward pass; a commit covers whole batches (default: ${DEFAULT-VALUE}; a "
                    + "resumed run keeps the batch size it started with).")
    int batchSize;

    @Option(names = "--checkpoint-interval", paramLabel = "SECONDS", defaultValue = "1",
            description = "The least time between two commits (the output forced to disk, the checkpoint replaced); "
                    + "a crash loses at most about this much work (default: ${DEFAULT-VALUE}; 0: after every batch).")
    double checkpointInterval;

    @Option(names = "--on-error", paramLabel = "fail|skip", defaultValue = "fail",
            description = "A row the model cannot take: 'fail' stops naming its line and column (default); 'skip' "
                    + "writes it with the reason to <output>.rejects.csv and goes on.")
    String onError;

    @Option(names = "--restart", description = "Ignore the checkpoint of an interrupted run and score from the beginning.")
    boolean restart;

    @Option(names = "--overwrite", description = "Replace an output that a finished earlier run wrote.")
    boolean overwrite;

    @Option(names = {"-q", "--quiet"}, description = "No progress bar.")
    boolean quiet;

    public ScoreCommand(ModelDefinition definition, PrintStream out, PrintStream err) {
        this.definition = definition;
        this.out = out;
        this.err = err;
    }

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
        if (!(checkpointInterval >= 0) || checkpointInterval > 86_400) {
            throw new ParameterException(spec.commandLine(), "--checkpoint-interval is seconds from 0 to 86400, not "
                    + checkpointInterval);
        }
        boolean terminal = err == System.err && System.console() != null;
        BatchScorer.Options options = BatchScorer.Options.defaults().batchSize(batchSize).onError(mode)
                .restart(restart).overwrite(overwrite).progress(quiet ? null : err, terminal)
                .checkpointInterval(Duration.ofNanos(Math.round(checkpointInterval * 1e9)));
        BatchScorer scorer = new BatchScorer(definition, model != null ? model : KilnCli.defaultModelFile(definition),
                options);
        BatchScorer.Summary s = scorer.score(input, output);
        out.println(s.describe());
        out.println("wrote    " + output + (s.files() > 1 ? " (" + s.files() + " files)" : ""));
        for (Path r : s.rejects()) {
            out.println("rejects  " + r);
        }
        return 0;
    }
}
