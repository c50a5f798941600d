package io.kiln.runtime.internal.report;

import static io.kiln.runtime.internal.report.Html.esc;
import static io.kiln.runtime.internal.report.Html.fmt;
import static io.kiln.runtime.internal.report.Palette.CURVE_COLOR;
import static io.kiln.runtime.internal.report.Palette.LEARNING_RATE_COLOR;
import static io.kiln.runtime.internal.report.Palette.REFERENCE_COLOR;
import static io.kiln.runtime.internal.report.Palette.TRAIN_COLOR;
import static io.kiln.runtime.internal.report.Palette.VALIDATION_COLOR;

import io.kiln.dsl.Task;
import io.kiln.runtime.Learner;
import io.kiln.runtime.internal.drift.DriftProfile;
import io.kiln.runtime.internal.report.SvgChart.Reference;
import io.kiln.runtime.internal.report.SvgChart.Series;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Continuous learning's timeline as one HTML page: per batch, the champion's prequential metric (each
 * retraining marked, accepted or not), the largest feature drift, the distribution of its predictions
 * beside that of the labels, the features that drifted most, and the table of batches and decisions.
 */
public final class TimelinePage {
    private static final String[] CLASS_COLORS = {TRAIN_COLOR, VALIDATION_COLOR, LEARNING_RATE_COLOR, CURVE_COLOR,
        "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
    /** Features shown in the drift table: the ones that drifted most. */
    static final int TOP_FEATURES = 8;

    private TimelinePage() {}

    public static String render(String model, Task task, String policy, List<Learner.Entry> log) {
        StringBuilder h = Html.page("Kiln timeline: " + model, "Continuous learning: " + model);
        List<Learner.Entry> learnt = log.stream().filter(e -> e.error() == null).toList();
        long retrained = log.stream().filter(e -> e.decision() != null).count();
        long accepted = log.stream().filter(e -> e.decision() != null && e.decision().accepted()).count();
        long rows = learnt.isEmpty() ? 0 : learnt.get(learnt.size() - 1).rowsSeen();
        h.append("<section id=\"summary\">\n<dl>\n");
        Html.dl(h, "policy", esc(policy));
        Html.dl(h, "batches", log.size() + " (" + (log.size() - learnt.size()) + " rejected), " + Html.count(rows)
                + " rows");
        Html.dl(h, "retrainings", retrained + ", " + accepted + " accepted");
        if (!log.isEmpty()) {
            Html.dl(h, "champion", "version " + (accepted > 0 ? lastVersion(log) : log.get(0).champion()));
        }
        h.append("</dl>\n<p class=\"muted\">Each batch is scored by the champion of its time before it is learnt "
                + "from (prequential evaluation): the metric below is measured on rows no model had trained on.</p>\n")
                .append("</section>\n");
        if (learnt.isEmpty()) {
            return Html.close(h);
        }
        String metric = learnt.get(0).metric();
        int n = learnt.size();
        double[] x = new double[n];
        double[] score = new double[n];
        double[] psi = new double[n];
        List<double[]> acceptedAt = new ArrayList<>();
        List<double[]> rejectedAt = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Learner.Entry e = learnt.get(i);
            x[i] = e.batch();
            score[i] = e.score();
            psi[i] = e.maxPsi();
            if (e.decision() != null && Double.isFinite(e.decision().challenger())) {
                // the challenger's score on the acceptance window, where the decision was taken
                (e.decision().accepted() ? acceptedAt : rejectedAt).add(new double[] {e.batch(),
                    e.decision().challenger()});
            }
        }
        List<String> charts = new ArrayList<>();
        SvgChart met = new SvgChart("prequential-metric", "Prequential " + metric, "batch", metric);
        met.integerX = true;
        met.series.add(new Series("prequential", metric + " of the champion on each new batch", TRAIN_COLOR, x, score,
                false));
        addPoints(met, "retrained-accepted", "challenger on the acceptance window: accepted", LEARNING_RATE_COLOR,
                acceptedAt);
        addPoints(met, "retrained-rejected", "challenger on the acceptance window: champion kept", CURVE_COLOR,
                rejectedAt);
        SvgChart.add(charts, met.svg());

        SvgChart drift = new SvgChart("max-psi", "Largest feature drift (PSI)", "batch", "PSI");
        drift.integerX = true;
        drift.series.add(new Series("max-psi", "largest PSI against the champion's training rows", VALIDATION_COLOR,
                x, psi, false));
        drift.references.add(new Reference(x[0], DriftProfile.MAJOR, x[n - 1], DriftProfile.MAJOR, "major (0.25)"));
        double highest = java.util.Arrays.stream(psi).filter(Double::isFinite).max().orElse(0);
        drift.fixedY = new double[] {0, Math.max(0.3, highest * 1.05)}; // from 0, the 0.25 line in sight
        SvgChart.add(charts, drift.svg());

        Set<String> keys = new LinkedHashSet<>();
        learnt.forEach(e -> keys.addAll(e.labels().keySet()));
        SvgChart mix = new SvgChart("distribution", task.isClassification() ? "Class shares: predicted (points) and "
                + "true (lines)" : "Mean value: predicted (points) and true (line)", "batch",
                task.isClassification() ? "share" : "mean");
        mix.integerX = true;
        int c = 0;
        for (String k : keys) {
            if (!task.isClassification() && !k.equals("mean")) {
                continue;
            }
            String color = CLASS_COLORS[c++ % CLASS_COLORS.length];
            double[] truth = new double[n];
            double[] predicted = new double[n];
            for (int i = 0; i < n; i++) {
                truth[i] = learnt.get(i).labels().getOrDefault(k, Double.NaN);
                predicted[i] = learnt.get(i).predicted().getOrDefault(k, Double.NaN);
            }
            mix.series.add(new Series("true-" + c, k, color, x, truth, false));
            mix.series.add(new Series("predicted-" + c, k + " predicted", color, x, predicted, true));
            if (c >= CLASS_COLORS.length) {
                break; // more classes than colours: the table holds them all
            }
        }
        SvgChart.add(charts, mix.svg());
        h.append("<section id=\"timeline\">\n<h2>Over time</h2>\n<div class=\"charts\">\n");
        for (String chart : charts) {
            h.append("<div>").append(chart).append("</div>\n");
        }
        h.append("</div>\n</section>\n");

        driftTable(h, learnt);
        batchTable(h, log);
        return Html.close(h);
    }

    /**
     * One SVG chart of several series over batches (1, 2, ...) with a dashed vertical line at each mark: how a
     * benchmark plots the prequential metric of several policies over one stream.
     *
     * @param series each series' values by batch, in legend order
     * @param marks labelled x positions (a shift's first batch, say)
     * @param yRange the y axis's range: {low, high}
     */
    public static String lines(String id, String title, String xLabel, String yLabel, Map<String, double[]> series,
            Map<String, Double> marks, double[] yRange) {
        SvgChart chart = new SvgChart(id, title, xLabel, yLabel);
        chart.integerX = true;
        int c = 0;
        for (Map.Entry<String, double[]> e : series.entrySet()) {
            double[] y = e.getValue();
            double[] x = new double[y.length];
            for (int i = 0; i < y.length; i++) {
                x[i] = i + 1;
            }
            chart.series.add(new Series("s" + c, e.getKey(), CLASS_COLORS[c++ % CLASS_COLORS.length], x, y, false));
        }
        marks.forEach((label, x) -> chart.references.add(new Reference(x, yRange[0], x, yRange[1], label)));
        chart.fixedY = yRange;
        return chart.svg();
    }

    private static long lastVersion(List<Learner.Entry> log) {
        long v = log.get(0).champion();
        for (Learner.Entry e : log) {
            if (e.decision() != null && e.decision().accepted()) {
                v = e.decision().version();
            }
        }
        return v;
    }

    private static void addPoints(SvgChart chart, String key, String label, String color, List<double[]> points) {
        if (points.isEmpty()) {
            return;
        }
        double[] px = points.stream().mapToDouble(p -> p[0]).toArray();
        double[] py = points.stream().mapToDouble(p -> p[1]).toArray();
        chart.series.add(new Series(key, label, color, px, py, true));
    }

    /** The features that drifted most, their PSI batch by batch. */
    private static void driftTable(StringBuilder h, List<Learner.Entry> learnt) {
        Map<String, Double> worst = new LinkedHashMap<>();
        for (Learner.Entry e : learnt) {
            e.psi().forEach((f, v) -> worst.merge(f, Double.isFinite(v) ? v : 0, Math::max));
        }
        List<String> top = worst.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue(
                Comparator.reverseOrder())).limit(TOP_FEATURES).map(Map.Entry::getKey).toList();
        h.append("<section id=\"drift\">\n<h2>Features that drifted most</h2>\n<table>\n<tr><th>batch</th>");
        top.forEach(f -> h.append("<th>").append(esc(f)).append("</th>"));
        h.append("</tr>\n");
        for (Learner.Entry e : learnt) {
            h.append("<tr><td>").append(e.batch()).append("</td>");
            for (String f : top) {
                double v = e.psi().getOrDefault(f, Double.NaN);
                h.append("<td").append(v >= DriftProfile.MAJOR ? " class=\"bad\"" : "").append('>')
                        .append(Double.isFinite(v) ? fmt(v, 3) : "n/a").append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</table>\n</section>\n");
    }

    private static void batchTable(StringBuilder h, List<Learner.Entry> log) {
        h.append("<section id=\"batches\">\n<h2>Batches and decisions</h2>\n<table>\n<tr><th>batch</th><th>file</th>"
                + "<th>rows</th><th>champion</th><th>metric</th><th>largest PSI</th><th>triggers</th>"
                + "<th>decision</th></tr>\n");
        for (Learner.Entry e : log) {
            h.append("<tr><td>").append(e.batch()).append("</td><td>").append(esc(e.file())).append("</td>");
            if (e.error() != null) {
                h.append("<td colspan=\"6\" class=\"bad\">rejected: ").append(esc(e.error())).append("</td></tr>\n");
                continue;
            }
            h.append("<td>").append(e.rows()).append("</td><td>v").append(e.champion()).append("</td><td>")
                    .append(fmt(e.score(), 4)).append("</td><td>").append(fmt(e.maxPsi(), 3)).append(" (")
                    .append(esc(e.driftiest())).append(")</td><td>").append(esc(String.join(", ", e.triggers())))
                    .append("</td><td>").append(e.decision() == null ? "" : esc(e.decision().reason()))
                    .append("</td></tr>\n");
        }
        h.append("</table>\n</section>\n");
    }
}
