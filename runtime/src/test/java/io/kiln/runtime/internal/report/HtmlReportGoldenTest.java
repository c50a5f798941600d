package io.kiln.runtime.internal.report;

import static com.google.common.truth.Truth.assertWithMessage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import io.kiln.runtime.Report;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The HTML report, byte for byte, for the fixtures and their edge cases: the rendered pages are kept in
 * {@code src/test/resources/io/kiln/runtime/internal/report/golden/}. A change to the report's look is
 * made on purpose by rewriting them: run this test with {@code -Dkiln.report.golden.write=<folder>} and
 * copy the files written there.
 */
class HtmlReportGoldenTest {
    private static final String GOLDEN = "/io/kiln/runtime/internal/report/golden/";

    @Test
    void renderedReportsAreUnchanged() throws IOException {
        String write = System.getProperty("kiln.report.golden.write");
        for (Map.Entry<String, Report> e : reports().entrySet()) {
            String html = HtmlReport.render(e.getValue());
            String file = e.getKey() + ".html";
            if (write != null) {
                Path dir = Path.of(write);
                Files.createDirectories(dir);
                Files.writeString(dir.resolve(file), html, StandardCharsets.UTF_8);
                continue;
            }
            try (InputStream in = HtmlReportGoldenTest.class.getResourceAsStream(GOLDEN + file)) {
                assertWithMessage("golden file %s", file).that(in).isNotNull();
                String expected = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                assertWithMessage("report %s differs from %s", e.getKey(), file).that(html).isEqualTo(expected);
            }
        }
    }

    /** Every fixture, and the edge cases of the structure tests, by file name. */
    static Map<String, Report> reports() {
        Map<String, Report> m = new LinkedHashMap<>();
        Report iris = ReportFixtures.multiclassHoldout(List.of("setosa", "versicolor", "virginica"));
        Report b = ReportFixtures.binary();
        Report kfold = ReportFixtures.regressionKFold();
        m.put("multiclass-holdout", iris);
        m.put("binary", b);
        m.put("regression-kfold", kfold);
        m.put("binary-without-plots", ReportFixtures.withoutPlots(b));
        m.put("regression-kfold-without-plots", ReportFixtures.withoutPlots(kfold));
        Report odd = ReportFixtures.multiclassHoldout(List.of("<b>&", "plain", "\"quoted\" 'single'"));
        m.put("escaped", new Report(odd.schema(), "<script>alert(1)</script>", odd.task(), odd.createdAt(),
                odd.protocol(), odd.evaluatedOn(), odd.data(), odd.training(), odd.primaryMetric(), odd.metrics(),
                odd.baseline(), odd.baselineName(), odd.classes(), odd.confusion(), odd.outcomes(), odd.roc(),
                odd.precisionRecall(), odd.residuals(), odd.history(), odd.crossValidation(), odd.diagnosis(),
                List.of(new Report.Warning("odd<code>", "Column 'a&b' has values like <none>."))));
        m.put("binary-outcomes-escaped", new Report(b.schema(), b.model(), b.task(), b.createdAt(), b.protocol(),
                b.evaluatedOn(), b.data(), b.training(), b.primaryMetric(), b.metrics(), b.baseline(),
                b.baselineName(), List.of("ok", "<b>&"), b.confusion(),
                new Report.Outcomes(0.35, 100, 1, 2, 3, 4, 0.4, 0.8, 20, 40, "<b>&"), b.roc(), b.precisionRecall(),
                b.residuals(), b.history(), b.crossValidation(), b.diagnosis(), b.warnings()));
        Report.TrainingSummary t = iris.training();
        m.put("one-epoch", ReportFixtures.withHistory(iris,
                List.of(new Report.Epoch(1, 0.9, 1.0, 0.6, 0.55, 0.01, 0.2)), t));
        List<Report.Epoch> flat = new ArrayList<>();
        for (int e = 1; e <= 5; e++) {
            flat.add(new Report.Epoch(e, 0.5, Double.NaN, Double.NaN, Double.NaN, 0.01, 0.2));
        }
        m.put("flat-history", ReportFixtures.withHistory(iris, flat,
                new Report.TrainingSummary(5, 5, 0, false, false, null, "constant 0.01", 1.0, false, null)));
        m.put("wild-history", ReportFixtures.withHistory(iris, List.of(
                new Report.Epoch(1, Double.POSITIVE_INFINITY, 1e12, 0, 0, 0, 0),
                new Report.Epoch(2, 3.0, Double.NEGATIVE_INFINITY, 1, 1, 0, 0),
                new Report.Epoch(3, 0.0, 2.0, 1, 1, 0, 0)), t));
        m.put("empty", new Report(Report.SCHEMA, "empty", null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null, null, null));
        m.put("non-finite-metrics", new Report(b.schema(), b.model(), b.task(), b.createdAt(), b.protocol(),
                b.evaluatedOn(), b.data(), b.training(), "accuracy",
                ReportFixtures.map("roc_auc", Double.NaN, "accuracy", 0.8), b.baseline(), b.baselineName(),
                b.classes(), b.confusion(), b.outcomes(),
                new Report.Curve(new double[] {0, Double.NaN, 1}, new double[] {0, 0.5, 1}, Double.NaN),
                b.precisionRecall(), null, b.history(), null, b.diagnosis(), b.warnings()));
        int n = 20_000;
        double[] fpr = new double[n];
        double[] tpr = new double[n];
        for (int i = 0; i < n; i++) {
            fpr[i] = i / (n - 1.0);
            tpr[i] = Math.sqrt(fpr[i]);
        }
        m.put("many-thresholds", new Report(b.schema(), b.model(), b.task(), b.createdAt(), b.protocol(),
                b.evaluatedOn(), b.data(), b.training(), b.primaryMetric(), b.metrics(), b.baseline(),
                b.baselineName(), b.classes(), b.confusion(), b.outcomes(), new Report.Curve(fpr, tpr, 2 / 3.0),
                b.precisionRecall(), null, b.history(), null, b.diagnosis(), b.warnings()));
        return m;
    }
}
