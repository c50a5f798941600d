package io.kiln.runtime.cli;

import io.kiln.runtime.CsvSource;
import io.kiln.runtime.DriftMonitor;
import io.kiln.runtime.internal.drift.DriftProfile;
import io.kiln.runtime.DriftReport;
import io.kiln.runtime.FeatureSchema;
import io.kiln.runtime.KilnModel;
import io.kiln.runtime.internal.data.LabeledData;
import io.kiln.runtime.ModelDefinition;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code drift}: compares each feature of a data file with the training distribution saved in the
 * model, by the population stability index (PSI), and prints the features most shifted first.
 * Exit code 1 when {@code --fail-above} is given and some feature's PSI is above it (for a
 * scheduled job or a CI step), else 0.
 */
@Command(name = "drift", mixinStandardHelpOptions = true,
        description = "Compare each feature of a data file with the model's training distribution (population "
                + "stability index: < 0.1 stable, 0.1-0.25 moderate, > 0.25 major shift).")
public final class DriftCommand implements Callable<Integer> {
    private final ModelDefinition definition;
    private final PrintStream out;
    private final PrintStream err;

    @Option(names = "--model", paramLabel = "FILE", description = "The model file (default: models/<name>.kiln).")
    Path model;

    @Option(names = "--data", paramLabel = "FILE", required = true,
            description = "CSV with the feature columns (a label column is ignored), in the spec's CSV format.")
    Path data;

    @Option(names = "--fail-above", paramLabel = "PSI",
            description = "Exit with code 1 if any feature's PSI is above this (0.25 flags major shifts).")
    Double failAbove;

    @Option(names = "--json", description = "Print the report as JSON, features in feature order.")
    boolean json;

    public DriftCommand(ModelDefinition definition, PrintStream out, PrintStream err) {
        this.definition = definition;
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() throws IOException {
        if (failAbove != null && !(failAbove >= 0 && Double.isFinite(failAbove))) {
            throw new IllegalArgumentException("--fail-above must be a PSI of 0 or more (0.25 flags major shifts), "
                    + "was " + failAbove);
        }
        Path file = model != null ? model : KilnCli.defaultModelFile(definition);
        KilnModel m = KilnModel.load(file);
        ModelDefinition definition = this.definition.resolvedFor(m); // the columns it was trained on
        m.requireFeatures(definition.features().stream().map(FeatureSchema::name).toList());
        DriftProfile profile = m.metadata().requireDrift();
        CsvSource source = definition.data() != null ? definition.data().withFile(data) : CsvSource.file(data);
        LabeledData rows = KilnCli.read(source, definition, false);
        DriftReport report = DriftReport.of(profile, rows);
        List<DriftReport.FeatureDrift> failing = failAbove == null ? List.of() : report.above(failAbove);
        if (report.rows() < DriftMonitor.DEFAULT_MINIMUM_ROWS) {
            err.printf(Locale.ROOT, "warning: only %d rows; PSI over fewer than %d rows is noisy (about %.2f for "
                    + "data that has not changed at all)%n", report.rows(), DriftMonitor.DEFAULT_MINIMUM_ROWS,
                    (DriftProfile.BINS - 1) / (double) report.rows());
        }
        if (json) {
            out.println(report.toJson());
        } else {
            print(report, file);
        }
        if (failAbove != null) {
            // with --json, standard output stays one JSON document
            PrintStream verdict = json ? err : out;
            if (failing.isEmpty()) {
                verdict.printf(Locale.ROOT, "OK: no feature has a PSI above %s%n", failAbove);
            } else {
                verdict.printf(Locale.ROOT, "FAIL: %d %s a PSI above %s: %s%n", failing.size(),
                        failing.size() == 1 ? "feature has" : "features have", failAbove,
                        String.join(", ", failing.stream().map(DriftReport.FeatureDrift::feature).toList()));
            }
        }
        return failing.isEmpty() ? 0 : 1;
    }

    private void print(DriftReport report, Path file) {
        out.printf(Locale.ROOT, "drift of %d rows of %s against the %d training rows of %s%n%n", report.rows(), data,
                report.trainingRows(), file);
        int width = Math.max("feature".length(), report.features().stream()
                .mapToInt(d -> d.feature().length()).max().orElse(0));
        String row = "%-" + width + "s  %8s  %-8s  %s%n";
        out.printf(Locale.ROOT, row, "feature", "PSI", "verdict", "most shifted bucket (training -> data)");
        for (DriftReport.FeatureDrift d : report.sortedByPsi()) {
            out.printf(Locale.ROOT, row, d.feature(), String.format(Locale.ROOT, "%.4f", d.psi()), d.verdict(),
                    String.format(Locale.ROOT, "%s: %.1f%% -> %.1f%%", d.bucket(), 100 * d.expected(),
                            100 * d.actual()));
        }
        long major = report.features().stream().filter(d -> d.psi() > DriftProfile.MAJOR).count();
        long moderate = report.features().stream()
                .filter(d -> d.psi() >= DriftProfile.MODERATE && d.psi() <= DriftProfile.MAJOR).count();
        DriftReport.FeatureDrift top = report.sortedByPsi().get(0);
        out.printf(Locale.ROOT, "%n%d of %d features shifted (%d major, %d moderate); largest PSI %.4f (%s). "
                + "PSI < %s stable, %s-%s moderate, > %s major.%n", major + moderate, report.features().size(),
                major, moderate, top.psi(), top.feature(), DriftProfile.MODERATE, DriftProfile.MODERATE,
                DriftProfile.MAJOR, DriftProfile.MAJOR);
    }
}
