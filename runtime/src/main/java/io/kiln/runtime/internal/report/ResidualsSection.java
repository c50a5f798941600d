package io.kiln.runtime.internal.report;

import static io.kiln.runtime.internal.report.Html.count;
import static io.kiln.runtime.internal.report.Html.dl;
import static io.kiln.runtime.internal.report.Html.metricValue;
import static io.kiln.runtime.internal.report.Html.rowsEvaluated;
import static io.kiln.runtime.internal.report.Palette.RESIDUAL_COLOR;

import io.kiln.runtime.Report;
import io.kiln.runtime.internal.report.SvgChart.Reference;
import io.kiln.runtime.internal.report.SvgChart.Series;

/** Predicted against actual values of a regression, with the mean residual and RMSE. */
final class ResidualsSection implements Section {
    @Override
    public void render(StringBuilder h, Report r) {
        Report.Residuals res = r.residuals();
        if (res == null || res.predicted() == null || res.actual() == null) {
            return;
        }
        String target = res.target() == null ? "target" : res.target();
        SvgChart c = new SvgChart("residuals", "Predicted vs actual: " + target, "actual " + target, "predicted " + target);
        c.square = true;
        c.equalAxes = true;
        c.references.add(new Reference(Double.NaN, Double.NaN, Double.NaN, Double.NaN, "y = x"));
        c.series.add(new Series("residuals", "rows", RESIDUAL_COLOR, res.actual(), res.predicted(), true));
        String svg = c.svg();
        if (svg == null) {
            return;
        }
        int n = 0;
        double sum = 0;
        double sq = 0;
        for (int i = 0; i < Math.min(res.predicted().length, res.actual().length); i++) {
            double d = res.predicted()[i] - res.actual()[i];
            if (Double.isFinite(d)) {
                n++;
                sum += d;
                sq += d * d;
            }
        }
        h.append("<section id=\"residuals-section\">\n<h2>Residuals</h2>\n<div class=\"row\">\n<div style=\"flex:0 1 470px\">")
                .append(svg).append("</div>\n<div style=\"flex:1 1 320px\"><p>Each point is a row (")
                .append(rowsEvaluated(r)).append(")")
                .append("; points on the dashed line are predicted exactly. Points above it are over-predicted, "
                        + "points below it under-predicted.</p>\n<dl>\n");
        dl(h, "points", count(n));
        if (n > 0) {
            dl(h, "mean residual", metricValue(sum / n) + " <span class=\"muted\">(predicted &minus; actual)</span>");
            dl(h, "RMSE of these points", metricValue(Math.sqrt(sq / n)));
        }
        h.append("</dl></div>\n</div>\n</section>\n");
    }
}
