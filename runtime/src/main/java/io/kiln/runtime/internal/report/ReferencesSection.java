package io.kiln.runtime.internal.report;

import static io.kiln.runtime.internal.report.Html.esc;
import static io.kiln.runtime.internal.report.Html.get;
import static io.kiln.runtime.internal.report.Html.metric;
import static io.kiln.runtime.internal.report.Html.plusMinus;

import io.kiln.runtime.Report;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The reference models beside the network and the baseline, on the same rows or folds, with a
 * plain sentence for each reference that beats the network; or why there are none.
 */
final class ReferencesSection implements Section {
    @Override
    public void render(StringBuilder h, Report r) {
        List<Report.Reference> refs = r.references();
        if (refs == null || refs.isEmpty()) {
            if (r.referencesSkipped() != null && !r.referencesSkipped().equals(Report.REFERENCES_TURNED_OFF)) {
                h.append("<section id=\"references\">\n<h2>Reference models</h2>\n<p class=\"muted\">")
                        .append(esc(r.referencesSkipped())).append("</p>\n</section>\n");
            }
            return;
        }
        boolean folds = refs.stream().anyMatch(ref -> "cross-validation".equals(ref.evaluatedOn()));
        Report.CrossValidation cv = r.crossValidation();
        Map<String, Double> network = folds && cv != null ? cv.mean() : r.metrics();
        Map<String, Double> networkStd = folds && cv != null ? cv.std() : null;
        Map<String, Double> baseline = folds && cv != null ? cv.baselineMean() : r.baseline();
        Set<String> keys = new LinkedHashSet<>();
        if (r.primaryMetric() != null) {
            keys.add(r.primaryMetric());
        }
        refs.forEach(ref -> keys.addAll(ref.metrics().keySet()));
        Report.Reference first = refs.get(0);
        h.append("<section id=\"references\">\n<h2>Reference models</h2>\n<p>Trained on the network's preprocessed "
                + "features and scored on ")
                .append(folds ? "the same " + first.folds() + " folds (" + first.rows() + " held-out rows in all; mean "
                        + "&plusmn; std over folds)" : "the same " + first.rows() + " test rows")
                .append(".</p>\n<table class=\"metrics\">\n<thead><tr><th>model</th>");
        for (String k : keys) {
            h.append("<th class=\"num\"><code>").append(esc(k)).append("</code></th>");
        }
        h.append("<th class=\"num\">seconds</th></tr></thead>\n<tbody>\n");
        row(h, "network", keys, network, networkStd, null);
        if (baseline != null && !baseline.isEmpty()) {
            row(h, "baseline" + (r.baselineName() == null ? "" : " (" + r.baselineName() + ")"), keys, baseline, null,
                    null);
        }
        for (Report.Reference ref : refs) {
            row(h, ref.name(), keys, ref.metrics(), ref.std(), ref.seconds());
        }
        h.append("</tbody>\n</table>\n");
        List<String> findings = new ArrayList<>();
        refs.stream().map(Report.Reference::finding).filter(f -> f != null).forEach(findings::add);
        for (String f : findings) {
            h.append("<p class=\"finding\"><strong>").append(esc(f)).append("</strong></p>\n");
        }
        if (r.referencesSkipped() != null) {
            h.append("<p class=\"muted\">").append(esc(r.referencesSkipped())).append("</p>\n");
        }
                if (findings.isEmpty()) {
            h.append("<p class=\"muted\">No reference model beats the network on <code>")
                    .append(esc(r.primaryMetric())).append("</code>.</p>\n");
        }
        h.append("</section>\n");
    }

    private static void row(StringBuilder h, String name, Set<String> keys, Map<String, Double> metrics,
            Map<String, Double> std, Double seconds) {
        h.append("<tr><td>").append(esc(name)).append("</td>");
        for (String k : keys) {
            Double m = get(metrics, k);
            Double s = get(std, k);
            h.append("<td class=\"num\">").append(m != null && s != null ? plusMinus(m, s) : metric(m)).append("</td>");
        }
        h.append("<td class=\"num\">").append(seconds == null ? "" : Html.fmt(seconds, 1)).append("</td></tr>\n");
    }
}
