package io.kiln.runtime.serve;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kiln.runtime.KilnModel;
import io.kiln.runtime.Predictions;
import io.kiln.runtime.ServingFixtures;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Operating the server: the model store and loading versions without a restart, the A/B split
 * with outcomes, bearer tokens, the audit sample, drift metrics, dynamic batching under
 * concurrency, a mixed soak, and graceful shutdown with a request in flight.
 */
class ServerOperationsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir static Path dir;
    static List<String> lines;
    static Path v1;
    static Path v2;
    static KilnModel model1;

    @BeforeAll
    static void train() throws IOException {
        Path csv = ServingFixtures.writeCsv(dir.resolve("flowers.csv"));
        lines = Files.readAllLines(csv);
        v1 = ServingFixtures.train(csv, 7, 30, dir.resolve("v1.kiln"));
        v2 = ServingFixtures.train(csv, 11, 5, dir.resolve("v2.kiln")); // fewer epochs: a weaker version
        model1 = KilnModel.load(v1);
    }

    static KilnServer serve(ServerConfig.Builder config, ModelStore store, Path... files) throws IOException {
        return KilnServer.start(config.port(0).build(), store, List.of(files), line -> { });
    }

    static HttpResponse<String> send(KilnServer s, String method, String path, String body, String token)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode ok(HttpResponse<String> r) throws IOException {
        assertWithMessage(r.body()).that(r.statusCode()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    static String record(int line) {
        return ServerTest.recordOf(ServingFixtures.row(lines, line));
    }

    static String species(int line) {
        return List.of("setosa", "versicolor", "virginica").get(Integer.parseInt(lines.get(line).split(",")[6]));
    }

    @Test
    void storeVersionsLoadWithoutARestart() throws Exception {
        ModelStore store = new ModelStore(dir.resolve("store-reload"));
        assertThat(store.publish(v1).version()).isEqualTo(1);
        try (KilnServer s = serve(ServerConfig.builder().store(2, 0), store)) {
            assertThat(s.models()).isEqualTo(Map.of("flowers", List.of(1L)));
            ModelStore.Published p = store.publish(v2);
            assertThat(p.version()).isEqualTo(2);
            assertThat(p.file()).isEqualTo(store.root().resolve("flowers/2/model.kiln"));
            // not yet loaded: the poller is off
            assertThat(ok(send(s, "POST", "/kiln/models/flowers/predict", record(1), null)).get("version").asText())
                    .isEqualTo("1");
            JsonNode loaded = ok(send(s, "POST", "/v2/repository/models/flowers/load", null, null));
            assertThat(loaded.get("versions").toString()).isEqualTo("[\"1\",\"2\"]");
            assertThat(ok(send(s, "POST", "/kiln/models/flowers/predict", record(1), null)).get("version").asText())
                    .isEqualTo("2");
            assertThat(ok(send(s, "POST", "/kiln/models/flowers/versions/1/predict", record(1), null))
                    .get("version").asText()).isEqualTo("1");
            JsonNode index = ok(send(s, "POST", "/v2/repository/index", null, null));
            assertThat(index.toString()).contains("{\"name\":\"flowers\",\"version\":\"2\",\"state\":\"READY\"}");
            // a corrupt new version is reported and the loaded ones keep serving
            Files.createDirectories(store.root().resolve("flowers/3"));
            Files.writeString(store.root().resolve("flowers/3/model.kiln"), "not a model");
            JsonNode failed = ok(send(s, "POST", "/v2/repository/models/flowers/load", null, null));
            assertThat(failed.get("error").asText()).contains("version 3 failed to load");
            assertThat(ok(send(s, "POST", "/kiln/models/flowers/predict", record(1), null)).get("version").asText())
                    .isEqualTo("2");
            ok(send(s, "POST", "/v2/repository/models/flowers/unload", null, null));
            assertThat(send(s, "POST", "/kiln/models/flowers/predict", record(1), null).statusCode()).isEqualTo(404);
        }
    }

    @Test
    void thePollerPicksUpNewVersions() throws Exception {
        ModelStore store = new ModelStore(dir.resolve("store-poll"));
        store.publish(v1);
        try (KilnServer s = serve(ServerConfig.builder().store(1, 1), store)) {
            store.publish(v2);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!s.models().get("flowers").equals(List.of(2L)) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(s.models()).isEqualTo(Map.of("flowers", List.of(2L))); // keepVersions 1: version 1 retired
        }
    }

    @Test
    void abSplitAssignsTrafficAndScoresOutcomesPerVersion() throws Exception {
        ModelStore store = new ModelStore(dir.resolve("store-ab"));
        store.publish(v1);
        store.publish(v2);
        try (KilnServer s = serve(ServerConfig.builder().store(2, 0), store)) {
            assertThat(send(s, "PUT", "/kiln/models/flowers/traffic", "{\"split\":{\"1\":50,\"2\":40}}", null)
                    .body()).contains("the shares sum to 90%");
            assertThat(send(s, "PUT", "/kiln/models/flowers/traffic", "{\"split\":{\"1\":50,\"9\":50}}", null)
                    .statusCode()).isEqualTo(404);
            ok(send(s, "PUT", "/kiln/models/flowers/traffic", "{\"split\":{\"1\":50,\"2\":50}}", null));
            Map<String, Integer> served = new ConcurrentHashMap<>();
            List<String> outcomes = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                int line = 1 + i % 150;
                JsonNode r = ok(send(s, "POST", "/kiln/models/flowers/predict", record(line), null));
                served.merge(r.get("version").asText(), 1, Integer::sum);
                outcomes.add("{\"id\":\"" + r.get("id").asText() + "\",\"label\":\"" + species(line) + "\"}");
            }
            // 400 draws at 50%: each side within 6 standard deviations (10) of 200
            assertThat(served.get("1")).isIn(com.google.common.collect.Range.closed(140, 260));
            assertThat(served.get("1") + served.get("2")).isEqualTo(400);
            JsonNode recorded = ok(send(s, "POST", "/kiln/models/flowers/outcomes",
                    "{\"outcomes\":[" + String.join(",", outcomes) + ",{\"id\":\"nope/0\",\"label\":\"setosa\"}]}", null));
            assertThat(recorded.get("recorded").asInt()).isEqualTo(400);
            assertThat(recorded.get("unknown").toString()).isEqualTo("[\"nope/0\"]");
            JsonNode traffic = ok(send(s, "GET", "/kiln/models/flowers/traffic", null, null));
            assertThat(traffic.get("split").toString()).isEqualTo("{\"1\":50,\"2\":50}");
            for (JsonNode v : traffic.get("versions")) {
                assertThat(v.get("requests").asInt()).isEqualTo(served.get(v.get("version").asText()));
                assertThat(v.get("outcomes").asInt()).isEqualTo(v.get("requests").asInt());
            }
            // the 30-epoch version is the better one, and the test says how sure that is
            double a1 = traffic.at("/versions/0/accuracy").asDouble();
            assertThat(a1).isAtLeast(0.9);
            JsonNode comparison = traffic.get("comparison");
            assertThat(comparison.get("versions").asText()).isEqualTo("1 vs 2");
            // the z-test recomputed from the reported counts
            double n1 = traffic.at("/versions/0/outcomes").asDouble();
            double n2 = traffic.at("/versions/1/outcomes").asDouble();
            double r1 = traffic.at("/versions/0/right").asDouble();
            double r2 = traffic.at("/versions/1/right").asDouble();
            double pooled = (r1 + r2) / (n1 + n2);
            double se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
            double z = se == 0 ? 0 : (r2 / n2 - r1 / n1) / se;
            assertThat(comparison.get("accuracy_difference").asDouble()).isWithin(1e-12).of(r2 / n2 - r1 / n1);
            assertThat(comparison.get("z").asDouble()).isWithin(1e-9).of(z);
            assertThat(comparison.get("p_value").asDouble()).isWithin(1e-6)
                    .of(2 * (1 - Traffic.normalCdf(Math.abs(z))));
            // an outcome counts once
            assertThat(ok(send(s, "POST", "/kiln/models/flowers/outcomes", "[" + outcomes.get(0) + "]", null))
                    .get("recorded").asInt()).isEqualTo(0);
            String metrics = send(s, "GET", "/metrics", null, null).body();
            assertThat(metrics).containsMatch("kiln_outcomes_total\\{model=\"flowers\",result=\"right\",version=\"1\"\\} [1-9]");
        }
    }

    @Test
    void normalCdfMatchesKnownValues() {
        assertThat(Traffic.normalCdf(0)).isWithin(1e-7).of(0.5);
        assertThat(Traffic.normalCdf(1.959964)).isWithin(1e-6).of(0.975);
        assertThat(Traffic.normalCdf(-1)).isWithin(1e-6).of(0.158655);
    }

    @Test
    void bearerTokenGuardsEverythingButHealth() throws Exception {
        String token = "s3cret-token-0123456789";
        try (KilnServer s = serve(ServerConfig.builder().token(token), null, v1)) {
            HttpResponse<String> none = send(s, "POST", "/kiln/models/flowers/predict", record(1), null);
            assertThat(none.statusCode()).isEqualTo(401);
            assertThat(none.headers().firstValue("WWW-Authenticate").orElse("")).startsWith("Bearer");
            assertThat(none.body()).contains("needs 'Authorization: Bearer <token>'");
            assertThat(send(s, "POST", "/kiln/models/flowers/predict", record(1), "wrong-token-0123456789")
                    .statusCode()).isEqualTo(401);
            assertThat(send(s, "GET", "/metrics", null, null).statusCode()).isEqualTo(401);
            assertThat(send(s, "GET", "/v2/models/flowers", null, null).statusCode()).isEqualTo(401);
            ok(send(s, "POST", "/kiln/models/flowers/predict", record(1), token));
            ok(send(s, "GET", "/v2/health/live", null, null));
            ok(send(s, "GET", "/v2/health/ready", null, null));
        }
    }

    @Test
    void auditLogSamplesRequestsWithTheirPredictions() throws Exception {
        Path all = dir.resolve("audit/all.jsonl");
        try (KilnServer s = serve(ServerConfig.builder().audit(all, 1.0), null, v1)) {
            for (int i = 0; i < 20; i++) {
                ok(send(s, "POST", "/kiln/models/flowers/predict", record(1 + i), null));
            }
            send(s, "POST", "/kiln/models/flowers/predict", "{\"petal_size\":\"huge\"}", null); // refused: not audited
        }
        List<String> entries = Files.readAllLines(all);
        assertThat(entries).hasSize(20);
        JsonNode first = JSON.readTree(entries.get(0));
        assertThat(first.get("model").asText()).isEqualTo("flowers");
        assertThat(first.get("protocol").asText()).isEqualTo("kiln");
        assertThat(first.at("/records/0/inputs/petal_size").asText()).isEqualTo(ServingFixtures.row(lines, 1)[4]);
        assertThat(first.at("/records/0/prediction/label").asText()).isNotEmpty();

        Path sampled = dir.resolve("audit/sampled.jsonl");
        try (KilnServer s = serve(ServerConfig.builder().audit(sampled, 0.25), null, v1)) {
            for (int i = 0; i < 400; i++) {
                ok(send(s, "POST", "/kiln/models/flowers/predict", record(1 + i % 150), null));
            }
        }
        // 400 requests at 25%: 100 expected, standard deviation 8.7
        assertThat(Files.readAllLines(sampled).size()).isIn(com.google.common.collect.Range.closed(50, 150));
    }

    @Test
    void driftMetricRisesForTheShiftedFeatureOnly() throws Exception {
        try (KilnServer s = serve(ServerConfig.builder().driftWindow(150), null, v1)) {
            ok(send(s, "POST", "/kiln/models/flowers/predict", records(0), null));
            Map<String, Double> steady = psi(send(s, "GET", "/metrics", null, null).body());
            assertThat(steady.keySet()).containsExactlyElementsIn(ServingFixtures.FEATURES);
            // all 150 rows against the training split's profile: stable (< 0.1)
            steady.values().forEach(v -> assertThat(v).isLessThan(0.1));
            ok(send(s, "POST", "/kiln/models/flowers/predict", records(3.0), null));
            Map<String, Double> shifted = psi(send(s, "GET", "/metrics", null, null).body());
            assertThat(shifted.get("petal_length")).isGreaterThan(0.25);
            for (String f : List.of("sepal_length", "sepal_width", "petal_width", "petal_size", "wide_sepal")) {
                assertWithMessage(f).that(shifted.get(f)).isWithin(1e-12).of(steady.get(f));
            }
        }
    }

    /** The 150 training rows as records, petal length shifted by {@code shift} cm. */
    static String records(double shift) {
        List<String> r = new ArrayList<>();
        for (int line = 1; line <= 150; line++) {
            Object[] row = ServingFixtures.row(lines, line);
            row[2] = (Double) row[2] + shift;
            r.add(ServerTest.recordOf(row));
        }
        return "{\"records\":[" + String.join(",", r) + "]}";
    }

    static Map<String, Double> psi(String metrics) {
        Map<String, Double> psi = new java.util.TreeMap<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                "kiln_feature_drift_psi\\{feature=\"([a-z_]+)\",model=\"flowers\",version=\"1\"\\} (\\S+)").matcher(metrics);
        while (m.find()) {
            psi.put(m.group(1), Double.parseDouble(m.group(2)));
        }
        return psi;
    }

    @Test
    void concurrentRequestsAreBatchedAndAnsweredCorrectly() throws Exception {
        // a model run in DL4J, whose forward passes have a fixed cost worth sharing
        System.setProperty(KilnModel.PLAIN_FORWARD_PROPERTY, "false");
        KilnServer server;
        try {
            server = serve(ServerConfig.builder().batching(64, 0), null, v1);
        } finally {
            System.clearProperty(KilnModel.PLAIN_FORWARD_PROPERTY);
        }
        try (KilnServer s = server) {
            ExecutorService pool = Executors.newFixedThreadPool(16);
            List<Future<Integer>> wrong = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                int seed = t;
                wrong.add(pool.submit(() -> {
                    int bad = 0;
                    for (int i = 0; i < 40; i++) {
                        int line = 1 + (seed * 40 + i) % 150;
                        JsonNode r = ok(send(s, "POST", "/kiln/models/flowers/predict", record(line), null));
                        Predictions p = model1.predict(List.<Object[]>of(ServingFixtures.row(lines, line)));
                        if (!r.get("label").asText().equals(p.className(0))
                                || Math.abs(r.at("/probabilities/setosa").asDouble() - p.output(0)[0]) > 1e-6) {
                            bad++;
                        }
                    }
                    return bad;
                }));
            }
            int bad = 0;
            for (Future<Integer> f : wrong) {
                bad += f.get();
            }
            pool.shutdown();
            assertThat(bad).isEqualTo(0);
            String metrics = send(s, "GET", "/metrics", null, null).body();
            double count = metric(metrics, "kiln_batch_rows_count{model=\"flowers\",version=\"1\"}");
            double sum = metric(metrics, "kiln_batch_rows_sum{model=\"flowers\",version=\"1\"}");
            assertThat(sum).isEqualTo(640.0);
            assertThat(count).isLessThan(640.0); // some forward passes served several requests
        }
    }

    static double metric(String metrics, String series) {
        for (String line : metrics.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1));
            }
        }
        throw new AssertionError("no " + series + " in\n" + metrics);
    }

    @Test
    void aModelWithAPlainForwardPassIsNotBatchedAndAnsweredCorrectlyUnderConcurrency() throws Exception {
        try (KilnServer s = serve(ServerConfig.builder().batching(64, 0), null, v1)) {
            ExecutorService pool = Executors.newFixedThreadPool(16);
            List<Future<Integer>> wrong = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                int seed = t;
                wrong.add(pool.submit(() -> {
                    int bad = 0;
                    for (int i = 0; i < 40; i++) {
                        int line = 1 + (seed * 40 + i) % 150;
                        JsonNode r = ok(send(s, "POST", "/kiln/models/flowers/predict", record(line), null));
                        Predictions p = model1.predict(List.<Object[]>of(ServingFixtures.row(lines, line)));
                        if (!r.get("label").asText().equals(p.className(0))
                                || Math.abs(r.at("/probabilities/setosa").asDouble() - p.output(0)[0]) > 1e-6) {
                            bad++;
                        }
                    }
                    return bad;
                }));
            }
            int bad = 0;
            for (Future<Integer> f : wrong) {
                bad += f.get();
            }
            pool.shutdown();
            assertThat(bad).isEqualTo(0);
            String metrics = send(s, "GET", "/metrics", null, null).body();
            double count = metric(metrics, "kiln_batch_rows_count{model=\"flowers\",version=\"1\"}");
            double sum = metric(metrics, "kiln_batch_rows_sum{model=\"flowers\",version=\"1\"}");
            assertThat(sum).isEqualTo(640.0);
            assertThat(count).isEqualTo(640.0); // one forward pass a request: no batching for a plain-Java pass
        }
    }

    @Test
    void soakOfMixedRequestsHasNoServerErrorsAndNoWrongAnswers() throws Exception {
        List<String[]> malformed = List.of(
                new String[] {"/v2/models/flowers/infer", "{\"inputs\":"},
                new String[] {"/v2/models/flowers/infer", "{\"inputs\":[{\"name\":\"sepal_width\",\"shape\":[1],"
                        + "\"datatype\":\"FP32\",\"data\":[\"x\"]}]}"},
                new String[] {"/v2/models/flowers/infer", "{\"inputs\":[{\"name\":\"sepal_width\",\"shape\":[-1],"
                        + "\"datatype\":\"FP32\",\"data\":[1]}]}"},
                new String[] {"/v1/models/flowers:predict", "{\"instances\":[[1,2]]}"},
                new String[] {"/v1/models/flowers:predict", "{\"instances\":[{\"sepal_width\":Infinity}]}"},
                new String[] {"/kiln/models/flowers/predict", "{\"petal_size\":\"tiny\",\"sepal_width\":1}"},
                new String[] {"/kiln/models/flowers/predict", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"},
                new String[] {"/kiln/models/flowers/predict", "{\"sepal_width\":1e999999}"},
                new String[] {"/kiln/models/unknown/predict", "{}"},
                new String[] {"/kiln/models/flowers/versions/5/predict", "{}"},
                new String[] {"/v2/models/flowers/infer", ""},
                new String[] {"/v2/models/flowers/infer", "\u0000\u0001garbage"});
        AtomicInteger serverErrors = new AtomicInteger();
        AtomicInteger wrongAnswers = new AtomicInteger();
        AtomicInteger valid = new AtomicInteger();
        try (KilnServer s = serve(ServerConfig.builder(), null, v1)) {
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                Random random = new Random(t);
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 250; i++) {
                        boolean bad = random.nextInt(3) == 0;
                        HttpResponse<String> r;
                        int line = 1 + random.nextInt(150);
                        if (bad) {
                            String[] m = malformed.get(random.nextInt(malformed.size()));
                            r = send(s, "POST", m[0], m[1], null);
                            if (r.statusCode() < 400 || r.statusCode() >= 500 || !r.body().contains("\"error\"")) {
                                serverErrors.incrementAndGet();
                            }
                        } else {
                            r = send(s, "POST", "/kiln/models/flowers/predict", record(line), null);
                            Predictions p = model1.predict(List.<Object[]>of(ServingFixtures.row(lines, line)));
                            if (r.statusCode() != 200
                                    || !JSON.readTree(r.body()).get("label").asText().equals(p.className(0))) {
                                wrongAnswers.incrementAndGet();
                            }
                            valid.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            pool.shutdown();
            String metrics = send(s, "GET", "/metrics", null, null).body();
            assertThat(metrics).doesNotContainMatch("kiln_requests_total\\{[^}]*status=\"5");
        }
        assertThat(serverErrors.get()).isEqualTo(0);
        assertThat(wrongAnswers.get()).isEqualTo(0);
        assertThat(valid.get()).isGreaterThan(1000);
    }

    @Test
    void shutdownFinishesTheRequestInFlightAndThenRefuses() throws Exception {
        KilnServer s = serve(ServerConfig.builder().shutdownSeconds(10), null, v1);
        int port = s.port();
        String body = record(1);
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /kiln/models/flowers/predict HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json"
                    + "\r\nContent-Length: " + body.length() + "\r\n\r\n" + body.substring(0, 10))
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            Thread.sleep(300); // the request is in the handler, waiting for the rest of its body
            Thread closer = new Thread(s::close);
            closer.start();
            Thread.sleep(300);
            assertThat(closer.isAlive()).isTrue(); // close waits for the request in flight
            out.write(body.substring(10).getBytes(StandardCharsets.UTF_8));
            out.flush();
            String response = read(socket.getInputStream());
            assertThat(response).startsWith("HTTP/1.1 200");
            assertThat(response).contains("\"label\":\"" + model1.predict(List.<Object[]>of(
                    ServingFixtures.row(lines, 1))).className(0) + "\"");
            closer.join(15_000);
            assertThat(closer.isAlive()).isFalse();
        }
        boolean refused;
        try (Socket late = new Socket("127.0.0.1", port)) {
            refused = false;
        } catch (ConnectException e) {
            refused = true;
        }
        assertThat(refused).isTrue();
    }

    /** Reads one HTTP response with a Content-Length body. */
    static String read(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            head.append((char) c);
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)content-length: (\\d+)").matcher(head);
        int length = m.find() ? Integer.parseInt(m.group(1)) : 0;
        return head + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }
}
