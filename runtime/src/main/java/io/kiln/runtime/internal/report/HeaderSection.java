package io.kiln.runtime.internal.report;

import static io.kiln.runtime.internal.report.Html.count;
import static io.kiln.runtime.internal.report.Html.dl;
import static io.kiln.runtime.internal.report.Html.duration;
import static io.kiln.runtime.internal.report.Html.esc;
import static io.kiln.runtime.internal.report.Html.fmt;
import static io.kiln.runtime.internal.report.Html.pct;
import static io.kiln.runtime.internal.report.Html.taskName;

import io.kiln.runtime.Report;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The title, and the overview cards: evaluation, data (with the class counts) and training. */
final class HeaderSection implements Section {
    @Override
    public void render(StringBuilder h, Report r) {
        h.append("<header class=\"top\" id=\"summary\">\n<h1>").append(esc(r.model() == null ? "model" : r.model()))
                .append("</h1>\n<div class=\"subtitle\">");
        List<String> bits = new ArrayList<>();
        if (r.task() != null) {
            bits.add(esc(taskName(r.task())));
        }
        if (r.createdAt() != null) {
            bits.add("trained " + esc(r.createdAt()));
        }
        h.append(String.join(" &middot; ", bits)).append("</div>\n</header>\n");

        h.append("<section id=\"overview\">\n<div class=\"cards\">\n");
        h.append("<div class=\"card\"><h3>Evaluation</h3><dl>\n");
        if (r.protocol() != null) {
            String testFile = r.data() == null ? null : r.data().testFile();
            dl(h, "protocol", esc(r.task() == null ? r.protocol().describe()
                    : testFile != null ? r.protocol().describe(r.task(), testFile) : r.protocol().describe(r.task())));
        }
        if (r.transfer() != null) {
            dl(h, "transfer", esc(r.transfer().describe()));
        }
        if (r.ensemble() != null) {
            dl(h, "ensemble", esc(r.ensemble().describe()));
        }
        if (r.distillation() != null) {
            dl(h, "distilled", esc(r.distillation().describe()));
        }
        if (r.evaluatedOn() != null) {
            dl(h, "metrics from", "cross-validation".equals(r.evaluatedOn())
                    ? "the mean over the cross-validation folds" : "the " + esc(r.evaluatedOn()) + " set");
        }
        if (r.primaryMetric() != null) {
            dl(h, "primary metric", "<code>" + esc(r.primaryMetric()) + "</code>");
        }
        if (r.baselineName() != null) {
            dl(h, "baseline", esc(r.baselineName()));
        }
        h.append("</dl></div>\n");

        Report.DataSummary d = r.data();
        if (d != null) {
            h.append("<div class=\"card\"><h3>Data</h3><dl>\n");
            if (d.source() != null) {
                dl(h, "source", esc(d.source()));
            }
            dl(h, "rows", count(d.rows()));
            dl(h, "split", count(d.trainRows()) + " train &middot; " + count(d.validationRows()) + " validation &middot; "
                    + count(d.testRows()) + " test");
            if (d.duplicatesAcrossSplits() < 0) {
                dl(h, "duplicates", "not looked for (the data was streamed from disk)");
            } else if (d.duplicatesAcrossSplits() > 0) {
                dl(h, "duplicates", count(d.duplicatesAcrossSplits()) + " rows also occur across a split");
            }
            if (d.sha256() != null && !d.sha256().isEmpty()) {
                String s = d.sha256();
                dl(h, "SHA-256", "<code title=\"" + esc(s) + "\">" + esc(s.length() > 16 ? s.substring(0, 16) + "\u2026" : s)
                        + "</code>");
            }
            h.append("</dl>\n");
            classCounts(h, d.classCounts());
            h.append("</div>\n");
        }

        Report.TrainingSummary t = r.training();
        if (t != null) {
            h.append("<div class=\"card\"><h3>Training</h3><dl>\n");
            dl(h, "epochs", count(t.epochsRun()) + " run of " + count(t.epochsPlanned()) + " planned");
            if (t.bestEpoch() > 0) {
                dl(h, "best epoch", t.bestEpoch() + (t.monitor() == null ? "" : " (by validation "
                        + esc(t.monitor()) + ")"));
            }
            if (r.crossValidation() != null) {
                // the final model trains without validation: early stopping belongs to the folds
                dl(h, "final model", count(r.crossValidation().finalEpochs()) + " epochs, without validation data");
                String folds = Reports.folds(r.crossValidation().folds());
                if (folds != null) {
                    dl(h, "folds", esc(folds));
                }
            } else {
                dl(h, "stopped early", t.stoppedEarly() ? "yes" : "no");
                dl(h, "restored best", t.restoredBest() ? "yes, the best epoch's weights" : "no");
            }
            if (t.retrained()) {
                dl(h, "retrained", "yes, on training + validation rows");
            }
            if (t.learningRate() != null) {
                dl(h, "learning rate", esc(t.learningRate()));
            }
            dl(h, "time", duration(t.seconds()));
            if (t.deadReluFraction() != null && !t.deadReluFraction().isEmpty()) {
                List<String> layers = new ArrayList<>();
                for (Map.Entry<String, Double> e : t.deadReluFraction().entrySet()) {
                    Double f = e.getValue();
                    layers.add(esc(e.getKey()) + " " + (f == null || !Double.isFinite(f) ? "&mdash;" : pct(f)));
                }
                dl(h, "dead ReLU units", String.join(", ", layers));
            }
            h.append("</dl></div>\n");
        }
        h.append("</div>\n</section>\n");
    }

    private static void classCounts(StringBuilder h, Map<String, Integer> counts) {
        if (counts == null || counts.isEmpty()) {
            return;
        }
        long total = 0;
        int max = 1;
        for (Integer c : counts.values()) {
            int v = c == null ? 0 : c;
            total += v;
            max = Math.max(max, v);
        }
        h.append("<table class=\"class-counts\" style=\"margin-top:8px\"><thead><tr><th>class</th>")
                .append("<th class=\"num\">rows</th><th class=\"num\">share</th><th></th></tr></thead><tbody>\n");
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
            int v = e.getValue() == null ? 0 : e.getValue();
            h.append("<tr><td>").append(esc(e.getKey())).append("</td><td class=\"num\">").append(count(v))
                    .append("</td><td class=\"num\">").append(total == 0 ? "&mdash;" : pct(v / (double) total))
                    .append("</td><td><span class=\"bar\" style=\"width:").append(fmt(60.0 * v / max, 0))
                    .append("px\"></span></td></tr>\n");
        }
        h.append("</tbody></table>\n");
    }
}
