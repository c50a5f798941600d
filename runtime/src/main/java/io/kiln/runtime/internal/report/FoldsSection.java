package io.kiln.runtime.internal.report;

import static io.kiln.runtime.internal.report.Html.count;
import static io.kiln.runtime.internal.report.Html.esc;
import static io.kiln.runtime.internal.report.Html.get;
import static io.kiln.runtime.internal.report.Html.metric;
import static io.kiln.runtime.internal.report.Html.plusMinus;

import io.kiln.runtime.Report;
import java.util.LinkedHashSet;
import java.util.Set;

/** The cross-validation fold table with its mean, standard deviation and baseline mean. */
final class FoldsSection implements Section {
    @Override
    public void render(StringBuilder h, Report r) {
        Report.CrossValidation cv = r.crossValidation();
        if (cv == null || cv.folds() == null || cv.folds().isEmpty()) {
            return;
        }
        Set<String> keys = new LinkedHashSet<>();
        if (r.primaryMetric() != null) {
            keys.add(r.primaryMetric());
        }
        for (Report.Fold f : cv.folds()) {
            if (f.metrics() != null) {
                keys.addAll(f.metrics().keySet());
            }
        }
        if (r.primaryMetric() != null && cv.folds().stream().noneMatch(f -> f.metrics() != null
                && f.metrics().containsKey(r.primaryMetric()))) {
            keys.remove(r.primaryMetric());
        }
        h.append("<section id=\"cross-validation\">\n<h2>Cross-validation folds</h2>\n<div class=\"table-scroll\"><table id=\"folds\">\n<thead><tr>")
                .append("<th class=\"num\">repeat</th><th class=\"num\">fold</th><th class=\"num\">train rows</th>")
                .append("<th class=\"num\">validation rows</th><th class=\"num\">best epoch</th>")
                .append("<th class=\"num\">epochs run</th>");
        // early stopping and the fit diagnosis of each fold's own curve, when recorded
        boolean verdicts = cv.folds().stream().anyMatch(f -> f.verdict() != null);
        if (verdicts) {
            h.append("<th>stopped early</th><th>diagnosis</th>");
        }
        for (String k : keys) {
            h.append("<th class=\"num\">").append(esc(k)).append("</th>");
        }
        h.append("</tr></thead>\n<tbody>\n");
        for (Report.Fold f : cv.folds()) {
            h.append("<tr><td class=\"num\">").append(f.repeat()).append("</td><td class=\"num\">").append(f.fold())
                    .append("</td><td class=\"num\">").append(count(f.trainRows())).append("</td><td class=\"num\">")
                    .append(count(f.validationRows())).append("</td><td class=\"num\">").append(f.bestEpoch())
                    .append("</td><td class=\"num\">").append(f.epochsRun()).append("</td>");
            if (verdicts) {
                h.append("<td>").append(f.stoppedEarly() ? "yes" : "no").append("</td><td>")
                        .append(f.verdict() == null ? "&mdash;" : esc(f.verdict())).append("</td>");
            }
            for (String k : keys) {
                h.append("<td class=\"num\">").append(metric(get(f.metrics(), k))).append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</tbody>\n<tfoot>\n<tr class=\"mean\"><td colspan=\"" + (verdicts ? 8 : 6) + "\">mean &plusmn; std</td>");
        for (String k : keys) {
            Double m = get(cv.mean(), k);
            h.append("<td class=\"num\">").append(m == null ? "&mdash;" : plusMinus(m, get(cv.std(), k))).append("</td>");
        }
        h.append("</tr>\n");
        if (cv.baselineMean() != null && !cv.baselineMean().isEmpty()) {
            h.append("<tr class=\"baseline-mean\"><td colspan=\"" + (verdicts ? 8 : 6) + "\">baseline mean")
                    .append(r.baselineName() == null ? "" : " (" + esc(r.baselineName()) + ")").append("</td>");
            for (String k : keys) {
                h.append("<td class=\"num\">").append(metric(get(cv.baselineMean(), k))).append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</tfoot>\n</table></div>\n<p class=\"muted\">The final model was trained for ")
                .append(count(cv.finalEpochs())).append(" epochs.</p>\n</section>\n");
    }
}
