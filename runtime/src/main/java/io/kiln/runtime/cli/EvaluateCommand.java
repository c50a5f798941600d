package io.kiln.runtime.cli;

import static io.kiln.runtime.cli.KilnCli.abbreviate;
import static io.kiln.runtime.cli.KilnCli.defaultModelFile;
import static io.kiln.runtime.cli.KilnCli.read;

import io.kiln.runtime.CsvSource;
import io.kiln.runtime.KilnModel;
import io.kiln.runtime.ModelDefinition;
import io.kiln.runtime.ModelMetadata;
import io.kiln.runtime.Trainer;
import io.kiln.runtime.TrainingResult;
import io.kiln.runtime.internal.data.LabeledData;
import io.kiln.runtime.internal.evaluate.Metrics;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code evaluate} command: a saved model on other labelled data, the official test set, or its own test split rebuilt. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Evaluate a saved model: on --data (every row), or on the test split of the data it was trained on.")
final class EvaluateCommand implements Callable<Integer> {
    private final ModelDefinition definition;
    private final PrintStream out;

    @Option(names = "--model", paramLabel = "FILE", description = "The model file (default: models/<name>.kiln).")
    Path model;

    @Option(names = "--data", paramLabel = "FILE", description = "Labelled CSV to evaluate on, every row.")
    Path data;

    EvaluateCommand(ModelDefinition definition, PrintStream out) {
        this.definition = definition;
        this.out = out;
    }

    @Override
    public Integer call() throws IOException {
        KilnModel m = KilnModel.load(model != null ? model : defaultModelFile(definition));
        ModelDefinition definition = this.definition.resolvedFor(m); // the columns it was trained on
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
            rows = Trainer.testRows(definition, meta.provenance(), definition.data(), labeled);
            if (rows.length == 0) {
                throw new IllegalArgumentException("The model's protocol (" + meta.provenance().protocol().describe()
                        + ") kept no test split. Pass --data FILE to evaluate on other labelled data.");
            }
            what = "the " + rows.length + "-row test split of " + definition.data().name();
        }
        Metrics.Evaluation[] e = m.evaluate(labeled, rows);
        out.println("metrics on " + what + (m.task() == io.kiln.dsl.Task.BINARY_CLASSIFICATION
                ? ", deciding at the model's threshold " + io.kiln.runtime.ThresholdTuning.format(meta.threshold()) : "")
                + ":");
        new TrainingResult(m, e[0], e[1]).print(out);
        return 0;
    }
}
