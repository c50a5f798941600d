package io.kiln.runtime.serve;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kiln.dsl.Task;
import io.kiln.runtime.FeatureKind;
import io.kiln.runtime.internal.preprocess.FeatureTransform;
import io.kiln.runtime.ModelMetadata;
import java.util.List;
import java.util.Map;

/**
 * The OpenAPI 3.0 description of the typed JSON route of every served model: its record schema
 * (one property per feature, with the feature's type, categorical levels and nullability) and
 * its prediction schema, so clients can be generated from it.
 */
final class OpenApi {
    private OpenApi() {}

    /**
     * @param secured whether the server requires a bearer token (adds the security scheme and the 401)
     */
    static ObjectNode document(Map<String, ModelRegistry.Entry> models, String serverVersion, boolean secured) {
        ObjectNode doc = Outputs.JSON.objectNode();
        doc.put("openapi", "3.0.3");
        ObjectNode info = doc.putObject("info");
        info.put("title", "Kiln model server");
        info.put("version", serverVersion);
        info.put("description", "Typed JSON predictions of the served Kiln models. The same models answer the Open "
                + "Inference Protocol v2 under /v2 and TensorFlow-Serving's :predict under /v1.");
        ObjectNode paths = doc.putObject("paths");
        ObjectNode components = doc.putObject("components");
        ObjectNode schemas = components.putObject("schemas");
        if (secured) {
            ObjectNode bearer = components.putObject("securitySchemes").putObject("bearerAuth");
            bearer.put("type", "http");
            bearer.put("scheme", "bearer");
            bearer.put("description", "The server's token (--token-file or KILN_TOKEN)");
            doc.putArray("security").addObject().putArray("bearerAuth");
        }
        ObjectNode error = schemas.putObject("Error");
        error.put("type", "object");
        error.putArray("required").add("error");
        error.put("additionalProperties", false);
        error.putObject("properties").putObject("error").put("type", "string");
        for (ModelRegistry.Entry e : models.values()) {
            ServedModel latest = e.latest();
            if (latest == null) {
                continue;
            }
            ModelMetadata m = latest.model().metadata();
            String name = e.name();
            String id = schemaName(name);
            schemas.set(id + "Record", record(m));
            schemas.set(id + "Prediction", prediction(m, true));
            schemas.set(id + "PredictionItem", prediction(m, false));
            ObjectNode batch = schemas.putObject(id + "Predictions");
            batch.put("type", "object");
            batch.put("description", "The answer to a list of records (or {\"records\": [...]}), in their order");
            batch.putArray("required").add("model").add("version").add("predictions");
            batch.put("additionalProperties", false);
            ObjectNode bp = batch.putObject("properties");
            bp.putObject("model").put("type", "string");
            bp.putObject("version").put("type", "string");
            bp.putObject("predictions").put("type", "array").putObject("items")
                    .put("$ref", "#/components/schemas/" + id + "PredictionItem");
            for (boolean versioned : new boolean[] {false, true}) {
                String path = "/kiln/models/" + name + (versioned ? "/versions/{version}" : "") + "/predict";
                ObjectNode post = paths.putObject(path).putObject("post");
                post.put("operationId", "predict_" + id + (versioned ? "_version" : ""));
                post.put("summary", "Predict " + m.label().name() + " with model '" + name + "'"
                        + (versioned ? " (a given version)" : " (the newest version, or by its A/B split)"));
                ArrayNode parameters = post.putArray("parameters");
                ObjectNode impute = parameters.addObject();
                impute.put("name", "impute_missing");
                impute.put("in", "query");
                impute.put("required", false);
                impute.put("description", "true: fill absent or null features as in training (features that declare "
                        + "missing = ERROR excepted) and name them in 'imputed'; false (default): refuse them with 400");
                impute.putObject("schema").put("type", "boolean").put("default", false);
                if (versioned) {
                    ObjectNode p = parameters.addObject();
                    p.put("name", "version");
                    p.put("in", "path");
                    p.put("required", true);
                    p.putObject("schema").put("type", "integer");
                }
                ObjectNode body = post.putObject("requestBody");
                body.put("required", true);
                ArrayNode oneOf = body.putObject("content").putObject("application/json").putObject("schema")
                        .putArray("oneOf");
                oneOf.addObject().put("$ref", "#/components/schemas/" + id + "Record");
                ObjectNode wrapped = oneOf.addObject();
                wrapped.put("type", "object");
                wrapped.putArray("required").add("records");
                wrapped.putObject("properties").putObject("records").put("type", "array").put("minItems", 1)
                        .putObject("items").put("$ref", "#/components/schemas/" + id + "Record");
                ObjectNode responses = post.putObject("responses");
                ObjectNode ok = responses.putObject("200");
                ok.put("description", "The prediction (one record sent as an object) or the predictions (a list "
                        + "of records): exactly one of the two schemas, told apart by their required properties");
                ArrayNode okOf = ok.putObject("content").putObject("application/json").putObject("schema")
                        .putArray("oneOf");
                okOf.addObject().put("$ref", "#/components/schemas/" + id + "Prediction");
                okOf.addObject().put("$ref", "#/components/schemas/" + id + "Predictions");
                List<String[]> errors = new java.util.ArrayList<>(List.of(
                        new String[] {"400", "A malformed request, or missing values without impute_missing: the "
                                + "message names the field"},
                        new String[] {"404", "An unknown model or version"},
                        new String[] {"408", "The request body did not arrive in time"},
                        new String[] {"413", "The request is larger than the server's limit"}));
                if (secured) {
                    errors.add(1, new String[] {"401", "A missing or wrong bearer token"});
                }
                for (String[] status : errors) {
                    ObjectNode r = responses.putObject(status[0]);
                    r.put("description", status[1]);
                    r.putObject("content").putObject("application/json").putObject("schema")
                            .put("$ref", "#/components/schemas/Error");
                }
            }
        }
        return doc;
    }

    private static ObjectNode record(ModelMetadata m) {
        ObjectNode s = Outputs.JSON.objectNode();
        s.put("type", "object");
        s.put("additionalProperties", false);
        s.put("description", "One sample of '" + m.name() + "'. Every feature is required; with impute_missing=true "
                + "an absent or null feature is a missing value, filled as in training.");
        ArrayNode required = s.putArray("required");
        m.features().forEach(f -> required.add(f.name()));
        ObjectNode props = s.putObject("properties");
        for (FeatureTransform f : m.features()) {
            ObjectNode p = props.putObject(f.name());
            if (f.kind() == FeatureKind.NUMERIC) {
                p.put("type", "number");
            } else if (f.kind() == FeatureKind.BOOLEAN) {
                p.put("type", "boolean");
            } else if (f.kind() == FeatureKind.TEXT) {
                p.put("type", "string");
            } else {
                p.put("type", "string");
                ArrayNode levels = p.putArray("enum");
                Inputs.levels(f).forEach(levels::add);
            }
            p.put("nullable", f.missing() != io.kiln.dsl.Missing.ERROR);
        }
        return s;
    }

    /**
     * A prediction: with {@code model} and {@code version} (the answer to one record), or without
     * (an item of a list's answer). Every property it always has is required and no other is
     * allowed, so a single answer never matches the list schema nor the reverse.
     */
    private static ObjectNode prediction(ModelMetadata m, boolean single) {
        ObjectNode s = Outputs.JSON.objectNode();
        s.put("type", "object");
        s.put("additionalProperties", false);
        ArrayNode required = s.putArray("required");
        ObjectNode props = s.putObject("properties");
        props.putObject("id").put("type", "string").put("description",
                "Quote it when reporting the true label to /kiln/models/" + m.name() + "/outcomes");
        required.add("id");
        if (single) {
            props.putObject("model").put("type", "string");
            props.putObject("version").put("type", "string");
            required.add("model").add("version");
        }
        Task task = m.task();
        if (task.isClassification()) {
            ObjectNode label;
            if (task == Task.MULTILABEL_CLASSIFICATION) {
                label = props.putObject("labels");
                label.put("type", "array");
                required.add("labels");
                label = label.putObject("items");
            } else {
                label = props.putObject("label");
                required.add("label");
            }
            label.put("type", "string");
            ArrayNode classes = label.putArray("enum");
            m.label().classes().forEach(classes::add);
            ObjectNode p = props.putObject("probabilities");
            p.put("type", "object");
            p.put("additionalProperties", false);
            ArrayNode pr = p.putArray("required");
            ObjectNode pp = p.putObject("properties");
            m.label().classes().forEach(c -> {
                pp.putObject(c).put("type", "number");
                pr.add(c);
            });
            required.add("probabilities");
        } else if (m.label().columns().size() == 1) {
            props.putObject("value").put("type", "number");
            required.add("value");
        } else {
            ObjectNode v = props.putObject("values");
            v.put("type", "object");
            v.put("additionalProperties", false);
            ArrayNode vr = v.putArray("required");
            ObjectNode vp = v.putObject("properties");
            m.label().columns().forEach(c -> {
                vp.putObject(c).put("type", "number");
                vr.add(c);
            });
            required.add("values");
        }
        ObjectNode imputed = props.putObject("imputed");
        imputed.put("type", "array");
        imputed.put("description", "The features that were missing and filled as in training (only with "
                + "impute_missing=true, only when some were)");
        imputed.putObject("items").put("type", "string");
        return s;
    }

    /** A schema name from a model name: letters and digits, capitalized. */
    static String schemaName(String model) {
        StringBuilder b = new StringBuilder();
        boolean upper = true;
        for (char c : model.toCharArray()) {
            if (Character.isLetterOrDigit(c)) {
                b.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            } else {
                upper = true;
            }
        }
        return b.toString();
    }
}
