package io.kiln.runtime.internal.report;

import static io.kiln.runtime.internal.report.Html.esc;
import static io.kiln.runtime.internal.report.Html.metric;
import static io.kiln.runtime.internal.report.Html.plusMinus;

import io.kiln.runtime.Report;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What trained beside the model under the same protocol, on the same rows: an ensemble and each of
 * its members; a distilled student beside its teacher and the same student trained on the labels
 * alone, with their weights, model file sizes and single-row latencies.
 */
final class ComparedSection implements Section {
    @Override
    public void render(StringBuilder h, Report r) {
        if (r.compared() == null || r.compared().isEmpty()) {
            return;
        }
        Map<String, List<Report.Compared>> tables = new LinkedHashMap<>();
        for (Report.Compared c : r.compared()) {
            tables.computeIfAbsent(c.group() + "\u0000" + c.evaluatedOn(), k -> new ArrayList<>()).add(c);
        }
        h.append("<section id=\"compared\">\n<h2>Compared models</h2>\n");
        for (List<Report.Compared> rows : tables.values()) {
            Report.Compared first = rows.get(0);
            h.append("<p>").append(esc(Reports.comparedHeading(r, first.group(), first.evaluatedOn())))
                    .append(".</p>\n<table class=\"metrics\">\n<thead><tr><th>model</th>");
            Set<String> keys = new LinkedHashSet<>();
            if (r.primaryMetric() != null) {
                keys.add(r.primaryMetric());
            }
            rows.forEach(c -> keys.addAll(c.metrics().keySet()));
            for (String k : keys) {
                h.append("<th class=\"num\"><code>").append(esc(k)).append("</code></th>");
            }
            h.append("<th class=\"num\">parameters</th><th class=\"num\">file</th><th class=\"num\">latency</th>"
                    + "</tr></thead>\n<tbody>\n");
            for (Report.Compared c : rows) {
                h.append("<tr><td>").append(esc(c.role())).append("</td>");
                for (String k : keys) {
                    Double m = c.metrics().get(k);
                    Double s = c.std() == null ? null : c.std().get(k);
                    h.append("<td class=\"num\">").append(m != null && s != null ? plusMinus(m, s) : metric(m))
                            .append("</td>");
                }
                h.append(String.format(Locale.ROOT, "<td class=\"num\">%,d</td><td class=\"num\">%s</td>"
                        + "<td class=\"num\">%s</td></tr>%n", c.parameters(), Reports.bytes(c.fileBytes()),
                        Double.isNaN(c.latencyMillis()) ? "" : String.format(Locale.ROOT, "%.3f ms", c.latencyMillis())));
            }
            h.append("</tbody>\n</table>\n");
        }
        h.append("<p class=\"muted\">Latency: the median time to predict one row, on the machine that trained.</p>\n")
                .append("</section>\n");
    }
}
