package io.kiln.runtime;

import io.kiln.runtime.internal.evaluate.Metrics;
import io.kiln.runtime.internal.model.AtomicFiles;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import io.kiln.runtime.internal.report.HtmlReport;
import io.kiln.runtime.internal.report.Reports;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * <b>Public API</b>. A trained model, its evaluation beside the common-sense baseline, and the run's {@link Report}.
 *
 * @param model the final model
 * @param test its metrics (on the test split; for k-fold without a test split, the cross-validated means)
 * @param baseline the baseline's metrics on the same rows
 * @param report everything the run found out, or null for an evaluation of a saved model
 */
public record TrainingResult(KilnModel model, Metrics.Evaluation test, Metrics.Evaluation baseline, Report report) {

    /** A saved model's evaluation: no training report. */
    public TrainingResult(KilnModel model, Metrics.Evaluation test, Metrics.Evaluation baseline) {
        this(model, test, baseline, null);
    }

    /** The JSON report file beside a model file: {@code models/digits.kiln} → {@code models/digits.report.json}. */
    public static Path jsonReportFile(Path modelFile) {
        return sibling(modelFile, ".report.json");
    }

    /** The HTML report file beside a model file: {@code models/digits.report.html}. */
    public static Path htmlReportFile(Path modelFile) {
        return sibling(modelFile, ".report.html");
    }

    private static Path sibling(Path modelFile, String suffix) {
        String name = modelFile.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return modelFile.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + suffix);
    }

    /**
     * Saves the model to {@code modelFile} and writes the JSON and HTML reports beside it, as one
     * unit ({@link AtomicFiles#writeAll}): all three are written and flushed before any is renamed,
     * the reports first and the model last, so a failure while writing (a full disk) leaves the
     * previous model and its reports as they were. Returns the report files.
     */
    public List<Path> save(Path modelFile) throws IOException {
        if (report == null) {
            model.save(modelFile);
            return List.of();
        }
        Path json = jsonReportFile(modelFile);
        Path html = htmlReportFile(modelFile);
        byte[] jsonBytes = KilnModel.JSON.writeValueAsBytes(report);
        byte[] htmlBytes = HtmlReport.render(report).getBytes(StandardCharsets.UTF_8);
        Map<Path, AtomicFiles.Content> files = new LinkedHashMap<>();
        files.put(json, out -> out.write(jsonBytes));
        files.put(html, out -> out.write(htmlBytes));
        files.put(modelFile, model.content());
        AtomicFiles.writeAll(files);
        return List.of(json, html);
    }

    /** The model's test metrics. */
    public Map<String, Double> metrics() {
        return test.metrics();
    }

    /** The baseline's metrics on the same test rows. */
    public Map<String, Double> baselineMetrics() {
        return baseline.metrics();
    }

    /**
     * Prints the metrics table (model beside baseline and the reference models, with a sentence for
     * each reference that beats the network), the confusion matrix, and from the report the
     * cross-validation summary, the binary outcomes per N cases, the fit diagnosis and the warnings.
     */
    public void print(PrintStream out) {
        if (report != null && report.crossValidation() != null) {
            Report.CrossValidation cv = report.crossValidation();
            out.printf(Locale.ROOT, "%s, %d models:%n", report.protocol().describe(report.task()), cv.folds().size());
            List<Report.Reference> refs = references("cross-validation");
            out.printf(Locale.ROOT, "%-18s %18s %16s", "metric", "mean ± std", report.baselineName());
            refs.forEach(ref -> out.printf(Locale.ROOT, " %22s", ref.name()));
            out.println();
            for (Map.Entry<String, Double> e : cv.mean().entrySet()) {
                out.printf(Locale.ROOT, "%-18s %9.4f ± %6.4f %16.4f", e.getKey(), e.getValue(),
                        cv.std().get(e.getKey()), cv.baselineMean().get(e.getKey()));
                for (Report.Reference ref : refs) {
                    Double m = ref.metrics().get(e.getKey());
                    Double sd = ref.std() == null ? null : ref.std().get(e.getKey());
                    out.printf(Locale.ROOT, " %22s", m == null ? "" : sd == null ? String.format(Locale.ROOT, "%.4f", m)
                            : String.format(Locale.ROOT, "%.4f ± %.4f", m, sd));
                }
                out.println();
            }
            String folds = Reports.folds(cv.folds());
            if (folds != null) {
                out.println(folds);
            }
            if (report.training() != null) {
                out.println("final model: " + Reports.finalModel(report.training(), true, report.ensemble()));
            }
            if (!"test".equals(report.evaluatedOn())) {
                printConfusion(out, model.metadata(), test);
                printReportDetails(out);
                return;
            }
            out.println();
            out.println("final model on the test split:");
        }
        printComparison(out, model, test, baseline, references("test"));
        printReportDetails(out);
    }

    /** The report's reference models scored on {@code evaluatedOn} ("test" or "cross-validation"). */
    private List<Report.Reference> references(String evaluatedOn) {
        if (report == null || report.references() == null) {
            return List.of();
        }
        return report.references().stream().filter(r -> evaluatedOn.equals(r.evaluatedOn())).toList();
    }

    private void printReportDetails(PrintStream out) {
        if (report == null) {
            return;
        }
        String compared = Reports.compared(report);
        if (compared != null) {
            out.println();
            out.println(compared);
        }
        if (report.references() != null) {
            List<String> findings = report.references().stream().map(Report.Reference::finding)
                    .filter(java.util.Objects::nonNull).toList();
            if (!findings.isEmpty()) {
                out.println();
                findings.forEach(out::println);
            }
        }
        if (report.referencesSkipped() != null
                && !report.referencesSkipped().equals(Report.REFERENCES_TURNED_OFF)) {
            out.println();
            out.println("reference models: " + report.referencesSkipped());
        }
        Report.Decision decision = report.decision();
        if (decision != null) {
            out.println();
            if (decision.classWeights() != null) {
                out.println("class weights " + decision.classWeights());
            }
            if (decision.objective() != null) {
                out.println(Reports.thresholdSentence(decision));
            }
        }
        Report.Outcomes o = report.outcomes();
        if (o != null) {
            out.println();
            out.printf(Locale.ROOT, "at threshold %s, per %d cases: %.1f false positives (predicted '%s' wrongly), "
                    + "%.1f false negatives (missed '%s'); false positive rate %.3f, false negative rate %.3f%n",
                    ThresholdTuning.format(o.threshold()), o.perCases(), o.falsePositivesPerCases(), o.positiveClass(),
                    o.falseNegativesPerCases(), o.positiveClass(), o.falsePositiveRate(), o.falseNegativeRate());
        }
        Report.Diagnosis d = report.diagnosis();
        if (d != null) {
            out.println();
            out.printf(Locale.ROOT, "diagnosis: %s (%sbest validation loss %.4f at epoch %d of %d)%n", d.verdict(),
                    d.fold() > 0 ? "fold " + d.fold() + ": " : "", d.bestValidationLoss(), d.bestEpoch(),
                    d.epochs() > 0 ? d.epochs() : report.history().size());
            d.advice().forEach(a -> out.println("  - " + a));
        }
        for (Report.Warning w : report.warnings()) {
            out.println("warning [" + w.code() + "]: " + w.message());
        }
    }

    static void printComparison(PrintStream out, KilnModel model, Metrics.Evaluation test,
            Metrics.Evaluation baseline, List<Report.Reference> references) {
        ModelMetadata meta = model.metadata();
        String baselineName = model.baselineName();
        out.printf(Locale.ROOT, "%-18s %10s %16s", "metric", "model", baselineName);
        references.forEach(ref -> out.printf(Locale.ROOT, " %22s", ref.name()));
        out.println();
        for (Map.Entry<String, Double> e : test.metrics().entrySet()) {
            Double b = baseline.metrics().get(e.getKey());
            out.printf(Locale.ROOT, "%-18s %10.4f %16s", e.getKey(), e.getValue(),
                    b == null ? "" : String.format(Locale.ROOT, "%.4f", b));
            for (Report.Reference ref : references) {
                Double m = ref.metrics().get(e.getKey());
                out.printf(Locale.ROOT, " %22s", m == null ? "" : String.format(Locale.ROOT, "%.4f", m));
            }
            out.println();
        }
        printConfusion(out, meta, test);
    }

    static void printConfusion(PrintStream out, ModelMetadata meta, Metrics.Evaluation test) {
        if (test.confusion() != null) {
            out.println();
            out.println("confusion matrix (rows: true class, columns: predicted)");
            var classes = meta.label().classes();
            int w = Math.max(6, classes.stream().mapToInt(String::length).max().orElse(6) + 1);
            out.printf("%" + w + "s", "");
            for (String c : classes) {
                out.printf(" %" + w + "s", c);
            }
            out.println();
            for (int i = 0; i < classes.size(); i++) {
                out.printf("%" + w + "s", classes.get(i));
                for (int j = 0; j < classes.size(); j++) {
                    out.printf(" %" + w + "d", test.confusion()[i][j]);
                }
                out.println();
            }
        }
    }
}
