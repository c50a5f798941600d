package io.kiln.runtime.serve;

import static io.kiln.runtime.serve.Exchanges.abbreviate;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kiln.runtime.ModelMetadata;
import io.kiln.runtime.Predictions;
import io.kiln.runtime.internal.preprocess.FeatureTransform;
import io.undertow.server.HttpServerExchange;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A prediction as every protocol makes it: missing values refused or imputed on request, the forward
 * pass, non-finite outputs refused, and the bookkeeping (A/B traffic, metrics, drift, outcome ids, audit).
 */
final class Predictor {
    private final ModelRegistry registry;
    private final ServerMetrics metrics;
    private final Outcomes outcomes;
    private final AuditLog audit;
    private final Map<String, Inputs> inputs = new java.util.concurrent.ConcurrentHashMap<>();

    Predictor(ModelRegistry registry, ServerMetrics metrics, Outcomes outcomes, AuditLog audit) {
        this.registry = registry;
        this.metrics = metrics;
        this.outcomes = outcomes;
        this.audit = audit;
    }

    /** A request's predictions and the sequence number of its first row's outcome id (-1: not remembered). */
    record Answered(Predictions p, long first) {}

    /** Runs a prediction and does its bookkeeping: traffic, metrics, drift, outcomes, audit. */
    Answered predict(ServedModel m, List<Object[]> rows, String id, String protocol, boolean remember) {
        Predictions p;
        try {
            p = m.predict(rows);
        } catch (IllegalArgumentException e) {
            throw HttpError.badRequest(e.getMessage()); // a value the preprocessing refuses, named by feature
        }
        for (int i = 0; i < p.size(); i++) {
            for (int j = 0; j < p.outputWidth(); j++) {
                if (!Double.isFinite(p.output(i, j))) {
                    throw HttpError.badRequest("row " + i + ": the model's output is not a number; its inputs are far "
                            + "outside the range it was trained on (check their units)");
                }
            }
        }
        registry.traffic(m.name()).served(m.version(), rows.size());
        metrics.predictions(m, p);
        m.observe(rows);
        long first = remember ? outcomes.remember(m, p, rows) : -1;
        ModelMetadata meta = m.model().metadata();
        if (audit != null && audit.sample()) {
            ObjectNode entry = Outputs.JSON.objectNode();
            entry.put("time", Instant.now().toString());
            entry.put("model", m.name());
            entry.put("version", m.versionLabel());
            entry.put("protocol", protocol);
            entry.put("id", id);
            ArrayNode records = entry.putArray("records");
            int n = Math.min(rows.size(), 100);
            for (int i = 0; i < n; i++) {
                ObjectNode r = records.addObject();
                ObjectNode in = r.putObject("inputs");
                Object[] row = rows.get(i);
                List<FeatureTransform> features = meta.features();
                for (int f = 0; f < row.length; f++) {
                    in.putPOJO(features.get(f).name(), row[f]);
                }
                r.set("prediction", Outputs.typed(p, i, meta));
            }
            if (rows.size() > n) {
                entry.put("recordsOmitted", rows.size() - n);
            }
            audit.record(entry);
        }
        return new Answered(p, first);
    }

    /** The request reader of a loaded version, made once. */
    Inputs inputs(ServedModel m) {
        String key = m.name() + "/" + m.version();
        return inputs.computeIfAbsent(key, k -> new Inputs(m.model().metadata().features()));
    }

    /**
     * Checks the rows for missing values: refused (400, naming the features) unless the request
     * opted in to imputation, where features that declare missing = ERROR are still refused.
     * Returns each row's imputed features, or null when no value is missing.
     */
    static List<List<String>> imputed(ServedModel m, List<Object[]> rows, boolean impute,
            java.util.function.IntFunction<String> where, String optIn) {
        List<FeatureTransform> features = m.model().metadata().features();
        List<List<String>> imputed = null;
        for (int r = 0; r < rows.size(); r++) {
            Object[] row = rows.get(r);
            List<String> missing = null;
            for (int f = 0; f < row.length; f++) {
                if (row[f] == null) {
                    FeatureTransform feature = features.get(f);
                    if (impute && feature.missing() == io.kiln.dsl.Missing.ERROR) {
                        throw HttpError.badRequest(where.apply(r) + "." + feature.name()
                                + ": missing, and the model declares missing = ERROR for '" + feature.name() + "'");
                    }
                    if (missing == null) {
                        missing = new ArrayList<>();
                    }
                    missing.add(feature.name());
                }
            }
            if (missing != null && !impute) {
                throw HttpError.badRequest(where.apply(r) + ": missing values for " + String.join(", ", missing)
                        + "; send every feature, or " + optIn + " to have missing values filled as in training");
            }
            if (missing != null && imputed == null) {
                imputed = new ArrayList<>();
                for (int i = 0; i < r; i++) {
                    imputed.add(List.of());
                }
            }
            if (imputed != null) {
                imputed.add(missing == null ? List.of() : missing);
            }
        }
        return imputed;
    }

    /** The query parameter {@code impute_missing} (absent: false). */
    static boolean imputeParameter(HttpServerExchange ex) {
        java.util.Deque<String> values = ex.getQueryParameters().get("impute_missing");
        if (values == null || values.isEmpty()) {
            return false;
        }
        String v = values.getFirst();
        if (!v.equals("true") && !v.equals("false")) {
            throw HttpError.badRequest("impute_missing must be true or false, was '" + abbreviate(v) + "'");
        }
        return v.equals("true");
    }
}
