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
import io.undertow.server.HttpServerExchange;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * TensorFlow Serving's REST API under {@code /v1/models}: version status, metadata, {@code :predict}
 * (row and columnar formats), {@code :classify} and {@code :regress}.
 */
final class TfServingApi extends ProtocolApi {
    TfServingApi(ModelRegistry registry, Outcomes outcomes, Predictor predictor, Exchanges http) {
        super(registry, outcomes, predictor, http);
    }

    @Override
    int handle(HttpServerExchange ex, String method, String[] s, Call call) throws IOException {
        // /v1/models/{m}[/versions/{v}][:predict|:classify|:regress|/metadata]
        String last = s[s.length - 1];
        String verb = null;
        int colon = last.lastIndexOf(':');
        if (colon >= 0) {
            verb = last.substring(colon + 1);
            s = s.clone();
            s[s.length - 1] = last.substring(0, colon);
            if (!verb.equals("predict") && !verb.equals("classify") && !verb.equals("regress")) {
                throw HttpError.notFound("No route " + method + " " + abbreviate(ex.getRequestPath())
                        + "; TensorFlow-Serving's methods here are :predict, :classify, :regress");
            }
        }
        boolean metadata = verb == null && s.length >= 4 && s[s.length - 1].equals("metadata");
        if (metadata) {
            s = java.util.Arrays.copyOf(s, s.length - 1);
        }
        String model = s[2];
        String version = null;
        if (s.length == 5 && s[3].equals("versions")) {
            version = s[4];
        } else if (s.length != 3) {
            throw HttpError.notFound("No route " + method + " " + abbreviate(ex.getRequestPath())
                    + "; TensorFlow-Serving routes are /v1/models/{model}[/versions/{v}][:predict|:classify|:regress]"
                    + " and /v1/models/{model}[/versions/{v}]/metadata");
        }
        if (metadata) {
            allow(ex, method, "GET");
            ServedModel m = registry.resolve(model, version == null ? latestOf(model) : version);
            label(call, m);
            return send(ex, 200, Outputs.tfServingMetadata(model, m.version(), m.model().metadata()));
        }
        if (verb == null) {
            allow(ex, method, "GET");
            ModelRegistry.Entry e = registry.entry(model);
            ObjectNode o = Outputs.JSON.objectNode();
            ArrayNode statuses = o.putArray("model_version_status");
            for (long v : e.versions().descendingKeySet()) {
                if (version != null && !version.equals(Long.toString(v))) {
                    continue;
                }
                ObjectNode st = statuses.addObject();
                st.put("version", Long.toString(v));
                st.put("state", "AVAILABLE");
                st.putObject("status").put("error_code", "OK").put("error_message", "");
            }
            if (statuses.isEmpty()) {
                throw HttpError.notFound("Model '" + model + "' has no loaded version " + version);
            }
            label(call, registry.resolve(model, version == null ? latestOf(model) : version));
            return send(ex, 200, o);
        }
        allow(ex, method, "POST");
        JsonNode body = body(ex);
        ServedModel m = registry.resolve(model, version);
        label(call, m);
        if (!body.isObject()) {
            throw HttpError.badRequest("the body must be a JSON object");
        }
        JsonNode signature = body.get("signature_name");
        if (signature != null && !signature.isNull() && !signature.asText().equals("serving_default")) {
            throw HttpError.badRequest("unknown signature_name " + abbreviate(signature.toString().replace('"', '\''))
                    + "; this model has one signature, 'serving_default'");
        }
        ModelMetadata meta = m.model().metadata();
        if (!verb.equals("predict")) {
            return classifyOrRegress(ex, verb, body, m);
        }
        boolean columnar = body.has("inputs");
        List<Object[]> rows = inputs(m).fromTfServing(body);
        List<List<String>> imputed = imputed(m, rows, imputeParameter(ex),
                i -> columnar ? "inputs row " + i : "instances[" + i + "]", "add ?impute_missing=true to the URL");
        Predictions p = predict(m, rows, newId(), "v1", false).p();
        ObjectNode o = Outputs.JSON.objectNode();
        if (columnar) {
            if (meta.task().isClassification()) {
                ObjectNode outputs = o.putObject("outputs");
                ArrayNode labels = outputs.putArray(meta.task() == Task.MULTILABEL_CLASSIFICATION ? "labels" : "label");
                ArrayNode probabilities = outputs.putArray("probabilities");
                for (int i = 0; i < p.size(); i++) {
                    JsonNode row = Outputs.tfServing(p, i, meta);
                    labels.add(row.get(meta.task() == Task.MULTILABEL_CLASSIFICATION ? "labels" : "label"));
                    probabilities.add(row.get("probabilities"));
                }
            } else {
                ArrayNode outputs = o.putArray("outputs");
                for (int i = 0; i < p.size(); i++) {
                    outputs.add(Outputs.tfServing(p, i, meta));
                }
            }
        } else {
            ArrayNode predictions = o.putArray("predictions");
            for (int i = 0; i < p.size(); i++) {
                predictions.add(Outputs.tfServing(p, i, meta));
            }
        }
        imputedRows(o, imputed);
        return send(ex, 200, o);
    }

    private static void imputedRows(ObjectNode o, List<List<String>> imputed) {
        if (imputed != null) {
            ArrayNode all = o.putArray("imputed_features");
            for (List<String> row : imputed) {
                ArrayNode names = all.addArray();
                row.forEach(names::add);
            }
        }
    }

    /**
     * TF-Serving's {@code :classify} (a classification model: each example's classes with their
     * scores) and {@code :regress} (a one-target regression: each example's value), from
     * {@code examples} with an optional shared {@code context}.
     */
    private int classifyOrRegress(HttpServerExchange ex, String verb, JsonNode body, ServedModel m) throws IOException {
        ModelMetadata meta = m.model().metadata();
        boolean classification = meta.task().isClassification();
        if (verb.equals("classify") && !classification) {
            throw HttpError.badRequest("model '" + m.name() + "' is a regression model; use :regress or :predict");
        }
        if (verb.equals("regress")) {
            if (classification) {
                throw HttpError.badRequest("model '" + m.name() + "' is a classification model; use :classify or "
                        + ":predict");
            }
            if (meta.label().columns().size() != 1) {
                throw HttpError.badRequest(":regress answers one value per example; model '" + m.name() + "' has "
                        + meta.label().columns().size() + " targets; use :predict");
            }
        }
        JsonNode examples = body.get("examples");
        JsonNode context = body.get("context");
        if (examples == null || !examples.isArray() || examples.isEmpty()) {
            throw HttpError.badRequest("the body needs 'examples': a non-empty list of objects of values by feature name");
        }
        if (context != null && !context.isNull() && !context.isObject()) {
            throw HttpError.badRequest("'context' must be an object of values by feature name, shared by every example");
        }
        ArrayNode instances = Outputs.JSON.arrayNode();
        for (int i = 0; i < examples.size(); i++) {
            JsonNode e = examples.get(i);
            if (!e.isObject()) {
                throw HttpError.badRequest("examples[" + i + "] must be an object of values by feature name");
            }
            ObjectNode merged = Outputs.JSON.objectNode();
            if (context != null && context.isObject()) {
                merged.setAll((ObjectNode) context);
            }
            merged.setAll((ObjectNode) e);
            instances.add(merged);
        }
        List<Object[]> rows;
        try {
            rows = inputs(m).fromTfServing(Outputs.JSON.objectNode().set("instances", instances));
        } catch (HttpError e) {
            throw new HttpError(e.status(), e.getMessage().replace("instances[", "examples["));
        }
        List<List<String>> imputed = imputed(m, rows, imputeParameter(ex), i -> "examples[" + i + "]",
                "add ?impute_missing=true to the URL");
        Predictions p = predict(m, rows, newId(), "v1", false).p();
        ObjectNode o = Outputs.JSON.objectNode();
        ArrayNode results = o.putArray("results");
        for (int i = 0; i < p.size(); i++) {
            if (classification) {
                ArrayNode pairs = results.addArray();
                for (Map.Entry<String, Double> c : p.probabilities(i).entrySet()) {
                    pairs.addArray().add(c.getKey()).add(c.getValue());
                }
            } else {
                results.add(p.values(i)[0]);
            }
        }
        imputedRows(o, imputed);
        return send(ex, 200, o);
    }
}
