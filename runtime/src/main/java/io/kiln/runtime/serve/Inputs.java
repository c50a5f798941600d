package io.kiln.runtime.serve;

import com.fasterxml.jackson.databind.JsonNode;
import io.kiln.runtime.FeatureKind;
import io.kiln.runtime.internal.preprocess.FeatureTransform;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Turns request bodies of the three protocols into rows of typed feature values, checking every
 * value against the model's schema. Every refusal is a 400 whose message names the offending
 * field (and row), so a client can fix its request without reading server logs.
 */
final class Inputs {
    private static final List<String> NUMERIC_TYPES = List.of("FP16", "FP32", "FP64", "INT8", "INT16", "INT32",
            "INT64", "UINT8", "UINT16", "UINT32", "UINT64");

    private final List<FeatureTransform> features;
    private final Map<String, Integer> index = new HashMap<>();
    private final boolean allNumeric;

    Inputs(List<FeatureTransform> features) {
        this.features = features;
        for (int f = 0; f < features.size(); f++) {
            index.put(features.get(f).name(), f);
        }
        this.allNumeric = features.stream().noneMatch(f -> f.kind() == FeatureKind.CATEGORICAL
                || f.kind() == FeatureKind.TEXT);
    }

    /** Whether the model takes one numeric matrix (every feature numeric or boolean). */
    boolean allNumeric() {
        return allNumeric;
    }

    List<FeatureTransform> features() {
        return features;
    }

    /** The OIP v2 datatype of a feature's tensor. */
    static String datatype(FeatureTransform f) {
        return switch (f.kind()) {
            case NUMERIC -> "FP32";
            case BOOLEAN -> "BOOL";
            default -> "BYTES";
        };
    }

    // ---- Open Inference Protocol v2 ------------------------------------------------------------

    /**
     * The rows of a v2 infer request: either one numeric tensor of shape [N, F] (any name that is not
     * a feature's), or one tensor per feature of shape [N] or [N, 1].
     */
    List<Object[]> fromV2(JsonNode body) {
        JsonNode inputs = body.get("inputs");
        if (inputs == null || !inputs.isArray() || inputs.isEmpty()) {
            throw HttpError.badRequest("'inputs' must be a non-empty array of tensors");
        }
        if (inputs.size() == 1 && !index.containsKey(text(inputs.get(0), "name", "inputs[0]"))) {
            return matrixTensor(inputs.get(0));
        }
        // several tensors: every one must be a feature's; name the ones that are not
        List<String> unknown = new ArrayList<>();
        boolean matrix = false;
        for (int t = 0; t < inputs.size(); t++) {
            String name = text(inputs.get(t), "name", "inputs[" + t + "]");
            if (!index.containsKey(name)) {
                if (allNumeric && name.equals("input") && !matrix) {
                    matrix = true;
                } else {
                    unknown.add(name);
                }
            }
        }
        if (matrix) {
            throw HttpError.badRequest("unknown input" + (unknown.size() > 1 ? "s " : " ") + quoted(unknown)
                    + "; the model takes one tensor 'input' of shape [N, " + features.size()
                    + "], or one tensor per feature " + names());
        }
        if (!unknown.isEmpty()) {
            throw HttpError.badRequest("unknown input" + (unknown.size() > 1 ? "s " : " ") + quoted(unknown)
                    + "; the model's inputs are " + names()
                    + (allNumeric ? ", or one FP32 tensor 'input' of shape [N, " + features.size() + "]" : ""));
        }
        int rows = -1;
        Object[][] values = null;
        boolean[] seen = new boolean[features.size()];
        for (int t = 0; t < inputs.size(); t++) {
            JsonNode tensor = inputs.get(t);
            String where = "inputs[" + t + "]";
            String name = text(tensor, "name", where);
            Integer f = index.get(name);
            if (f == null) {
                throw HttpError.badRequest("unknown input '" + name + "'; the model's inputs are " + names()
                        + (allNumeric ? ", or one FP32 tensor of shape [N, " + features.size() + "]" : ""));
            }
            if (seen[f]) {
                throw HttpError.badRequest("input '" + name + "' is given twice");
            }
            seen[f] = true;
            long[] shape = shape(tensor, name);
            if (shape.length > 2 || shape.length == 2 && shape[1] != 1) {
                throw HttpError.badRequest("input '" + name + "' has shape " + java.util.Arrays.toString(shape)
                        + "; a feature's tensor has shape [N] or [N, 1]");
            }
            String datatype = checkDatatype(tensor, name, features.get(f));
            List<JsonNode> data = data(tensor, name, shape[0]);
            if (rows < 0) {
                rows = (int) shape[0];
                values = new Object[rows][features.size()];
            } else if (shape[0] != rows) {
                throw HttpError.badRequest("input '" + name + "' has " + shape[0] + " rows; earlier inputs have " + rows);
            }
            for (int r = 0; r < rows; r++) {
                try {
                    values[r][f] = value(features.get(f), inRange(datatype, data.get(r)));
                } catch (Refused e) {
                    throw e.at("input '" + name + "' row " + r);
                }
            }
        }
        return rowsOf(values);
    }

    private List<Object[]> matrixTensor(JsonNode tensor) {
        String name = tensor.get("name").asText();
        if (!allNumeric) {
            throw HttpError.badRequest("unknown input '" + name + "'; this model has categorical features, so it takes "
                    + "one tensor per feature: " + names());
        }
        long[] shape = shape(tensor, name);
        int width = features.size();
        long rows;
        if (shape.length == 2 && shape[1] == width) {
            rows = shape[0];
        } else if (shape.length == 1 && shape[0] == width) {
            rows = 1;
        } else {
            throw HttpError.badRequest("input '" + name + "' has shape " + java.util.Arrays.toString(shape)
                    + "; expected [N, " + width + "] (one column per feature: " + names() + ")");
        }
        String datatype = text(tensor, "datatype", "input '" + name + "'");
        if (!NUMERIC_TYPES.contains(datatype) && !datatype.equals("BOOL")) {
            throw HttpError.badRequest("input '" + name + "' has datatype " + datatype + "; expected a numeric type "
                    + "such as FP32");
        }
        List<JsonNode> data = data(tensor, name, rows * width);
        Object[][] values = new Object[(int) rows][width];
        for (int r = 0; r < rows; r++) {
            for (int f = 0; f < width; f++) {
                try {
                    values[r][f] = value(features.get(f), inRange(datatype, data.get(r * width + f)));
                } catch (Refused e) {
                    throw e.at("input '" + name + "' row " + r + " column " + f + " (feature '"
                            + features.get(f).name() + "')");
                }
            }
        }
        return rowsOf(values);
    }

    private static String quoted(List<String> names) {
        return names.stream().map(n -> "'" + (n.length() > 60 ? n.substring(0, 57) + "..." : n) + "'")
                .collect(java.util.stream.Collectors.joining(", "));
    }

    /** A value of an integer or half-precision tensor, checked against its datatype's range. */
    static JsonNode inRange(String datatype, JsonNode v) {
        if (v == null || !v.isNumber()) {
            return v;
        }
        java.math.BigDecimal min;
        java.math.BigDecimal max;
        switch (datatype) {
            case "INT8" -> { min = java.math.BigDecimal.valueOf(Byte.MIN_VALUE); max = java.math.BigDecimal.valueOf(Byte.MAX_VALUE); }
            case "INT16" -> { min = java.math.BigDecimal.valueOf(Short.MIN_VALUE); max = java.math.BigDecimal.valueOf(Short.MAX_VALUE); }
            case "INT32" -> { min = java.math.BigDecimal.valueOf(Integer.MIN_VALUE); max = java.math.BigDecimal.valueOf(Integer.MAX_VALUE); }
            case "INT64" -> { min = java.math.BigDecimal.valueOf(Long.MIN_VALUE); max = java.math.BigDecimal.valueOf(Long.MAX_VALUE); }
            case "UINT8" -> { min = java.math.BigDecimal.ZERO; max = java.math.BigDecimal.valueOf(255); }
            case "UINT16" -> { min = java.math.BigDecimal.ZERO; max = java.math.BigDecimal.valueOf(65535); }
            case "UINT32" -> { min = java.math.BigDecimal.ZERO; max = java.math.BigDecimal.valueOf(4294967295L); }
            case "UINT64" -> { min = java.math.BigDecimal.ZERO; max = new java.math.BigDecimal("18446744073709551615"); }
            case "FP16" -> {
                if (Math.abs(v.asDouble()) > 65504) {
                    throw new Refused(v.asText() + " is outside FP16's range -65504..65504");
                }
                return v;
            }
            default -> {
                return v;
            }
        }
        java.math.BigDecimal d = v.decimalValue();
        if (d.signum() != 0 && d.stripTrailingZeros().scale() > 0) {
            throw new Refused(v.asText() + " is not an integer, as " + datatype + " requires");
        }
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw new Refused(v.asText() + " is outside " + datatype + "'s range " + min + ".." + max);
        }
        return v;
    }

    private static String checkDatatype(JsonNode tensor, String name, FeatureTransform f) {
        String datatype = text(tensor, "datatype", "input '" + name + "'");
        boolean ok = switch (f.kind()) {
            case NUMERIC -> NUMERIC_TYPES.contains(datatype);
            case BOOLEAN -> datatype.equals("BOOL") || NUMERIC_TYPES.contains(datatype);
            default -> datatype.equals("BYTES");
        };
        if (!ok) {
            throw HttpError.badRequest("input '" + name + "' has datatype " + datatype + "; expected " + datatype(f));
        }
        return datatype;
    }

    private static long[] shape(JsonNode tensor, String name) {
        JsonNode shape = tensor.get("shape");
        if (shape == null || !shape.isArray() || shape.isEmpty()) {
            throw HttpError.badRequest("input '" + name + "' needs a 'shape', e.g. [1, 4]");
        }
        long[] s = new long[shape.size()];
        for (int i = 0; i < s.length; i++) {
            JsonNode d = shape.get(i);
            if (!d.canConvertToLong() || !d.isIntegralNumber() || d.asLong() < 1 || d.asLong() > 1_000_000) {
                throw HttpError.badRequest("input '" + name + "' has shape " + shape
                        + "; every dimension must be a positive integer");
            }
            s[i] = d.asLong();
        }
        return s;
    }

    /** The tensor's data, flattened row-major (nested arrays are allowed), checked against the shape. */
    private static List<JsonNode> data(JsonNode tensor, String name, long expected) {
        JsonNode data = tensor.get("data");
        if (data == null) {
            throw HttpError.badRequest("input '" + name + "' has no 'data'");
        }
        List<JsonNode> flat = new ArrayList<>();
        flatten(data, flat, expected, name);
        if (flat.size() != expected) {
            throw HttpError.badRequest("input '" + name + "' has " + flat.size() + " data values; its shape needs "
                    + expected);
        }
        return flat;
    }

    private static void flatten(JsonNode node, List<JsonNode> out, long limit, String name) {
        if (node.isArray()) {
            for (JsonNode n : node) {
                flatten(n, out, limit, name);
            }
        } else {
            if (out.size() >= limit) {
                throw HttpError.badRequest("input '" + name + "' has more data values than its shape's " + limit);
            }
            out.add(node);
        }
    }

    // ---- TensorFlow-Serving :predict ---------------------------------------------------------

    /** The rows of a {@code :predict} request: {@code instances} (row format) or {@code inputs} (columnar). */
    List<Object[]> fromTfServing(JsonNode body) {
        JsonNode instances = body.get("instances");
        JsonNode inputs = body.get("inputs");
        if (instances != null && inputs != null) {
            throw HttpError.badRequest("give 'instances' (row format) or 'inputs' (columnar format), not both");
        }
        if (instances != null) {
            if (!instances.isArray() || instances.isEmpty()) {
                throw HttpError.badRequest("'instances' must be a non-empty array");
            }
            List<Object[]> rows = new ArrayList<>(instances.size());
            for (int r = 0; r < instances.size(); r++) {
                rows.add(instance(instances.get(r), "instances[" + r + "]"));
            }
            return rows;
        }
        if (inputs == null) {
            throw HttpError.badRequest("the body needs 'instances' (a list of rows) or 'inputs' (columns by feature)");
        }
        if (inputs.isArray()) {
            com.fasterxml.jackson.databind.node.ObjectNode rows = com.fasterxml.jackson.databind.node.JsonNodeFactory
                    .instance.objectNode();
            rows.set("instances", inputs);
            return fromTfServing(rows);
        }
        if (!inputs.isObject()) {
            throw HttpError.badRequest("'inputs' must be an object of columns by feature name, or a list of rows");
        }
        int rows = -1;
        Object[][] values = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = inputs.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> column = it.next();
            int f = feature(column.getKey(), "inputs");
            JsonNode data = column.getValue();
            if (!data.isArray()) {
                throw HttpError.badRequest("inputs." + column.getKey() + " must be a list with one value per row");
            }
            if (rows < 0) {
                rows = data.size();
                if (rows == 0) {
                    throw HttpError.badRequest("inputs." + column.getKey() + " is empty");
                }
                values = new Object[rows][features.size()];
            } else if (data.size() != rows) {
                throw HttpError.badRequest("inputs." + column.getKey() + " has " + data.size() + " values; other "
                        + "columns have " + rows);
            }
            for (int r = 0; r < rows; r++) {
                try {
                    values[r][f] = value(features.get(f), data.get(r));
                } catch (Refused e) {
                    throw e.at("inputs." + column.getKey() + "[" + r + "]");
                }
            }
        }
        if (values == null) {
            throw HttpError.badRequest("'inputs' has no columns; the model's features are " + names());
        }
        return rowsOf(values);
    }

    private Object[] instance(JsonNode node, String where) {
        if (node.isObject()) {
            return record(node, where);
        }
        if (node.isArray()) {
            if (node.size() != features.size()) {
                throw HttpError.badRequest(where + " has " + node.size() + " values; the model has " + features.size()
                        + " features " + names());
            }
            Object[] row = new Object[features.size()];
            for (int f = 0; f < row.length; f++) {
                try {
                    row[f] = value(features.get(f), node.get(f));
                } catch (Refused e) {
                    throw e.at(where + "[" + f + "] (feature '" + features.get(f).name() + "')");
                }
            }
            return row;
        }
        if (features.size() == 1) {
            try {
                return new Object[] {value(features.get(0), node)};
            } catch (Refused e) {
                throw e.at(where);
            }
        }
        throw HttpError.badRequest(where + " must be an object of values by feature name or a list of "
                + features.size() + " values");
    }

    // ---- typed JSON ----------------------------------------------------------------------------

    /**
     * The rows of a typed request: one record (an object of values by feature name), a list of
     * records, or {@code {"records": [...]}}. Returns null for the single-record form's marker.
     */
    List<Object[]> fromRecords(JsonNode body, boolean[] single) {
        JsonNode records = body;
        if (body.isObject() && body.has("records") && !index.containsKey("records")) {
            records = body.get("records");
        } else if (body.isObject()) {
            single[0] = true;
            return List.<Object[]>of(record(body, "record"));
        }
        if (!records.isArray() || records.isEmpty()) {
            throw HttpError.badRequest("'records' must be a non-empty list of objects of values by feature name");
        }
        List<Object[]> rows = new ArrayList<>(records.size());
        for (int r = 0; r < records.size(); r++) {
            JsonNode rec = records.get(r);
            if (!rec.isObject()) {
                throw HttpError.badRequest("records[" + r + "] must be an object of values by feature name");
            }
            rows.add(record(rec, "records[" + r + "]"));
        }
        return rows;
    }

    private Object[] record(JsonNode node, String where) {
        Object[] row = new Object[features.size()];
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            int f = feature(field.getKey(), where);
            try {
                row[f] = value(features.get(f), field.getValue());
            } catch (Refused e) {
                throw e.at(where + "." + field.getKey());
            }
        }
        return row;
    }

    private int feature(String name, String where) {
        Integer f = index.get(name);
        if (f == null) {
            throw HttpError.badRequest(where + ": unknown feature '" + name + "'; the model's features are " + names());
        }
        return f;
    }

    // ---- values --------------------------------------------------------------------------------

    /**
     * A value refused for a reason that does not yet say where the value was: callers add the
     * location only then, so that valid requests build no location strings.
     */
    static final class Refused extends RuntimeException {
        Refused(String reason) {
            super(reason, null, false, false);
        }

        HttpError at(String where) {
            return HttpError.badRequest(where + ": " + getMessage());
        }
    }

    /** One JSON value as the feature's typed value; JSON null is a missing value. */
    static Object value(FeatureTransform f, JsonNode v) {
        if (v == null || v.isNull()) {
            if (f.missing() == io.kiln.dsl.Missing.ERROR) {
                throw new Refused("missing, and the model declares missing = ERROR for '"
                        + f.name() + "'");
            }
            return null;
        }
        switch (f.kind()) {
            case NUMERIC -> {
                if (!v.isNumber()) {
                    throw new Refused("must be a number, got " + describe(v));
                }
                double d = v.asDouble();
                if (!Double.isFinite(d)) {
                    throw new Refused("must be a finite number, got " + v.asText());
                }
                return d;
            }
            case TEXT -> {
                if (!v.isTextual()) {
                    throw new Refused("must be a string (a text), got " + describe(v));
                }
                return v.asText();
            }
            case BOOLEAN -> {
                if (v.isBoolean()) {
                    return v.asBoolean();
                }
                if (v.isNumber() && (v.asDouble() == 0 || v.asDouble() == 1)) {
                    return v.asDouble() == 1;
                }
                throw new Refused("must be true or false, got " + describe(v));
            }
            default -> {
                String level;
                if (v.isTextual()) {
                    level = v.asText();
                } else if (v.isIntegralNumber() || v.isBoolean()) {
                    level = v.asText();
                } else {
                    throw new Refused("must be one of " + levels(f) + ", got " + describe(v));
                }
                if (!f.levels().contains(level) || level.equals(FeatureTransform.MISSING_LEVEL)) {
                    throw new Refused("unknown level " + quote(level) + "; expected one of " + levels(f));
                }
                return level;
            }
        }
    }

    static List<String> levels(FeatureTransform f) {
        return f.levels().stream().filter(l -> !l.equals(FeatureTransform.MISSING_LEVEL)).toList();
    }

    private static String describe(JsonNode v) {
        String kind = v.isTextual() ? "the string " : v.isBoolean() ? "the boolean " : v.isArray() ? "a list "
                : v.isObject() ? "an object " : "";
        String text = v.toString();
        return kind + (text.length() > 60 ? text.substring(0, 57) + "..." : text);
    }

    private static String quote(String s) {
        return "\"" + (s.length() > 60 ? s.substring(0, 57) + "..." : s) + "\"";
    }

    private static String text(JsonNode node, String field, String where) {
        if (!node.isObject()) {
            throw HttpError.badRequest(where + " must be an object");
        }
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual()) {
            throw HttpError.badRequest(where + " needs a '" + field + "' string");
        }
        return v.asText();
    }

    private List<String> names() {
        return features.stream().map(FeatureTransform::name).toList();
    }

    private static List<Object[]> rowsOf(Object[][] values) {
        return java.util.Arrays.asList(values);
    }
}
