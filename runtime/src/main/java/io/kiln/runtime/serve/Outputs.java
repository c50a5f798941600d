package io.kiln.runtime.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kiln.dsl.Task;
import io.kiln.runtime.internal.preprocess.FeatureTransform;
import io.kiln.runtime.ModelMetadata;
import io.kiln.runtime.Predictions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Predictions and model metadata as the three protocols write them. One vocabulary across them:
 * classification answers {@code label} (the class name) and {@code probabilities}; multilabel
 * {@code labels}; regression {@code value} (or {@code values} for several targets).
 */
final class Outputs {
    static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private Outputs() {}

    /** The output tensors a model answers with in the v2 protocol: name to [datatype, shape]. */
    static List<String[]> v2Outputs(ModelMetadata m) {
        List<String[]> out = new ArrayList<>();
        Task task = m.task();
        if (task.isClassification()) {
            out.add(new String[] {task == Task.MULTILABEL_CLASSIFICATION ? "labels" : "label", "BYTES", "[-1]"});
            out.add(new String[] {"probabilities", "FP32", "[-1, " + m.label().classes().size() + "]"});
        } else {
            out.add(new String[] {"value", "FP32", "[-1, " + m.label().columns().size() + "]"});
        }
        return out;
    }

    /** The v2 model metadata response. */
    static ObjectNode v2Metadata(String name, List<Long> versions, ModelMetadata m, Inputs inputs) {
        ObjectNode o = JSON.objectNode();
        o.put("name", name);
        ArrayNode vs = o.putArray("versions");
        versions.forEach(v -> vs.add(Long.toString(v)));
        o.put("platform", "kiln-dl4j");
        ArrayNode in = o.putArray("inputs");
        if (inputs.allNumeric()) {
            ObjectNode t = in.addObject();
            t.put("name", "input");
            t.put("datatype", "FP32");
            t.putArray("shape").add(-1).add(inputs.features().size());
        } else {
            for (FeatureTransform f : inputs.features()) {
                ObjectNode t = in.addObject();
                t.put("name", f.name());
                t.put("datatype", Inputs.datatype(f));
                t.putArray("shape").add(-1);
            }
        }
        ArrayNode out = o.putArray("outputs");
        for (String[] t : v2Outputs(m)) {
            ObjectNode tensor = out.addObject();
            tensor.put("name", t[0]);
            tensor.put("datatype", t[1]);
            ArrayNode shape = tensor.putArray("shape");
            for (String d : t[2].replaceAll("[\\[\\] ]", "").split(",")) {
                shape.add(Integer.parseInt(d));
            }
        }
        ObjectNode p = o.putObject("parameters");
        p.put("task", m.task().name().toLowerCase(java.util.Locale.ROOT));
        ArrayNode features = p.putArray("features");
        for (FeatureTransform f : inputs.features()) {
            ObjectNode feature = features.addObject();
            feature.put("name", f.name());
            feature.put("kind", f.kind().name().toLowerCase(java.util.Locale.ROOT));
            if (f.kind() == io.kiln.runtime.FeatureKind.CATEGORICAL) {
                ArrayNode levels = feature.putArray("levels");
                Inputs.levels(f).forEach(levels::add);
            }
        }
        if (m.task().isClassification()) {
            ArrayNode classes = p.putArray("classes");
            m.label().classes().forEach(classes::add);
        } else {
            ArrayNode targets = p.putArray("targets");
            m.label().columns().forEach(targets::add);
        }
        return o;
    }

    /** The v2 infer response's output tensors, restricted to {@code requested} when not empty. */
    static ArrayNode v2(Predictions p, ModelMetadata m, List<String> requested) {
        ArrayNode outputs = JSON.arrayNode();
        int n = p.size();
        Task task = m.task();
        for (String[] spec : v2Outputs(m)) {
            String name = spec[0];
            if (!requested.isEmpty() && !requested.contains(name)) {
                continue;
            }
            ObjectNode t = outputs.addObject();
            t.put("name", name);
            t.put("datatype", spec[1]);
            ArrayNode data;
            switch (name) {
                case "label", "labels" -> {
                    t.putArray("shape").add(n);
                    data = t.putArray("data");
                    for (int i = 0; i < n; i++) {
                        data.add(task == Task.MULTILABEL_CLASSIFICATION ? String.join(";", labels(p, i)) : p.className(i));
                    }
                }
                case "probabilities" -> {
                    int c = m.label().classes().size();
                    t.putArray("shape").add(n).add(c);
                    data = t.putArray("data");
                    for (int i = 0; i < n; i++) {
                        for (double v : p.probabilities(i).values()) {
                            data.add((float) v);
                        }
                    }
                }
                default -> {
                    int c = m.label().columns().size();
                    t.putArray("shape").add(n).add(c);
                    data = t.putArray("data");
                    for (int i = 0; i < n; i++) {
                        for (double v : p.values(i)) {
                            data.add(v);
                        }
                    }
                }
            }
        }
        return outputs;
    }

    /** One prediction in the row format of {@code :predict}. */
    static JsonNode tfServing(Predictions p, int i, ModelMetadata m) {
        Task task = m.task();
        if (!task.isClassification()) {
            double[] v = p.values(i);
            if (v.length == 1) {
                return JSON.numberNode(v[0]);
            }
            ArrayNode a = JSON.arrayNode();
            for (double x : v) {
                a.add(x);
            }
            return a;
        }
        ObjectNode o = JSON.objectNode();
        if (task == Task.MULTILABEL_CLASSIFICATION) {
            ArrayNode l = o.putArray("labels");
            labels(p, i).forEach(l::add);
        } else {
            o.put("label", p.className(i));
        }
        ArrayNode probabilities = o.putArray("probabilities");
        p.probabilities(i).values().forEach(probabilities::add);
        return o;
    }

    /** One prediction of the typed route: label and probabilities by class, or the value(s). */
    static ObjectNode typed(Predictions p, int i, ModelMetadata m) {
        ObjectNode o = JSON.objectNode();
        Task task = m.task();
        if (task.isClassification()) {
            if (task == Task.MULTILABEL_CLASSIFICATION) {
                ArrayNode l = o.putArray("labels");
                labels(p, i).forEach(l::add);
            } else {
                o.put("label", p.className(i));
            }
            ObjectNode probabilities = o.putObject("probabilities");
            for (Map.Entry<String, Double> e : p.probabilities(i).entrySet()) {
                probabilities.put(e.getKey(), e.getValue());
            }
        } else {
            double[] v = p.values(i);
            if (v.length == 1) {
                o.put("value", v[0]);
            } else {
                ObjectNode values = o.putObject("values");
                for (int j = 0; j < v.length; j++) {
                    values.put(m.label().columns().get(j), v[j]);
                }
            }
        }
        return o;
    }

    /** TF-Serving's {@code GET /v1/models/{m}/metadata}: the one signature, {@code serving_default}. */
    static ObjectNode tfServingMetadata(String name, long version, ModelMetadata m) {
        ObjectNode o = JSON.objectNode();
        o.putObject("model_spec").put("name", name).put("signature_name", "").put("version", Long.toString(version));
        ObjectNode signature = o.putObject("metadata").putObject("signature_def").putObject("signature_def")
                .putObject("serving_default");
        ObjectNode inputs = signature.putObject("inputs");
        for (FeatureTransform f : m.features()) {
            String dtype = switch (f.kind()) {
                case NUMERIC -> "DT_FLOAT";
                case BOOLEAN -> "DT_BOOL";
                default -> "DT_STRING";
            };
            tfTensor(inputs.putObject(f.name()), f.name(), dtype, -1);
        }
        ObjectNode outputs = signature.putObject("outputs");
        for (String[] t : v2Outputs(m)) {
            String dims = t[2].replaceAll("[\\[\\] ]", "");
            int width = dims.contains(",") ? Integer.parseInt(dims.split(",")[1]) : -1;
            tfTensor(outputs.putObject(t[0]), t[0], t[1].equals("BYTES") ? "DT_STRING" : "DT_FLOAT", -1, width);
        }
        signature.put("method_name", "tensorflow/serving/predict");
        return o;
    }

    private static void tfTensor(ObjectNode t, String name, String dtype, int... dims) {
        t.put("dtype", dtype);
        ObjectNode shape = t.putObject("tensor_shape");
        ArrayNode dim = shape.putArray("dim");
        for (int d : dims) {
            if (d != -1 || dim.isEmpty()) {
                dim.addObject().put("size", Integer.toString(d)).put("name", "");
            }
        }
        shape.put("unknown_rank", false);
        t.put("name", name);
    }

    static List<String> labels(Predictions p, int i) {
        boolean[] on = p.labels(i);
        List<String> names = new ArrayList<>();
        for (int j = 0; j < on.length; j++) {
            if (on[j]) {
                names.add(p.classes().get(j));
            }
        }
        return names;
    }
}
