package io.kiln.runtime.serve;

import static io.kiln.runtime.serve.Exchanges.abbreviate;
import static io.kiln.runtime.serve.Exchanges.allow;
import static io.kiln.runtime.serve.Exchanges.isJson;
import static io.kiln.runtime.serve.Exchanges.newId;
import static io.kiln.runtime.serve.Predictor.imputeParameter;
import static io.kiln.runtime.serve.Predictor.imputed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kiln.dsl.Task;
import io.kiln.runtime.ModelMetadata;
import io.kiln.runtime.Predictions;
import io.kiln.runtime.internal.model.Versions;
import io.kiln.runtime.serve.Predictor.Answered;
import io.undertow.server.HttpServerExchange;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Kiln's own routes under {@code /kiln}: typed predictions by feature name with their outcome ids,
 * outcome reports, the A/B split and its statistics per version, and the OpenAPI document.
 */
final class KilnApi extends ProtocolApi {
    private final ServerMetrics metrics;
    private final Auth auth;
    /** Where reported outcomes become labelled rows for continuous learning; null for nowhere. */
    private final OutcomeInbox inbox;

    KilnApi(ModelRegistry registry, Outcomes outcomes, Predictor predictor, Exchanges http, ServerMetrics metrics,
            Auth auth, OutcomeInbox inbox) {
        super(registry, outcomes, predictor, http);
        this.metrics = metrics;
        this.auth = auth;
        this.inbox = inbox;
    }

    @Override
    int handle(HttpServerExchange ex, String method, String[] s, Call call) throws IOException {
        if (s.length == 2 && s[1].equals("openapi.json")) {
            allow(ex, method, "GET");
            return send(ex, 200, OpenApi.document(registry.models(), Versions.kiln(), auth.enabled()));
        }
        if (s.length < 4 || !s[1].equals("models")) {
            throw HttpError.notFound("No route " + method + " /" + String.join("/", s)
                    + "; Kiln's routes are /kiln/models/{model}[/versions/{v}]/predict, /kiln/models/{model}/outcomes, "
                    + "/kiln/models/{model}/traffic and /kiln/openapi.json");
        }
        String model = s[2];
        String version = null;
        String action = s[3];
        if (s.length == 6 && s[3].equals("versions")) {
            version = s[4];
            action = s[5];
            if (!action.equals("predict")) {
                throw HttpError.notFound("No route " + method + " /" + String.join("/", s));
            }
        } else if (s.length != 4) {
            throw HttpError.notFound("No route " + method + " /" + String.join("/", s));
        }
        switch (action) {
            case "predict" -> {
                allow(ex, method, "POST");
                JsonNode body = body(ex);
                ServedModel m = registry.resolve(model, version);
                label(call, m);
                boolean[] single = new boolean[1];
                List<Object[]> rows = inputs(m).fromRecords(body, single);
                List<List<String>> imputed = imputed(m, rows, imputeParameter(ex),
                        i -> single[0] ? "record" : "records[" + i + "]", "add ?impute_missing=true to the URL");
                Answered a = predict(m, rows, newId(), "kiln", true);
                Predictions p = a.p();
                ModelMetadata meta = m.model().metadata();
                if (single[0]) {
                    ObjectNode o = Outputs.JSON.objectNode();
                    o.put("id", outcomes.id(a.first()));
                    o.put("model", model);
                    o.put("version", m.versionLabel());
                    o.setAll(Outputs.typed(p, 0, meta));
                    imputedField(o, imputed, 0);
                    return send(ex, 200, o);
                }
                ObjectNode o = Outputs.JSON.objectNode();
                o.put("model", model);
                o.put("version", m.versionLabel());
                ArrayNode predictions = o.putArray("predictions");
                for (int i = 0; i < p.size(); i++) {
                    ObjectNode one = predictions.addObject();
                    one.put("id", outcomes.id(a.first() + i));
                    one.setAll(Outputs.typed(p, i, meta));
                    imputedField(one, imputed, i);
                }
                return send(ex, 200, o);
            }
            case "outcomes" -> {
                allow(ex, method, "POST");
                call.model = registry.entry(model).name();
                return send(ex, 200, outcomes(model, body(ex)));
            }
            case "traffic" -> {
                allow(ex, method, "GET", "PUT");
                ModelRegistry.Entry e = registry.entry(model);
                call.model = e.name();
                if (method.equals("PUT")) {
                    call.protocol = "admin";
                    registry.setSplit(model, parseSplit(body(ex)));
                }
                return send(ex, 200, traffic(model));
            }
            default -> throw HttpError.notFound("No route " + method + " /" + String.join("/", s)
                    + "; a model's Kiln routes are predict, outcomes and traffic");
        }
    }

    private static void imputedField(ObjectNode o, List<List<String>> imputed, int row) {
        if (imputed != null && !imputed.get(row).isEmpty()) {
            ArrayNode names = o.putArray("imputed");
            imputed.get(row).forEach(names::add);
        }
    }

    private ObjectNode outcomes(String model, JsonNode body) {
        JsonNode list = body.isArray() ? body : body.get("outcomes");
        if (list == null || !list.isArray() || list.isEmpty()) {
            throw HttpError.badRequest("the body must be {\"outcomes\": [{\"id\": ..., \"label\": ...}, ...]} "
                    + "(regression: \"value\" instead of \"label\")");
        }
        ModelRegistry.Entry e = registry.entry(model);
        ModelMetadata meta = e.latest().model().metadata();
        boolean regression = !meta.task().isClassification();
        int recorded = 0;
        int learnable = 0;
        ArrayNode unknown = Outputs.JSON.arrayNode();
        for (int i = 0; i < list.size(); i++) {
            JsonNode o = list.get(i);
            String id = o.path("id").asText(null);
            if (id == null) {
                throw HttpError.badRequest("outcomes[" + i + "] needs the 'id' of the prediction it is the outcome of");
            }
            JsonNode truth = regression ? o.get("value") : o.has("labels") ? o.get("labels") : o.get("label");
            if (truth == null || truth.isNull()) {
                throw HttpError.badRequest("outcomes[" + i + "] needs the true " + (regression ? "'value'" : "'label'"));
            }
            if (regression && !truth.isNumber() && !truth.isArray()) {
                throw HttpError.badRequest("outcomes[" + i + "].value must be a number (or a list for several targets)");
            }
            if (regression) { // checked before the id is taken, so that a corrected report can follow
                int targets = meta.label().columns().size();
                for (int j = 0; j < targets; j++) {
                    JsonNode t = truth.isArray() ? truth.get(j) : j == 0 ? truth : null;
                    if (t == null || !t.isNumber() || truth.isArray() && truth.size() != targets) {
                        throw HttpError.badRequest("outcomes[" + i + "].value needs " + targets + " number"
                                + (targets == 1 ? "" : "s"));
                    }
                }
            }
            if (inbox != null) {
                OutcomeInbox.label(meta, truth); // a label the model does not know is refused before the id is taken
            }
            Outcomes.Made made = outcomes.take(id);
            if (made == null || !made.model().equals(model)) {
                unknown.add(id);
                continue;
            }
            Traffic.Counts c = registry.traffic(model).counts(made.version());
            c.outcomes.increment();
            String version = Long.toString(made.version());
            if (regression) {
                double error = 0;
                for (int j = 0; j < made.values().length; j++) {
                    JsonNode t = truth.isArray() ? truth.get(j) : truth;
                    if (t == null || !t.isNumber()) {
                        throw HttpError.badRequest("outcomes[" + i + "].value needs " + made.values().length + " numbers");
                    }
                    error += Math.abs(t.asDouble() - made.values()[j]);
                }
                error /= made.values().length;
                c.absoluteError.add(error);
                metrics.outcomeError(model, version, error);
            } else {
                String label = truth.isArray() ? joinSorted(truth, meta) : truth.asText();
                String predicted = meta.task() == Task.MULTILABEL_CLASSIFICATION
                        ? String.join(";", new java.util.TreeSet<>(List.of(made.label().split(";", -1)))
                                .stream().filter(x -> !x.isEmpty()).toList())
                        : made.label();
                boolean right = label.equals(predicted);
                if (right) {
                    c.right.increment();
                }
                metrics.outcome(model, version, right);
            }
            // written once the outcome is known to be valid, before it is acknowledged
            if (inbox != null && made.input() != null) {
                try {
                    ServedModel by = e.versions().get(made.version()); // null once unloaded: the latest has its columns
                    inbox.add(model, by != null ? by.model().metadata() : meta, made.input(), truth);
                    learnable++;
                } catch (java.io.IOException | RuntimeException io) {
                    throw new HttpError(503, "outcomes[" + i + "] (id " + id + ") was counted but could not be written "
                            + "to the outcome inbox " + "(" + io.getMessage() + "); the outcomes before it were both. "
                            + "Fix the inbox folder; the server keeps serving.");
                }
            }
            recorded++;
        }
        ObjectNode r = Outputs.JSON.objectNode();
        r.put("recorded", recorded);
        if (inbox != null) {
            r.put("learnable", learnable);
        }
        r.set("unknown", unknown);
        if (!unknown.isEmpty()) {
            r.put("note", "unknown ids were never issued by this server run for this model, were already reported, "
                    + "or have been forgotten (it remembers the last 100000 predictions)");
        }
        return r;
    }

    private static String joinSorted(JsonNode labels, ModelMetadata meta) {
        java.util.TreeSet<String> set = new java.util.TreeSet<>();
        labels.forEach(l -> set.add(l.asText()));
        return String.join(";", set);
    }

    private ObjectNode traffic(String model) {
        ModelRegistry.Entry e = registry.entry(model);
        Traffic t = registry.traffic(model);
        boolean regression = !e.latest().model().metadata().task().isClassification();
        ObjectNode o = Outputs.JSON.objectNode();
        o.put("model", model);
        ObjectNode split = o.putObject("split");
        t.split().forEach((v, pct) -> split.put(Long.toString(v), pct));
        ArrayNode versions = o.putArray("versions");
        List<double[]> rates = new ArrayList<>();
        for (Map.Entry<Long, Traffic.Counts> c : t.all().entrySet()) {
            ObjectNode v = versions.addObject();
            v.put("version", Long.toString(c.getKey()));
            v.put("loaded", e.versions().containsKey(c.getKey()));
            v.put("requests", c.getValue().requests.sum());
            v.put("rows", c.getValue().rows.sum());
            long n = c.getValue().outcomes.sum();
            v.put("outcomes", n);
            if (regression) {
                v.put("mae", n == 0 ? null : c.getValue().absoluteError.sum() / n);
            } else {
                long right = c.getValue().right.sum();
                v.put("right", right);
                v.put("accuracy", n == 0 ? null : (double) right / n);
                if (n > 0) {
                    rates.add(new double[] {right, n, c.getKey()});
                }
            }
        }
        if (rates.size() == 2) {
            o.set("comparison", Traffic.twoProportions(rates.get(0), rates.get(1)));
        }
        return o;
    }

    private static Map<Long, Integer> parseSplit(JsonNode body) {
        JsonNode split = body.has("split") ? body.get("split") : body;
        if (!split.isObject()) {
            throw HttpError.badRequest("the body must be {\"split\": {\"<version>\": <percent>, ...}}");
        }
        Map<Long, Integer> percents = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = split.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            long v;
            try {
                v = Long.parseLong(e.getKey());
            } catch (NumberFormatException x) {
                throw HttpError.badRequest("split key '" + e.getKey() + "' is not a version number");
            }
            if (!e.getValue().isIntegralNumber()) {
                throw HttpError.badRequest("split." + e.getKey() + " must be a whole percent");
            }
            percents.put(v, e.getValue().asInt());
        }
        return percents;
    }
}
