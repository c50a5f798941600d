package io.kiln.examples.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The soak test of issue 5 ({@code mvn -B -DskipTests -Pbench package
 * -Dbench.main=io.kiln.examples.bench.SoakBench -Dbench.args=}; also the last part of {@link
 * ServingBench}): a Java client (java.net.http, HTTP/1.1 keep-alive, several concurrent workers)
 * sends at least 100,000 requests to a digits server in a child JVM, mixing valid requests over
 * the three protocols with malformed ones. Every valid answer must equal the in-process prediction
 * of the same rows by the same model file (class, and every probability within 1e-5); every
 * malformed request must get a 4xx with a JSON {@code "error"}; edge cases (huge but finite values)
 * may get either a 200 or a 4xx; no request may get a 5xx or go unanswered. Afterwards the server
 * must still answer, and stop with status 0 on SIGTERM within its shutdown time.
 *
 * <p>Requests are generated from {@code seed} and their index, so a run is reproducible. Options:
 * {@code --requests N} (100000), {@code --workers N} (12), {@code --port N} (8098), {@code --model
 * FILE} (target/bench/digits.kiln, trained when missing), {@code --seed N} (1), {@code --minutes N}
 * (time limit of the load, 15). Prints Markdown; exits 1 when a check fails.
 */
public final class SoakBench {
    static final int MAX_REQUEST_BYTES = 65_536;
    static final int SHUTDOWN_SECONDS = 10;
    static final double TOLERANCE = 1e-5;
    private static final ObjectMapper JSON = new ObjectMapper();

    private SoakBench() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> o = ServingBench.options(args);
        Path work = Path.of(o.getOrDefault("work", "target/bench"));
        Path model = Path.of(o.getOrDefault("model", work.resolve("digits.kiln").toString()));
        DigitsRows.ensureModel(model);
        Result r = run(model, Integer.parseInt(o.getOrDefault("port", "8098")),
                Integer.parseInt(o.getOrDefault("requests", "100000")), Integer.parseInt(o.getOrDefault("workers", "12")),
                work, Long.parseLong(o.getOrDefault("seed", "1")), Integer.parseInt(o.getOrDefault("minutes", "15")));
        System.out.println(r.markdown());
        Files.createDirectories(work);
        Files.writeString(work.resolve("soak-results.md"), r.markdown());
        System.exit(r.pass() ? 0 : 1);
    }

    record Result(String markdown, boolean pass) {}

    /** The kinds of requests, valid and malformed, and their share of the mix (per mille). */
    enum Kind {
        V2_ONE(true, 90), V2_MANY(true, 60), V2_FEATURES(true, 40), V2_VERSIONED(true, 40), V1_ROWS(true, 80),
        V1_OBJECTS(true, 50), V1_COLUMNAR(true, 40), TYPED_ONE(true, 80), TYPED_MANY(true, 60),
        BAD_JSON(false, 25), TRUNCATED_JSON(false, 25), TRAILING_GARBAGE(false, 15), WRONG_SHAPE(false, 30),
        STRING_FOR_NUMBER(false, 25), NAN_INFINITY(false, 25), UNKNOWN_FEATURE(false, 25), UNKNOWN_MODEL(false, 20),
        UNKNOWN_VERSION(false, 20), UNKNOWN_ROUTE(false, 10), WRONG_METHOD(false, 20), OVERSIZED(false, 15),
        OVERSIZED_CHUNKED(false, 10), EMPTY_BODY(false, 20), NESTED_GARBAGE(false, 20), HUGE_NUMBER(false, 20),
        FLOAT_OVERFLOW(false, 15), WRONG_TYPES(false, 25), WRONG_ROW_WIDTH(false, 20), INVALID_UTF8(false, 15),
        UNKNOWN_OUTPUT(false, 10), HUGE_FINITE(false, true, 10);

        final boolean valid;
        /** An edge case: a 200 (with a well-formed answer) or a 4xx are both right; never a 5xx. */
        final boolean edge;
        final int weight;

        Kind(boolean valid, int weight) {
            this(valid, false, weight);
        }

        Kind(boolean valid, boolean edge, int weight) {
            this.valid = valid;
            this.edge = edge;
            this.weight = weight;
        }
    }

    /**
     * One request: for a valid one, the rows it sends and how its answer is laid out.
     *
     * @param variant what exactly is wrong (malformed) or how it is written (valid), for the report
     */
    record Req(Kind kind, String variant, String method, String path, byte[] body, boolean chunked, int[] rows,
            String id) {}

    /** Per-kind tallies. */
    static final class Tally {
        final LongAdder count = new LongAdder();
        final Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
        final LongAdder failures = new LongAdder();
    }

    static Result run(Path model, int port, int requests, int workers, Path work, long seed) throws Exception {
        return run(model, port, requests, workers, work, seed, 15);
    }

    static Result run(Path model, int port, int requests, int workers, Path work, long seed, int minutes)
            throws Exception {
        DigitsRows digits = DigitsRows.load();
        DigitsRows.Expected expected = digits.predict(model);
        Generator gen = new Generator(digits, seed);
        List<String> serveArgs = List.of("--max-request-bytes", Integer.toString(MAX_REQUEST_BYTES),
                "--shutdown-seconds", Integer.toString(SHUTDOWN_SECONDS));
        Map<Kind, Tally> tallies = new TreeMap<>();
        for (Kind k : Kind.values()) {
            tallies.put(k, new Tally());
        }
        Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
        Map<String, LongAdder> transport = new ConcurrentHashMap<>();
        LongAdder validCount = new LongAdder();
        LongAdder validOk = new LongAdder();
        LongAdder mismatches = new LongAdder();
        LongAdder ties = new LongAdder();
        LongAdder malformedCount = new LongAdder();
        LongAdder edgeCount = new LongAdder();
        LongAdder edgeOk = new LongAdder();
        LongAdder malformedOk = new LongAdder();
        LongAdder malformedNot4xx = new LongAdder();
        LongAdder malformedNoError = new LongAdder();
        LongAdder fiveXx = new LongAdder();
        ConcurrentLinkedQueue<String> samples = new ConcurrentLinkedQueue<>();
        Map<String, AtomicInteger> samplesPerKind = new ConcurrentHashMap<>();
        StringBuilder md = new StringBuilder();
        boolean pass = true;

        try (ServerProcess server = ServerProcess.start(model, port, serveArgs, work)) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            AtomicInteger next = new AtomicInteger();
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(minutes);
            long started = System.nanoTime();
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                Thread t = new Thread(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < requests && System.nanoTime() < deadline) {
                        Req req = gen.make(i);
                        Tally tally = tallies.get(req.kind());
                        tally.count.increment();
                        (req.kind().valid ? validCount : req.kind().edge ? edgeCount : malformedCount).increment();
                        String failure;
                        int status = -1;
                        try {
                            HttpResponse<byte[]> r = http.send(request(server.base(), req),
                                    HttpResponse.BodyHandlers.ofByteArray());
                            status = r.statusCode();
                            statuses.computeIfAbsent(status, s -> new LongAdder()).increment();
                            tally.statuses.computeIfAbsent(status, s -> new LongAdder()).increment();
                            if (status >= 500) {
                                fiveXx.increment();
                            }
                            if (req.kind().valid) {
                                failure = checkValid(req, status, r.body(), expected, ties);
                                (failure == null ? validOk : mismatches).increment();
                            } else if (req.kind().edge) {
                                failure = status == 200 ? checkJson(r.body()) : checkMalformed(status, r.body());
                                if (failure == null) {
                                    edgeOk.increment();
                                }
                            } else {
                                failure = checkMalformed(status, r.body());
                                if (failure == null) {
                                    malformedOk.increment();
                                } else if (status < 400 || status >= 500) {
                                    malformedNot4xx.increment();
                                } else {
                                    malformedNoError.increment();
                                }
                            }
                        } catch (IOException e) {
                            String what = e.getClass().getSimpleName() + ": " + e.getMessage();
                            transport.computeIfAbsent(req.kind() + " (" + what + ")", s -> new LongAdder()).increment();
                            tally.statuses.computeIfAbsent(-1, s -> new LongAdder()).increment();
                            failure = "no HTTP response: " + what;
                            if (req.kind().valid) {
                                mismatches.increment();
                            } else if (!req.kind().edge) {
                                malformedNot4xx.increment();
                            }
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                        if (failure != null) {
                            tally.failures.increment();
                            String key = req.kind() + "/" + req.variant();
                            if (samplesPerKind.computeIfAbsent(key, k -> new AtomicInteger()).getAndIncrement() < 1
                                    && samples.size() < 40) {
                                samples.add("`" + req.kind() + "` " + req.variant() + ": " + failure);
                            }
                        }
                    }
                }, "soak-" + w);
                t.start();
                threads.add(t);
            }
            for (Thread t : threads) {
                t.join();
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            long sent = validCount.sum() + malformedCount.sum() + edgeCount.sum();

            // the server afterwards
            long hwmKb = server.statusKb("VmHWM");
            long rssKb = server.statusKb("VmRSS");
            long threadsAfter = server.threads();
            Req last = gen.make(Kind.V2_ONE, Integer.MAX_VALUE);
            String finalCheck;
            try {
                HttpResponse<byte[]> r = http.send(request(server.base(), last), HttpResponse.BodyHandlers.ofByteArray());
                finalCheck = checkValid(last, r.statusCode(), r.body(), expected, new LongAdder());
            } catch (IOException e) {
                finalCheck = "no answer: " + e;
            }
            Map<String, Double> metrics = server.metrics();
            double server5xx = 0;
            double serverTotal = 0;
            for (Map.Entry<String, Double> e : metrics.entrySet()) {
                if (ServerProcess.metricName(e.getKey()).equals("kiln_requests_total")) {
                    String st = ServerProcess.labels(e.getKey()).getOrDefault("status", "");
                    serverTotal += e.getValue();
                    if (st.startsWith("5")) {
                        server5xx += e.getValue();
                    }
                }
            }
            List<String> logged = server.loggedErrors();
            long stopStart = System.nanoTime();
            int exit = server.stop(SHUTDOWN_SECONDS + 5);
            double stopSeconds = (System.nanoTime() - stopStart) / 1e9;

            // report
            md.append(String.format(Locale.ROOT, "Soak: %d requests (%d valid, %d malformed, %d edge cases) from %d concurrent "
                            + "workers (java.net.http, HTTP/1.1 keep-alive), seed %d, against `serve "
                            + "--max-request-bytes %d --shutdown-seconds %d` (defaults otherwise; the digits model "
                            + "runs its plain-Java forward pass, so it is not batched); %.1f s, **%.0f requests/s**.%n%n", sent, validCount.sum(),
                    malformedCount.sum(), edgeCount.sum(), workers, seed, MAX_REQUEST_BYTES, SHUTDOWN_SECONDS, seconds, sent / seconds));
            md.append("| check | result | verdict |\n|---|---|---|\n");
            pass &= row(md, "requests sent (issue: ≥ 100,000)", Long.toString(sent), sent >= 100_000);
            pass &= row(md, "5xx responses (issue bar: 0)", fiveXx.sum() + " (server's own count: "
                    + (long) server5xx + ")", fiveXx.sum() == 0 && server5xx == 0);
            pass &= row(md, "valid requests answered correctly (issue bar: all)", validOk.sum() + " of "
                    + validCount.sum() + "; mismatches " + mismatches.sum() + "; near-ties accepted " + ties.sum(),
                    mismatches.sum() == 0 && validOk.sum() == validCount.sum());
            pass &= row(md, "malformed requests answered 4xx with a JSON \"error\"", malformedOk.sum() + " of "
                    + malformedCount.sum() + "; not 4xx (incl. no response) " + malformedNot4xx.sum()
                    + "; 4xx without a JSON error " + malformedNoError.sum(), malformedOk.sum() == malformedCount.sum());
            pass &= row(md, "edge cases (huge finite values) answered 200 with JSON or 4xx with a JSON \"error\"",
                    edgeOk.sum() + " of " + edgeCount.sum(), edgeOk.sum() == edgeCount.sum());
            pass &= row(md, "requests without an HTTP response", Long.toString(transport.values().stream()
                    .mapToLong(LongAdder::sum).sum()), transport.isEmpty());
            pass &= row(md, "server log lines \"error: ...\" (failed requests)", Integer.toString(logged.size()),
                    logged.isEmpty());
            pass &= row(md, "a valid request after the soak", finalCheck == null ? "200, correct" : finalCheck,
                    finalCheck == null);
            md.append(String.format(Locale.ROOT, "| server's peak RSS (VmHWM) | %.0f MB (RSS at the end %.0f MB, %d "
                    + "threads) | |%n", hwmKb / 1024.0, rssKb / 1024.0, threadsAfter));
            md.append(String.format(Locale.ROOT, "| requests the server counted (`kiln_requests_total`) | %.0f (sent %d "
                    + "+ the final request) | |%n", serverTotal, sent));
            pass &= row(md, "SIGTERM: graceful stop, exit status 0 within " + SHUTDOWN_SECONDS + " s", exit < 0
                    ? "killed after " + (SHUTDOWN_SECONDS + 5) + " s" : String.format(Locale.ROOT,
                    "exit status %d after %.2f s%s", exit, stopSeconds, exit == 143 ? " (143 = 128 + SIGTERM)" : ""),
                    exit == 0);
            md.append("\nStatus codes: ");
            md.append(String.join(", ", new TreeMap<>(statuses).entrySet().stream()
                    .map(e -> e.getKey() + ": " + e.getValue().sum()).toList()));
            md.append(".\n\n| kind | valid | requests | statuses (-1: no response) | failed checks |\n|---|---|---|---|---|\n");
            for (Map.Entry<Kind, Tally> e : tallies.entrySet()) {
                Tally t = e.getValue();
                md.append(String.format(Locale.ROOT, "| %s | %s | %d | %s | %d |%n", e.getKey().name(),
                        e.getKey().valid ? "yes" : e.getKey().edge ? "either" : "no", t.count.sum(), String.join(", ", new TreeMap<>(t.statuses)
                                .entrySet().stream().map(s -> s.getKey() + ": " + s.getValue().sum()).toList()),
                        t.failures.sum()));
            }
            if (!transport.isEmpty()) {
                md.append("\nRequests without an HTTP response: ");
                md.append(String.join("; ", new TreeMap<>(transport).entrySet().stream()
                        .map(e -> e.getKey() + " × " + e.getValue().sum()).toList())).append(".\n");
            }
            if (!samples.isEmpty()) {
                md.append("\nOne failed request per kind and variant:\n\n");
                samples.forEach(s -> md.append("- ").append(s).append('\n'));
            }
            if (!logged.isEmpty()) {
                md.append("\nServer log (first lines): ").append(String.join(" | ", logged.subList(0,
                        Math.min(5, logged.size())))).append('\n');
            }
            md.append("\nSoak verdict: **").append(pass ? "PASS" : "FAIL").append("**\n");
        }
        return new Result(md.toString(), pass);
    }

    private static boolean row(StringBuilder md, String check, String result, boolean ok) {
        md.append("| ").append(check).append(" | ").append(result).append(" | **").append(ok ? "PASS" : "FAIL")
                .append("** |\n");
        return ok;
    }

    static HttpRequest request(String base, Req req) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + req.path())).timeout(Duration.ofSeconds(30));
        HttpRequest.BodyPublisher body;
        if (req.body() == null) {
            body = HttpRequest.BodyPublishers.noBody();
        } else if (req.chunked()) {
            byte[] bytes = req.body();
            body = HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes));
        } else {
            body = HttpRequest.BodyPublishers.ofByteArray(req.body());
        }
        if (req.body() != null) {
            b.header("Content-Type", "application/json");
        }
        return b.method(req.method(), body).build();
    }

    // ---- checks --------------------------------------------------------------------------------

    /** Null when a malformed request got a 4xx with a JSON error message; else what is wrong. */
    static String checkMalformed(int status, byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        if (status < 400 || status >= 500) {
            return "status " + status + ", expected 4xx: " + abbreviate(text);
        }
        try {
            JsonNode n = JSON.readTree(body);
            JsonNode error = n == null ? null : n.get("error");
            if (error == null || !error.isTextual() || error.asText().isBlank()) {
                return "status " + status + " without a JSON \"error\": " + abbreviate(text);
            }
            return null;
        } catch (IOException e) {
            return "status " + status + " with a body that is not JSON: " + abbreviate(text);
        }
    }

    /** Null when a 200's body is a JSON object; else what is wrong. */
    static String checkJson(byte[] body) {
        try {
            JsonNode n = JSON.readTree(body);
            return n != null && n.isObject() ? null : "200 with a body that is not a JSON object";
        } catch (IOException e) {
            return "200 with a body that is not JSON: " + abbreviate(new String(body, StandardCharsets.UTF_8));
        }
    }

    /** Null when a valid request's answer matches the in-process predictions of its rows; else what differs. */
    static String checkValid(Req req, int status, byte[] body, DigitsRows.Expected expected, LongAdder ties) {
        String text = new String(body, StandardCharsets.UTF_8);
        if (status != 200) {
            return "status " + status + ": " + abbreviate(text);
        }
        JsonNode n;
        try {
            n = JSON.readTree(body);
        } catch (IOException e) {
            return "200 with a body that is not JSON: " + abbreviate(text);
        }
        int k = req.rows().length;
        String[] labels = new String[k];
        double[][] probabilities = new double[k][];
        try {
            switch (req.kind()) {
                case V2_ONE, V2_MANY, V2_FEATURES, V2_VERSIONED -> {
                    if (!n.path("model_name").asText().equals("digits") || !n.path("model_version").asText().equals("1")) {
                        return "wrong model_name/model_version: " + abbreviate(text);
                    }
                    if (req.id() != null && !n.path("id").asText().equals(req.id())) {
                        return "id not echoed: " + abbreviate(text);
                    }
                    JsonNode label = null;
                    JsonNode probs = null;
                    for (JsonNode out : n.path("outputs")) {
                        if (out.path("name").asText().equals("label")) {
                            label = out;
                        } else if (out.path("name").asText().equals("probabilities")) {
                            probs = out;
                        }
                    }
                    boolean labelOnly = req.kind() == Kind.V2_VERSIONED;
                    if (label == null || (probs == null) != labelOnly || n.path("outputs").size() != (labelOnly ? 1 : 2)) {
                        return "outputs are not " + (labelOnly ? "[label]" : "[label, probabilities]") + ": "
                                + abbreviate(text);
                    }
                    if (label.path("shape").size() != 1 || label.path("shape").get(0).asInt() != k
                            || label.path("data").size() != k) {
                        return "label tensor shape is not [" + k + "]: " + abbreviate(text);
                    }
                    for (int i = 0; i < k; i++) {
                        labels[i] = label.path("data").get(i).asText();
                    }
                    if (probs != null) {
                        if (!probs.path("shape").toString().equals("[" + k + ",10]") || probs.path("data").size() != 10 * k) {
                            return "probabilities tensor shape is not [" + k + ",10]: " + abbreviate(text);
                        }
                        for (int i = 0; i < k; i++) {
                            probabilities[i] = new double[10];
                            for (int j = 0; j < 10; j++) {
                                probabilities[i][j] = number(probs.path("data").get(i * 10 + j));
                            }
                        }
                    }
                }
                case V1_ROWS, V1_OBJECTS -> {
                    JsonNode predictions = n.path("predictions");
                    if (predictions.size() != k) {
                        return k + " predictions expected: " + abbreviate(text);
                    }
                    for (int i = 0; i < k; i++) {
                        labels[i] = predictions.get(i).path("label").asText(null);
                        probabilities[i] = array(predictions.get(i).path("probabilities"));
                    }
                }
                case V1_COLUMNAR -> {
                    JsonNode outputs = n.path("outputs");
                    if (outputs.path("label").size() != k || outputs.path("probabilities").size() != k) {
                        return "columnar outputs of " + k + " rows expected: " + abbreviate(text);
                    }
                    for (int i = 0; i < k; i++) {
                        labels[i] = outputs.path("label").get(i).asText(null);
                        probabilities[i] = array(outputs.path("probabilities").get(i));
                    }
                }
                case TYPED_ONE -> {
                    if (!n.path("model").asText().equals("digits") || !n.path("version").asText().equals("1")
                            || !n.path("id").isTextual()) {
                        return "model, version or id missing: " + abbreviate(text);
                    }
                    labels[0] = n.path("label").asText(null);
                    probabilities[0] = byClass(n.path("probabilities"));
                }
                case TYPED_MANY -> {
                    JsonNode predictions = n.path("predictions");
                    if (!n.path("model").asText().equals("digits") || predictions.size() != k) {
                        return k + " predictions of model digits expected: " + abbreviate(text);
                    }
                    for (int i = 0; i < k; i++) {
                        if (!predictions.get(i).path("id").isTextual()) {
                            return "prediction " + i + " has no id: " + abbreviate(text);
                        }
                        labels[i] = predictions.get(i).path("label").asText(null);
                        probabilities[i] = byClass(predictions.get(i).path("probabilities"));
                    }
                }
                default -> throw new IllegalStateException(req.kind() + " is not a valid kind");
            }
        } catch (RuntimeException e) {
            return "unexpected answer (" + e.getMessage() + "): " + abbreviate(text);
        }
        for (int i = 0; i < k; i++) {
            int row = req.rows()[i];
            double[] want = expected.probabilities()[row];
            if (probabilities[i] != null) {
                if (probabilities[i].length != want.length) {
                    return "row " + i + ": " + probabilities[i].length + " probabilities, expected " + want.length;
                }
                for (int j = 0; j < want.length; j++) {
                    if (!(Math.abs(probabilities[i][j] - want[j]) <= TOLERANCE)) {
                        return String.format(Locale.ROOT, "row %d (data row %d): probability of class %d is %s, "
                                + "in-process %.8f", i, row, j, probabilities[i][j], want[j]);
                    }
                }
            }
            if (!expected.labels()[row].equals(labels[i])) {
                int got = labels[i] == null ? -1 : Integer.parseInt(labels[i]);
                int exp = Integer.parseInt(expected.labels()[row]);
                if (got >= 0 && Math.abs(want[got] - want[exp]) < TOLERANCE) {
                    ties.increment(); // two classes within the tolerance: either is right
                } else {
                    return "row " + i + " (data row " + row + "): label " + labels[i] + ", in-process "
                            + expected.labels()[row];
                }
            }
        }
        return null;
    }

    private static double number(JsonNode n) {
        if (!n.isNumber()) {
            throw new IllegalArgumentException("not a number: " + n);
        }
        return n.asDouble();
    }

    private static double[] array(JsonNode a) {
        double[] v = new double[a.size()];
        for (int j = 0; j < v.length; j++) {
            v[j] = number(a.get(j));
        }
        return v;
    }

    private static double[] byClass(JsonNode o) {
        double[] v = new double[10];
        if (o.size() != 10) {
            throw new IllegalArgumentException("probabilities of 10 classes expected");
        }
        for (int j = 0; j < 10; j++) {
            v[j] = number(o.path(Integer.toString(j)));
        }
        return v;
    }

    static String abbreviate(String s) {
        s = s.replace('\n', ' ').replace("|", "\\|");
        return s.length() > 160 ? s.substring(0, 157) + "..." : s;
    }

    // ---- requests ------------------------------------------------------------------------------

    /** Makes request {@code i} of a soak: the same seed and index give the same request. */
    static final class Generator {
        private final DigitsRows digits;
        private final long seed;
        private final Kind[] wheel;

        Generator(DigitsRows digits, long seed) {
            this.digits = digits;
            this.seed = seed;
            List<Kind> w = new ArrayList<>();
            for (Kind k : Kind.values()) {
                for (int i = 0; i < k.weight; i++) {
                    w.add(k);
                }
            }
            this.wheel = w.toArray(new Kind[0]);
        }

        Req make(int i) {
            Random rnd = random(i);
            return make(wheel[rnd.nextInt(wheel.length)], rnd, i);
        }

        Req make(Kind kind, int i) {
            return make(kind, random(i), i);
        }

        private Random random(int i) {
            return new Random(seed * 0x9E3779B97F4A7C15L + i);
        }

        private int[] rows(Random rnd, int k) {
            int[] r = new int[k];
            for (int i = 0; i < k; i++) {
                r[i] = rnd.nextInt(digits.size());
            }
            return r;
        }

        /** A pixel value written one of several equivalent ways. */
        private static String num(double v, int style) {
            long l = (long) v;
            return switch (style) {
                case 0 -> Long.toString(l);
                case 1 -> l + ".0";
                case 2 -> l + "e0";
                default -> l + ".000";
            };
        }

        private String values(int row, int style) {
            StringBuilder b = new StringBuilder();
            for (int f = 0; f < 64; f++) {
                b.append(f == 0 ? "" : ",").append(num(digits.pixels[row][f], style));
            }
            return b.toString();
        }

        private String record(int row, int style) {
            StringBuilder b = new StringBuilder("{");
            for (int f = 0; f < 64; f++) {
                b.append(f == 0 ? "" : ",").append('"').append(digits.features.get(f)).append("\":")
                        .append(num(digits.pixels[row][f], style));
            }
            return b.append('}').toString();
        }

        private String v2Matrix(int[] rows, int style, boolean nested, boolean oneDim) {
            StringBuilder data = new StringBuilder();
            for (int i = 0; i < rows.length; i++) {
                data.append(i == 0 ? "" : ",").append(nested ? "[" : "").append(values(rows[i], style))
                        .append(nested ? "]" : "");
            }
            String shape = oneDim ? "[64]" : "[" + rows.length + ",64]";
            return "{\"inputs\":[{\"name\":\"input\",\"shape\":" + shape + ",\"datatype\":\"FP32\",\"data\":[" + data
                    + "]}]}";
        }

        private String v2Features(int[] rows, int style, boolean column, String datatype) {
            StringBuilder b = new StringBuilder("{\"inputs\":[");
            for (int f = 0; f < 64; f++) {
                b.append(f == 0 ? "" : ",").append("{\"name\":\"").append(digits.features.get(f))
                        .append("\",\"shape\":[").append(rows.length).append(column ? ",1]" : "]")
                        .append(",\"datatype\":\"").append(datatype).append("\",\"data\":[");
                for (int i = 0; i < rows.length; i++) {
                    b.append(i == 0 ? "" : ",").append(num(digits.pixels[rows[i]][f], style));
                }
                b.append("]}");
            }
            return b.append("]}").toString();
        }

        private String v1Rows(int[] rows, int style) {
            StringBuilder b = new StringBuilder("{\"instances\":[");
            for (int i = 0; i < rows.length; i++) {
                b.append(i == 0 ? "" : ",").append('[').append(values(rows[i], style)).append(']');
            }
            return b.append("]}").toString();
        }

        private String v1Objects(int[] rows, int style) {
            StringBuilder b = new StringBuilder("{\"instances\":[");
            for (int i = 0; i < rows.length; i++) {
                b.append(i == 0 ? "" : ",").append(record(rows[i], style));
            }
            return b.append("]}").toString();
        }

        private String v1Columnar(int[] rows, int style) {
            StringBuilder b = new StringBuilder("{\"inputs\":{");
            for (int f = 0; f < 64; f++) {
                b.append(f == 0 ? "" : ",").append('"').append(digits.features.get(f)).append("\":[");
                for (int i = 0; i < rows.length; i++) {
                    b.append(i == 0 ? "" : ",").append(num(digits.pixels[rows[i]][f], style));
                }
                b.append(']');
            }
            return b.append("}}").toString();
        }

        private String records(int[] rows, int style, boolean bare) {
            StringBuilder b = new StringBuilder(bare ? "[" : "{\"records\":[");
            for (int i = 0; i < rows.length; i++) {
                b.append(i == 0 ? "" : ",").append(record(rows[i], style));
            }
            return b.append(bare ? "]" : "]}").toString();
        }

        private static Req post(Kind kind, String variant, String path, String body, int[] rows, String id) {
            return new Req(kind, variant, "POST", path, body.getBytes(StandardCharsets.UTF_8), false, rows, id);
        }

        private static Req bad(Kind kind, String variant, String path, String body) {
            return post(kind, variant, path, body, null, null);
        }

        static final String V2 = "/v2/models/digits/infer";
        static final String V1 = "/v1/models/digits:predict";
        static final String TYPED = "/kiln/models/digits/predict";

        /** A valid body of a random protocol, with its path (for truncation and padding). */
        private String[] anyValid(Random rnd) {
            int[] r = rows(rnd, 1 + rnd.nextInt(3));
            return switch (rnd.nextInt(3)) {
                case 0 -> new String[] {V2, v2Matrix(r, 0, false, false)};
                case 1 -> new String[] {V1, v1Rows(r, 0)};
                default -> new String[] {TYPED, records(r, 0, false)};
            };
        }

        /** One row's values with the value of feature {@code f} replaced by {@code token}. */
        private String valuesWith(int row, int f, String token) {
            StringBuilder b = new StringBuilder();
            for (int j = 0; j < 64; j++) {
                b.append(j == 0 ? "" : ",").append(j == f ? token : num(digits.pixels[row][j], 0));
            }
            return b.toString();
        }

        /** One row written by a random protocol with one value replaced by {@code token}. */
        private Req withToken(Kind kind, String what, Random rnd, String token) {
            int row = rnd.nextInt(digits.size());
            int f = rnd.nextInt(64);
            String values = valuesWith(row, f, token);
            return switch (rnd.nextInt(3)) {
                case 0 -> bad(kind, "v2 " + what, V2, "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,64],"
                        + "\"datatype\":\"FP32\",\"data\":[" + values + "]}]}");
                case 1 -> bad(kind, "v1 " + what, V1, "{\"instances\":[[" + values + "]]}");
                default -> {
                    String name = digits.features.get(f);
                    String rec = record(row, 0).replace("\"" + name + "\":" + num(digits.pixels[row][f], 0) + ",",
                            "\"" + name + "\":" + token + ",").replace("\"" + name + "\":"
                            + num(digits.pixels[row][f], 0) + "}", "\"" + name + "\":" + token + "}");
                    yield bad(kind, "typed " + what, TYPED, rec);
                }
            };
        }

        private Req make(Kind kind, Random rnd, int i) {
            int style = rnd.nextInt(4);
            switch (kind) {
                case V2_ONE -> {
                    int[] r = rows(rnd, 1);
                    boolean oneDim = rnd.nextInt(5) == 0;
                    return post(kind, oneDim ? "shape [64]" : "shape [1,64]", V2, v2Matrix(r, style, false, oneDim), r,
                            null);
                }
                case V2_MANY -> {
                    int[] r = rows(rnd, 2 + rnd.nextInt(15));
                    boolean nested = rnd.nextBoolean();
                    return post(kind, nested ? "nested data" : "flat data", V2, v2Matrix(r, style, nested, false), r,
                            null);
                }
                case V2_FEATURES -> {
                    int[] r = rows(rnd, 1 + rnd.nextInt(4));
                    boolean column = rnd.nextBoolean();
                    String datatype = rnd.nextBoolean() ? "FP32" : "INT32";
                    return post(kind, "one tensor per feature, " + datatype, V2, v2Features(r, 0, column, datatype), r,
                            null);
                }
                case V2_VERSIONED -> {
                    int[] r = rows(rnd, 1 + rnd.nextInt(2));
                    String id = "soak-" + i;
                    String body = v2Matrix(r, style, false, false);
                    body = body.substring(0, body.length() - 1) + ",\"id\":\"" + id
                            + "\",\"outputs\":[{\"name\":\"label\"}]}";
                    return post(kind, "versions/1, id, outputs [label]", "/v2/models/digits/versions/1/infer", body, r,
                            id);
                }
                case V1_ROWS -> {
                    int[] r = rows(rnd, 1 + rnd.nextInt(8));
                    boolean versioned = rnd.nextInt(4) == 0;
                    return post(kind, versioned ? "versions/1" : "rows", versioned
                            ? "/v1/models/digits/versions/1:predict" : V1, v1Rows(r, style), r, null);
                }
                case V1_OBJECTS -> {
                    int[] r = rows(rnd, 1 + rnd.nextInt(4));
                    return post(kind, "objects", V1, v1Objects(r, style), r, null);
                }
                case V1_COLUMNAR -> {
                    int[] r = rows(rnd, 1 + rnd.nextInt(4));
                    return post(kind, "columnar", V1, v1Columnar(r, style), r, null);
                }
                case TYPED_ONE -> {
                    int[] r = rows(rnd, 1);
                    return post(kind, "one record", TYPED, record(r[0], style), r, null);
                }
                case TYPED_MANY -> {
                    int[] r = rows(rnd, 1 + rnd.nextInt(8));
                    boolean bare = rnd.nextBoolean();
                    boolean versioned = rnd.nextBoolean();
                    return post(kind, (bare ? "bare list" : "records") + (versioned ? ", versions/1" : ""),
                            versioned ? "/kiln/models/digits/versions/1/predict" : TYPED, records(r, style, bare), r,
                            null);
                }
                case BAD_JSON -> {
                    String[][] v = {
                        {"unquoted key", V2, "{\"inputs\":[{\"name\":\"input\",shape:[1,64]}]}"},
                        {"trailing comma", V1, "{\"instances\":[[1,2,3,]]}"},
                        {"not JSON", TYPED, "hello world"},
                        {"missing colon", V1, "{\"instances\" [[1]]}"},
                        {"single quotes", V1, "{'instances':[[1]]}"},
                        {"bare value", V2, "{\"inputs\":}"},
                        {"comment", TYPED, "/* c */ {\"pixel_0_0\": 1}"},
                        {"XML", V2, "<inputs><input>1</input></inputs>"},
                    };
                    String[] c = v[rnd.nextInt(v.length)];
                    return bad(kind, c[0], c[1], c[2]);
                }
                case TRUNCATED_JSON -> {
                    String[] valid = anyValid(rnd);
                    int cut = 1 + rnd.nextInt(valid[1].length() - 1);
                    return bad(kind, "cut at " + (cut * 10 / valid[1].length()) + "0%", valid[0],
                            valid[1].substring(0, cut));
                }
                case TRAILING_GARBAGE -> {
                    String[] valid = anyValid(rnd);
                    String[] tails = {" garbage", "}", "]]", " {\"instances\":[]}", ",", " 42"};
                    String tail = tails[rnd.nextInt(tails.length)];
                    return bad(kind, "valid document followed by '" + tail.trim() + "'", valid[0], valid[1] + tail);
                }
                case WRONG_SHAPE -> {
                    int[] r = rows(rnd, 1);
                    String d = values(r[0], 0);
                    String[][] v = {
                        {"[1,63] with 64 values", "[1,63]", d},
                        {"[2,64] with 64 values", "[2,64]", d},
                        {"[1,64] with 65 values", "[1,64]", d + ",0"},
                        {"[64,1]", "[64,1]", d},
                        {"[0,64]", "[0,64]", d},
                        {"[-1,64]", "[-1,64]", d},
                        {"[1,64,1]", "[1,64,1]", d},
                        {"[1.5,64]", "[1.5,64]", d},
                        {"[1000000,64] with 64 values", "[1000000,64]", d},
                        {"[4294967296,64]", "[4294967296,64]", d},
                        {"shape \"1,64\"", "\"1,64\"", d},
                        {"empty shape", "[]", d},
                    };
                    String[] c = v[rnd.nextInt(v.length)];
                    if (rnd.nextInt(8) == 0) {
                        return bad(kind, "no shape", V2, "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\","
                                + "\"data\":[" + d + "]}]}");
                    }
                    if (rnd.nextInt(8) == 0) {
                        String body = v2Features(rows(rnd, 2), 0, false, "FP32").replaceFirst("\"shape\":\\[2\\]",
                                "\"shape\":[3]");
                        return bad(kind, "feature tensors with different row counts", V2, body);
                    }
                    return bad(kind, c[0], V2, "{\"inputs\":[{\"name\":\"input\",\"shape\":" + c[1]
                            + ",\"datatype\":\"FP32\",\"data\":[" + c[2] + "]}]}");
                }
                case STRING_FOR_NUMBER -> {
                    String[] tokens = {"\"7\"", "\"abc\"", "true", "{}", "[]", "\"\""};
                    String t = tokens[rnd.nextInt(tokens.length)];
                    return withToken(kind, "value " + t, rnd, t);
                }
                case NAN_INFINITY -> {
                    String[] tokens = {"NaN", "Infinity", "-Infinity", "+Infinity", "\"NaN\"", "\"Infinity\"", "nan",
                        "inf"};
                    String t = tokens[rnd.nextInt(tokens.length)];
                    return withToken(kind, "value " + t, rnd, t);
                }
                case UNKNOWN_FEATURE -> {
                    int[] r = rows(rnd, 1);
                    return switch (rnd.nextInt(5)) {
                        case 0 -> bad(kind, "typed: extra pixel_8_8", TYPED, record(r[0], 0)
                                .replace("}", ",\"pixel_8_8\":1}"));
                        case 1 -> bad(kind, "typed: Pixel_0_0 for pixel_0_0", TYPED, record(r[0], 0)
                                .replace("\"pixel_0_0\"", "\"Pixel_0_0\""));
                        case 2 -> bad(kind, "v1 objects: extra foo", V1, v1Objects(r, 0).replace("}]}",
                                ",\"foo\":0}]}"));
                        case 3 -> bad(kind, "v1 columnar: extra bar", V1, v1Columnar(r, 0).replace("}}",
                                ",\"bar\":[1]}}"));
                        default -> bad(kind, "v2: tensor pixel_9_9", V2, v2Features(r, 0, false, "FP32")
                                .replace("\"pixel_7_7\"", "\"pixel_9_9\""));
                    };
                }
                case UNKNOWN_MODEL -> {
                    int[] r = rows(rnd, 1);
                    return switch (rnd.nextInt(4)) {
                        case 0 -> bad(kind, "v2 nope", "/v2/models/nope/infer", v2Matrix(r, 0, false, false));
                        case 1 -> bad(kind, "v1 nope", "/v1/models/nope:predict", v1Rows(r, 0));
                        case 2 -> bad(kind, "typed nope", "/kiln/models/nope/predict", record(r[0], 0));
                        default -> bad(kind, "v2 digitz versions/1", "/v2/models/digitz/versions/1/infer",
                                v2Matrix(r, 0, false, false));
                    };
                }
                case UNKNOWN_VERSION -> {
                    int[] r = rows(rnd, 1);
                    return switch (rnd.nextInt(5)) {
                        case 0 -> bad(kind, "v2 versions/2", "/v2/models/digits/versions/2/infer",
                                v2Matrix(r, 0, false, false));
                        case 1 -> bad(kind, "v2 versions/abc", "/v2/models/digits/versions/abc/infer",
                                v2Matrix(r, 0, false, false));
                        case 2 -> bad(kind, "v1 versions/9", "/v1/models/digits/versions/9:predict", v1Rows(r, 0));
                        case 3 -> bad(kind, "typed versions/0", "/kiln/models/digits/versions/0/predict",
                                record(r[0], 0));
                        default -> bad(kind, "typed versions/99999999999999999999",
                                "/kiln/models/digits/versions/99999999999999999999/predict", record(r[0], 0));
                    };
                }
                case UNKNOWN_ROUTE -> {
                    String[] paths = {"/v2/models/digits/explain", "/v3/models/digits/infer", "/kiln/models/digits",
                        "/v1/models/digits:classify", "/", "/kiln/models/digits/predict/extra"};
                    String p = paths[rnd.nextInt(paths.length)];
                    return bad(kind, p, p, record(rows(rnd, 1)[0], 0));
                }
                case WRONG_METHOD -> {
                    String[][] v = {{"GET", V2}, {"PUT", V2}, {"DELETE", V1}, {"GET", V1}, {"GET", TYPED},
                        {"PATCH", TYPED}};
                    String[] c = v[rnd.nextInt(v.length)];
                    boolean body = !c[0].equals("GET") && !c[0].equals("DELETE");
                    return new Req(kind, c[0] + " " + c[1], c[0], c[1], body
                            ? v1Rows(rows(rnd, 1), 0).getBytes(StandardCharsets.UTF_8) : null, false, null, null);
                }
                case OVERSIZED, OVERSIZED_CHUNKED -> {
                    // real rows, just too many of them: above --max-request-bytes
                    int target = MAX_REQUEST_BYTES + 1 + rnd.nextInt(32 * 1024);
                    StringBuilder b = new StringBuilder("{\"instances\":[");
                    while (b.length() < target) {
                        b.append(b.length() > 14 ? "," : "").append('[').append(values(rnd.nextInt(digits.size()), 0))
                                .append(']');
                    }
                    String body = b.append("]}").toString();
                    boolean chunked = kind == Kind.OVERSIZED_CHUNKED;
                    return new Req(kind, chunked ? "chunked body of 64-96 KiB" : "Content-Length 64-96 KiB", "POST", V1,
                            body.getBytes(StandardCharsets.UTF_8), chunked, null, null);
                }
                case EMPTY_BODY -> {
                    String[] paths = {V2, V1, TYPED};
                    String p = paths[rnd.nextInt(3)];
                    return rnd.nextBoolean() ? new Req(kind, "no body, " + p, "POST", p, null, false, null, null)
                            : bad(kind, "whitespace body, " + p, p, "  \n ");
                }
                case NESTED_GARBAGE -> {
                    int depth = 65 + rnd.nextInt(200);
                    String open = "[".repeat(depth);
                    String close = "]".repeat(depth);
                    return switch (rnd.nextInt(4)) {
                        case 0 -> bad(kind, "v2 data nested " + depth + " deep", V2,
                                "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,64],\"datatype\":\"FP32\",\"data\":"
                                        + open + "1" + close + "}]}");
                        case 1 -> bad(kind, "typed value nested objects " + depth + " deep", TYPED,
                                "{\"pixel_0_0\":" + "{\"a\":".repeat(depth) + "1" + "}".repeat(depth) + "}");
                        case 2 -> bad(kind, "v2 data of objects", V2, "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,64],"
                                + "\"datatype\":\"FP32\",\"data\":[" + "{\"a\":[1]},".repeat(63) + "{\"a\":[1]}]}]}");
                        default -> bad(kind, "v1 instances nested 3 deep", V1, "{\"instances\":[[["
                                + values(rnd.nextInt(digits.size()), 0) + "]]]}");
                    };
                }
                case HUGE_NUMBER -> {
                    String[] tokens = {"1e400", "-1e400", "2e308", "1" + "0".repeat(150),
                        "0." + "1".repeat(150)};
                    String t = tokens[rnd.nextInt(tokens.length)];
                    return withToken(kind, "value " + (t.length() > 30 ? t.length() + "-digit number" : t), rnd, t);
                }
                case FLOAT_OVERFLOW -> {
                    String[] tokens = {"1e300", "-1e300", "1e308"};
                    String t = tokens[rnd.nextInt(tokens.length)];
                    return withToken(kind, "finite value " + t + " (infinite once the model's float32 input)", rnd, t);
                }
                case HUGE_FINITE -> {
                    String[] tokens = {"1e39", "-3.5e38", "1e30"};
                    String t = tokens[rnd.nextInt(tokens.length)];
                    return withToken(kind, "value " + t, rnd, t);
                }
                case WRONG_TYPES -> {
                    String[][] v = {
                        {"v2 inputs is an object", V2, "{\"inputs\":{}}"},
                        {"v2 inputs empty", V2, "{\"inputs\":[]}"},
                        {"v2 inputs[0] is a number", V2, "{\"inputs\":[1]}"},
                        {"v2 datatype BYTES", V2, "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,64],\"datatype\":"
                                + "\"BYTES\",\"data\":[" + values(0, 0) + "]}]}"},
                        {"v2 no datatype", V2, "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,64],\"data\":["
                                + values(0, 0) + "]}]}"},
                        {"v2 no name", V2, "{\"inputs\":[{\"shape\":[1,64],\"datatype\":\"FP32\",\"data\":["
                                + values(0, 0) + "]}]}"},
                        {"v2 no data", V2, "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,64],\"datatype\":\"FP32\"}]}"},
                        {"v2 body is a list", V2, "[1,2,3]"},
                        {"v1 instances is an object", V1, "{\"instances\":{}}"},
                        {"v1 instances empty", V1, "{\"instances\":[]}"},
                        {"v1 instances is a string", V1, "{\"instances\":\"x\"}"},
                        {"v1 instances and inputs", V1, "{\"instances\":[[" + values(0, 0) + "]],\"inputs\":{}}"},
                        {"v1 body null", V1, "null"},
                        {"typed body is a string", TYPED, "\"hello\""},
                        {"typed body is a number", TYPED, "42"},
                        {"typed records of numbers", TYPED, "{\"records\":[1,2]}"},
                        {"typed records empty", TYPED, "{\"records\":[]}"},
                    };
                    String[] c = v[rnd.nextInt(v.length)];
                    return bad(kind, c[0], c[1], c[2]);
                }
                case WRONG_ROW_WIDTH -> {
                    int row = rnd.nextInt(digits.size());
                    String d = values(row, 0);
                    return switch (rnd.nextInt(3)) {
                        case 0 -> bad(kind, "v1 row of 63", V1, "{\"instances\":[[" + d.substring(0, d.lastIndexOf(','))
                                + "]]}");
                        case 1 -> bad(kind, "v1 row of 65", V1, "{\"instances\":[[" + d + ",0]]}");
                        default -> bad(kind, "v1 rows of 64 and 1", V1, "{\"instances\":[[" + d + "],[1]]}");
                    };
                }
                case INVALID_UTF8 -> {
                    byte[] head = "{\"pixel_0_0\":1,\"".getBytes(StandardCharsets.UTF_8);
                    byte[] bad = {(byte) 0xFF, (byte) 0xC3, (byte) 0x28};
                    byte[] tail = "\":2}".getBytes(StandardCharsets.UTF_8);
                    byte[] body = new byte[head.length + bad.length + tail.length];
                    System.arraycopy(head, 0, body, 0, head.length);
                    System.arraycopy(bad, 0, body, head.length, bad.length);
                    System.arraycopy(tail, 0, body, head.length + bad.length, tail.length);
                    return new Req(kind, "bytes FF C3 28 in a key", "POST", TYPED, body, false, null, null);
                }
                case UNKNOWN_OUTPUT -> {
                    int[] r = rows(rnd, 1);
                    String body = v2Matrix(r, 0, false, false);
                    String outputs = rnd.nextBoolean() ? "[{\"name\":\"logits\"}]" : "\"label\"";
                    return bad(kind, "outputs " + outputs, V2, body.substring(0, body.length() - 1) + ",\"outputs\":"
                            + outputs + "}");
                }
                default -> throw new IllegalStateException(kind.name());
            }
        }
    }
}
