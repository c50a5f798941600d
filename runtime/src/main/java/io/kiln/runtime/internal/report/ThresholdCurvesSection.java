package io.kiln.runtime.internal.report;

import static io.kiln.runtime.internal.report.Html.area;
import static io.kiln.runtime.internal.report.Html.fmt;
import static io.kiln.runtime.internal.report.Html.threshold;
import static io.kiln.runtime.internal.report.Palette.CURVE_COLOR;
import static io.kiln.runtime.internal.report.SvgChart.add;

import io.kiln.runtime.Report;
import io.kiln.runtime.internal.report.SvgChart.Reference;
import io.kiln.runtime.internal.report.SvgChart.Series;
import java.util.ArrayList;
import java.util.List;

/** The ROC and precision-recall curves, with the operating point at the threshold. */
final class ThresholdCurvesSection implements Section {
    @Override
    public void render(StringBuilder h, Report r) {
        List<String> charts = new ArrayList<>();
        Report.Curve roc = r.roc();
        Report.Outcomes o = r.outcomes();
        if (roc != null) {
            SvgChart c = new SvgChart("roc-curve", "ROC curve (area " + area(roc.area()) + ")", "false-positive rate",
                    "true-positive rate");
            c.fixedX = new double[] {0, 1};
            c.fixedY = new double[] {0, 1};
            c.square = true;
            c.references.add(new Reference(0, 0, 1, 1, "chance"));
            c.series.add(new Series("roc", "model", CURVE_COLOR, roc.x(), roc.y(), false));
            c.thin = true;
            if (o != null && Double.isFinite(o.falsePositiveRate()) && Double.isFinite(o.falseNegativeRate())) {
                c.point = new double[] {o.falsePositiveRate(), 1 - o.falseNegativeRate()};
                c.pointLabel = "threshold " + threshold(o.threshold());
            }
            add(charts, c.svg());
        }
        Report.Curve pr = r.precisionRecall();
        if (pr != null) {
            SvgChart c = new SvgChart("pr-curve", "Precision\u2013recall curve (average precision " + area(pr.area()) + ")",
                    "recall", "precision");
            c.fixedX = new double[] {0, 1};
            c.fixedY = new double[] {0, 1};
            c.square = true;
            if (o != null) {
                int total = o.truePositives() + o.falsePositives() + o.trueNegatives() + o.falseNegatives();
                if (total > 0) {
                    double prevalence = (o.truePositives() + o.falseNegatives()) / (double) total;
                    c.references.add(new Reference(0, prevalence, 1, prevalence,
                            "no skill (" + fmt(prevalence, 2) + ")"));
                }
            }
            c.series.add(new Series("pr", "model", CURVE_COLOR, pr.x(), pr.y(), false));
            c.thin = true;
            add(charts, c.svg());
        }
        if (charts.isEmpty()) {
            return;
        }
        h.append("<section id=\"threshold-curves\">\n<h2>ROC and precision\u2013recall</h2>\n<div class=\"charts\">\n");
        for (String c : charts) {
            h.append("<div>").append(c).append("</div>\n");
        }
        h.append("</div>\n</section>\n");
    }
}
