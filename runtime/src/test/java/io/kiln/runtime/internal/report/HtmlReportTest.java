package io.kiln.runtime.internal.report;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.kiln.runtime.Report;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The HTML report's structure: which sections and charts appear, escaping, and finite SVG coordinates. */
class HtmlReportTest {
    private static final List<String> IRIS = List.of("setosa", "versicolor", "virginica");

    @Test
    void multiclassHoldoutHasLearningCurvesAndConfusionMatrixOnly() {
        String html = HtmlReport.render(ReportFixtures.multiclassHoldout(IRIS));

        assertThat(html).startsWith("<!DOCTYPE html>");
        assertThat(html).contains("<h1>iris</h1>");
        assertThat(html).contains("holdout (validation 0.20, test 0.20, stratified, shuffled)");
        assertThat(html).contains("42 run of 80 planned");
        assertThat(html).contains("constant 0.01<");
        assertThat(chartIds(html)).containsExactly("loss-curve", "metric-curve", "confusion-matrix").inOrder();
        assertThat(html).contains("id=\"metrics\"");
        assertThat(html).contains("id=\"diagnosis\"");
        assertThat(html).contains("id=\"warnings\"");
        assertThat(html).doesNotContain("id=\"outcomes\"");
        assertThat(html).doesNotContain("id=\"cross-validation\"");
        assertThat(html).doesNotContain("id=\"residuals-section\"");
        // the best epoch is marked on both learning curves
        assertThat(count(html, "class=\"best-epoch\"")).isEqualTo(2);
        assertThat(html).contains("best epoch 30");
        // 3 x 3 heatmap cells, each class named
        assertThat(count(html, "<rect class=\"cell\"")).isEqualTo(9);
        assertThat(html).contains(">virginica</text>");
        assertFiniteSvg(html);
    }

    @Test
    void classWeightsAndAChosenThresholdAreSaidOnceWhereTheTaskShowsItsDecisions() {
        Report multiclass = ReportFixtures.multiclassHoldout(IRIS).withDecision(new Report.Decision(
                "balanced: setosa 1.00, versicolor 0.952, virginica 1.05", 0.5, null, null, 0, null, null));
        String html = HtmlReport.render(multiclass);
        assertThat(html).contains("weighed each class's rows by its class weight, balanced: setosa 1.00, versicolor "
                + "0.952, virginica 1.05.");
        Report binary = ReportFixtures.binary().withDecision(new Report.Decision("declared: healthy 1.00, sick 5.00",
                0.31, "maximize f1", "validation", 120, 0.61, 0.68));
        String b = HtmlReport.render(binary);
        assertThat(b).contains("threshold 0.31, chosen on 120 validation rows to maximize f1 (0.610 at 0.5, 0.680 at "
                + "0.31). The test rows were not looked at to choose it.");
        assertThat(b.split("weighed each class", -1)).hasLength(2); // once, beside the outcomes
        // a report without them says nothing about either
        assertThat(HtmlReport.render(ReportFixtures.binary())).doesNotContain("class weight");
    }

    @Test
    void againstATunedThresholdReferencesAreJudgedOnRocAucWhichNoThresholdChanges() {
        Report binary = ReportFixtures.binary();
        // a reference more accurate at 0.5 than the network at its cost-tuned threshold, but ranking worse
        java.util.Map<String, Double> ref = new java.util.LinkedHashMap<>(binary.metrics());
        ref.put("accuracy", binary.metrics().get("accuracy") + 0.05);
        ref.put("roc_auc", binary.metrics().get("roc_auc") - 0.05);
        java.util.List<Report.Reference> refs = java.util.List.of(new Report.Reference("logistic regression", "test",
                ref, null, 100, 0, 0.1, null));
        Report plain = Reports.withReferences(binary, refs, null);
        assertThat(plain.references().get(0).finding()).contains("accuracy");
        Report tuned = Reports.withReferences(binary.withDecision(new Report.Decision(null, 0.05,
                "minimize 1 x false positives + 10 x false negatives", "validation", 100, 40.0, 20.0)), refs, null);
        assertThat(tuned.references().get(0).finding()).isNull();
        assertThat(tuned.decision()).isNotNull(); // kept
    }

    @Test
    void primaryMetricIsHighlightedFirstBesideTheBaseline() {
        String html = HtmlReport.render(ReportFixtures.multiclassHoldout(IRIS));

        String table = between(html, "<table class=\"metrics\">", "</table>");
        assertThat(table).contains("baseline (majority class)");
        assertThat(table).containsMatch("<tbody>\\s*<tr class=\"primary\"><td><code>accuracy</code>");
        assertThat(count(table, "class=\"primary\"")).isEqualTo(1);
        assertThat(table).contains("0.9185");
        assertThat(table).contains("0.3556");
        assertThat(table).contains("+0.5629 better");
        // log loss: lower is better
        assertThat(table).contains("\u22120.8667 better");
    }

    @Test
    void polylinesHaveOnePointPerEpoch() {
        Report r = ReportFixtures.multiclassHoldout(IRIS);
        String html = HtmlReport.render(r);

        for (String series : List.of("train-loss", "validation-loss", "train-metric", "validation-metric")) {
            assertWithMessage(series).that(points(html, series)).hasSize(r.history().size());
        }
    }

    @Test
    void binaryRunShowsOutcomesRocAndPrecisionRecall() {
        String html = HtmlReport.render(ReportFixtures.binary());

        assertThat(chartIds(html)).containsExactly("loss-curve", "metric-curve", "learning-rate-curve",
                "confusion-matrix", "roc-curve", "pr-curve").inOrder();
        assertThat(html).contains("At threshold 0.50, per 1000 cases: 56.7 false alarms (<strong>healthy</strong> "
                + "predicted <strong>sick</strong>) and 106.7 missed cases (<strong>sick</strong> predicted "
                + "<strong>healthy</strong>).");
        assertThat(html).contains("8.2%");   // false-positive rate 34 / 414
        assertThat(html).contains("34.4%");  // false-negative rate 64 / 186
        assertThat(html).contains("ROC curve (area 0.856)");
        assertThat(html).contains("Precision\u2013recall curve (average precision 0.876)");
        assertThat(html).contains("no skill (0.31)");
        assertThat(html).contains("class=\"operating-point\"");
        assertThat(points(html, "roc")).hasSize(101);
        assertThat(points(html, "pr")).hasSize(101);
        assertThat(html).doesNotContain("id=\"residuals\"");
        assertThat(html).doesNotContain("id=\"folds\"");
        assertThat(html).contains("badge verdict-overfitting");
        assertFiniteSvg(html);
    }

    @Test
    void regressionKFoldShowsResidualsFoldsAndTheSchedule() {
        Report r = ReportFixtures.regressionKFold();
        String html = HtmlReport.render(r);

        assertThat(chartIds(html)).containsExactly("loss-curve", "metric-curve", "learning-rate-curve", "residuals")
                .inOrder();
        assertThat(html).doesNotContain("confusion-matrix");
        assertThat(html).doesNotContain("roc-curve");
        assertThat(html).doesNotContain("id=\"outcomes\"");
        assertThat(html).doesNotContain("id=\"diagnosis\"");
        assertThat(html).doesNotContain("id=\"warnings\"");
        assertThat(html).contains("5-fold cross-validation, shuffled");
        assertThat(html).contains("model (cross-validation mean &plusmn; std)");
        assertThat(html).contains("0.9100 &plusmn; 0.0158");
        // the fold table: five folds and a mean +- std row
        String folds = between(html, "<table id=\"folds\">", "</table>");
        assertThat(count(folds, "<tr><td class=\"num\">1</td><td class=\"num\">")).isEqualTo(5);
        assertThat(folds).contains("mean &plusmn; std");
        assertThat(folds).contains("baseline mean (mean predictor)");
        // 400 residual points and the y = x line
        assertThat(count(between(html, "<svg id=\"residuals\"", "</svg>"), "<circle ")).isAtLeast(400);
        assertThat(html).contains("y = x");
        // the training metric is NaN throughout: drawn neither as a line nor in the legend
        assertThat(html).doesNotContain("data-series=\"train-metric\"");
        assertThat(html).doesNotContain("train r2");
        assertThat(points(html, "learning-rate")).hasSize(r.history().size());
        assertFiniteSvg(html);
    }

    @Test
    void textIsEscaped() {
        Report r = ReportFixtures.multiclassHoldout(List.of("<b>&", "plain", "\"quoted\" 'single'"));
        Report named = new Report(r.schema(), "<script>alert(1)</script>", r.task(), r.createdAt(), r.protocol(),
                r.evaluatedOn(), r.data(), r.training(), r.primaryMetric(), r.metrics(), r.baseline(), r.baselineName(),
                r.classes(), r.confusion(), r.outcomes(), r.roc(), r.precisionRecall(), r.residuals(), r.history(),
                r.crossValidation(), r.diagnosis(),
                List.of(new Report.Warning("odd<code>", "Column 'a&b' has values like <none>.")));
        String html = HtmlReport.render(named);

        assertThat(html).doesNotContain("<b>&");
        assertThat(html).doesNotContain("<script>");
        assertThat(html).doesNotContain("<none>");
        assertThat(html).contains("&lt;b&gt;&amp;");
        assertThat(html).contains("<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>");
        assertThat(html).contains("&quot;quoted&quot; &#39;single&#39;");
        assertThat(html).contains("<code>odd&lt;code&gt;</code> Column &#39;a&amp;b&#39; has values like &lt;none&gt;.");
    }

    @Test
    void binaryOutcomesNameTheClassesEscaped() {
        Report b = ReportFixtures.binary();
        Report r = new Report(b.schema(), b.model(), b.task(), b.createdAt(), b.protocol(), b.evaluatedOn(), b.data(),
                b.training(), b.primaryMetric(), b.metrics(), b.baseline(), b.baselineName(), List.of("ok", "<b>&"),
                b.confusion(), new Report.Outcomes(0.35, 100, 1, 2, 3, 4, 0.4, 0.8, 20, 40, "<b>&"), b.roc(),
                b.precisionRecall(), b.residuals(), b.history(), b.crossValidation(), b.diagnosis(), b.warnings());
        String html = HtmlReport.render(r);

        assertThat(html).contains("At threshold 0.35, per 100 cases: 20.0 false alarms (<strong>ok</strong> predicted "
                + "<strong>&lt;b&gt;&amp;</strong>)");
        assertThat(html).doesNotContain("<b>&");
    }

    @Test
    void degenerateHistoriesDrawNoNonFiniteCoordinates() {
        Report base = ReportFixtures.multiclassHoldout(IRIS);
        Report.TrainingSummary t = base.training();
        // one epoch
        Report one = ReportFixtures.withHistory(base, List.of(new Report.Epoch(1, 0.9, 1.0, 0.6, 0.55, 0.01, 0.2)), t);
        String html = HtmlReport.render(one);
        assertThat(points(html, "train-loss")).hasSize(1);
        assertThat(points(html, "validation-metric")).hasSize(1);
        assertFiniteSvg(html);

        // validation all NaN, training metric NaN, constant training loss
        List<Report.Epoch> flat = new ArrayList<>();
        for (int e = 1; e <= 5; e++) {
            flat.add(new Report.Epoch(e, 0.5, Double.NaN, Double.NaN, Double.NaN, 0.01, 0.2));
        }
        html = HtmlReport.render(ReportFixtures.withHistory(base, flat, new Report.TrainingSummary(5, 5, 0, false, false,
                null, "constant 0.01", 1.0, false, null)));
        assertThat(points(html, "train-loss")).hasSize(5);
        assertThat(html).doesNotContain("data-series=\"validation-loss\"");
        assertThat(html).doesNotContain("validation loss</text>");
        assertThat(html).doesNotContain("id=\"metric-curve\"");
        assertThat(html).doesNotContain("class=\"best-epoch\"");
        assertFiniteSvg(html);

        // infinities, zeros and a huge loss: skipped, or drawn on a finite axis
        List<Report.Epoch> wild = List.of(new Report.Epoch(1, Double.POSITIVE_INFINITY, 1e12, 0, 0, 0, 0),
                new Report.Epoch(2, 3.0, Double.NEGATIVE_INFINITY, 1, 1, 0, 0),
                new Report.Epoch(3, 0.0, 2.0, 1, 1, 0, 0));
        html = HtmlReport.render(ReportFixtures.withHistory(base, wild, t));
        assertThat(points(html, "train-loss")).hasSize(2);
        assertThat(points(html, "validation-loss")).hasSize(2);
        assertFiniteSvg(html);
    }

    @Test
    void emptyReportRendersOnlyTheHeader() {
        Report r = new Report(Report.SCHEMA, "empty", null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null, null);
        String html = HtmlReport.render(r);

        assertThat(html).contains("<h1>empty</h1>");
        assertThat(chartIds(html)).isEmpty();
        assertThat(html).doesNotContain("id=\"metrics\"");
        assertThat(html).doesNotContain("id=\"learning-curves\"");
        assertThat(html).endsWith("</html>\n");
    }

    @Test
    void nonFiniteMetricsShowADash() {
        Report b = ReportFixtures.binary();
        Report r = new Report(b.schema(), b.model(), b.task(), b.createdAt(), b.protocol(), b.evaluatedOn(), b.data(),
                b.training(), "accuracy", ReportFixtures.map("roc_auc", Double.NaN, "accuracy", 0.8), b.baseline(),
                b.baselineName(), b.classes(), b.confusion(), b.outcomes(), new Report.Curve(new double[] {0, Double.NaN, 1},
                        new double[] {0, 0.5, 1}, Double.NaN), b.precisionRecall(), null, b.history(), null,
                b.diagnosis(), b.warnings());
        String html = HtmlReport.render(r);

        assertThat(html).doesNotContain("NaN");
        assertThat(html).doesNotContain("Infinity");
        assertThat(html).contains("ROC curve (area n/a)");
        assertThat(points(html, "roc")).hasSize(2);
    }

    @Test
    void rocCurveOfManyThresholdsIsThinnedToPixels() {
        int n = 20_000;
        double[] fpr = new double[n];
        double[] tpr = new double[n];
        for (int i = 0; i < n; i++) {
            fpr[i] = i / (n - 1.0);
            tpr[i] = Math.sqrt(fpr[i]);
        }
        Report b = ReportFixtures.binary();
        Report r = new Report(b.schema(), b.model(), b.task(), b.createdAt(), b.protocol(), b.evaluatedOn(), b.data(),
                b.training(), b.primaryMetric(), b.metrics(), b.baseline(), b.baselineName(), b.classes(), b.confusion(),
                b.outcomes(), new Report.Curve(fpr, tpr, 2 / 3.0), b.precisionRecall(), null, b.history(), null,
                b.diagnosis(), b.warnings());
        List<String> points = points(HtmlReport.render(r), "roc");

        assertThat(points.size()).isLessThan(2_000);
        assertThat(points.size()).isGreaterThan(300);
        assertThat(points.get(points.size() - 1)).isEqualTo(points(HtmlReport.render(b), "roc").get(100));
    }

    @Test
    void renderingSurvivesTheJsonRoundTrip() throws Exception {
        for (Report r : List.of(ReportFixtures.binary(), ReportFixtures.regressionKFold(),
                ReportFixtures.multiclassHoldout(IRIS))) {
            String json = JSON.writeValueAsString(r);
            Report back = JSON.readValue(json, Report.class);
            assertThat(HtmlReport.render(back)).isEqualTo(HtmlReport.render(r));
        }
    }

    // ---------------------------------------------------------------- helpers

    /** Configured as the runtime's mapper that writes {@code <model>.report.json} and reads it back. */
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private static final Pattern SVG = Pattern.compile("<svg\\b.*?</svg>", Pattern.DOTALL);
    private static final Pattern NUMERIC_ATTRIBUTE =
            Pattern.compile("\\s(x|y|x1|y1|x2|y2|cx|cy|r|width|height|points|viewBox|transform)=\"([^\"]*)\"");
    private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?");

    /** No SVG contains NaN or Infinity, and every coordinate attribute holds only plain finite numbers. */
    private static void assertFiniteSvg(String html) {
        Matcher svg = SVG.matcher(html);
        int charts = 0;
        while (svg.find()) {
            charts++;
            String s = svg.group();
            assertThat(s).doesNotContain("NaN");
            assertThat(s).doesNotContain("Infinity");
            Matcher a = NUMERIC_ATTRIBUTE.matcher(s);
            while (a.find()) {
                String value = a.group(2).replaceAll("translate|rotate|[(),]", " ").trim();
                for (String part : value.split("\\s+")) {
                    assertWithMessage("%s=\"%s\"", a.group(1), a.group(2)).that(NUMBER.matcher(part).matches()).isTrue();
                    assertThat(Math.abs(Double.parseDouble(part))).isLessThan(1e5);
                }
            }
        }
        assertThat(charts).isGreaterThan(0);
    }

    private static List<String> chartIds(String html) {
        List<String> ids = new ArrayList<>();
        Matcher m = Pattern.compile("<svg id=\"([^\"]+)\" class=\"kiln-chart\"").matcher(html);
        while (m.find()) {
            ids.add(m.group(1));
        }
        return ids;
    }

    /** The points of the polyline drawing {@code series}. */
    private static List<String> points(String html, String series) {
        Matcher m = Pattern.compile("<polyline data-series=\"" + Pattern.quote(series) + "\"[^>]* points=\"([^\"]*)\"")
                .matcher(html);
        assertWithMessage("polyline %s", series).that(m.find()).isTrue();
        List<String> points = List.of(m.group(1).trim().split(" "));
        assertWithMessage("one polyline for %s", series).that(m.find()).isFalse();
        return points;
    }

    private static int count(String s, String part) {
        int n = 0;
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + part.length())) {
            n++;
        }
        return n;
    }

    private static String between(String s, String from, String to) {
        int a = s.indexOf(from);
        assertWithMessage("missing %s", from).that(a).isAtLeast(0);
        return s.substring(a, s.indexOf(to, a) + to.length());
    }
}
