package io.kiln.runtime.cli;

import static io.kiln.runtime.cli.KilnCli.abbreviate;
import static io.kiln.runtime.cli.KilnCli.defaultModelFile;

import io.kiln.runtime.ModelDefinition;
import io.kiln.runtime.ModelMetadata;
import io.kiln.runtime.TrainOptions;
import io.kiln.runtime.Trainer;
import io.kiln.runtime.TrainingResult;
import io.kiln.runtime.internal.data.Splits;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code train} command: trains, prints the test metrics beside the baseline, saves the model and its reports. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train on the declared data (or --data), evaluate on the test split beside the baseline, save.")
final class TrainCommand implements Callable<Integer> {
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

    @Option(names = "--threads", paramLabel = "N",
            description = "Train each network on N threads by parameter averaging, every 5 minibatches (the result "
                    + "then depends on N). Default: 2 for an image network under a holdout or temporal split on a "
                    + "machine with 2 cores or more, where that trains faster; else 1.")
    Integer threads;

    @Option(names = "--stream", negatable = true,
            description = "Stream minibatches from disk instead of reading the data into memory, for data larger "
                    + "than the heap (--no-stream: never; default: when the data file would take more than 3/4 of "
                    + "the heap in memory and the spec can stream).")
    Boolean stream;

    @Option(names = "--sample", paramLabel = "N",
            description = "Train on a random N of the training rows (validation and test rows unchanged).")
    Integer sample;

    @Option(names = "--source", paramLabel = "FILE",
            description = "The transfer source's model file (.kiln or Keras .h5), instead of the declared one.")
    Path source;

    @Option(names = "--teacher", paramLabel = "FILE",
            description = "Distil from this teacher model file (.kiln) instead of the declared teacher.")
    Path teacher;

    @Option(names = "--from", paramLabel = "FILE",
            description = "Continue training this saved model of the spec (a warm start): its weights, optimizer "
                    + "state and schedule position, and its preprocessing unless @Retrain(refitPreprocessing).")
    Path from;

    @Option(names = "--no-references", negatable = false,
            description = "Skip the reference models (a linear model and gradient-boosted trees on the same rows "
                    + "and folds) trained beside the network.")
    boolean noReferences;

        TrainCommand(ModelDefinition definition, PrintStream out, PrintStream err) {
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
        if (threads != null && threads < 1) {
            throw new IllegalArgumentException("--threads must be positive");
        }
        TrainOptions options = new TrainOptions(data, epochs, batchSize, seed, quiet ? null : err, everyEpoch,
                null, sample, !noReferences, threads != null && threads > 1
                        ? new io.kiln.runtime.TrainingThreads(threads, 5) : null, stream);
        ModelDefinition definition = source != null ? this.definition.withTransferSource(source) : this.definition;
        if (teacher != null) {
            definition = definition.withTeacherFile(teacher);
        }
        if (from != null) {
            definition = definition.withWarmStart(io.kiln.runtime.WarmStart.declared(definition, from));
        }
        if (io.kiln.runtime.internal.train.Streaming.streams(definition, options)) {
            out.printf(Locale.ROOT, "model    %s (%s)%n", definition.name(), definition.task());
            io.kiln.runtime.FitSettings fit = options.apply(definition.fit());
            out.printf(Locale.ROOT, "training %d epoch%s, batch size %d%s, streamed from disk on one thread%n",
                    fit.epochs(), fit.epochs() == 1 ? "" : "s", fit.batchSize(), definition.learningRate() != null
                            ? ", learning rate " + definition.learningRate().describe() : "");
            TrainingResult result = Trainer.trainStreamed(definition, options);
            io.kiln.runtime.Report.DataSummary d = result.report().data();
            out.printf(Locale.ROOT, "data     %s: %d rows, sha256 %s, streamed from disk%n", d.source(),
                    d.rows() - (d.testFile() != null ? d.testRows() : 0), abbreviate(d.sha256()));
            if (d.testFile() != null) {
                out.printf(Locale.ROOT, "test file %s: %d rows%n", d.testFile(), d.testRows());
            }
            out.printf(Locale.ROOT, "protocol %s, seed %d%n", d.testFile() != null
                    ? definition.protocol().describe(definition.task(), d.testFile())
                    : definition.protocol().describe(definition.task()), result.model().metadata().provenance().fit()
                            .seed());
            out.printf(Locale.ROOT, "split    %s%n", definition.protocol().describeSplit(d.trainRows(),
                    d.validationRows(), d.testRows()));
            out.println();
            out.println("test metrics (" + d.testRows() + " rows):");
            result.print(out);
            return save(definition, result);
        }
        // the default threads, for a training that does not stream (a streamed one trains in this thread)
        // (and not within kiln-spark's train command, whose executors are the workers)
        io.kiln.runtime.TrainingThreads byDefault = threads == null
                && io.kiln.runtime.internal.train.Workers.current() == null
                ? io.kiln.runtime.TrainingThreads.byDefault(definition) : null;
        if (byDefault != null) {
            options = options.dataParallel(byDefault);
        }
        Trainer.Prepared prepared = Trainer.prepare(definition, options);
        Splits.Holdout s = prepared.split();
        out.printf(Locale.ROOT, "model    %s (%s)%n", definition.name(), definition.task());
        boolean testFile = definition.testData() != null && data == null; // the official test set, read after the data
        int testFileRows = testFile ? s.test().length : 0;
        out.printf(Locale.ROOT, "data     %s: %d rows, sha256 %s%n", prepared.source().name(),
                prepared.data().size() - testFileRows, abbreviate(prepared.data().sha256()));
        if (testFile) {
            out.printf(Locale.ROOT, "test file %s: %d rows%n", definition.testData().name(), testFileRows);
        }
        String protocol = testFile
                ? definition.protocol().describe(definition.task(), definition.testData().name())
                : definition.protocol().describe(definition.task());
        for (io.kiln.runtime.FeatureGroup g : definition.featureGroups()) {
            List<String> columns = prepared.definition().features().stream().filter(f -> g.name().equals(f.group()))
                    .map(io.kiln.runtime.FeatureSchema::column).toList();
            out.printf(Locale.ROOT, "features %s: %d columns, %s%n", g.name(), columns.size(), columns.size() <= 4
                    ? String.join(", ", columns) : columns.get(0) + ", " + columns.get(1) + ", ..., "
                            + columns.get(columns.size() - 1));
        }
        out.printf(Locale.ROOT, "protocol %s, seed %d%n", protocol, prepared.fit().seed());
        out.printf(Locale.ROOT, "split    %s%n", definition.protocol().describeSplit(s.train().length,
                s.validation().length, s.test().length));
        out.printf(Locale.ROOT, "training %d epoch%s, batch size %d%s%n", prepared.fit().epochs(),
                prepared.fit().epochs() == 1 ? "" : "s",
                prepared.fit().batchSize(), definition.learningRate() != null
                        ? ", learning rate " + definition.learningRate().describe() : "");
        if (options.dataParallel() instanceof io.kiln.runtime.TrainingThreads t) {
            out.printf(Locale.ROOT, "threads  %d, averaging every %d minibatches%s%n", t.threads(),
                    t.averagingFrequency(), byDefault != null ? " (the default for an image network on "
                            + Runtime.getRuntime().availableProcessors() + " cores; --threads 1 trains on one)" : "");
        }
        if (definition.transfer() != null) {
            io.kiln.runtime.Transfer t = definition.transfer();
            out.printf(Locale.ROOT, "transfer %s, %s%n", t.describeSource(definition.transferSourceFile()),
                    t.describe());
        }
        if (definition.ensemble() != null) {
            out.printf(Locale.ROOT, "ensemble %s%n", definition.ensemble().describe(
                    definition.protocol() instanceof io.kiln.runtime.KFoldProtocol k ? k.k() * k.repeats() : 0));
        }
        if (definition.distillation() != null) {
            io.kiln.runtime.Distillation d = definition.distillation();
            out.printf(Locale.ROOT, "distil   from %s, T = %s, alpha = %s%s%n", d.teacher() != null ? "'"
                    + d.teacher().name() + "' (a spec, trained first on the rows the student trains on)"
                    : d.file().toString(), ModelMetadata.number(d.effectiveTemperature(definition.task())),
                    ModelMetadata.number(d.alpha()),
                    d.compare() ? "; the same student on the labels alone beside it" : "");
        }
        if (definition.warmStart() != null) {
            io.kiln.runtime.WarmStart w = definition.warmStart();
            out.printf(Locale.ROOT, "continue from %s (generation %d, %d iterations done): %s, preprocessing %s%n",
                    w.file(), w.parentGeneration(), w.parent().network().iterationCount(),
                    w.level() == io.kiln.dsl.RetrainLevel.TOP_LAYERS ? "the top " + w.trainTop() + " layers train"
                            : "every layer trains", w.keepsPreprocessing() ? "kept" : "refitted");
        }
        TrainingResult result = Trainer.train(definition, prepared, options);
        out.println();
        // k-fold prints its folds' metrics first, then the final model's on the test split under its own heading
        out.println(result.report().crossValidation() != null
                ? "cross-validated metrics" + (s.test().length > 0 ? ", then the final model's on the test split ("
                        + s.test().length + " rows):" : ":")
                : "test metrics (" + s.test().length + " rows):");
        result.print(out);
        return save(definition, result);
    }

    private int save(ModelDefinition definition, TrainingResult result) throws IOException {
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
