package io.kiln.runtime.cli;

import static io.kiln.runtime.cli.KilnCli.abbreviate;

import io.kiln.runtime.KilnModel;
import io.kiln.runtime.ModelMetadata;
import io.kiln.runtime.internal.report.Reports;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code info} command: a saved model's metadata, spec, metrics and provenance. */
@Command(name = "info", mixinStandardHelpOptions = true, description = "Print a saved model's metadata: spec, metrics, provenance.")
final class InfoCommand implements Callable<Integer> {
    private final PrintStream out;

    @Option(names = "--model", paramLabel = "FILE", required = true, description = "The model file.")
    Path model;

    @Option(names = "--json", description = "Print the whole metadata as JSON.")
    boolean json;

    InfoCommand(PrintStream out) {
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
        out.printf(Locale.ROOT, "data      %s, sha256 %s, %d rows (%d train / %d validation / %d test)%s%n",
                p.data(), abbreviate(p.dataSha256()), p.rows(), p.trainRows(), p.validationRows(), p.testRows(),
                p.wasStreamed() ? ", streamed from disk" : "");
        if (p.lineage() != null && p.lineage().learnedThrough() != null) {
            out.printf(Locale.ROOT, "protocol  continuous learning: trained on %d of the kept rows, tested on the "
                    + "most recent %d (the acceptance window, held out)%n", p.trainRows(), p.testRows());
        } else {
            out.printf(Locale.ROOT, "protocol  %s%n", p.describeProtocol(meta.task()));
        }
        if (p.transfer() != null) {
            out.printf(Locale.ROOT, "transfer  %s%n", p.transfer().describe());
        }
        if (p.wordVectors() != null) {
            out.printf(Locale.ROOT, "vectors   %s%n", p.wordVectors().describe());
        }
        if (p.ensemble() != null) {
            out.printf(Locale.ROOT, "ensemble  %s%n", p.ensemble().describe());
        }
        if (p.distillation() != null) {
            out.printf(Locale.ROOT, "distilled %s%n", p.distillation().describe());
        }
        if (p.lineage() != null) {
            out.printf(Locale.ROOT, "lineage   %s%n", p.lineage().describe());
        }
        if (p.dataParallel() != null) {
            out.printf(Locale.ROOT, "parallel  %s%n", p.dataParallel());
        }
        if (meta.task() == io.kiln.dsl.Task.BINARY_CLASSIFICATION) {
            out.printf(Locale.ROOT, "threshold %s: the probability of '%s' at or above which it is predicted%n",
                    io.kiln.runtime.ThresholdTuning.format(meta.threshold()), meta.label().classes().get(1));
        }
        // the final model's own epochs and early stopping, then the folds'; a file saved before they were
        // recorded knows only the planned epochs
        String epochs = meta.training() != null
                ? Reports.finalModel(meta.training(), meta.folds() != null, p.ensemble())
                : p.fit().epochs() + " epochs planned";
        out.printf(Locale.ROOT, "training  %s, batch %d, seed %d, %.1f s, %s%n", epochs,
                p.fit().batchSize(), p.fit().seed(), p.trainingSeconds(), p.createdAt());
        String folds = Reports.folds(meta.folds());
        if (folds != null) {
            out.printf(Locale.ROOT, "folds     %s%n", folds);
        }
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
