package io.kiln.runtime.internal.report;

import static io.kiln.runtime.internal.report.Html.esc;
import static io.kiln.runtime.internal.report.Palette.CURVE_COLOR;
import static io.kiln.runtime.internal.report.Palette.LEARNING_RATE_COLOR;
import static io.kiln.runtime.internal.report.Palette.REFERENCE_COLOR;
import static io.kiln.runtime.internal.report.Palette.TRAIN_COLOR;
import static io.kiln.runtime.internal.report.Palette.VALIDATION_COLOR;

import io.kiln.runtime.Search;
import io.kiln.runtime.SearchSpace;
import io.kiln.runtime.internal.report.SvgChart.Series;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The trial table of a search, as JSON ({@code search.json}) and as a page ({@code search.html}): the
 * winner and the declared spec side by side (validation, then test), the winner as annotation text to
 * paste into the spec, the metric against each searched value, the learning curves of the best trials,
 * the ablation's effects with their spread over seeds, and every trial.
 */
public final class SearchPage {
    private static final String[] COLORS = {TRAIN_COLOR, VALIDATION_COLOR, LEARNING_RATE_COLOR, CURVE_COLOR,
        REFERENCE_COLOR};
    /** The best trials whose learning curves are drawn. */
    static final int CURVES = 5;

    private SearchPage() {}

    /** The table as a JSON-ready map. */
    public static Map<String, Object> json(SearchSpace space, Search.Outcome o) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("model", space.declared().name());
        json.put("strategy", space.strategy().name());
        json.put("seed", space.seed());
        json.put("metric", o.metric());
        json.put("higherIsBetter", o.higherIsBetter());
        json.put("validatedOn", o.validatedOn());
        json.put("parameters", space.parameters());
        json.put("configurationsOnValidation", o.configurationsOnValidation());
        json.put("trainingsOnValidation", o.trials().size());
        json.put("epochsSpent", o.epochsSpent());
        Map<String, Object> winner = new LinkedHashMap<>();
        winner.put("configuration", o.winner());
        winner.put("values", values(space, o.winner()));
        winner.put("validation", o.winnerValidation());
        winner.put("annotations", space.configurations().get(o.winner()).changes());
        json.put("winner", winner);
        Map<String, Object> declared = new LinkedHashMap<>();
        declared.put("configuration", space.trials().get(0));
        declared.put("values", values(space, space.trials().get(0)));
        declared.put("validation", o.declaredValidation());
        json.put("declared", declared);
        if (o.winnerResult() != null) {
            Map<String, Object> test = new LinkedHashMap<>();
            test.put("evaluatedOn", o.winnerResult().report().evaluatedOn());
            test.put("winner", o.winnerResult().metrics());
            test.put("declared", o.declaredResult().metrics());
            json.put("test", test);
        }
        if (!o.ablation().isEmpty()) {
            Map<String, Object> ablation = new LinkedHashMap<>();
            ablation.put("seeds", space.ablationSeeds());
            ablation.put("winnerMean", o.winnerMean());
            ablation.put("winnerStd", o.winnerStd());
            ablation.put("effects", o.ablation());
            json.put("ablation", ablation);
        }
        List<Map<String, Object>> trials = new ArrayList<>();
        for (Search.Trial t : o.trials()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("stage", t.stage());
            row.put("configuration", t.configuration());
            row.put("values", values(space, t.configuration()));
            row.put("rung", t.rung());
            row.put("epochs", t.epochs());
            row.put("seed", t.seed());
            row.put("metric", t.metric());
            row.put("epochsTrained", t.epochsTrained());
            row.put("seconds", t.seconds());
            if (t.error() != null) {
                row.put("error", t.error());
            }
            row.put("curve", t.curve());
            trials.add(row);
        }
        json.put("trials", trials);
        return json;
    }

    private static Map<String, String> values(SearchSpace space, int configuration) {
        Map<String, String> v = new LinkedHashMap<>();
        for (int i = 0; i < space.parameters().size(); i++) {
            v.put(space.parameters().get(i).name(), space.configurations().get(configuration).values().get(i));
        }
        return v;
    }

    /** The page. */
    public static String render(SearchSpace space, Search.Outcome o) {
        String model = space.declared().name();
        StringBuilder h = Html.page("Kiln search: " + model, "Hyperparameter search: " + model);
        int declared = space.trials().get(0);
        h.append("<section id=\"summary\">\n<dl>\n");
        Html.dl(h, "strategy", esc(space.strategy().name().toLowerCase(Locale.ROOT)) + ", seed " + space.seed());
        Html.dl(h, "scored on", esc(o.validatedOn()) + " (" + esc(o.metric()) + ")");
        Html.dl(h, "looked at validation", o.configurationsOnValidation() + " configurations, " + o.trials().size()
                + " trainings");
        Html.dl(h, "epochs", Html.count(o.epochsSpent()) + " (search, without the ablation)");
        Html.dl(h, "winner", "configuration " + o.winner() + ": " + esc(o.metric()) + " " + fmt(o.winnerValidation())
                + " on validation; declared " + fmt(o.declaredValidation()));
        h.append("</dl>\n<p class=\"muted\">The winner's validation metric is optimistic: it was chosen among "
                + o.configurationsOnValidation() + " configurations on those rows. ").append(o.winnerResult() != null
                        ? "The test rows were read only after the search, once by the retrained winner and once by the "
                                + "declared spec."
                        : "The test rows were not read: the winner was not retrained (--no-retrain).")
                .append("</p>\n</section>\n");

        if (o.winnerResult() != null) {
            h.append("<section id=\"test\">\n<h2>Retrained as the protocol declares, tested once on ")
                    .append(esc(testRows(o))).append("</h2>\n<table>\n<tr><th></th>");
            Map<String, Double> w = o.winnerResult().metrics();
            Map<String, Double> d = o.declaredResult().metrics();
            w.keySet().forEach(k -> h.append("<th>").append(esc(k)).append("</th>"));
            h.append("</tr>\n<tr><td>winner (configuration ").append(o.winner()).append(")</td>");
            w.values().forEach(v -> h.append("<td>").append(fmt(v)).append("</td>"));
            h.append("</tr>\n<tr><td>declared</td>");
            w.keySet().forEach(k -> h.append("<td>").append(fmt(d.getOrDefault(k, Double.NaN))).append("</td>"));
            h.append("</tr>\n</table>\n</section>\n");
        }

        String changes = space.configurations().get(o.winner()).changes();
        h.append("<section id=\"winner\">\n<h2>The winner, to write in the spec</h2>\n<pre>")
                .append(esc(changes.isEmpty() ? "(the declared spec: nothing to change)\n" : changes))
                .append("</pre>\n</section>\n");

        List<String> charts = new ArrayList<>();
        List<Search.Trial> finals = finals(o);
        for (int p = 0; p < space.parameters().size(); p++) {
            SearchSpace.Parameter parameter = space.parameters().get(p);
            List<String> categories = new ArrayList<>();
            List<double[]> points = new ArrayList<>();
            for (Search.Trial t : finals) {
                String value = space.configurations().get(t.configuration()).values().get(p);
                double x;
                if (parameter.numeric()) {
                    x = Double.parseDouble(value);
                    x = parameter.log() ? Math.log10(x) : x;
                } else {
                    if (!categories.contains(value)) {
                        categories.add(value);
                    }
                    x = categories.indexOf(value) + 1;
                }
                points.add(new double[] {x, t.metric()});
            }
            String axis = parameter.log() ? "log10 " + parameter.name() : parameter.name();
            if (!parameter.numeric()) {
                axis += " (" + String.join(", ", indexed(categories)) + ")";
            }
            SvgChart chart = new SvgChart("parameter-" + p, o.metric() + " against " + parameter.name(), axis,
                    o.metric());
            chart.integerX = !parameter.numeric();
            chart.series.add(new Series("trials", "trial", TRAIN_COLOR, points.stream().mapToDouble(q -> q[0])
                    .toArray(), points.stream().mapToDouble(q -> q[1]).toArray(), true));
            SvgChart.add(charts, chart.svg());
        }
        String perEpoch = io.kiln.runtime.internal.evaluate.Metrics.primary(space.declared().task());
        SvgChart curves = new SvgChart("curves", "Validation " + perEpoch + " of the best trials, epoch by epoch",
                "epoch", perEpoch);
        curves.integerX = true;
        List<Search.Trial> best = finals.stream().filter(t -> !t.curve().isEmpty()).sorted(Comparator.comparingDouble(
                t -> o.higherIsBetter() ? -t.metric() : t.metric())).limit(CURVES).toList();
        for (int i = 0; i < best.size(); i++) {
            Search.Trial t = best.get(i);
            double[] x = new double[t.curve().size()];
            double[] y = new double[x.length];
            for (int e = 0; e < x.length; e++) {
                x[e] = e + 1;
                y[e] = t.curve().get(e);
            }
            curves.series.add(new Series("curve-" + i, "configuration " + t.configuration(), COLORS[i % COLORS.length],
                    x, y, false));
        }
        SvgChart.add(charts, curves.svg());
        h.append("<section id=\"charts\">\n<h2>Metric against each searched value</h2>\n<div class=\"charts\">\n");
        for (String chart : charts) {
            h.append("<div>").append(chart).append("</div>\n");
        }
        h.append("</div>\n</section>\n");

        if (!o.ablation().isEmpty()) {
            h.append("<section id=\"ablation\">\n<h2>Ablation: one value of the winner changed at a time</h2>\n")
                    .append("<p class=\"muted\">Each row trains with ").append(space.ablationSeeds())
                    .append(" seeds; the effect is the change of the validation metric against the winner on the same "
                            + "seed, mean ± standard deviation. The winner: ").append(fmt(o.winnerMean()))
                    .append(" ± ").append(fmt(o.winnerStd())).append(".</p>\n<table>\n<tr><th>value</th><th>winner"
                            + "</th><th>changed to</th><th>").append(esc(o.metric()))
                    .append("</th><th>effect</th></tr>\n");
            for (Search.Effect e : o.ablation()) {
                h.append("<tr><td>").append(esc(e.parameter())).append("</td><td>").append(esc(e.from()))
                        .append("</td><td>").append(esc(e.to())).append("</td><td>").append(fmt(e.mean())).append(" ± ")
                        .append(fmt(e.std())).append("</td><td>").append(signed(e.effect())).append(" ± ")
                        .append(fmt(e.effectStd())).append("</td></tr>\n");
            }
            h.append("</table>\n</section>\n");
        }

        h.append("<section id=\"trials\">\n<h2>Every training</h2>\n<table>\n<tr><th>stage</th><th>configuration</th>");
        space.parameters().forEach(p -> h.append("<th>").append(esc(p.name())).append("</th>"));
        h.append("<th>rung</th><th>epochs</th><th>seed</th><th>").append(esc(o.metric()))
                .append("</th><th>trained</th><th>seconds</th></tr>\n");
        for (Search.Trial t : o.trials()) {
            h.append("<tr").append(t.configuration() == o.winner() ? " class=\"winner\"" : "").append("><td>")
                    .append(t.stage()).append("</td><td>").append(t.configuration())
                    .append(t.configuration() == declared ? " (declared)" : "").append("</td>");
            space.configurations().get(t.configuration()).values().forEach(v -> h.append("<td>").append(esc(v))
                    .append("</td>"));
            h.append("<td>").append(t.rung()).append("</td><td>").append(t.epochs()).append("</td><td>")
                    .append(t.seed()).append("</td><td>").append(t.error() != null ? "diverged" : fmt(t.metric()))
                    .append("</td><td>").append(t.epochsTrained()).append("</td><td>")
                    .append(String.format(Locale.ROOT, "%.1f", t.seconds())).append("</td></tr>\n");
        }
        h.append("</table>\n</section>\n");
        return Html.close(h);
    }

    /** "the 30 test rows", or "the cross-validated folds" (k-fold without a test split). */
    public static String testRows(Search.Outcome o) {
        io.kiln.runtime.Report r = o.winnerResult().report();
        return r.evaluatedOn().equals("test") ? "the " + r.data().testRows() + " test rows" : "the cross-validated folds";
    }

    /** The search's trials at their furthest rung (each configuration once). */
    private static List<Search.Trial> finals(Search.Outcome o) {
        Map<Integer, Search.Trial> last = new LinkedHashMap<>();
        for (Search.Trial t : o.trials()) {
            if (t.stage().equals("search")) {
                last.merge(t.configuration(), t, (a, b) -> b.rung() >= a.rung() ? b : a);
            }
        }
        return new ArrayList<>(last.values());
    }

    private static List<String> indexed(List<String> categories) {
        List<String> result = new ArrayList<>();
        for (int i = 0; i < categories.size(); i++) {
            result.add((i + 1) + " = " + categories.get(i));
        }
        return result;
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.4f", v);
    }

    private static String signed(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%+.4f", v);
    }
}
