package io.kiln.runtime.internal.report;

import static io.kiln.runtime.internal.report.Html.esc;
import static io.kiln.runtime.internal.report.Html.get;
import static io.kiln.runtime.internal.report.Html.metric;
import static io.kiln.runtime.internal.report.Html.metricValue;
import static io.kiln.runtime.internal.report.Html.plusMinus;

import io.kiln.runtime.Report;
import io.kiln.runtime.internal.evaluate.Metrics;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/** The metrics table: the primary metric first, the model beside the baseline and the cross-validation mean. */
final class MetricsSection implements Section {
    @Override
    public void render(StringBuilder h, Report r) {
        Set<String> keys = metricKeys(r.primaryMetric(), r.metrics(), r.baseline());
        if (keys.isEmpty()) {
            return;
        }
        Report.CrossValidation cv = r.crossValidation();
        boolean cvEvaluated = "cross-validation".equals(r.evaluatedOn());
        boolean cvColumn = cv != null && !cvEvaluated && cv.mean() != null && !cv.mean().isEmpty();
        boolean hasBaseline = r.baseline() != null && !r.baseline().isEmpty();
        h.append("<section id=\"metrics\">\n<h2>Metrics</h2>\n<table class=\"metrics\">\n<thead><tr><th>metric</th>")
                .append("<th class=\"num\">model")
                .append(cvEvaluated ? " (cross-validation mean &plusmn; std)"
                        : r.evaluatedOn() == null ? "" : " (" + esc(r.evaluatedOn()) + ")")
                .append("</th>");
        if (hasBaseline) {
            h.append("<th class=\"num\">baseline").append(r.baselineName() == null ? "" : " (" + esc(r.baselineName()) + ")")
                    .append("</th><th class=\"num\">model vs baseline</th>");
        }
        if (cvColumn) {
            h.append("<th class=\"num\">cross-validation mean &plusmn; std</th>");
        }
        h.append("</tr></thead>\n<tbody>\n");
        for (String k : keys) {
            Double m = get(r.metrics(), k);
            Double b = get(r.baseline(), k);
            boolean primary = k.equals(r.primaryMetric());
            h.append(primary ? "<tr class=\"primary\">" : "<tr>").append("<td><code>").append(esc(k)).append("</code>")
                    .append(primary ? "<span class=\"tag\">primary</span>" : "").append("</td><td class=\"num\">");
            if (cvEvaluated && cv != null && get(cv.std(), k) != null && m != null) {
                h.append(plusMinus(m, get(cv.std(), k)));
            } else {
                h.append(metric(m));
            }
            h.append("</td>");
            if (hasBaseline) {
                h.append("<td class=\"num\">").append(metric(b)).append("</td><td class=\"num\">").append(versus(k, m, b))
                        .append("</td>");
            }
            if (cvColumn) {
                Double mean = get(cv.mean(), k);
                h.append("<td class=\"num\">").append(mean == null ? "&mdash;" : plusMinus(mean, get(cv.std(), k)))
                        .append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</tbody>\n</table>\n");
        Report.Decision d = r.decision();
        if (d != null && d.classWeights() != null && r.outcomes() == null) {
            // a binary task says it beside its decision outcomes
            h.append("<p>The training loss weighed each class's rows by its class weight, ")
                    .append(esc(d.classWeights())).append(".</p>\n");
        }
        h.append("</section>\n");
    }

    private static String versus(String metric, Double m, Double b) {
        if (m == null || b == null || !Double.isFinite(m) || !Double.isFinite(b)) {
            return "&mdash;";
        }
        double diff = m - b;
        boolean better = Metrics.higherIsBetter(metric) ? diff > 0 : diff < 0;
        String text = (diff >= 0 ? "+" : "\u2212") + metricValue(Math.abs(diff));
        if (diff == 0) {
            return text;
        }
        return "<span class=\"" + (better ? "better" : "worse") + "\">" + text + (better ? " better" : " worse")
                + "</span>";
    }

    private static Set<String> metricKeys(String primary, Map<String, Double> a, Map<String, Double> b) {
        Set<String> keys = new LinkedHashSet<>();
        if (primary != null && ((a != null && a.containsKey(primary)) || (b != null && b.containsKey(primary)))) {
            keys.add(primary);
        }
        if (a != null) {
            keys.addAll(a.keySet());
        }
        if (b != null) {
            keys.addAll(b.keySet());
        }
        return keys;
    }
}
