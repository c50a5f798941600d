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
import io.kiln.runtime.ModelMetadata;
import io.kiln.runtime.internal.model.Versions;
import io.kiln.runtime.internal.preprocess.FeatureTransform;
import io.kiln.runtime.serve.Predictor.Answered;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The Open Inference Protocol (KServe v2) under {@code /v2}: server and model metadata, model readiness,
 * {@code /infer} on JSON tensors, and the model repository extension (index, load, unload).
 */
final class OpenInferenceApi extends ProtocolApi {
    OpenInferenceApi(ModelRegistry registry, Outcomes outcomes, Predictor predictor, Exchanges http) {
        super(registry, outcomes, predictor, http);
    }

    @Override
    int handle(HttpServerExchange ex, String method, String[] s, Call call) throws IOException {
        if (s.length == 1) {
            allow(ex, method, "GET");
            ObjectNode o = Outputs.JSON.objectNode();
            o.put("name", "kiln");
            o.put("version", Versions.kiln());
            o.putArray("extensions").add("model_repository");
            return send(ex, 200, o);
        }
        if (s[1].equals("repository")) {
            call.protocol = "admin";
            return repository(ex, method, s);
        }
        if (!s[1].equals("models") || s.length < 3) {
            throw HttpError.notFound("No route " + method + " /" + String.join("/", s));
        }
        String model = s[2];
        int at = 3;
        String version = null;
        if (s.length >= 5 && s[3].equals("versions")) {
            version = s[4];
            at = 5;
        }
        String action = s.length == at ? "" : s.length == at + 1 ? s[at] : null;
        if (action == null) {
            throw HttpError.notFound("No route " + method + " /" + String.join("/", s));
        }
        switch (action) {
            case "" -> {
                allow(ex, method, "GET");
                ServedModel m = registry.resolve(model, version == null ? latestOf(model) : version);
                label(call, m);
                List<Long> versions = version == null ? List.copyOf(registry.entry(model).versions().keySet())
                        : List.of(m.version());
                ObjectNode meta = Outputs.v2Metadata(model, versions, m.model().metadata(), inputs(m));
                ModelRegistry.Entry entry = registry.entry(model);
                if (!entry.failed().isEmpty()) {
                    List<String> failed = new ArrayList<>();
                    entry.failed().descendingMap().forEach((v, why) -> failed.add(v + ": " + why));
                    ((ObjectNode) meta.get("parameters")).put("failed_versions", String.join("; ", failed));
                }
                return send(ex, 200, meta);
            }
            case "ready" -> {
                allow(ex, method, "GET");
                ServedModel m = registry.resolve(model, version == null ? latestOf(model) : version);
                label(call, m);
                return send(ex, 200, Outputs.JSON.objectNode().put("name", model).put("ready", true));
            }
            case "infer" -> {
                allow(ex, method, "POST");
                if (ex.getRequestHeaders().contains("Inference-Header-Content-Length")) {
                    throw HttpError.badRequest("binary tensor data is not supported; send JSON (\"data\" in each tensor)");
                }
                String type = ex.getRequestHeaders().getFirst(Headers.CONTENT_TYPE);
                if (type != null && !isJson(type)) {
                    throw new HttpError(415, "the request has Content-Type " + abbreviate(type)
                            + "; send application/json");
                }
                JsonNode body = body(ex);
                ServedModel m = registry.resolve(model, version);
                label(call, m);
                List<String> requested = requestedOutputs(body, m.model().metadata());
                List<Object[]> rows = inputs(m).fromV2(body);
                JsonNode parameters = body.get("parameters");
                JsonNode impute = parameters != null && parameters.isObject() ? parameters.get("impute_missing") : null;
                if (impute != null && !impute.isBoolean()) {
                    throw HttpError.badRequest("parameters.impute_missing must be true or false");
                }
                List<List<String>> imputed = imputed(m, rows, impute != null && impute.asBoolean(), i -> "row " + i,
                        "set \"parameters\": {\"impute_missing\": true} in the request");
                String id = body.hasNonNull("id") ? body.get("id").asText() : newId();
                Answered a = predict(m, rows, id, "v2", true);
                ObjectNode o = Outputs.JSON.objectNode();
                o.put("model_name", model);
                o.put("model_version", m.versionLabel());
                o.put("id", id);
                // the protocol's parameters are scalars: the rows' ids, comma-separated
                StringBuilder ids = new StringBuilder();
                for (int i = 0; i < a.p().size(); i++) {
                    ids.append(i == 0 ? "" : ",").append(outcomes.id(a.first() + i));
                }
                ObjectNode params = o.putObject("parameters");
                params.put("prediction_ids", ids.toString());
                if (imputed != null) {
                    java.util.LinkedHashSet<String> all = new java.util.LinkedHashSet<>();
                    for (FeatureTransform f : m.model().metadata().features()) {
                        for (List<String> row : imputed) {
                            if (row.contains(f.name())) {
                                all.add(f.name());
                            }
                        }
                    }
                    params.put("imputed_features", String.join(",", all));
                }
                o.set("outputs", Outputs.v2(a.p(), m.model().metadata(), requested));
                return send(ex, 200, o);
            }
            default -> throw HttpError.notFound("No route " + method + " /" + String.join("/", s)
                    + "; a model's routes are its metadata, /ready and /infer");
        }
    }

    private int repository(HttpServerExchange ex, String method, String[] s) throws IOException {
        allow(ex, method, "POST");
        if (s.length == 3 && s[2].equals("index")) {
            ArrayNode index = Outputs.JSON.arrayNode();
            registry.models().forEach((name, e) -> {
                for (long v : e.versions().keySet()) {
                    index.addObject().put("name", name).put("version", Long.toString(v)).put("state", "READY");
                }
                e.failed().forEach((v, why) -> index.addObject().put("name", name).put("version", Long.toString(v))
                        .put("state", "UNAVAILABLE").put("reason", why));
                if (e.failed().isEmpty() && e.error() != null) {
                    index.addObject().put("name", name).put("state", "UNAVAILABLE").put("reason", e.error());
                }
            });
            return send(ex, 200, index);
        }
        if (s.length == 5 && s[2].equals("models") && (s[4].equals("load") || s[4].equals("unload"))) {
            if (s[4].equals("load")) {
                registry.refresh(s[3]);
                ModelRegistry.Entry e = registry.entry(s[3]);
                ObjectNode o = Outputs.JSON.objectNode().put("name", s[3]);
                ArrayNode versions = o.putArray("versions");
                e.versions().keySet().forEach(v -> versions.add(Long.toString(v)));
                if (e.error() != null) {
                    o.put("error", e.error());
                }
                return send(ex, 200, o);
            }
            registry.unload(s[3]);
            return send(ex, 200, Outputs.JSON.objectNode().put("name", s[3]).put("unloaded", true));
        }
        throw HttpError.notFound("No route " + method + " /" + String.join("/", s)
                + "; the repository routes are /v2/repository/index and /v2/repository/models/{model}/load|unload");
    }

    private static List<String> requestedOutputs(JsonNode body, ModelMetadata m) {
        JsonNode outputs = body.get("outputs");
        if (outputs == null || outputs.isNull()) {
            return List.of();
        }
        List<String> known = Outputs.v2Outputs(m).stream().map(t -> t[0]).toList();
        if (!outputs.isArray()) {
            throw HttpError.badRequest("'outputs' must be a list of {\"name\": ...}; outputs are " + known);
        }
        List<String> names = new ArrayList<>();
        for (JsonNode o : outputs) {
            String name = o.path("name").asText(null);
            if (name == null || !known.contains(name)) {
                throw HttpError.badRequest("unknown output " + o + "; the model's outputs are " + known);
            }
            names.add(name);
        }
        return names;
    }
}
