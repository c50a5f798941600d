package io.kiln.runtime.serve;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kiln.dsl.Missing;
import io.kiln.dsl.Scaling;
import io.kiln.dsl.Task;
import io.kiln.runtime.CsvSource;
import io.kiln.runtime.FeatureSchema;
import io.kiln.runtime.FitSettings;
import io.kiln.runtime.KilnModel;
import io.kiln.runtime.LabelCoding;
import io.kiln.runtime.LabelSchema;
import io.kiln.runtime.ModelDefinition;
import io.kiln.runtime.ServingFixtures;
import io.kiln.runtime.TrainOptions;
import io.kiln.runtime.Trainer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The server's protocol contract: bounded body reads, 100-continue, the imputation opt-in, the
 * Open Inference Protocol v2 and TensorFlow-Serving details, Kiln's OpenAPI document checked
 * against real answers, readiness and the fallback to an older loadable version.
 */
class ServerProtocolTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    static final String TOKEN = "a-test-token-0123456789";

    @TempDir static Path dir;
    static List<String> lines;
    static Path flowers;
    static Path numeric;
    static KilnServer server;

    @BeforeAll
    static void start() throws IOException {
        Path csv = ServingFixtures.writeCsv(dir.resolve("flowers.csv"));
        lines = Files.readAllLines(csv);
        flowers = ServingFixtures.train(csv, 7, 30, dir.resolve("flowers.kiln"));
        numeric = trainNumeric(csv, dir.resolve("numeric.kiln"));
        server = KilnServer.start(ServerConfig.builder().port(0).maxRequestBytes(256 * 1024).shutdownSeconds(2)
                .build(), null, List.of(flowers, numeric), line -> { });
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** Iris with the four numeric features only: a model that takes one [N, 4] tensor. */
    static Path trainNumeric(Path csv, Path file) throws IOException {
        ModelDefinition.Builder b = ModelDefinition.builder("numeric", Task.MULTICLASS_CLASSIFICATION)
                .data(CsvSource.file(csv));
        for (String c : ServingFixtures.FEATURES.subList(0, 4)) {
            b.feature(FeatureSchema.numeric(c, c, Scaling.STANDARDIZE, Missing.MEAN, ""));
        }
        ModelDefinition d = b.label(new LabelSchema("species", LabelCoding.INDEX, List.of("label"),
                        List.of("setosa", "versicolor", "virginica")))
                .fit(new FitSettings(5, 16, 3)).outputActivationIsIdentity(false)
                .network((n, seed) -> new NeuralNetConfiguration.Builder().seed(seed).updater(new Adam(0.01)).list()
                        .layer(new DenseLayer.Builder().nOut(8).activation(Activation.RELU).build())
                        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                                .activation(Activation.SOFTMAX).build())
                        .setInputType(InputType.feedForward(n)).build())
                .build();
        Trainer.train(d, TrainOptions.defaults().quiet().references(false)).model().save(file);
        return file;
    }

    static String base(KilnServer s) {
        return "http://127.0.0.1:" + s.port();
    }

    static HttpResponse<String> send(KilnServer s, String method, String path, String body, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base(s) + path)).timeout(Duration.ofSeconds(3))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        return send(server, "POST", path, body, "Content-Type", "application/json");
    }

    static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(server, "GET", path, null);
    }

    static JsonNode status(HttpResponse<String> r, int status) throws IOException {
        assertWithMessage(r.uri() + " -> " + r.body()).that(r.statusCode()).isEqualTo(status);
        assertWithMessage(r.uri() + " Content-Type").that(r.headers().firstValue("Content-Type").orElse(""))
                .startsWith("application/json");
        JsonNode body = JSON.readTree(r.body());
        if (status >= 400 && !r.uri().getPath().equals("/v2/health/ready")) {
            assertWithMessage(r.body()).that(body.get("error").isTextual()).isTrue();
            assertWithMessage(r.body()).that(body.size()).isEqualTo(1);
        }
        return body;
    }

    static String record(int line) {
        return ServerTest.recordOf(ServingFixtures.row(lines, line));
    }

    static String tensor(String name, String datatype, String shape, String data) {
        return "{\"name\":\"" + name + "\",\"datatype\":\"" + datatype + "\",\"shape\":" + shape + ",\"data\":" + data
                + "}";
    }

    /** A v2 request of every flowers feature, one row per data line. */
    static String v2Flowers(int... dataLines) {
        List<String> tensors = new ArrayList<>();
        for (int f = 0; f < 6; f++) {
            String type = f < 4 ? "FP32" : f == 4 ? "BYTES" : "BOOL";
            List<String> data = new ArrayList<>();
            for (int i : dataLines) {
                Object v = ServingFixtures.row(lines, i)[f];
                data.add(v instanceof String s ? "\"" + s + "\"" : String.valueOf(v));
            }
            tensors.add(tensor(ServingFixtures.FEATURES.get(f), type, "[" + dataLines.length + "]", data.toString()));
        }
        return "{\"inputs\":" + tensors + "}";
    }

    // ---- bounded body reads ----------------------------------------------------------------------

    /** Sends a request's head and then one body byte every 100 ms until stopped. */
    static Socket trickle(int port, String path, String extraHeaders, AtomicBoolean stop) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(5000);
        OutputStream out = socket.getOutputStream();
        out.write(("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n" + extraHeaders
                + "Content-Length: 100000\r\n\r\n{").getBytes(StandardCharsets.UTF_8));
        out.flush();
        Thread t = new Thread(() -> {
            try {
                while (!stop.get()) {
                    Thread.sleep(100);
                    out.write(' ');
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // closed by the server: what a timeout does
            }
        });
        t.setDaemon(true);
        t.start();
        return socket;
    }

    /** What the server sends on a socket until it closes it (or 5 s pass), and when it closed. */
    record Received(String text, boolean closed, long millis) {}

    static Received receive(Socket socket, long since) throws IOException {
        InputStream in = socket.getInputStream();
        StringBuilder b = new StringBuilder();
        boolean closed = false;
        try {
            for (int c; ; ) {
                try {
                    c = in.read();
                } catch (java.net.SocketException reset) {
                    closed = true;
                    break;
                }
                if (c < 0) {
                    closed = true;
                    break;
                }
                b.append((char) c);
            }
        } catch (SocketTimeoutException e) {
            // still open after 5 s
        }
        return new Received(b.toString(), closed, (System.nanoTime() - since) / 1_000_000);
    }

    @Test
    void slowRequestBodiesAreTimedOutWhileOtherClientsAreServedPromptly() throws Exception {
        try (KilnServer s = KilnServer.start(ServerConfig.builder().port(0).token(TOKEN).workerThreads(4)
                .bodyTimeoutMillis(1500).shutdownSeconds(1).build(), null, List.of(flowers), line -> { })) {
            AtomicBoolean stop = new AtomicBoolean();
            long started = System.nanoTime();
            List<Socket> unauthorized = new ArrayList<>();
            List<Socket> authorized = new ArrayList<>();
            try {
                for (int i = 0; i < 6; i++) { // more slow clients than worker threads
                    unauthorized.add(trickle(s.port(), "/v2/models/flowers/infer", "", stop));
                }
                for (int i = 0; i < 2; i++) {
                    authorized.add(trickle(s.port(), "/kiln/models/flowers/predict",
                            "Authorization: Bearer " + TOKEN + "\r\n", stop));
                }
                Thread.sleep(400);
                for (String path : new String[] {"/v2/health/ready", "/v2/health/live", "/metrics", "/v2/models/flowers",
                        "/v2"}) {
                    long t0 = System.nanoTime();
                    HttpResponse<String> r = send(s, "GET", path, null, "Authorization", "Bearer " + TOKEN);
                    long ms = (System.nanoTime() - t0) / 1_000_000;
                    assertWithMessage(path).that(r.statusCode()).isEqualTo(200);
                    assertWithMessage(path + " took " + ms + " ms").that(ms).isLessThan(500L);
                }
                // a complete request is answered as usual meanwhile
                assertThat(send(s, "POST", "/kiln/models/flowers/predict", record(1), "Authorization",
                        "Bearer " + TOKEN).statusCode()).isEqualTo(200);
                for (Socket a : authorized) {
                    Received r = receive(a, started);
                    assertWithMessage(r.text()).that(r.text()).startsWith("HTTP/1.1 408");
                    assertThat(r.text()).contains("the request body did not arrive within 1500 ms");
                    assertThat(r.closed()).isTrue();
                    assertWithMessage("closed after " + r.millis() + " ms").that(r.millis()).isIn(
                            com.google.common.collect.Range.closed(1400L, 3000L));
                }
                for (Socket u : unauthorized) {
                    Received r = receive(u, started);
                    assertWithMessage(r.text()).that(r.text()).startsWith("HTTP/1.1 401");
                    assertThat(r.closed()).isTrue();
                    assertWithMessage("closed after " + r.millis() + " ms").that(r.millis()).isLessThan(3000L);
                }
            } finally {
                stop.set(true);
                for (Socket x : unauthorized) {
                    x.close();
                }
                for (Socket x : authorized) {
                    x.close();
                }
            }
        }
    }

    @Test
    void anIdleConnectionIsClosed() throws Exception {
        try (KilnServer s = KilnServer.start(ServerConfig.builder().port(0).idleTimeoutMillis(500).shutdownSeconds(1)
                .build(), null, List.of(flowers), line -> { });
                Socket socket = new Socket("127.0.0.1", s.port())) {
            socket.setSoTimeout(5000);
            long t0 = System.nanoTime();
            Received r = receive(socket, t0);
            assertThat(r.closed()).isTrue();
            assertThat(r.millis()).isLessThan(2500L);
        }
    }

    // ---- 100-continue ----------------------------------------------------------------------------

    @Test
    void expectContinueIsAnsweredAtOnce() throws Exception {
        StringBuilder big = new StringBuilder("{\"records\":[");
        for (int i = 0; i < 600; i++) {
            big.append(i == 0 ? "" : ",").append(record(1 + i % 150));
        }
        String large = big.append("]}").toString();
        assertThat(large.length()).isGreaterThan(RequestIntake.IO_THREAD_BODY_BYTES); // read by a worker thread
        for (String body : new String[] {record(1), large}) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            try (Socket socket = new Socket("127.0.0.1", server.port())) {
                socket.setSoTimeout(1500);
                long t0 = System.nanoTime();
                OutputStream out = socket.getOutputStream();
                out.write(("POST /kiln/models/flowers/predict HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
                        + "application/json\r\nExpect: 100-continue\r\nContent-Length: " + bytes.length + "\r\n\r\n")
                        .getBytes(StandardCharsets.UTF_8));
                out.flush();
                InputStream in = socket.getInputStream();
                String interim = new String(readHead(in), StandardCharsets.US_ASCII);
                assertThat(interim).startsWith("HTTP/1.1 100");
                out.write(bytes);
                out.flush();
                String response = ServerOperationsTest.read(in);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertThat(response).startsWith("HTTP/1.1 200");
                assertWithMessage("took " + ms + " ms").that(ms).isLessThan(600L);
            }
        }
    }

    static byte[] readHead(InputStream in) throws IOException {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        while (!b.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            b.write(c);
        }
        return b.toByteArray();
    }

    // ---- missing inputs --------------------------------------------------------------------------

    @Test
    void missingInputsAreRefusedUnlessTheRequestOptsInToImputation() throws Exception {
        // typed route
        String error = status(post("/kiln/models/flowers/predict", "{}"), 400).get("error").asText();
        assertThat(error).contains("record: missing values for sepal_length, sepal_width, petal_length, petal_width, "
                + "petal_size, wide_sepal");
        assertThat(error).contains("impute_missing=true");
        error = status(post("/kiln/models/flowers/predict", "{\"records\":[" + record(1)
                + ",{\"sepal_width\":3.0,\"petal_length\":null}]}"), 400).get("error").asText();
        assertThat(error).contains("records[1]: missing values for sepal_length, petal_length, petal_width");
        JsonNode one = status(post("/kiln/models/flowers/predict?impute_missing=true",
                "{\"sepal_width\":3.0,\"petal_length\":null}"), 200);
        assertThat(one.get("imputed").toString()).isEqualTo(
                "[\"sepal_length\",\"petal_length\",\"petal_width\",\"petal_size\",\"wide_sepal\"]");
        JsonNode complete = status(post("/kiln/models/flowers/predict?impute_missing=true", record(1)), 200);
        assertThat(complete.has("imputed")).isFalse();
        JsonNode many = status(post("/kiln/models/flowers/predict?impute_missing=true", "{\"records\":[" + record(1)
                + ",{\"sepal_width\":3.0,\"sepal_length\":5,\"petal_length\":1.4,\"petal_width\":0.2,"
                + "\"petal_size\":\"small\"}]}"), 200);
        assertThat(many.at("/predictions/0").has("imputed")).isFalse();
        assertThat(many.at("/predictions/1/imputed").toString()).isEqualTo("[\"wide_sepal\"]");
        // a feature declared missing = ERROR is never imputed
        assertThat(status(post("/kiln/models/flowers/predict?impute_missing=true", "{\"sepal_length\":5}"), 400)
                .get("error").asText()).contains("missing = ERROR for 'sepal_width'");
        assertThat(status(post("/kiln/models/flowers/predict?impute_missing=yes", record(1)), 400).get("error")
                .asText()).contains("impute_missing must be true or false");

        // v2: a feature's tensor left out, or a null value
        String partial = "{\"inputs\":[" + tensor("sepal_length", "FP32", "[1]", "[5.1]") + ","
                + tensor("sepal_width", "FP32", "[1]", "[3.5]") + "]%s}";
        error = status(post("/v2/models/flowers/infer", String.format(partial, "")), 400).get("error").asText();
        assertThat(error).contains("row 0: missing values for petal_length, petal_width, petal_size, wide_sepal");
        assertThat(error).contains("\"impute_missing\": true");
        JsonNode v2 = status(post("/v2/models/flowers/infer", String.format(partial,
                ",\"parameters\":{\"impute_missing\":true}")), 200);
        assertThat(v2.at("/parameters/imputed_features").asText())
                .isEqualTo("petal_length,petal_width,petal_size,wide_sepal");
        assertThat(status(post("/v2/models/numeric/infer", "{\"inputs\":[" + tensor("input", "FP32", "[1,4]",
                "[5.1,null,1.4,0.2]") + "]}"), 400).get("error").asText()).contains("missing values for sepal_width");
        assertThat(status(post("/v2/models/numeric/infer", "{\"inputs\":[" + tensor("input", "FP32", "[1,4]",
                "[5.1,null,1.4,0.2]") + "],\"parameters\":{\"impute_missing\":true}}"), 200)
                .at("/parameters/imputed_features").asText()).isEqualTo("sepal_width");

        // TF Serving
        error = status(post("/v1/models/flowers:predict", "{\"instances\":[{\"sepal_width\":3.0}]}"), 400)
                .get("error").asText();
        assertThat(error).contains("instances[0]: missing values for sepal_length, petal_length");
        assertThat(error).contains("?impute_missing=true");
        JsonNode v1 = status(post("/v1/models/flowers:predict?impute_missing=true",
                "{\"instances\":[{\"sepal_width\":3.0}]}"), 200);
        assertThat(v1.get("imputed_features").toString()).isEqualTo(
                "[[\"sepal_length\",\"petal_length\",\"petal_width\",\"petal_size\",\"wide_sepal\"]]");
        assertThat(v1.at("/predictions/0/label").isTextual()).isTrue();
        assertThat(status(post("/v1/models/flowers:predict", "{\"instances\":[" + record(1) + "]}"), 200)
                .has("imputed_features")).isFalse();
    }

    // ---- Open Inference Protocol v2 --------------------------------------------------------------

    @Test
    void v2AnswersFollowTheProtocol() throws Exception {
        JsonNode r = status(post("/v2/models/flowers/infer", v2Flowers(1, 60, 120)), 200);
        checkV2Response(r, 3);
        // parameters hold scalars only: the prediction ids are one comma-separated string
        String[] ids = r.at("/parameters/prediction_ids").asText().split(",");
        assertThat(ids).hasLength(3);
        JsonNode recorded = status(post("/kiln/models/flowers/outcomes", "{\"outcomes\":[{\"id\":\"" + ids[0]
                + "\",\"label\":\"setosa\"},{\"id\":\"" + ids[2] + "\",\"label\":\"virginica\"}]}"), 200);
        assertThat(recorded.get("recorded").asInt()).isEqualTo(2);
        checkV2Response(status(post("/v2/models/numeric/infer", "{\"inputs\":[" + tensor("input", "FP32", "[2,4]",
                "[[5.1,3.5,1.4,0.2],[6.7,3.0,5.2,2.3]]") + "]}"), 200), 2);
        // integer datatypes are accepted within their range
        checkV2Response(status(post("/v2/models/numeric/infer", "{\"inputs\":[" + tensor("input", "INT64", "[1,4]",
                "[5,3,1,0]") + "]}"), 200), 1);

        // metadata
        JsonNode meta = status(get("/v2/models/numeric"), 200);
        assertThat(meta.get("name").asText()).isEqualTo("numeric");
        assertThat(meta.get("versions").isArray()).isTrue();
        assertThat(meta.get("platform").isTextual()).isTrue();
        for (JsonNode t : meta.get("inputs")) {
            assertThat(t.get("name").isTextual()).isTrue();
            assertThat(t.get("datatype").isTextual()).isTrue();
            assertThat(t.get("shape").isArray()).isTrue();
        }
        assertThat(meta.at("/parameters/task").asText()).isEqualTo("multiclass_classification");
    }

    static void checkV2Response(JsonNode r, int rows) {
        assertThat(r.get("model_name").isTextual()).isTrue();
        assertThat(r.get("model_version").isTextual()).isTrue();
        assertThat(r.get("id").isTextual()).isTrue();
        assertScalarParameters(r.get("parameters"), "response");
        assertThat(r.get("outputs").isArray()).isTrue();
        for (JsonNode o : r.get("outputs")) {
            assertThat(o.get("name").isTextual()).isTrue();
            String type = o.get("datatype").asText();
            assertThat(type).isAnyOf("BYTES", "FP32");
            long n = 1;
            for (JsonNode d : o.get("shape")) {
                assertThat(d.isIntegralNumber()).isTrue();
                n *= d.asLong();
            }
            assertThat(o.get("shape").get(0).asInt()).isEqualTo(rows);
            assertThat((long) o.get("data").size()).isEqualTo(n);
            for (JsonNode v : o.get("data")) {
                assertThat(type.equals("BYTES") ? v.isTextual() : v.isNumber()).isTrue();
            }
            if (o.has("parameters")) {
                assertScalarParameters(o.get("parameters"), "output");
            }
        }
    }

    /** The protocol's parameters: an object whose values are strings, numbers or booleans. */
    static void assertScalarParameters(JsonNode parameters, String where) {
        if (parameters == null) {
            return;
        }
        assertThat(parameters.isObject()).isTrue();
        for (Iterator<Map.Entry<String, JsonNode>> it = parameters.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> p = it.next();
            assertWithMessage(where + " parameter " + p.getKey()).that(p.getValue().isValueNode()
                    && !p.getValue().isNull()).isTrue();
        }
    }

    @Test
    void v2RefusalsNameTheFault() throws Exception {
        String matrix = tensor("input", "FP32", "[1,4]", "[5.1,3.5,1.4,0.2]");
        // the extra tensor is the fault, not the valid one
        String error = status(post("/v2/models/numeric/infer", "{\"inputs\":[" + matrix + ","
                + tensor("extra", "FP32", "[1]", "[1]") + "]}"), 400).get("error").asText();
        assertThat(error).contains("unknown input 'extra'");
        assertThat(error).doesNotContain("'input'; ");
        error = status(post("/v2/models/flowers/infer", "{\"inputs\":[" + tensor("sepal_length", "FP32", "[1]", "[5]")
                + "," + tensor("bogus", "FP32", "[1]", "[1]") + "]}"), 400).get("error").asText();
        assertThat(error).contains("unknown input 'bogus'");
        // integer datatypes are range-checked
        assertThat(status(post("/v2/models/numeric/infer", "{\"inputs\":[" + tensor("input", "UINT8", "[1,4]",
                "[500,3,1,0]") + "]}"), 400).get("error").asText()).contains("500 is outside UINT8's range 0..255");
        assertThat(status(post("/v2/models/numeric/infer", "{\"inputs\":[" + tensor("input", "INT64", "[1,4]",
                "[5.1,3,1,0]") + "]}"), 400).get("error").asText()).contains("5.1 is not an integer, as INT64 requires");
        assertThat(status(post("/v2/models/flowers/infer", "{\"inputs\":[" + tensor("sepal_length", "INT8", "[1]",
                "[-129]") + "]}"), 400).get("error").asText()).contains("-129 is outside INT8's range -128..127");
        // the binary tensor extension
        HttpResponse<String> binary = send(server, "POST", "/v2/models/numeric/infer",
                "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,4],\"datatype\":\"FP32\",\"parameters\":"
                        + "{\"binary_data_size\":16}}]}\u00a3\u0001\u0002\u0003garbage",
                "Content-Type", "application/octet-stream", "Inference-Header-Content-Length", "96");
        assertThat(status(binary, 400).get("error").asText())
                .isEqualTo("binary tensor data is not supported; send JSON (\"data\" in each tensor)");
        // media types
        HttpResponse<String> text = send(server, "POST", "/v2/models/numeric/infer", "{\"inputs\":[" + matrix + "]}",
                "Content-Type", "text/plain");
        assertThat(status(text, 415).get("error").asText()).contains("Content-Type text/plain; send application/json");
        status(send(server, "POST", "/v2/models/numeric/infer", "{\"inputs\":[" + matrix + "]}",
                "Content-Type", "application/json; charset=utf-8"), 200);
        status(send(server, "POST", "/v2/models/numeric/infer", "{\"inputs\":[" + matrix + "]}"), 200); // none given
        // 405 with Allow
        HttpResponse<String> wrong = get("/v2/models/numeric/infer");
        status(wrong, 405);
        assertThat(wrong.headers().firstValue("Allow").orElse("")).isEqualTo("POST");
        HttpResponse<String> wrong2 = send(server, "DELETE", "/kiln/models/flowers/traffic", null);
        status(wrong2, 405);
        assertThat(wrong2.headers().firstValue("Allow").orElse("")).isEqualTo("GET, PUT");
        // no parser internals in the messages
        for (String bad : new String[] {"[".repeat(80) + "]".repeat(80), "{\"inputs\":[NaN]}",
                "{\"inputs\":[" + "1".repeat(150) + "]}", "\u00a3", "{\"a\":1}{", "{\"inputs\": tru}"}) {
            String message = status(post("/v2/models/numeric/infer", bad), 400).get("error").asText();
            assertWithMessage(message).that(message).startsWith("malformed JSON: ");
            for (String internal : new String[] {"`", "Jackson", "StreamReadConstraints", "JsonReadFeature",
                    "com.fasterxml", "Source:", "(byte[])"}) {
                assertWithMessage(message).that(message).doesNotContain(internal);
            }
        }
    }

    // ---- TensorFlow Serving ----------------------------------------------------------------------

    @Test
    void tfServingRoutesFollowTheRestApi() throws Exception {
        // columnar input given as a list answers columnar outputs
        JsonNode listed = status(post("/v1/models/flowers:predict", "{\"inputs\":[" + record(1) + "," + record(120)
                + "]}"), 200);
        assertThat(listed.has("predictions")).isFalse();
        assertThat(listed.at("/outputs/label").size()).isEqualTo(2);
        assertThat(listed.at("/outputs/probabilities/0").size()).isEqualTo(3);
        JsonNode rows = status(post("/v1/models/flowers:predict", "{\"signature_name\":\"serving_default\","
                + "\"instances\":[" + record(1) + "]}"), 200);
        assertThat(rows.at("/predictions/0/label").isTextual()).isTrue();
        assertThat(rows.at("/predictions/0/probabilities").size()).isEqualTo(3);
        assertThat(status(post("/v1/models/flowers:predict", "{\"signature_name\":\"scores\",\"instances\":["
                + record(1) + "]}"), 400).get("error").asText())
                .contains("unknown signature_name 'scores'; this model has one signature, 'serving_default'");

        // metadata
        for (String path : new String[] {"/v1/models/flowers/metadata", "/v1/models/flowers/versions/1/metadata"}) {
            JsonNode meta = status(get(path), 200);
            assertThat(meta.at("/model_spec/name").asText()).isEqualTo("flowers");
            assertThat(meta.at("/model_spec/version").asText()).isEqualTo("1");
            JsonNode signature = meta.at("/metadata/signature_def/signature_def/serving_default");
            assertThat(signature.get("method_name").asText()).isEqualTo("tensorflow/serving/predict");
            List<String> inputs = new ArrayList<>();
            signature.get("inputs").fieldNames().forEachRemaining(inputs::add);
            assertThat(inputs).containsExactlyElementsIn(ServingFixtures.FEATURES);
            assertThat(signature.at("/inputs/petal_size/dtype").asText()).isEqualTo("DT_STRING");
            assertThat(signature.at("/inputs/sepal_length/dtype").asText()).isEqualTo("DT_FLOAT");
            assertThat(signature.at("/inputs/wide_sepal/dtype").asText()).isEqualTo("DT_BOOL");
            assertThat(signature.at("/outputs/probabilities/tensor_shape/dim/1/size").asText()).isEqualTo("3");
        }
        // classify: examples (with a shared context) to [class, score] pairs
        JsonNode classified = status(post("/v1/models/flowers:classify", "{\"context\":{\"wide_sepal\":true},"
                + "\"examples\":[{\"sepal_length\":5.1,\"sepal_width\":3.5,\"petal_length\":1.4,\"petal_width\":0.2,"
                + "\"petal_size\":\"small\"}]}"), 200);
        JsonNode pairs = classified.at("/results/0");
        assertThat(pairs.size()).isEqualTo(3);
        double sum = 0;
        for (JsonNode pair : pairs) {
            assertThat(pair.get(0).isTextual()).isTrue();
            assertThat(pair.get(1).isNumber()).isTrue();
            sum += pair.get(1).asDouble();
        }
        assertThat(sum).isWithin(1e-4).of(1.0);
        assertThat(pairs.get(0).get(0).asText()).isEqualTo("setosa");
        assertThat(status(post("/v1/models/flowers:regress", "{\"examples\":[" + record(1) + "]}"), 400).get("error")
                .asText()).contains("classification model; use :classify or :predict");
        assertThat(status(post("/v1/models/flowers:explain", "{\"examples\":[" + record(1) + "]}"), 404).get("error")
                .asText()).contains(":predict, :classify, :regress");
    }

    // ---- OpenAPI ---------------------------------------------------------------------------------

    @Test
    void typedAnswersValidateAgainstTheOpenApiDocument() throws Exception {
        JsonNode api = status(get("/kiln/openapi.json"), 200);
        JsonNode responses = api.at("/paths/~1kiln~1models~1flowers~1predict/post/responses");
        JsonNode ok = responses.at("/200/content/application~1json/schema");
        JsonNode error = responses.at("/400/content/application~1json/schema");
        List<String> problems = new ArrayList<>();
        new MiniSchema(api).validate(ok, status(post("/kiln/models/flowers/predict", record(1)), 200), "$", problems);
        new MiniSchema(api).validate(ok, status(post("/kiln/models/flowers/predict", "{\"records\":[" + record(1) + ","
                + record(140) + "]}"), 200), "$", problems);
        new MiniSchema(api).validate(ok, status(post("/kiln/models/flowers/predict?impute_missing=true",
                "{\"records\":[{\"sepal_width\":3.1}]}"), 200), "$", problems);
        new MiniSchema(api).validate(ok, status(post("/kiln/models/numeric/predict",
                "{\"sepal_length\":5,\"sepal_width\":3,\"petal_length\":1,\"petal_width\":0.2}"), 200), "$", problems);
        new MiniSchema(api).validate(error, status(post("/kiln/models/flowers/predict", "{}"), 400), "$", problems);
        assertThat(problems).isEmpty();
        // the query parameter is declared
        assertThat(api.at("/paths/~1kiln~1models~1flowers~1predict/post/parameters/0/name").asText())
                .isEqualTo("impute_missing");
        // without a token, no security and no 401
        assertThat(api.has("security")).isFalse();
        assertThat(responses.has("401")).isFalse();
        try (KilnServer s = KilnServer.start(ServerConfig.builder().port(0).token(TOKEN).shutdownSeconds(1).build(),
                null, List.of(flowers), line -> { })) {
            JsonNode secured = status(send(s, "GET", "/kiln/openapi.json", null, "Authorization", "Bearer " + TOKEN),
                    200);
            assertThat(secured.at("/components/securitySchemes/bearerAuth/type").asText()).isEqualTo("http");
            assertThat(secured.at("/components/securitySchemes/bearerAuth/scheme").asText()).isEqualTo("bearer");
            assertThat(secured.get("security").toString()).isEqualTo("[{\"bearerAuth\":[]}]");
            assertThat(secured.at("/paths/~1kiln~1models~1flowers~1predict/post/responses/401/content/"
                    + "application~1json/schema/$ref").asText()).isEqualTo("#/components/schemas/Error");
        }
    }

    /**
     * Every kind of answer of the Open Inference Protocol v2 and of TensorFlow Serving against the
     * protocols' response objects ({@code protocol-schemas.json}, written from their documentation):
     * server and model metadata, inference in each datatype path, refusals, TF-Serving's row and
     * columnar predict, classify, metadata and errors.
     */
    @Test
    void protocolAnswersValidateAgainstTheProtocolsSchemas() throws Exception {
        JsonNode doc;
        try (var in = ServerProtocolTest.class.getResourceAsStream("protocol-schemas.json")) {
            doc = JSON.readTree(in);
        }
        MiniSchema schemas = new MiniSchema(doc);
        List<String> problems = new ArrayList<>();
        java.util.function.BiConsumer<String, JsonNode> check = (name, answer) ->
                schemas.validate(doc.at("/components/schemas/" + name), answer, name, problems);

        check.accept("MetadataServerResponse", status(get("/v2"), 200));
        check.accept("MetadataModelResponse", status(get("/v2/models/flowers"), 200));
        check.accept("MetadataModelResponse", status(get("/v2/models/numeric/versions/1"), 200));
        check.accept("InferenceResponse", status(post("/v2/models/flowers/infer", v2Flowers(1, 60, 120)), 200));
        check.accept("InferenceResponse", status(post("/v2/models/numeric/infer", "{\"inputs\":["
                + tensor("input", "FP32", "[2,4]", "[[5.1,3.5,1.4,0.2],[6.7,3.0,5.2,2.3]]") + "]}"), 200));
        check.accept("InferenceResponse", status(post("/v2/models/numeric/infer", "{\"inputs\":["
                + tensor("input", "INT64", "[1,4]", "[5,3,1,0]") + "],\"outputs\":[{\"name\":\"label\"}]}"), 200));
        check.accept("InferenceErrorResponse", status(post("/v2/models/flowers/infer", "{}"), 400));
        check.accept("InferenceErrorResponse", status(get("/v2/models/nowhere"), 404));

        check.accept("TfPredictRows", status(post("/v1/models/flowers:predict", "{\"instances\":[" + record(1) + "]}"),
                200));
        check.accept("TfPredictColumns", status(post("/v1/models/flowers:predict", "{\"inputs\":[" + record(1) + ","
                + record(120) + "]}"), 200));
        check.accept("TfClassify", status(post("/v1/models/flowers:classify", "{\"examples\":[" + record(1) + "]}"),
                200));
        check.accept("TfMetadata", status(get("/v1/models/flowers/metadata"), 200));
        check.accept("TfError", status(post("/v1/models/flowers:regress", "{\"examples\":[" + record(1) + "]}"), 400));
        assertThat(problems).isEmpty();

        // the schemas are strict enough to fail: an array among the parameters, a missing output field
        List<String> caught = new ArrayList<>();
        schemas.validate(doc.at("/components/schemas/InferenceResponse"), JSON.readTree("{\"model_name\":\"m\","
                + "\"parameters\":{\"ids\":[1,2]},\"outputs\":[{\"name\":\"label\",\"shape\":[1],"
                + "\"datatype\":\"BYTES\"}]}"), "$", caught);
        assertThat(caught).hasSize(2);
    }

    /**
     * A JSON-Schema subset enough for the OpenAPI document and the protocols' schemas: $ref, type,
     * enum, required, properties, additionalProperties (false or a schema), items, oneOf.
     */
    record MiniSchema(JsonNode doc) {
        void validate(JsonNode schema, JsonNode value, String at, List<String> problems) {
            if (schema.has("$ref")) {
                validate(doc.at(schema.get("$ref").asText().substring(1)), value, at, problems);
                return;
            }
            if (schema.has("oneOf")) {
                int matches = 0;
                List<String> why = new ArrayList<>();
                for (JsonNode s : schema.get("oneOf")) {
                    List<String> p = new ArrayList<>();
                    validate(s, value, at, p);
                    matches += p.isEmpty() ? 1 : 0;
                    why.addAll(p);
                }
                if (matches != 1) {
                    problems.add(at + ": matches " + matches + " of the oneOf schemas " + why);
                }
                return;
            }
            if (value.isNull()) {
                if (!schema.path("nullable").asBoolean(false)) {
                    problems.add(at + ": null");
                }
                return;
            }
            String type = schema.path("type").asText("");
            boolean typeOk = switch (type) {
                case "object" -> value.isObject();
                case "array" -> value.isArray();
                case "string" -> value.isTextual();
                case "number" -> value.isNumber();
                case "integer" -> value.isIntegralNumber();
                case "boolean" -> value.isBoolean();
                default -> true;
            };
            if (!typeOk) {
                problems.add(at + ": not " + type + ": " + value);
                return;
            }
            if (schema.has("enum")) {
                boolean found = false;
                for (JsonNode e : schema.get("enum")) {
                    found |= e.equals(value);
                }
                if (!found) {
                    problems.add(at + ": " + value + " not in " + schema.get("enum"));
                }
            }
            for (JsonNode r : schema.path("required")) {
                if (!value.has(r.asText())) {
                    problems.add(at + ": lacks " + r.asText());
                }
            }
            if (value.isObject()) {
                JsonNode props = schema.path("properties");
                for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> f = it.next();
                    JsonNode additional = schema.path("additionalProperties");
                    if (props.has(f.getKey())) {
                        validate(props.get(f.getKey()), f.getValue(), at + "." + f.getKey(), problems);
                    } else if (additional.isObject()) {
                        validate(additional, f.getValue(), at + "." + f.getKey(), problems);
                    } else if (additional.isBoolean() && !additional.asBoolean()) {
                        problems.add(at + ": unexpected property " + f.getKey());
                    }
                }
            }
            if (value.isArray() && schema.has("items")) {
                for (int i = 0; i < value.size(); i++) {
                    validate(schema.get("items"), value.get(i), at + "[" + i + "]", problems);
                }
            }
        }
    }

    // ---- the store: fallback and readiness -------------------------------------------------------

    static void corrupt(ModelStore store, String model, long version) throws IOException {
        Path f = store.root().resolve(model + "/" + version + "/model.kiln");
        Files.createDirectories(f.getParent());
        Files.writeString(f, "not a model");
    }

    @Test
    void newerVersionsThatFailToLoadFallBackToTheNewestThatLoads() throws Exception {
        ModelStore store = new ModelStore(dir.resolve("store-fallback"));
        store.publish(flowers);
        corrupt(store, "flowers", 2);
        corrupt(store, "flowers", 3);
        List<String> log = java.util.Collections.synchronizedList(new ArrayList<>());
        try (KilnServer s = KilnServer.start(ServerConfig.builder().port(0).store(2, 0).shutdownSeconds(1).build(),
                store, List.of(), log::add)) {
            assertThat(s.models()).isEqualTo(Map.of("flowers", List.of(1L)));
            JsonNode r = status(send(s, "POST", "/kiln/models/flowers/predict", record(1)), 200);
            assertThat(r.get("version").asText()).isEqualTo("1");
            assertThat(status(send(s, "GET", "/v2/health/ready", null), 200).get("ready").asBoolean()).isTrue();
            JsonNode meta = status(send(s, "GET", "/v2/models/flowers", null), 200);
            assertThat(meta.get("versions").toString()).isEqualTo("[\"1\"]");
            String failed = meta.at("/parameters/failed_versions").asText();
            assertThat(failed).contains("2: ");
            assertThat(failed).contains("3: ");
            assertThat(meta.at("/parameters/failed_versions").isTextual()).isTrue();
            JsonNode index = status(send(s, "POST", "/v2/repository/index", null), 200);
            assertThat(index.toString()).contains("{\"name\":\"flowers\",\"version\":\"1\",\"state\":\"READY\"}");
            assertThat(index.toString()).contains("\"name\":\"flowers\",\"version\":\"3\",\"state\":\"UNAVAILABLE\"");
            assertThat(index.toString()).contains("\"name\":\"flowers\",\"version\":\"2\",\"state\":\"UNAVAILABLE\"");
            // clients never see the store's absolute path
            String root = store.root().toAbsolutePath().toString();
            assertThat(index.toString()).doesNotContain(root);
            assertThat(meta.toString()).doesNotContain(root);
            assertThat(String.join("\n", log)).contains("version 3 failed to load");
            // a failed version is not retried on every scan while its file is unchanged
            int lines = log.size();
            s.refresh();
            assertThat(log.size()).isEqualTo(lines);
            // a good newer version is served as soon as it appears
            Files.delete(store.root().resolve("flowers/3/model.kiln"));
            Files.copy(flowers, store.root().resolve("flowers/3/model.kiln"));
            s.refresh();
            assertThat(s.models()).isEqualTo(Map.of("flowers", List.of(1L, 3L)));
            assertThat(status(send(s, "POST", "/kiln/models/flowers/predict", record(1)), 200).get("version").asText())
                    .isEqualTo("3");
        }
    }

    @Test
    void readinessIsFalseWhileAModelHasNoLoadedVersion() throws Exception {
        ModelStore store = new ModelStore(dir.resolve("store-ready"));
        store.publish(flowers);
        corrupt(store, "broken", 1);
        try (KilnServer s = KilnServer.start(ServerConfig.builder().port(0).store(2, 0).shutdownSeconds(1).build(),
                store, List.of(), line -> { })) {
            JsonNode ready = status(send(s, "GET", "/v2/health/ready", null), 503);
            assertThat(ready.get("ready").asBoolean()).isFalse();
            assertThat(ready.get("reason").asText()).contains("model 'broken' has no loaded version");
            assertThat(ready.get("reason").asText()).doesNotContain(store.root().toAbsolutePath().toString());
            // the loaded model still serves
            status(send(s, "POST", "/kiln/models/flowers/predict", record(1)), 200);
            JsonNode failedModel = status(send(s, "GET", "/v2/models/broken/ready", null), 404);
            assertThat(failedModel.get("error").asText()).contains("has no loaded version");
            // fixed: ready
            Files.delete(store.root().resolve("broken/1/model.kiln"));
            Files.copy(numeric, store.root().resolve("broken/1/model.kiln")); // holds model 'numeric': still broken
            s.refresh();
            assertThat(status(send(s, "GET", "/v2/health/ready", null), 503).get("reason").asText())
                    .contains("holds model 'numeric', not 'broken'");
            try (var files = Files.walk(store.root().resolve("broken"))) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
            s.refresh(); // the model left the store
            assertThat(status(send(s, "GET", "/v2/health/ready", null), 200).get("ready").asBoolean()).isTrue();
        }
    }
}
