package io.kiln.runtime.internal.report;

import static io.kiln.runtime.internal.report.Html.compact;
import static io.kiln.runtime.internal.report.Html.esc;
import static io.kiln.runtime.internal.report.Html.fmt;
import static io.kiln.runtime.internal.report.Palette.MARKER_COLOR;
import static io.kiln.runtime.internal.report.Palette.REFERENCE_COLOR;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The report's SVG chart engine: a line or scatter chart with its axes (linear, or logarithmic when the
 * values span two decades or more), legend, reference lines, an operating point and the best-epoch
 * marker; and the SVG primitives the confusion heatmap shares. Non-finite values are never plotted.
 */
final class SvgChart {
    final String id;
    final String title;
    final String xLabel;
    final String yLabel;
    final List<Series> series = new ArrayList<>();
    final List<Reference> references = new ArrayList<>();
    double[] fixedX;
    double[] fixedY;
    boolean integerX;
    boolean autoLogY;
    boolean square;
    boolean equalAxes;
    /** Draw a line's points only where they move by half a pixel or more (curves of many thresholds). */
    boolean thin;
    double marker = Double.NaN;
    double[] point;
    String pointLabel;

    SvgChart(String id, String title, String xLabel, String yLabel) {
        this.id = id;
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    /** The SVG, or null when no series has a finite point. */
    String svg() {
        boolean logY = autoLogY && wantsLog();
        List<double[][]> pts = new ArrayList<>();
        double x0 = Double.POSITIVE_INFINITY;
        double x1 = Double.NEGATIVE_INFINITY;
        double y0 = Double.POSITIVE_INFINITY;
        double y1 = Double.NEGATIVE_INFINITY;
        int total = 0;
        for (Series s : series) {
            double[][] p = finite(s.x(), s.y(), logY);
            pts.add(p);
            for (double[] q : p) {
                x0 = Math.min(x0, q[0]);
                x1 = Math.max(x1, q[0]);
                y0 = Math.min(y0, q[1]);
                y1 = Math.max(y1, q[1]);
            }
            total += p.length;
        }
        if (total == 0) {
            return null;
        }
        if (equalAxes) {
            x0 = y0 = Math.min(x0, y0);
            x1 = y1 = Math.max(x1, y1);
        }
        Axis ax = fixedX != null ? linear(fixedX[0], fixedX[1], true, false)
                : linear(x0, x1, integerX, integerX);
        Axis ay = fixedY != null ? linear(fixedY[0], fixedY[1], true, false)
                : logY ? logAxis(y0, y1) : linear(y0, y1, false, false);
        if (equalAxes) {
            ay = ax;
        }

        int width = square ? 470 : 560;
        List<List<String[]>> legendRows = legendRows(width - 72);
        double left = 64;
        double right = 18;
        double top = 34 + legendRows.size() * 17 + 8;
        double bottom = 46;
        double plotW = width - left - right;
        double plotH = square ? plotW : 230;
        double height = top + plotH + bottom;
        // data are drawn inset from the frame, so that points at the domain's ends stay visible
        double inset = 6;
        double dataLeft = left + inset;
        double dataW = plotW - 2 * inset;
        double dataTop = top + inset;
        double dataH = plotH - 2 * inset;

        StringBuilder s = new StringBuilder();
        svgOpen(s, id, width, height, title);
        s.append(text(8, 20, title, "font-size=\"15\" font-weight=\"600\" fill=\"#1d2330\""));
        // legend
        double ly = 38;
        for (List<String[]> row : legendRows) {
            double lx = left;
            for (String[] item : row) {
                boolean dashed = item[2] != null;
                if ("points".equals(item[2])) {
                    s.append("<circle cx=\"").append(c(lx + 9)).append("\" cy=\"").append(c(ly - 4))
                            .append("\" r=\"4\" fill=\"").append(item[1]).append("\" fill-opacity=\"0.7\"/>");
                } else {
                    s.append("<line x1=\"").append(c(lx)).append("\" y1=\"").append(c(ly - 4)).append("\" x2=\"")
                            .append(c(lx + 18)).append("\" y2=\"").append(c(ly - 4)).append("\" stroke=\"")
                            .append(item[1]).append("\" stroke-width=\"").append(dashed ? "1.5" : "2.5").append('"')
                            .append(dashed ? " stroke-dasharray=\"5 4\"" : "").append("/>");
                }
                s.append(text(lx + 24, ly, item[0], "font-size=\"12\" fill=\"#3a4150\""));
                lx += legendWidth(item[0]);
            }
            ly += 17;
        }
        // grid and ticks
        s.append("<g class=\"grid\" stroke=\"#e6e8ec\" stroke-width=\"1\">");
        for (double t : ay.ticks()) {
            double y = dataTop + dataH * (1 - ay.fraction(t));
            s.append("<line x1=\"").append(c(left)).append("\" y1=\"").append(c(y)).append("\" x2=\"")
                    .append(c(left + plotW)).append("\" y2=\"").append(c(y)).append("\"/>");
        }
        for (double t : ax.ticks()) {
            double x = dataLeft + dataW * ax.fraction(t);
            s.append("<line x1=\"").append(c(x)).append("\" y1=\"").append(c(top)).append("\" x2=\"").append(c(x))
                    .append("\" y2=\"").append(c(top + plotH)).append("\"/>");
        }
        s.append("</g>\n<g class=\"axes\" font-size=\"11\" fill=\"#4a5160\">");
        for (double t : ay.ticks()) {
            double y = dataTop + dataH * (1 - ay.fraction(t));
            s.append(text(left - 7, y + 4, ay.label(t), "text-anchor=\"end\""));
        }
        for (double t : ax.ticks()) {
            double x = dataLeft + dataW * ax.fraction(t);
            s.append(text(x, top + plotH + 16, ax.label(t), "text-anchor=\"middle\""));
        }
        s.append("<rect x=\"").append(c(left)).append("\" y=\"").append(c(top)).append("\" width=\"").append(c(plotW))
                .append("\" height=\"").append(c(plotH)).append("\" fill=\"none\" stroke=\"#9aa0aa\"/>");
        s.append(text(left + plotW / 2, height - 8, xLabel + (ax.log() ? " (log scale)" : ""),
                "text-anchor=\"middle\" font-size=\"12\" fill=\"#3a4150\""));
        s.append("<text transform=\"translate(").append(c(15)).append(' ').append(c(top + plotH / 2))
                .append(") rotate(-90)\" text-anchor=\"middle\" font-size=\"12\" fill=\"#3a4150\">")
                .append(esc(yLabel + (ay.log() ? " (log scale)" : ""))).append("</text>");
        s.append("</g>\n");
        // data, clipped to the plot area
        s.append("<clipPath id=\"").append(esc(id)).append("-clip\"><rect x=\"").append(c(left)).append("\" y=\"")
                .append(c(top)).append("\" width=\"").append(c(plotW)).append("\" height=\"").append(c(plotH))
                .append("\"/></clipPath>\n<g clip-path=\"url(#").append(esc(id)).append("-clip)\">\n");
        for (Reference ref : references) {
            double[] e = Double.isNaN(ref.x1())
                    ? new double[] {ax.min(), ax.min(), ax.max(), ax.max()}
                    : new double[] {ref.x1(), ref.y1(), ref.x2(), ref.y2()};
            s.append("<line class=\"reference\" x1=\"").append(c(px(ax, dataLeft, dataW, e[0]))).append("\" y1=\"")
                    .append(c(py(ay, dataTop, dataH, e[1]))).append("\" x2=\"").append(c(px(ax, dataLeft, dataW, e[2])))
                    .append("\" y2=\"").append(c(py(ay, dataTop, dataH, e[3]))).append("\" stroke=\"")
                    .append(REFERENCE_COLOR).append("\" stroke-width=\"1.5\" stroke-dasharray=\"5 4\"/>\n");
        }
        for (int k = 0; k < series.size(); k++) {
            Series ser = series.get(k);
            double[][] p = pts.get(k);
            if (p.length == 0) {
                continue;
            }
            if (ser.points()) {
                s.append("<g data-series=\"").append(esc(ser.key())).append("\" fill=\"").append(ser.color())
                        .append("\" fill-opacity=\"0.6\">");
                for (double[] q : p) {
                    s.append("<circle cx=\"").append(c(px(ax, dataLeft, dataW, q[0]))).append("\" cy=\"")
                            .append(c(py(ay, dataTop, dataH, q[1]))).append("\" r=\"2.6\"/>");
                }
                s.append("</g>\n");
                continue;
            }
            s.append("<polyline data-series=\"").append(esc(ser.key())).append("\" fill=\"none\" stroke=\"")
                    .append(ser.color()).append("\" stroke-width=\"2.5\" stroke-linejoin=\"round\" "
                            + "stroke-linecap=\"round\" points=\"");
            double lastX = Double.NaN;
            double lastY = Double.NaN;
            for (int i = 0; i < p.length; i++) {
                double x = px(ax, dataLeft, dataW, p[i][0]);
                double y = py(ay, dataTop, dataH, p[i][1]);
                if (thin && i > 0 && i < p.length - 1 && Math.abs(x - lastX) < 0.5 && Math.abs(y - lastY) < 0.5) {
                    continue;
                }
                s.append(i == 0 ? "" : " ").append(c(x)).append(',').append(c(y));
                lastX = x;
                lastY = y;
            }
            s.append("\"/>\n");
            if (p.length <= 40 && !thin) {
                s.append("<g class=\"markers\" fill=\"").append(ser.color()).append("\">");
                for (double[] q : p) {
                    s.append("<circle cx=\"").append(c(px(ax, dataLeft, dataW, q[0]))).append("\" cy=\"")
                            .append(c(py(ay, dataTop, dataH, q[1]))).append("\" r=\"3\"/>");
                }
                s.append("</g>\n");
            }
        }
        s.append("</g>\n");
        if (point != null && Double.isFinite(point[0]) && Double.isFinite(point[1])) {
            double x = px(ax, dataLeft, dataW, point[0]);
            double y = py(ay, dataTop, dataH, point[1]);
            s.append("<circle class=\"operating-point\" cx=\"").append(c(x)).append("\" cy=\"").append(c(y))
                    .append("\" r=\"5\" fill=\"#ffffff\" stroke=\"#1d2330\" stroke-width=\"2\"/>");
            boolean leftSide = x > left + plotW * 0.6;
            s.append(text(leftSide ? x - 9 : x + 9, y + 16, pointLabel,
                    "font-size=\"11\" fill=\"#1d2330\"" + (leftSide ? " text-anchor=\"end\"" : "")));
        }
        if (Double.isFinite(marker) && marker >= ax.min() && marker <= ax.max()) {
            double x = px(ax, dataLeft, dataW, marker);
            s.append("<line class=\"best-epoch\" x1=\"").append(c(x)).append("\" y1=\"").append(c(top)).append("\" x2=\"")
                    .append(c(x)).append("\" y2=\"").append(c(top + plotH)).append("\" stroke=\"").append(MARKER_COLOR)
                    .append("\" stroke-width=\"1.5\" stroke-dasharray=\"4 3\"/>");
            String label = "best epoch " + fmt(marker, 0);
            boolean leftSide = x > left + plotW * 0.75;
            s.append(text(leftSide ? x - 5 : x + 5, top + 13, label, "font-size=\"11\" fill=\"" + MARKER_COLOR + "\""
                    + (leftSide ? " text-anchor=\"end\"" : "")));
        }
        s.append("</svg>");
        return s.toString();
    }

    private boolean wantsLog() {
        double lo = Double.POSITIVE_INFINITY;
        double hi = 0;
        for (Series s : series) {
            for (double v : s.y()) {
                if (!Double.isFinite(v)) {
                    continue;
                }
                if (v <= 0) {
                    return false;
                }
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        return hi > 0 && hi / lo >= 100;
    }

    private List<List<String[]>> legendRows(double maxWidth) {
        List<String[]> items = new ArrayList<>();
        for (Series s : series) {
            if (finite(s.x(), s.y(), false).length > 0) {
                items.add(new String[] {s.label(), s.color(), s.points() ? "points" : null});
            }
        }
        for (Reference r : references) {
            items.add(new String[] {r.label(), REFERENCE_COLOR, "dashed"});
        }
        List<List<String[]>> rows = new ArrayList<>();
        List<String[]> row = new ArrayList<>();
        double used = 0;
        for (String[] item : items) {
            double w = legendWidth(item[0]);
            if (!row.isEmpty() && used + w > maxWidth) {
                rows.add(row);
                row = new ArrayList<>();
                used = 0;
            }
            row.add(item);
            used += w;
        }
        if (!row.isEmpty()) {
            rows.add(row);
        }
        return rows;
    }

    /** One plotted series; {@code points} draws circles instead of a line. */
    record Series(String key, String label, String color, double[] x, double[] y, boolean points) {}

    /** A dashed reference line in data coordinates; NaN coordinates on an equal-axes chart mean y = x. */
    record Reference(double x1, double y1, double x2, double y2, String label) {}

    /** An axis: its domain, scale and ticks. */
    record Axis(double min, double max, boolean log, double[] ticks, double step) {
        double fraction(double v) {
            return log ? (Math.log10(v) - Math.log10(min)) / (Math.log10(max) - Math.log10(min))
                    : (v - min) / (max - min);
        }

        String label(double v) {
            if (log) {
                return compact(v);
            }
            if (Math.abs(v) < step * 1e-6) {
                v = 0;
            }
            int decimals = (int) Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
            if (decimals > 6 || Math.max(Math.abs(min), Math.abs(max)) >= 1e6) {
                return compact(v);
            }
            return fmt(v, decimals);
        }
    }

    private static double legendWidth(String label) {
        return 24 + label.length() * 6.6 + 18;
    }

    private static double px(Axis a, double left, double width, double v) {
        return left + width * a.fraction(v);
    }

    private static double py(Axis a, double top, double height, double v) {
        return top + height * (1 - a.fraction(v));
    }

    /** The points with both coordinates finite (and y positive on a log axis), as {x, y} pairs. */
    private static double[][] finite(double[] x, double[] y, boolean positiveY) {
        if (x == null || y == null) {
            return new double[0][];
        }
        List<double[]> out = new ArrayList<>();
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            if (Double.isFinite(x[i]) && Double.isFinite(y[i]) && Math.abs(x[i]) < 1e300 && Math.abs(y[i]) < 1e300
                    && (!positiveY || y[i] > 0)) {
                out.add(new double[] {x[i], y[i]});
            }
        }
        return out.toArray(new double[0][]);
    }

    /**
     * A linear axis over [lo, hi]: {@code tight} keeps the domain to the data, otherwise it is
     * widened to whole ticks; {@code integer} keeps ticks on whole numbers.
     */
    static Axis linear(double lo, double hi, boolean tight, boolean integer) {
        if (!(hi > lo)) {
            double pad = integer ? 0.5 : lo == 0 ? 1 : Math.abs(lo) * 0.1;
            lo -= pad;
            hi += pad;
        }
        double step = niceStep((hi - lo) / 5);
        if (integer) {
            step = Math.max(1, step);
        }
        if (!tight) {
            lo = Math.floor(lo / step + 1e-9) * step;
            hi = Math.ceil(hi / step - 1e-9) * step;
        }
        long k0 = (long) Math.ceil(lo / step - 1e-9);
        long k1 = (long) Math.floor(hi / step + 1e-9);
        List<Double> ticks = new ArrayList<>();
        for (long k = k0; k <= k1 && ticks.size() < 40; k++) {
            ticks.add(k * step);
        }
        return new Axis(lo, hi, false, ticks.stream().mapToDouble(Double::doubleValue).toArray(), step);
    }

    /** A base-10 logarithmic axis over whole decades around [lo, hi] (both positive). */
    static Axis logAxis(double lo, double hi) {
        int e0 = (int) Math.floor(Math.log10(lo) + 1e-9);
        int e1 = (int) Math.ceil(Math.log10(hi) - 1e-9);
        if (e1 <= e0) {
            e1 = e0 + 1;
        }
        int every = Math.max(1, (e1 - e0 + 5) / 6);
        List<Double> ticks = new ArrayList<>();
        for (int e = e0; e <= e1; e += every) {
            ticks.add(Math.pow(10, e));
            if (e1 - e0 <= 2 && e < e1) {
                ticks.add(2 * Math.pow(10, e));
                ticks.add(5 * Math.pow(10, e));
            }
        }
        return new Axis(Math.pow(10, e0), Math.pow(10, e1), true,
                ticks.stream().mapToDouble(Double::doubleValue).toArray(), 1);
    }

    /** 1, 2 or 5 times a power of ten, close to {@code raw}. */
    static double niceStep(double raw) {
        if (!(raw > 0) || !Double.isFinite(raw)) {
            return 1;
        }
        double e = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / e;
        return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * e;
    }

    static void svgOpen(StringBuilder s, String id, double width, double height, String title) {
        s.append("<svg id=\"").append(esc(id)).append("\" class=\"kiln-chart\" xmlns=\"http://www.w3.org/2000/svg\" ")
                .append("viewBox=\"0 0 ").append(c(width)).append(' ').append(c(height)).append("\" width=\"")
                .append(c(width)).append("\" height=\"").append(c(height)).append("\" style=\"max-width:")
                .append(c(width)).append("px\" role=\"img\" aria-label=\"").append(esc(title)).append("\" font-family=\"")
                .append(Stylesheet.FONT).append("\">\n<title>").append(esc(title)).append("</title>\n");
    }

    static String text(double x, double y, String content, String attributes) {
        return "<text x=\"" + c(x) + "\" y=\"" + c(y) + "\" " + attributes + ">" + esc(content) + "</text>";
    }

    /** An SVG coordinate: finite by construction; anything else would be a bug, drawn at 0. */
    static String c(double v) {
        if (!Double.isFinite(v)) {
            return "0";
        }
        v = Math.max(-1e5, Math.min(1e5, v));
        String s = String.format(Locale.ROOT, "%.2f", v);
        int end = s.length();
        while (s.charAt(end - 1) == '0') {
            end--;
        }
        if (s.charAt(end - 1) == '.') {
            end--;
        }
        s = s.substring(0, end);
        return s.equals("-0") ? "0" : s;
    }

    /** Adds a chart's SVG to a section's charts, unless the chart had nothing to draw. */
    static void add(List<String> charts, String svg) {
        if (svg != null) {
            charts.add(svg);
        }
    }
}
