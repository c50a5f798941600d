package io.kiln.runtime.internal.report;

import static io.kiln.runtime.internal.report.Html.count;
import static io.kiln.runtime.internal.report.Html.esc;
import static io.kiln.runtime.internal.report.Html.fmt;
import static io.kiln.runtime.internal.report.Html.metricValue;
import static io.kiln.runtime.internal.report.Html.pct;
import static io.kiln.runtime.internal.report.Html.rowsEvaluated;
import static io.kiln.runtime.internal.report.Html.truncate;
import static io.kiln.runtime.internal.report.Palette.heat;
import static io.kiln.runtime.internal.report.SvgChart.c;
import static io.kiln.runtime.internal.report.SvgChart.svgOpen;
import static io.kiln.runtime.internal.report.SvgChart.text;

import io.kiln.runtime.Report;
import java.util.ArrayList;
import java.util.List;

/** The confusion matrix as a heatmap, beside precision and recall per class. */
final class ConfusionSection implements Section {
    @Override
    public void render(StringBuilder h, Report r) {
        int[][] cm = r.confusion();
        if (cm == null || cm.length == 0) {
            return;
        }
        int n = cm.length;
        List<String> names = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            names.add(r.classes() != null && i < r.classes().size() && r.classes().get(i) != null ? r.classes().get(i)
                    : String.valueOf(i));
        }
        h.append("<section id=\"confusion\">\n<h2>Confusion matrix</h2>\n<p class=\"muted\">Rows are true classes, columns "
                + "predicted classes; the shade is the share of the row")
                .append(" (").append(rowsEvaluated(r)).append(")")
                .append(".</p>\n<div class=\"row\">\n").append(heatmap(cm, names)).append("\n");

        h.append("<table class=\"per-class\"><thead><tr><th>class</th><th class=\"num\">rows</th>")
                .append("<th class=\"num\">precision</th><th class=\"num\">recall</th></tr></thead><tbody>\n");
        for (int i = 0; i < n; i++) {
            long row = 0;
            long col = 0;
            for (int j = 0; j < n; j++) {
                row += at(cm, i, j);
                col += at(cm, j, i);
            }
            int tp = at(cm, i, i);
            h.append("<tr><td>").append(esc(names.get(i))).append("</td><td class=\"num\">").append(count(row))
                    .append("</td><td class=\"num\">").append(col == 0 ? "&mdash;" : metricValue(tp / (double) col))
                    .append("</td><td class=\"num\">").append(row == 0 ? "&mdash;" : metricValue(tp / (double) row))
                    .append("</td></tr>\n");
        }
        h.append("</tbody></table>\n</div>\n</section>\n");
    }

    private static int at(int[][] cm, int i, int j) {
        return cm[i] != null && j < cm[i].length ? cm[i][j] : 0;
    }

    private static String heatmap(int[][] cm, List<String> names) {
        int n = cm.length;
        int cell = (int) Math.max(14, Math.min(96, Math.floor(520.0 / n)));
        int maxChars = 0;
        for (String s : names) {
            maxChars = Math.max(maxChars, Math.min(18, s.length()));
        }
        double labelWidth = Math.max(20, maxChars * 7.0);
        boolean rotate = maxChars * 7.0 > cell - 4;
        double left = 30 + labelWidth + 8;
        double top = 26 + (rotate ? maxChars * 5.2 + 10 : 18);
        // rotated labels reach right of their column by about their length times cos 45 degrees
        double width = left + n * cell + (rotate ? Math.max(16, maxChars * 5.2 - cell / 2.0) : 16);
        double height = top + n * cell + 16;
        StringBuilder s = new StringBuilder();
        svgOpen(s, "confusion-matrix", width, height, "Confusion matrix");
        s.append(text(left + n * cell / 2.0, 14, "predicted class", "text-anchor=\"middle\" font-size=\"12\" fill=\"#3a4150\""));
        s.append("<text transform=\"translate(").append(c(14)).append(' ').append(c(top + n * cell / 2.0))
                .append(") rotate(-90)\" text-anchor=\"middle\" font-size=\"12\" fill=\"#3a4150\">true class</text>\n");
        for (int j = 0; j < n; j++) {
            double x = left + j * cell + cell / 2.0;
            String label = truncate(names.get(j), 18);
            if (rotate) {
                s.append("<text transform=\"translate(").append(c(x + 4)).append(' ').append(c(top - 6))
                        .append(") rotate(-45)\" font-size=\"11\" fill=\"#3a4150\"><title>").append(esc(names.get(j)))
                        .append("</title>").append(esc(label)).append("</text>\n");
            } else {
                s.append("<text x=\"").append(c(x)).append("\" y=\"").append(c(top - 6))
                        .append("\" text-anchor=\"middle\" font-size=\"11\" fill=\"#3a4150\"><title>").append(esc(names.get(j)))
                        .append("</title>").append(esc(label)).append("</text>\n");
            }
        }
        for (int i = 0; i < n; i++) {
            double y = top + i * cell;
            s.append("<text x=\"").append(c(left - 6)).append("\" y=\"").append(c(y + cell / 2.0 + 4))
                    .append("\" text-anchor=\"end\" font-size=\"11\" fill=\"#3a4150\"><title>").append(esc(names.get(i)))
                    .append("</title>").append(esc(truncate(names.get(i), 18))).append("</text>\n");
            long rowTotal = 0;
            for (int j = 0; j < n; j++) {
                rowTotal += Math.max(0, at(cm, i, j));
            }
            for (int j = 0; j < n; j++) {
                int v = at(cm, i, j);
                double share = rowTotal == 0 ? 0 : Math.max(0, v) / (double) rowTotal;
                double x = left + j * cell;
                String fill = v == 0 ? "#fafafa" : heat(share);
                s.append("<rect class=\"cell\" data-row=\"").append(i).append("\" data-col=\"").append(j)
                        .append("\" x=\"").append(c(x)).append("\" y=\"").append(c(y)).append("\" width=\"").append(cell)
                        .append("\" height=\"").append(cell).append("\" fill=\"").append(fill)
                        .append("\" stroke=\"#ffffff\" stroke-width=\"1\"><title>true ").append(esc(names.get(i)))
                        .append(", predicted ").append(esc(names.get(j))).append(": ").append(v).append(" (")
                        .append(rowTotal == 0 ? "no rows" : pct(share) + " of the row").append(")</title></rect>\n");
                if (cell >= 20) {
                    String ink = share > 0.5 ? "#ffffff" : "#1d2330";
                    double size = Math.min(cell >= 80 ? 17 : 14, cell * 0.32);
                    boolean two = cell >= 44;
                    s.append(text(x + cell / 2.0, y + cell / 2.0 + (two ? -1 : size * 0.35), String.valueOf(v),
                            "text-anchor=\"middle\" font-size=\"" + fmt(size, 1) + "\" font-weight=\"600\" fill=\"" + ink
                                    + "\""));
                    if (two && v != 0) {
                        s.append(text(x + cell / 2.0, y + cell / 2.0 + (cell >= 80 ? 17 : 13), pct(share),
                                "text-anchor=\"middle\" font-size=\"" + (cell >= 80 ? 12 : 10) + "\" fill=\"" + ink
                                        + "\""));
                    }
                }
            }
        }
        s.append("</svg>");
        return s.toString();
    }
}
