package io.kiln.runtime.internal.report;

import static io.kiln.runtime.internal.report.Html.count;
import static io.kiln.runtime.internal.report.Html.esc;
import static io.kiln.runtime.internal.report.Html.perCases;
import static io.kiln.runtime.internal.report.Html.rate;
import static io.kiln.runtime.internal.report.Html.threshold;

import io.kiln.runtime.Report;

/** A binary decision's outcomes in business terms, per so many cases. */
final class OutcomesSection implements Section {
    @Override
    public void render(StringBuilder h, Report r) {
        Report.Outcomes o = r.outcomes();
        if (o == null) {
            return;
        }
        String pos = o.positiveClass() == null ? "positive" : o.positiveClass();
        String neg = "not " + pos;
        if (r.classes() != null && r.classes().size() == 2 && r.classes().contains(pos)) {
            neg = r.classes().get(r.classes().get(0).equals(pos) ? 1 : 0);
        }
        String p = "<strong>" + esc(pos) + "</strong>";
        String q = "<strong>" + esc(neg) + "</strong>";
        int total = o.truePositives() + o.falsePositives() + o.trueNegatives() + o.falseNegatives();
        h.append("<section id=\"outcomes\">\n<h2>Decision outcomes</h2>\n<p class=\"statement\">At threshold ")
                .append(threshold(o.threshold())).append(", per ").append(count(o.perCases())).append(" cases: ")
                .append(perCases(o.falsePositivesPerCases())).append(" false alarms (").append(q).append(" predicted ")
                .append(p).append(") and ").append(perCases(o.falseNegativesPerCases())).append(" missed cases (")
                .append(p).append(" predicted ").append(q).append(").</p>\n<p>");
        h.append("Of the ").append(q).append(" cases, ").append(rate(o.falsePositiveRate()))
                .append(" are wrongly flagged as ").append(p).append(" (false-positive rate); of the ").append(p)
                .append(" cases, ").append(rate(o.falseNegativeRate())).append(" are missed (false-negative rate). ")
                .append("A probability of ").append(p).append(" at or above the threshold predicts ").append(p)
                .append(".</p>\n");
        Report.Decision d = r.decision();
        if (d != null && d.objective() != null) {
            h.append("<p>The ").append(esc(Reports.thresholdSentence(d))).append(". The test rows were not looked "
                    + "at to choose it.</p>\n");
        }
        if (d != null && d.classWeights() != null) {
            h.append("<p>The training loss weighed each class's rows by its class weight, ")
                    .append(esc(d.classWeights())).append(".</p>\n");
        }
        h.append("<table class=\"outcomes\"><thead><tr><th>outcome</th><th class=\"num\">rows</th>")
                .append("<th class=\"num\">per ").append(count(o.perCases())).append(" cases</th></tr></thead><tbody>\n");
        outcomeRow(h, "true positives (" + p + " found)", o.truePositives(), total, o.perCases());
        outcomeRow(h, "false positives (false alarms)", o.falsePositives(), total, o.perCases());
        outcomeRow(h, "true negatives (" + q + " cleared)", o.trueNegatives(), total, o.perCases());
        outcomeRow(h, "false negatives (missed " + p + ")", o.falseNegatives(), total, o.perCases());
        h.append("</tbody></table>\n</section>\n");
    }

    private static void outcomeRow(StringBuilder h, String label, int n, int total, int per) {
        h.append("<tr><td>").append(label).append("</td><td class=\"num\">").append(count(n)).append("</td><td class=\"num\">")
                .append(total == 0 ? "&mdash;" : perCases(per * (double) n / total)).append("</td></tr>\n");
    }
}
