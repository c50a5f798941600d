package io.kiln.runtime.serve;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kiln.dsl.Task;
import io.kiln.runtime.FeatureKind;
import io.kiln.runtime.FeatureTransform;
import io.kiln.runtime.ModelMetadata;
import java.util.Map;

/**
 * The OpenAPI 3.0 description of the typed JSON route of every served model: its record schema
 * (one property per feature, with the feature's type, categorical levels and nullability) and
 * its prediction schema, so clients can be generated from it.
 */
final class OpenApi {
    private OpenApi() {}

    static ObjectNode document(Map<String, ModelRegistry.Entry> models, String serverVersion) {
        ObjectNode doc = Outputs.JSON.objectNode();
        doc.put("openapi", "3.0.3");
        ObjectNode info = doc.putObject("info");
        info.put("title", "Kiln model server");
        info.put("version", serverVersion);
        info.put("description", "Typed JSON predictions of the served Kiln models. The same models answer the Open "
                + "Inference Protocol v2 under /v2 and TensorFlow-Serving's :predict under /v1.");
        ObjectNode paths = doc.putObject("paths");
        ObjectNode schemas = doc.putObject("components").putObject("schemas");
        ObjectNode error = schemas.putObject("Error");
        error.put("type", "object");
        error.putArray("required").add("error");
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
            schemas.set(id + "Prediction", prediction(m));
            ObjectNode batch = schemas.putObject(id + "Predictions");
            batch.put("type", "object");
            ObjectNode bp = batch.putObject("properties");
            bp.putObject("model").put("type", "string");
            bp.putObject("version").put("type", "string");
            bp.putObject("predictions").put("type", "array").putObject("items")
                    .put("$ref", "#/components/schemas/" + id + "Prediction");
            for (boolean versioned : new boolean[] {false, true}) {
                String path = "/kiln/models/" + name + (versioned ? "/versions/{version}" : "") + "/predict";
                ObjectNode post = paths.putObject(path).putObject("post");
                post.put("operationId", "predict_" + id + (versioned ? "_version" : ""));
                post.put("summary", "Predict " + m.label().name() + " with model '" + name + "'"
                        + (versioned ? " (a given version)" : " (the newest version, or by its A/B split)"));
                if (versioned) {
                    ObjectNode p = post.putArray("parameters").addObject();
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
                ok.put("description", "The prediction (one record) or predictions (records)");
                ArrayNode okOf = ok.putObject("content").putObject("application/json").putObject("schema")
                        .putArray("oneOf");
                okOf.addObject().put("$ref", "#/components/schemas/" + id + "Prediction");
                okOf.addObject().put("$ref", "#/components/schemas/" + id + "Predictions");
                for (String[] status : new String[][] {{"400", "A malformed request: the message names the field"},
                        {"401", "A missing or wrong bearer token"}, {"404", "An unknown model or version"},
                        {"413", "The request is larger than the server's limit"}}) {
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
        s.put("description", "One sample of '" + m.name() + "'. An absent or null feature is a missing value.");
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

    private static ObjectNode prediction(ModelMetadata m) {
        ObjectNode s = Outputs.JSON.objectNode();
        s.put("type", "object");
        ObjectNode props = s.putObject("properties");
        props.putObject("id").put("type", "string").put("description",
                "Quote it when reporting the true label to /kiln/models/" + m.name() + "/outcomes");
        props.putObject("model").put("type", "string");
        props.putObject("version").put("type", "string");
        Task task = m.task();
        if (task.isClassification()) {
            ObjectNode label;
            if (task == Task.MULTILABEL_CLASSIFICATION) {
                label = props.putObject("labels");
                label.put("type", "array");
                label = label.putObject("items");
            } else {
                label = props.putObject("label");
            }
            label.put("type", "string");
            ArrayNode classes = label.putArray("enum");
            m.label().classes().forEach(classes::add);
            ObjectNode p = props.putObject("probabilities");
            p.put("type", "object");
            ObjectNode pp = p.putObject("properties");
            m.label().classes().forEach(c -> pp.putObject(c).put("type", "number"));
        } else if (m.label().columns().size() == 1) {
            props.putObject("value").put("type", "number");
        } else {
            ObjectNode v = props.putObject("values");
            v.put("type", "object");
            ObjectNode vp = v.putObject("properties");
            m.label().columns().forEach(c -> vp.putObject(c).put("type", "number"));
        }
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
