package io.kiln.runtime.serve;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kiln.runtime.KilnModel;
import io.kiln.runtime.Predictions;
import io.kiln.runtime.ServingFixtures;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The REST server over a real model trained on iris (numeric, categorical and boolean features):
 * the three protocols answer exactly what the model predicts in-process, every malformed request
 * is a 4xx naming what is wrong, and the server keeps serving.
 */
class ServerTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir static Path dir;
    static List<String> lines;
    static KilnModel model;
    static Path modelFile;
    static KilnServer server;
    static String base;

    @BeforeAll
    static void start() throws IOException {
        Path csv = ServingFixtures.writeCsv(dir.resolve("flowers.csv"));
        lines = Files.readAllLines(csv);
        modelFile = ServingFixtures.train(csv, 7, 30, dir.resolve("flowers.kiln"));
        model = KilnModel.load(modelFile);
        server = KilnServer.start(ServerConfig.builder().port(0).maxRequestBytes(64 * 1024).shutdownSeconds(5).build(), null,
                List.of(modelFile), line -> { });
        base = "http://127.0.0.1:" + server.port();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode ok(HttpResponse<String> r) throws IOException {
        assertWithMessage(r.body()).that(r.statusCode()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    /** A typed record of data line i, as JSON. */
    static String record(int i) {
        return recordOf(ServingFixtures.row(lines, i));
    }

    /** A typed row as a JSON record. */
    static String recordOf(Object[] row) {
        StringBuilder b = new StringBuilder("{");
        for (int f = 0; f < row.length; f++) {
            b.append(f == 0 ? "" : ",").append('"').append(ServingFixtures.FEATURES.get(f)).append("\":");
            b.append(row[f] instanceof String s ? "\"" + s + "\"" : String.valueOf(row[f]));
        }
        return b.append('}').toString();
    }

    /** Data lines spread over the three species. */
    static final int[] SAMPLE = {1, 20, 51, 75, 101, 140};

    static Predictions expected(int... dataLines) {
        List<Object[]> rows = new ArrayList<>();
        for (int i : dataLines) {
            rows.add(ServingFixtures.row(lines, i));
        }
        return model.predict(rows);
    }

    @Test
    void healthAndMetadataDescribeTheModel() throws Exception {
        assertThat(ok(get("/v2/health/live")).get("live").asBoolean()).isTrue();
        assertThat(ok(get("/v2/health/ready")).get("ready").asBoolean()).isTrue();
        assertThat(ok(get("/v2")).get("extensions").toString()).contains("model_repository");
        assertThat(ok(get("/v2/models/flowers/ready")).get("ready").asBoolean()).isTrue();
        JsonNode meta = ok(get("/v2/models/flowers"));
        assertThat(meta.get("versions").toString()).isEqualTo("[\"1\"]");
        // categorical features: one tensor per feature, typed
        List<String> inputs = new ArrayList<>();
        meta.get("inputs").forEach(t -> inputs.add(t.get("name").asText() + ":" + t.get("datatype").asText()));
        assertThat(inputs).containsExactly("sepal_length:FP32", "sepal_width:FP32", "petal_length:FP32",
                "petal_width:FP32", "petal_size:BYTES", "wide_sepal:BOOL").inOrder();
        assertThat(meta.get("outputs").toString()).contains("\"probabilities\",\"datatype\":\"FP32\",\"shape\":[-1,3]");
        assertThat(meta.at("/parameters/classes").toString()).isEqualTo("[\"setosa\",\"versicolor\",\"virginica\"]");
        JsonNode status = ok(get("/v1/models/flowers"));
        assertThat(status.at("/model_version_status/0/state").asText()).isEqualTo("AVAILABLE");
    }

    @Test
    void v2InferAnswersWhatTheModelPredicts() throws Exception {
        StringBuilder body = new StringBuilder("{\"id\":\"req-7\",\"inputs\":[");
        for (int f = 0; f < 6; f++) {
            String name = ServingFixtures.FEATURES.get(f);
            String type = f < 4 ? "FP32" : f == 4 ? "BYTES" : "BOOL";
            StringBuilder data = new StringBuilder();
            for (int i : SAMPLE) {
                Object v = ServingFixtures.row(lines, i)[f];
                data.append(data.length() == 0 ? "" : ",").append(v instanceof String s ? "\"" + s + "\"" : v);
            }
            body.append(f == 0 ? "" : ",").append("{\"name\":\"").append(name).append("\",\"shape\":[")
                    .append(SAMPLE.length).append("],\"datatype\":\"").append(type).append("\",\"data\":[")
                    .append(data).append("]}");
        }
        body.append("]}");
        JsonNode r = ok(post("/v2/models/flowers/infer", body.toString()));
        assertThat(r.get("id").asText()).isEqualTo("req-7");
        assertThat(r.at("/parameters/prediction_ids").asText().split(",")).hasLength(SAMPLE.length);
        assertThat(r.get("model_version").asText()).isEqualTo("1");
        Predictions p = expected(SAMPLE);
        JsonNode labels = r.at("/outputs/0");
        JsonNode probabilities = r.at("/outputs/1");
        assertThat(labels.get("name").asText()).isEqualTo("label");
        assertThat(probabilities.get("shape").toString()).isEqualTo("[" + SAMPLE.length + ",3]");
        for (int i = 0; i < SAMPLE.length; i++) {
            assertThat(labels.get("data").get(i).asText()).isEqualTo(p.className(i));
            for (int c = 0; c < 3; c++) {
                assertThat(probabilities.get("data").get(i * 3 + c).asDouble()).isWithin(1e-6).of(p.output(i)[c]);
            }
        }
        // restricted outputs
        JsonNode only = ok(post("/v2/models/flowers/versions/1/infer", body.toString()
                .replace("{\"id\":\"req-7\",", "{\"outputs\":[{\"name\":\"label\"}],")));
        assertThat(only.get("outputs").size()).isEqualTo(1);
        // the predictions are right on these training rows (a trained model, not a constant)
        int right = 0;
        for (int i = 0; i < SAMPLE.length; i++) {
            right += labels.get("data").get(i).asText().equals(species(SAMPLE[i])) ? 1 : 0;
        }
        assertThat(right).isAtLeast(5);
    }

    static String species(int line) {
        return List.of("setosa", "versicolor", "virginica").get(Integer.parseInt(lines.get(line).split(",")[6]));
    }

    @Test
    void tfServingRowAndColumnFormats() throws Exception {
        Predictions p = expected(1, 101);
        // line 1 by name, line 101 positionally
        Object[] r101 = ServingFixtures.row(lines, 101);
        String positional = "[" + r101[0] + "," + r101[1] + "," + r101[2] + "," + r101[3] + ",\"" + r101[4] + "\","
                + r101[5] + "]";
        JsonNode rows = ok(post("/v1/models/flowers:predict", "{\"instances\":[" + record(1) + "," + positional + "]}"));
        assertThat(rows.at("/predictions/0/label").asText()).isEqualTo(p.className(0));
        assertThat(rows.at("/predictions/1/label").asText()).isEqualTo(p.className(1));
        assertThat(rows.at("/predictions/1/probabilities/2").asDouble()).isWithin(1e-9).of(p.output(1)[2]);
        String columns = "{\"inputs\":{\"sepal_length\":[5.1],\"sepal_width\":[3.5],\"petal_length\":[1.4],"
                + "\"petal_width\":[0.2],\"petal_size\":[\"small\"],\"wide_sepal\":[true]}}";
        JsonNode c = ok(post("/v1/models/flowers/versions/1:predict", columns));
        assertThat(c.at("/outputs/label/0").asText()).isEqualTo("setosa");
    }

    @Test
    void typedRouteTakesRecordsByNameAndPublishesItsSchema() throws Exception {
        Predictions p = expected(SAMPLE[4]);
        JsonNode one = ok(post("/kiln/models/flowers/predict", record(SAMPLE[4])));
        assertThat(one.get("label").asText()).isEqualTo(p.className(0));
        assertThat(one.at("/probabilities/" + p.className(0)).asDouble()).isWithin(1e-9)
                .of(p.probabilities(0).get(p.className(0)));
        assertThat(one.get("id").asText()).matches("[0-9a-f]{8}-\\d+");
        JsonNode many = ok(post("/kiln/models/flowers/predict", "{\"records\":[" + record(1) + "," + record(140) + "]}"));
        assertThat(many.get("predictions").size()).isEqualTo(2);
        String first = many.at("/predictions/0/id").asText();
        long sequence = Long.parseLong(first.substring(first.indexOf('-') + 1));
        assertThat(many.at("/predictions/1/id").asText()).isEqualTo(first.substring(0, first.indexOf('-') + 1)
                + (sequence + 1)); // consecutive rows, consecutive ids
        // an absent feature is a missing value, a null too: refused unless the request opts in to imputation
        assertThat(post("/kiln/models/flowers/predict", "{\"sepal_width\":3.0,\"petal_length\":null}").statusCode())
                .isEqualTo(400);
        ok(post("/kiln/models/flowers/predict?impute_missing=true", "{\"sepal_width\":3.0,\"petal_length\":null}"));

        JsonNode api = ok(get("/kiln/openapi.json"));
        assertThat(api.get("openapi").asText()).startsWith("3.");
        JsonNode schema = api.at("/components/schemas/FlowersRecord/properties");
        assertThat(schema.at("/petal_size/enum").toString()).isEqualTo("[\"small\",\"medium\",\"large\"]");
        assertThat(schema.at("/wide_sepal/type").asText()).isEqualTo("boolean");
        assertThat(schema.at("/sepal_width/nullable").asBoolean()).isFalse();
        assertThat(schema.at("/sepal_length/nullable").asBoolean()).isTrue();
        assertThat(api.at("/paths/~1kiln~1models~1flowers~1predict/post/responses/400/description").asText())
                .contains("names the field");
        assertThat(api.at("/components/schemas/FlowersPrediction/properties/label/enum").toString())
                .isEqualTo("[\"setosa\",\"versicolor\",\"virginica\"]");
    }

    /** One malformed request: route, body, expected status and a fragment of the error message. */
    record Bad(String path, String body, int status, String message) {}

    @Test
    void malformedRequestsGetA4xxNamingTheProblemAndTheServerKeepsServing() throws Exception {
        String oneTensor = "{\"inputs\":[{\"name\":\"sepal_length\",\"shape\":[1],\"datatype\":\"FP32\",\"data\":[5.1]},"
                + "{\"name\":\"sepal_width\",\"shape\":[1],\"datatype\":\"FP32\",\"data\":[%s]}]}";
        List<Bad> bad = List.of(
                new Bad("/v2/models/flowers/infer", "{\"inputs\": [", 400, "malformed JSON"),
                new Bad("/v2/models/flowers/infer", "", 400, "no body"),
                new Bad("/v2/models/flowers/infer", "[1,2]", 400, "'inputs' must be a non-empty array"),
                new Bad("/v2/models/flowers/infer", String.format(oneTensor, "\"wide\""), 400,
                        "input 'sepal_width' row 0: must be a number, got the string \"wide\""),
                new Bad("/v2/models/flowers/infer", String.format(oneTensor, "NaN"), 400, "Non-standard token 'NaN'"),
                new Bad("/v2/models/flowers/infer", String.format(oneTensor, "1e400"), 400,
                        "input 'sepal_width' row 0: must be a finite number"),
                new Bad("/v2/models/flowers/infer", String.format(oneTensor, "null"), 400,
                        "missing, and the model declares missing = ERROR for 'sepal_width'"),
                new Bad("/v2/models/flowers/infer", "{\"inputs\":[{\"name\":\"sepal_length\",\"shape\":[2],"
                        + "\"datatype\":\"FP32\",\"data\":[5.1]}]}", 400, "has 1 data values; its shape needs 2"),
                new Bad("/v2/models/flowers/infer", "{\"inputs\":[{\"name\":\"petal_size\",\"shape\":[1],"
                        + "\"datatype\":\"FP32\",\"data\":[1]}]}", 400, "input 'petal_size' has datatype FP32; expected BYTES"),
                new Bad("/v2/models/flowers/infer", "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,6],"
                        + "\"datatype\":\"FP32\",\"data\":[1,2,3,4,5,6]}]}", 400, "has categorical features"),
                new Bad("/v2/models/flowers/infer", "{\"inputs\":[{\"name\":\"sepal_length\",\"shape\":[1],"
                        + "\"datatype\":\"FP32\",\"data\":[1]}],\"outputs\":[{\"name\":\"logits\"}]}", 400,
                        "unknown output"),
                new Bad("/kiln/models/flowers/predict", "{\"sepal_width\":3,\"petal_size\":\"huge\"}", 400,
                        "record.petal_size: unknown level \"huge\"; expected one of [small, medium, large]"),
                new Bad("/kiln/models/flowers/predict", "{\"sepal_width\":3,\"wide_sepal\":\"yes\"}", 400,
                        "record.wide_sepal: must be true or false"),
                new Bad("/kiln/models/flowers/predict", "{\"sepal_width\":3,\"petal_lenght\":1}", 400,
                        "unknown feature 'petal_lenght'"),
                new Bad("/kiln/models/flowers/predict", "{\"records\":[]}", 400, "non-empty list"),
                new Bad("/kiln/models/flowers/predict", "{\"sepal_width\":3} 42", 400, "malformed JSON: Trailing token"),
                new Bad("/kiln/models/flowers/predict?impute_missing=true", "{\"sepal_width\":3,\"sepal_length\":1e300}", 400,
                        "'sepal_length' is 1.0E300, beyond the range of the network's 32-bit inputs once scaled"),
                new Bad("/kiln/models/flowers/predict", "{\"records\":[" + record(1) + ",{\"sepal_width\":[1]}]}", 400,
                        "records[1].sepal_width: must be a number, got a list"),
                new Bad("/v1/models/flowers:predict", "{\"instances\":[[1,2,3]]}", 400,
                        "instances[0] has 3 values; the model has 6 features"),
                new Bad("/v1/models/flowers:predict", "{\"rows\":[]}", 400, "needs 'instances'"),
                new Bad("/v1/models/flowers:predict", "{\"inputs\":{\"sepal_width\":[3,4],\"sepal_length\":[1]}}",
                        400, "inputs.sepal_length has 1 values; other columns have 2"),
                new Bad("/v2/models/iris/infer", "{}", 404, "Unknown model 'iris'; this server serves [flowers]"),
                new Bad("/v2/models/flowers/versions/9/infer", "{}", 404, "no loaded version 9"),
                new Bad("/v2/models/flowers/versions/x/infer", "{}", 400, "Version 'x' is not a number"),
                new Bad("/v3/anything", "{}", 404, "No route POST /v3/anything"),
                new Bad("/v2/models/flowers", "{}", 405, "use GET"),
                new Bad("/kiln/models/flowers/traffic", "{\"split\":{\"1\":60}}", 405, "use GET or PUT"),
                new Bad("/v2/models/flowers/infer", "{\"inputs\":[{\"name\":\"x\",\"shape\":[1],\"datatype\":\"FP32\","
                        + "\"data\":[" + "1,".repeat(40_000) + "1]}]}", 413, "at most 65536"));
        for (Bad b : bad) {
            HttpResponse<String> r = post(b.path(), b.body());
            assertWithMessage(b.path() + " " + abbreviate(b.body()) + " -> " + r.body()).that(r.statusCode())
                    .isEqualTo(b.status());
            assertWithMessage(b.path() + " " + abbreviate(b.body())).that(JSON.readTree(r.body()).get("error").asText())
                    .contains(b.message());
            assertThat(r.headers().firstValue("Content-Type").orElse("")).isEqualTo("application/json");
        }
        // still serving, correctly
        assertThat(ok(post("/kiln/models/flowers/predict", record(1))).get("label").asText())
                .isEqualTo(expected(1).className(0));
        // a NaN smuggled as a string is refused as a string
        HttpResponse<String> r = post("/kiln/models/flowers/predict", "{\"sepal_width\":\"NaN\"}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("record.sepal_width: must be a number, got the string \\\"NaN\\\"");
    }

    @Test
    void anOversizedChunkedBodyIsAnswered413() throws Exception {
        byte[] big = ("{\"records\":[" + (record(1) + ",").repeat(2000) + record(1) + "]}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(big.length).isGreaterThan(64 * 1024);
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/kiln/models/flowers/predict"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big))).build(),
                HttpResponse.BodyHandlers.ofString()); // no Content-Length: chunked
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(r.body()).contains("larger than this server's limit of 65536 bytes");
        ok(post("/kiln/models/flowers/predict", record(1)));
    }

    @Test
    void metricsCountRequestsByModelVersionAndStatus() throws Exception {
        ok(post("/kiln/models/flowers/predict", record(1)));
        post("/kiln/models/flowers/predict", "{\"petal_size\":\"huge\"}");
        HttpResponse<String> m = get("/metrics");
        assertThat(m.statusCode()).isEqualTo(200);
        assertThat(m.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        String text = m.body();
        assertThat(text).contains("kiln_requests_total{model=\"flowers\",protocol=\"kiln\",status=\"200\",version=\"1\"}");
        assertThat(text).contains("kiln_requests_total{model=\"flowers\",protocol=\"kiln\",status=\"400\",version=\"1\"}");
        assertThat(text).contains("kiln_request_duration_seconds_bucket{model=\"flowers\",protocol=\"kiln\",version=\"1\",le=\"0.005\"}");
        assertThat(text).containsMatch("kiln_predictions_total\\{class=\"setosa\",model=\"flowers\",version=\"1\"\\} [1-9]");
        assertThat(text).containsMatch("kiln_batch_rows_count\\{model=\"flowers\",version=\"1\"\\} [1-9]");
        assertThat(text).contains("kiln_model_loaded_timestamp_seconds{model=\"flowers\",version=\"1\"}");
    }

    @Test
    void bindsToLoopbackByDefault() {
        assertThat(ServerConfig.defaults().host()).isEqualTo("127.0.0.1");
    }

    static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }
}
