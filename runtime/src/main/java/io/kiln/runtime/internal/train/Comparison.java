package io.kiln.runtime.internal.train;

import io.kiln.runtime.KilnModel;
import io.kiln.runtime.ModelDefinition;
import io.kiln.runtime.Report;
import io.kiln.runtime.internal.data.LabeledData;
import io.kiln.runtime.internal.data.Rows;
import io.kiln.runtime.internal.evaluate.Metrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The scores, on the same held-out rows as the deployed model's, of what trained beside it: an
 * ensemble's members, and a distilled student's teacher and hard-only twin. One scoring per test set,
 * or one per fold; {@link #summarize} gives each model's mean (and spread over folds) with its size
 * and single-row latency.
 */
public final class Comparison {
    static final String ENSEMBLE = "ensemble";
    static final String DISTILLATION = "distillation";
    /** Single-row predictions timed per model (after as many to warm up). */
    static final int LATENCY_CALLS = 500;
    /** The time each of warming up and timing may take, at most (after 5 timed calls). */
    static final long LATENCY_BUDGET_NANOS = 300_000_000L;

    private final Map<String, String> groups = new LinkedHashMap<>();
    private final Map<String, List<Map<String, Double>>> scores = new LinkedHashMap<>();

    /** Whether a run has anything to compare its model with. */
    public static boolean applies(Run run) {
        Companions c = run.companions();
        return c != null && (!c.members().isEmpty() || c.teacher() != null);
    }

    /**
     * Scores {@code run}'s companions on {@code rows} (the deployed model scored {@code metrics} on
     * them).
     */
    public void add(ModelDefinition def, Run run, LabeledData data, int[] rows, Map<String, Double> metrics) {
        Companions c = run.companions();
        if (c == null) {
            return;
        }
        double[][] targets = Rows.rows(data.targets(), rows);
        if (!c.members().isEmpty()) {
            put(ENSEMBLE, ENSEMBLE, metrics);
            for (int m = 0; m < c.members().size(); m++) {
                KilnModel member = c.members().get(m);
                put(ENSEMBLE, "member " + (m + 1), Metrics.evaluate(def.task(), targets,
                        member.output(member.preprocessor().matrix(data, rows)), def.threshold()).metrics());
            }
        }
        if (c.teacher() != null) {
            put(DISTILLATION, "teacher", Metrics.evaluate(def.task(), targets, c.teacher().outputs(rows),
                    def.threshold()).metrics());
            put(DISTILLATION, "student", metrics);
            if (c.hardOnly() != null) {
                KilnModel hard = c.hardOnly().model();
                put(DISTILLATION, "hard-only student", Metrics.evaluate(def.task(), targets,
                        hard.output(hard.preprocessor().matrix(data, rows)), def.threshold()).metrics());
            }
        }
    }

    private void put(String group, String role, Map<String, Double> metrics) {
        groups.put(role, group);
        scores.computeIfAbsent(role, r -> new ArrayList<>()).add(metrics);
    }

    public boolean isEmpty() {
        return scores.isEmpty();
    }

    /**
     * Each model's scores, mean and spread over the scorings, with the size and single-row latency of
     * the final run's models ({@code last}); a model scored on {@code probe} rows of {@code data}.
     */
    public List<Report.Compared> summarize(String evaluatedOn, Run last, LabeledData data, int probe) {
        List<Report.Compared> out = new ArrayList<>();
        Companions c = last.companions() == null ? Companions.NONE : last.companions();
        for (Map.Entry<String, List<Map<String, Double>>> e : scores.entrySet()) {
            String role = e.getKey();
            CrossValidation.Summary s = CrossValidation.summarize(e.getValue());
            KilnModel model = last.model();
            LabeledData view = data;
            if (role.startsWith("member ")) {
                int m = Integer.parseInt(role.substring("member ".length())) - 1;
                model = m < c.members().size() ? c.members().get(m) : null;
            } else if (role.equals("teacher")) {
                model = c.teacher() == null ? null : c.teacher().model();
                view = c.teacher() == null ? data : c.teacher().view();
            } else if (role.equals("hard-only student")) {
                model = c.hardOnly() == null ? null : c.hardOnly().model();
            }
            Size size = model == null ? new Size(0, 0, Double.NaN) : size(model, view, probe);
            out.add(new Report.Compared(groups.get(role), role, evaluatedOn, s.mean(),
                    e.getValue().size() > 1 ? s.std() : null, e.getValue().size(), size.parameters(), size.bytes(),
                    size.latencyMillis()));
        }
        return out;
    }

    /** A model's weights, its model file's bytes, and its median single-row prediction time. */
    record Size(long parameters, long bytes, double latencyMillis) {}

    static Size size(KilnModel model, LabeledData view, int probe) {
        long parameters = model.network().numParams();
        long bytes;
        try {
            bytes = model.fileBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Object[]> row = new ArrayList<>();
        row.add(view.features().get(probe));
        // warmed up, then timed: up to LATENCY_CALLS calls each, within LATENCY_BUDGET_NANOS (a slow model is
        // timed on fewer calls)
        long warm = System.nanoTime();
        for (int i = 0; i < LATENCY_CALLS && System.nanoTime() - warm < LATENCY_BUDGET_NANOS; i++) {
            model.predict(row);
        }
        double[] times = new double[LATENCY_CALLS];
        int n = 0;
        long start = System.nanoTime();
        while (n < LATENCY_CALLS && (n < 5 || System.nanoTime() - start < LATENCY_BUDGET_NANOS)) {
            long t0 = System.nanoTime();
            model.predict(row);
            times[n++] = (System.nanoTime() - t0) / 1e6;
        }
        double[] measured = Arrays.copyOf(times, n);
        Arrays.sort(measured);
        return new Size(parameters, bytes, measured[n / 2]);
    }
}
