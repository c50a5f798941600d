package io.kiln.runtime.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kiln.dsl.Task;
import io.kiln.runtime.FeatureTransform;
import io.kiln.runtime.ModelMetadata;
import io.kiln.runtime.Predictions;
import io.kiln.runtime.Versions;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.GracefulShutdownHandler;
import io.undertow.server.handlers.HttpContinueReadHandler;
import org.xnio.IoUtils;
import org.xnio.XnioExecutor;
import io.undertow.util.AttachmentKey;
import io.undertow.util.Headers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The embedded model server started by {@code serve}: the Open Inference Protocol v2 under
 * {@code /v2}, TensorFlow-Serving's REST API under {@code /v1}, Kiln's typed JSON routes and
 * OpenAPI document under {@code /kiln}, and Prometheus metrics at {@code /metrics}. Routes,
 * payloads and status codes are documented in {@code docs/concepts/serving.md}.
 *
 * <p>Every client mistake is answered with a 4xx and {@code {"error": "..."}} naming what to fix;
 * the server keeps serving. {@link #close} stops accepting requests, finishes those in flight and
 * then stops.
 */
public final class KilnServer implements AutoCloseable {
    private static final String JSON_TYPE = "application/json";
    /** Oversized bodies up to this many times the limit are read and discarded before the 413; larger ones are not read. */
    private static final int DRAIN_FACTOR = 16;
    /** Largest prediction body read and answered on an I/O thread (64 rows of 64 features take about 16 KB). */
    static final int IO_THREAD_BODY_BYTES = 64 * 1024;
    /** A body already read without blocking, for {@link #body}. */
    private static final AttachmentKey<byte[]> BODY = AttachmentKey.create(byte[].class);
    /** Undertow's libraries log their versions at INFO through java.util.logging; keep the console for Kiln. */
    private static final List<java.util.logging.Logger> QUIET = java.util.stream.Stream.of("io.undertow", "org.xnio",
            "org.jboss").map(java.util.logging.Logger::getLogger).toList();

    static {
        QUIET.forEach(l -> l.setLevel(java.util.logging.Level.WARNING));
    }

    private final ServerConfig config;
    private final ModelRegistry registry;
    private final ServerMetrics metrics;
    private final AuditLog audit;
    private final Outcomes outcomes = new Outcomes(100_000);
    private final Consumer<String> log;
    private final ObjectMapper json;
    private final byte[] tokenBytes;
    private final Undertow undertow;
    private final GracefulShutdownHandler shutdown;
    private final ScheduledExecutorService poller;
    private final Map<String, Inputs> inputs = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile boolean closed;

    private KilnServer(ServerConfig config, ModelStore store, List<Path> files, Consumer<String> log)
            throws IOException {
        this.config = config;
        this.log = log;
        // a document followed by anything but whitespace is malformed, not a document
        this.json = new ObjectMapper().enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        // bound what a request can make the parser do, beyond the byte limit
        json.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64)
                .maxNumberLength(100).maxStringLength(config.maxRequestBytes()).build());
        this.tokenBytes = config.token() == null ? null : ("Bearer " + config.token()).getBytes(StandardCharsets.UTF_8);
        ModelRegistry[] holder = new ModelRegistry[1];
        this.metrics = new ServerMetrics(() -> holder[0] == null ? List.of() : holder[0].served());
        this.registry = new ModelRegistry(store, files, config, metrics, log);
        holder[0] = registry;
        registry.loadAll();
        if (registry.models().isEmpty()) {
            registry.close();
            throw new IllegalArgumentException(store != null
                    ? "The store " + store.root().toAbsolutePath() + " has no models; publish one first "
                            + "('publish --model FILE --store DIR')"
                    : "No model to serve");
        }
        this.audit = config.auditFile() != null ? new AuditLog(config.auditFile(), config.auditRate(), metrics, log)
                : null;
        // a client that sent 'Expect: 100-continue' gets its 100 as soon as the body is read
        this.shutdown = new GracefulShutdownHandler(new HttpContinueReadHandler(this::dispatch));
        this.undertow = Undertow.builder()
                .addHttpListener(config.port(), config.host())
                .setIoThreads(Math.max(2, Runtime.getRuntime().availableProcessors()))
                .setWorkerThreads(config.workerThreads())
                .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, (long) config.maxRequestBytes() * DRAIN_FACTOR)
                .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, config.idleTimeoutMillis())
                .setServerOption(UndertowOptions.REQUEST_PARSE_TIMEOUT, 10_000)
                .setServerOption(UndertowOptions.RECORD_REQUEST_START_TIME, false)
                .setHandler(shutdown)
                .build();
        try {
            undertow.start();
        } catch (RuntimeException e) {
            registry.close();
            if (audit != null) {
                audit.close();
            }
            throw new IOException("Cannot listen on " + config.host() + ":" + config.port() + ": "
                    + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()), e);
        }
        if (store != null && config.pollSeconds() > 0) {
            poller = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "kiln-store-poller");
                t.setDaemon(true);
                return t;
            });
            poller.scheduleWithFixedDelay(this::poll, config.pollSeconds(), config.pollSeconds(), TimeUnit.SECONDS);
        } else {
            poller = null;
        }
    }

    /**
     * Starts a server for the models of a store (null for none) and single model files.
     *
     * @param log where load events and errors are reported, one line each
     */
    public static KilnServer start(ServerConfig config, ModelStore store, List<Path> files, Consumer<String> log)
            throws IOException {
        return new KilnServer(config, store, files, log);
    }

    /** The port the server listens on (useful with port 0). */
    public int port() {
        return ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
    }

    /** The served models and their loaded versions. */
    public Map<String, List<Long>> models() {
        Map<String, List<Long>> m = new TreeMap<>();
        registry.models().forEach((name, e) -> m.put(name, List.copyOf(e.versions().keySet())));
        return m;
    }

    /** Rescans the store now (the poller does this every {@code pollSeconds}). */
    public List<String> refresh() {
        return registry.refreshAll();
    }

    private void poll() {
        try {
            registry.refreshAll();
        } catch (RuntimeException e) {
            log.accept("error: scanning the store failed: " + e.getMessage());
        }
    }

    /**
     * Stops accepting requests (new ones get 503), waits up to {@code shutdownSeconds} for the
     * requests in flight, then stops.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (poller != null) {
            poller.shutdownNow();
        }
        shutdown.shutdown();
        try {
            if (!shutdown.awaitShutdown(TimeUnit.SECONDS.toMillis(config.shutdownSeconds()))) {
                log.accept("warning: requests still in flight after " + config.shutdownSeconds() + " s; stopping");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        undertow.stop();
        registry.close();
        if (audit != null) {
            audit.close();
        }
    }

    // ---- request handling ----------------------------------------------------------------------

    /** What a request turned out to be, for its metrics. */
    private static final class Call {
        String model = ServerMetrics.NONE;
        String version = ServerMetrics.NONE;
        String protocol = "other";
    }

    /**
     * Routes a request. Its body is read without blocking on the I/O thread that received it, so
     * a slow client holds no worker thread; a body that has not arrived within {@code
     * bodyTimeoutMillis} is answered 408 and its connection closed. Then a small prediction request
     * ({@link #onIoThread}) is answered on that I/O thread, everything else on a worker thread.
     */
    private void dispatch(HttpServerExchange exchange) {
        long started = System.nanoTime();
        if (!hasBody(exchange)) {
            exchange.dispatch(() -> handle(exchange, started));
            return;
        }
        if (tokenBytes != null && !isHealth(exchange.getRequestPath()) && !authorized(exchange)) {
            handle(exchange, started); // a 401 without reading the body; the connection closes after it
            guard(exchange);
            return;
        }
        long length = exchange.getRequestContentLength();
        int limit = config.maxRequestBytes();
        if (length > (long) limit * DRAIN_FACTOR) {
            metrics.request(ServerMetrics.NONE, ServerMetrics.NONE, "other",
                    error(exchange, 413, "the request has " + length + " bytes; this server takes at most " + limit),
                    System.nanoTime() - started);
            guard(exchange);
            return;
        }
        Body body = new Body(limit);
        exchange.getRequestReceiver().receivePartialBytes((ex, bytes, last) -> {
            if (body.settled) {
                return;
            }
            body.add(bytes);
            if (!last) {
                return;
            }
            body.settled = true;
            if (body.timer != null) {
                body.timer.remove();
            }
            if (body.overflow) {
                metrics.request(ServerMetrics.NONE, ServerMetrics.NONE, "other", error(ex, 413, length >= 0
                        ? "the request has " + length + " bytes; this server takes at most " + limit
                        : "the request is larger than this server's limit of " + limit + " bytes"),
                        System.nanoTime() - started);
                return;
            }
            ex.putAttachment(BODY, body.bytes());
            if (onIoThread(ex)) {
                handle(ex, started);
            } else {
                ex.dispatch(() -> handle(ex, started));
            }
        }, (ex, e) -> {
            // the client went away mid-body, or sent more than the server drains
            body.settled = true;
            if (body.timer != null) {
                body.timer.remove();
            }
            if (e instanceof io.undertow.server.RequestTooBigException && !ex.isResponseStarted()) {
                error(ex, 413, "the request is larger than this server's limit of " + limit + " bytes");
            } else {
                IoUtils.safeClose(ex.getConnection());
            }
        });
        if (!body.settled) {
            body.timer = exchange.getIoThread().executeAfter(() -> {
                if (!body.settled) {
                    body.settled = true;
                    timedOut(exchange, started);
                }
            }, config.bodyTimeoutMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** A request body being received: kept up to the size limit, counted beyond it. */
    private static final class Body {
        final int limit;
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean overflow;
        boolean settled;
        XnioExecutor.Key timer;

        Body(int limit) {
            this.limit = limit;
        }

        void add(byte[] bytes) {
            if (overflow || out.size() + bytes.length > limit) {
                overflow = true;
                return;
            }
            out.write(bytes, 0, bytes.length);
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    private static boolean hasBody(HttpServerExchange ex) {
        return ex.getRequestContentLength() > 0 || ex.getRequestHeaders().contains(Headers.TRANSFER_ENCODING);
    }

    private static boolean isHealth(String path) {
        return path.startsWith("/v2/health/");
    }

    /** Answers 408 to a request whose body is late, and closes its connection. */
    private void timedOut(HttpServerExchange ex, long started) {
        if (ex.isResponseStarted()) {
            IoUtils.safeClose(ex.getConnection());
            return;
        }
        ex.setPersistent(false);
        ex.setStatusCode(408);
        ex.getResponseHeaders().put(Headers.CONTENT_TYPE, JSON_TYPE);
        ex.getResponseHeaders().put(Headers.CONNECTION, "close");
        byte[] message;
        try {
            message = json.writeValueAsBytes(Outputs.JSON.objectNode().put("error", "the request body did not arrive "
                    + "within " + config.bodyTimeoutMillis() + " ms; send it at once after the headers"));
        } catch (IOException e) {
            message = new byte[0];
        }
        ex.getResponseSender().send(ByteBuffer.wrap(message), new io.undertow.io.IoCallback() {
            @Override
            public void onComplete(HttpServerExchange exchange, io.undertow.io.Sender sender) {
                IoUtils.safeClose(exchange.getConnection());
            }

            @Override
            public void onException(HttpServerExchange exchange, io.undertow.io.Sender sender, IOException e) {
                IoUtils.safeClose(exchange.getConnection());
            }
        });
        metrics.request(ServerMetrics.NONE, ServerMetrics.NONE, "other", 408, System.nanoTime() - started);
    }

    /**
     * Closes the connection of an answered request whose body was never read, unless the rest of
     * the body arrives within {@code bodyTimeoutMillis}: such a connection cannot take another
     * request, and a client trickling the body must not keep it.
     */
    private void guard(HttpServerExchange ex) {
        if (ex.isRequestComplete()) {
            return;
        }
        ex.getIoThread().executeAfter(() -> {
            if (!ex.isRequestComplete()) {
                IoUtils.safeClose(ex.getConnection());
            }
        }, config.bodyTimeoutMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * True for a request answered on its I/O thread: a POST to a prediction route with a declared
     * body of at most {@value #IO_THREAD_BODY_BYTES} bytes, while no loaded model uses the dynamic
     * batcher. Such a request costs tens of microseconds of CPU (a plain-Java forward pass, JSON
     * in and out); handing it to a worker thread cost more than that in context switches, and the
     * dozens of runnable threads on two cores made the scheduler's time slices the latency tail
     * (docs/benchmarks.md). A batched model blocks its caller, so its requests go to workers.
     */
    private boolean onIoThread(HttpServerExchange ex) {
        long length = ex.getRequestContentLength();
        if (length <= 0 || length > Math.min(IO_THREAD_BODY_BYTES, config.maxRequestBytes())
                || !ex.getRequestMethod().equalToString("POST")) {
            return false;
        }
        String path = ex.getRequestPath();
        return (path.endsWith("/infer") || path.endsWith(":predict") || path.endsWith("/predict"))
                && !registry.anyBatching();
    }

    private void handle(HttpServerExchange exchange, long started) {
        Call call = new Call();
        int status;
        try {
            status = route(exchange, call);
        } catch (HttpError e) {
            status = error(exchange, e.status(), e.getMessage());
        } catch (RuntimeException | IOException | Error e) {
            log.accept("error: " + exchange.getRequestMethod() + " " + exchange.getRequestPath() + " failed: " + e);
            status = error(exchange, 500, "internal error: " + e.getClass().getSimpleName()
                    + "; the server logged the details");
        }
        metrics.request(call.model, call.version, call.protocol, status, System.nanoTime() - started);
    }

    private int route(HttpServerExchange ex, Call call) throws IOException {
        String method = ex.getRequestMethod().toString();
        String path = ex.getRequestPath();
        String[] s = segments(path);
        if (s.length == 3 && s[0].equals("v2") && s[1].equals("health")) {
            call.protocol = "v2";
            if (s[2].equals("live")) {
                allow(ex, method, "GET");
                return send(ex, 200, Outputs.JSON.objectNode().put("live", true));
            }
            if (s[2].equals("ready")) {
                allow(ex, method, "GET");
                String notReady = closed ? "the server is stopping" : registry.notReady();
                ObjectNode o = Outputs.JSON.objectNode().put("ready", notReady == null);
                if (notReady != null) {
                    o.put("reason", notReady);
                }
                return send(ex, notReady == null ? 200 : 503, o);
            }
        }
        authorize(ex);
        if (s.length == 1 && s[0].equals("metrics")) {
            call.protocol = "metrics";
            allow(ex, method, "GET");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            metrics.write(out);
            ex.setStatusCode(200);
            ex.getResponseHeaders().put(Headers.CONTENT_TYPE, metrics.contentType());
            ex.getResponseSender().send(ByteBuffer.wrap(out.toByteArray()));
            return 200;
        }
        if (s.length >= 1 && s[0].equals("v2")) {
            call.protocol = "v2";
            return v2(ex, method, s, call);
        }
        if (s.length >= 3 && s[0].equals("v1") && s[1].equals("models")) {
            call.protocol = "v1";
            return v1(ex, method, s, call);
        }
        if (s.length >= 2 && s[0].equals("kiln")) {
            call.protocol = "kiln";
            return kiln(ex, method, s, call);
        }
        throw HttpError.notFound("No route " + method + " " + abbreviate(path) + ". Routes: /v2 (Open Inference "
                + "Protocol), /v1/models/{model}:predict (TensorFlow Serving), /kiln/models/{model}/predict, "
                + "/kiln/openapi.json, /metrics");
    }

    private int v2(HttpServerExchange ex, String method, String[] s, Call call) throws IOException {
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

    private static boolean isJson(String contentType) {
        String t = contentType.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
        return t.equals(JSON_TYPE) || t.endsWith("+json");
    }

    /**
     * Checks the rows for missing values: refused (400, naming the features) unless the request
     * opted in to imputation, where features that declare missing = ERROR are still refused.
     * Returns each row's imputed features, or null when no value is missing.
     */
    private static List<List<String>> imputed(ServedModel m, List<Object[]> rows, boolean impute,
            java.util.function.IntFunction<String> where, String optIn) {
        List<FeatureTransform> features = m.model().metadata().features();
        List<List<String>> imputed = null;
        for (int r = 0; r < rows.size(); r++) {
            Object[] row = rows.get(r);
            List<String> missing = null;
            for (int f = 0; f < row.length; f++) {
                if (row[f] == null) {
                    FeatureTransform feature = features.get(f);
                    if (impute && feature.missing() == io.kiln.dsl.Missing.ERROR) {
                        throw HttpError.badRequest(where.apply(r) + "." + feature.name()
                                + ": missing, and the model declares missing = ERROR for '" + feature.name() + "'");
                    }
                    if (missing == null) {
                        missing = new ArrayList<>();
                    }
                    missing.add(feature.name());
                }
            }
            if (missing != null && !impute) {
                throw HttpError.badRequest(where.apply(r) + ": missing values for " + String.join(", ", missing)
                        + "; send every feature, or " + optIn + " to have missing values filled as in training");
            }
            if (missing != null && imputed == null) {
                imputed = new ArrayList<>();
                for (int i = 0; i < r; i++) {
                    imputed.add(List.of());
                }
            }
            if (imputed != null) {
                imputed.add(missing == null ? List.of() : missing);
            }
        }
        return imputed;
    }

    /** The query parameter {@code impute_missing} (absent: false). */
    private static boolean imputeParameter(HttpServerExchange ex) {
        java.util.Deque<String> values = ex.getQueryParameters().get("impute_missing");
        if (values == null || values.isEmpty()) {
            return false;
        }
        String v = values.getFirst();
        if (!v.equals("true") && !v.equals("false")) {
            throw HttpError.badRequest("impute_missing must be true or false, was '" + abbreviate(v) + "'");
        }
        return v.equals("true");
    }

    private String latestOf(String model) {
        return Long.toString(registry.entry(model).latest().version());
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

    private int v1(HttpServerExchange ex, String method, String[] s, Call call) throws IOException {
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

    private int kiln(HttpServerExchange ex, String method, String[] s, Call call) throws IOException {
        if (s.length == 2 && s[1].equals("openapi.json")) {
            allow(ex, method, "GET");
            return send(ex, 200, OpenApi.document(registry.models(), Versions.kiln(), tokenBytes != null));
        }
        if (s.length < 4 || !s[1].equals("models")) {
            throw HttpError.notFound("No route " + method + " /" + String.join("/", s)
                    + "; Kiln's routes are /kiln/models/{model}[/versions/{v}]/predict, /kiln/models/{model}/outcomes, "
                    + "/kiln/models/{model}/traffic and /kiln/openapi.json");
        }
        String model = s[2];
        String version = null;
        String action = s[3];
        if (s.length == 6 && s[3].equals("versions")) {
            version = s[4];
            action = s[5];
            if (!action.equals("predict")) {
                throw HttpError.notFound("No route " + method + " /" + String.join("/", s));
            }
        } else if (s.length != 4) {
            throw HttpError.notFound("No route " + method + " /" + String.join("/", s));
        }
        switch (action) {
            case "predict" -> {
                allow(ex, method, "POST");
                JsonNode body = body(ex);
                ServedModel m = registry.resolve(model, version);
                label(call, m);
                boolean[] single = new boolean[1];
                List<Object[]> rows = inputs(m).fromRecords(body, single);
                List<List<String>> imputed = imputed(m, rows, imputeParameter(ex),
                        i -> single[0] ? "record" : "records[" + i + "]", "add ?impute_missing=true to the URL");
                Answered a = predict(m, rows, newId(), "kiln", true);
                Predictions p = a.p();
                ModelMetadata meta = m.model().metadata();
                if (single[0]) {
                    ObjectNode o = Outputs.JSON.objectNode();
                    o.put("id", outcomes.id(a.first()));
                    o.put("model", model);
                    o.put("version", m.versionLabel());
                    o.setAll(Outputs.typed(p, 0, meta));
                    imputedField(o, imputed, 0);
                    return send(ex, 200, o);
                }
                ObjectNode o = Outputs.JSON.objectNode();
                o.put("model", model);
                o.put("version", m.versionLabel());
                ArrayNode predictions = o.putArray("predictions");
                for (int i = 0; i < p.size(); i++) {
                    ObjectNode one = predictions.addObject();
                    one.put("id", outcomes.id(a.first() + i));
                    one.setAll(Outputs.typed(p, i, meta));
                    imputedField(one, imputed, i);
                }
                return send(ex, 200, o);
            }
            case "outcomes" -> {
                allow(ex, method, "POST");
                call.model = registry.entry(model).name();
                return send(ex, 200, outcomes(model, body(ex)));
            }
            case "traffic" -> {
                allow(ex, method, "GET", "PUT");
                ModelRegistry.Entry e = registry.entry(model);
                call.model = e.name();
                if (method.equals("PUT")) {
                    call.protocol = "admin";
                    registry.setSplit(model, parseSplit(body(ex)));
                }
                return send(ex, 200, traffic(model));
            }
            default -> throw HttpError.notFound("No route " + method + " /" + String.join("/", s)
                    + "; a model's Kiln routes are predict, outcomes and traffic");
        }
    }

    private static void imputedField(ObjectNode o, List<List<String>> imputed, int row) {
        if (imputed != null && !imputed.get(row).isEmpty()) {
            ArrayNode names = o.putArray("imputed");
            imputed.get(row).forEach(names::add);
        }
    }

    /** Runs a prediction and does its bookkeeping: traffic, metrics, drift, outcomes, audit. */
    /** A request's predictions and the sequence number of its first row's outcome id (-1: not remembered). */
    private record Answered(Predictions p, long first) {}

    private Answered predict(ServedModel m, List<Object[]> rows, String id, String protocol, boolean remember) {
        Predictions p;
        try {
            p = m.predict(rows);
        } catch (IllegalArgumentException e) {
            throw HttpError.badRequest(e.getMessage()); // a value the preprocessing refuses, named by feature
        }
        for (int i = 0; i < p.size(); i++) {
            for (int j = 0; j < p.outputWidth(); j++) {
                if (!Double.isFinite(p.output(i, j))) {
                    throw HttpError.badRequest("row " + i + ": the model's output is not a number; its inputs are far "
                            + "outside the range it was trained on (check their units)");
                }
            }
        }
        registry.traffic(m.name()).served(m.version(), rows.size());
        metrics.predictions(m, p);
        m.observe(rows);
        long first = remember ? outcomes.remember(m, p) : -1;
        ModelMetadata meta = m.model().metadata();
        if (audit != null && audit.sample()) {
            ObjectNode entry = Outputs.JSON.objectNode();
            entry.put("time", Instant.now().toString());
            entry.put("model", m.name());
            entry.put("version", m.versionLabel());
            entry.put("protocol", protocol);
            entry.put("id", id);
            ArrayNode records = entry.putArray("records");
            int n = Math.min(rows.size(), 100);
            for (int i = 0; i < n; i++) {
                ObjectNode r = records.addObject();
                ObjectNode in = r.putObject("inputs");
                Object[] row = rows.get(i);
                List<FeatureTransform> features = meta.features();
                for (int f = 0; f < row.length; f++) {
                    in.putPOJO(features.get(f).name(), row[f]);
                }
                r.set("prediction", Outputs.typed(p, i, meta));
            }
            if (rows.size() > n) {
                entry.put("recordsOmitted", rows.size() - n);
            }
            audit.record(entry);
        }
        return new Answered(p, first);
    }

    private ObjectNode outcomes(String model, JsonNode body) {
        JsonNode list = body.isArray() ? body : body.get("outcomes");
        if (list == null || !list.isArray() || list.isEmpty()) {
            throw HttpError.badRequest("the body must be {\"outcomes\": [{\"id\": ..., \"label\": ...}, ...]} "
                    + "(regression: \"value\" instead of \"label\")");
        }
        ModelRegistry.Entry e = registry.entry(model);
        ModelMetadata meta = e.latest().model().metadata();
        boolean regression = !meta.task().isClassification();
        int recorded = 0;
        ArrayNode unknown = Outputs.JSON.arrayNode();
        for (int i = 0; i < list.size(); i++) {
            JsonNode o = list.get(i);
            String id = o.path("id").asText(null);
            if (id == null) {
                throw HttpError.badRequest("outcomes[" + i + "] needs the 'id' of the prediction it is the outcome of");
            }
            JsonNode truth = regression ? o.get("value") : o.has("labels") ? o.get("labels") : o.get("label");
            if (truth == null || truth.isNull()) {
                throw HttpError.badRequest("outcomes[" + i + "] needs the true " + (regression ? "'value'" : "'label'"));
            }
            if (regression && !truth.isNumber() && !truth.isArray()) {
                throw HttpError.badRequest("outcomes[" + i + "].value must be a number (or a list for several targets)");
            }
            Outcomes.Made made = outcomes.take(id);
            if (made == null || !made.model().equals(model)) {
                unknown.add(id);
                continue;
            }
            Traffic.Counts c = registry.traffic(model).counts(made.version());
            c.outcomes.increment();
            String version = Long.toString(made.version());
            if (regression) {
                double error = 0;
                for (int j = 0; j < made.values().length; j++) {
                    JsonNode t = truth.isArray() ? truth.get(j) : truth;
                    if (t == null || !t.isNumber()) {
                        throw HttpError.badRequest("outcomes[" + i + "].value needs " + made.values().length + " numbers");
                    }
                    error += Math.abs(t.asDouble() - made.values()[j]);
                }
                error /= made.values().length;
                c.absoluteError.add(error);
                metrics.outcomeError(model, version, error);
            } else {
                String label = truth.isArray() ? joinSorted(truth, meta) : truth.asText();
                String predicted = meta.task() == Task.MULTILABEL_CLASSIFICATION
                        ? String.join(";", new java.util.TreeSet<>(List.of(made.label().split(";", -1)))
                                .stream().filter(x -> !x.isEmpty()).toList())
                        : made.label();
                boolean right = label.equals(predicted);
                if (right) {
                    c.right.increment();
                }
                metrics.outcome(model, version, right);
            }
            recorded++;
        }
        ObjectNode r = Outputs.JSON.objectNode();
        r.put("recorded", recorded);
        r.set("unknown", unknown);
        if (!unknown.isEmpty()) {
            r.put("note", "unknown ids were never issued by this server run for this model, were already reported, "
                    + "or have been forgotten (it remembers the last 100000 predictions)");
        }
        return r;
    }

    private static String joinSorted(JsonNode labels, ModelMetadata meta) {
        java.util.TreeSet<String> set = new java.util.TreeSet<>();
        labels.forEach(l -> set.add(l.asText()));
        return String.join(";", set);
    }

    private ObjectNode traffic(String model) {
        ModelRegistry.Entry e = registry.entry(model);
        Traffic t = registry.traffic(model);
        boolean regression = !e.latest().model().metadata().task().isClassification();
        ObjectNode o = Outputs.JSON.objectNode();
        o.put("model", model);
        ObjectNode split = o.putObject("split");
        t.split().forEach((v, pct) -> split.put(Long.toString(v), pct));
        ArrayNode versions = o.putArray("versions");
        List<double[]> rates = new ArrayList<>();
        for (Map.Entry<Long, Traffic.Counts> c : t.all().entrySet()) {
            ObjectNode v = versions.addObject();
            v.put("version", Long.toString(c.getKey()));
            v.put("loaded", e.versions().containsKey(c.getKey()));
            v.put("requests", c.getValue().requests.sum());
            v.put("rows", c.getValue().rows.sum());
            long n = c.getValue().outcomes.sum();
            v.put("outcomes", n);
            if (regression) {
                v.put("mae", n == 0 ? null : c.getValue().absoluteError.sum() / n);
            } else {
                long right = c.getValue().right.sum();
                v.put("right", right);
                v.put("accuracy", n == 0 ? null : (double) right / n);
                if (n > 0) {
                    rates.add(new double[] {right, n, c.getKey()});
                }
            }
        }
        if (rates.size() == 2) {
            o.set("comparison", twoProportions(rates.get(0), rates.get(1)));
        }
        return o;
    }

    /** A two-sided two-proportion z-test between two versions' accuracies. */
    static ObjectNode twoProportions(double[] a, double[] b) {
        double pa = a[0] / a[1];
        double pb = b[0] / b[1];
        double pooled = (a[0] + b[0]) / (a[1] + b[1]);
        double se = Math.sqrt(pooled * (1 - pooled) * (1 / a[1] + 1 / b[1]));
        double z = se == 0 ? 0 : (pb - pa) / se;
        double p = 2 * (1 - normalCdf(Math.abs(z)));
        ObjectNode c = Outputs.JSON.objectNode();
        c.put("versions", (long) a[2] + " vs " + (long) b[2]);
        c.put("accuracy_difference", pb - pa);
        c.put("z", z);
        c.put("p_value", p);
        c.put("significant_at_0.05", p < 0.05);
        return c;
    }

    /** The standard normal CDF (Abramowitz and Stegun 7.1.26 for erf; error below 1.5e-7). */
    static double normalCdf(double x) {
        double t = 1 / (1 + 0.3275911 * Math.abs(x) / Math.sqrt(2));
        double y = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592)
                * t * Math.exp(-x * x / 2);
        double erf = x >= 0 ? y : -y;
        return 0.5 * (1 + erf);
    }

    private static Map<Long, Integer> parseSplit(JsonNode body) {
        JsonNode split = body.has("split") ? body.get("split") : body;
        if (!split.isObject()) {
            throw HttpError.badRequest("the body must be {\"split\": {\"<version>\": <percent>, ...}}");
        }
        Map<Long, Integer> percents = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = split.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            long v;
            try {
                v = Long.parseLong(e.getKey());
            } catch (NumberFormatException x) {
                throw HttpError.badRequest("split key '" + e.getKey() + "' is not a version number");
            }
            if (!e.getValue().isIntegralNumber()) {
                throw HttpError.badRequest("split." + e.getKey() + " must be a whole percent");
            }
            percents.put(v, e.getValue().asInt());
        }
        return percents;
    }

    // ---- plumbing ------------------------------------------------------------------------------

    private Inputs inputs(ServedModel m) {
        String key = m.name() + "/" + m.version();
        return inputs.computeIfAbsent(key, k -> new Inputs(m.model().metadata().features()));
    }

    private static void label(Call call, ServedModel m) {
        call.model = m.name();
        call.version = m.versionLabel();
    }

    private boolean authorized(HttpServerExchange ex) {
        String header = ex.getRequestHeaders().getFirst(Headers.AUTHORIZATION);
        byte[] given = header == null ? new byte[0] : header.getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(given, tokenBytes);
    }

    private void authorize(HttpServerExchange ex) {
        if (tokenBytes == null) {
            return;
        }
        String header = ex.getRequestHeaders().getFirst(Headers.AUTHORIZATION);
        if (!authorized(ex)) {
            ex.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, "Bearer realm=\"kiln\"");
            throw new HttpError(401, header == null ? "this server needs 'Authorization: Bearer <token>'"
                    : "the bearer token is wrong");
        }
    }

    private static void allow(HttpServerExchange ex, String method, String... allowed) {
        for (String a : allowed) {
            if (a.equals(method)) {
                return;
            }
        }
        ex.getResponseHeaders().put(Headers.ALLOW, String.join(", ", allowed));
        throw new HttpError(405, "Method " + method + " is not allowed here; use " + String.join(" or ", allowed));
    }

    /** The parsed JSON body (read by {@link #dispatch} within the size and time limits). */
    private JsonNode body(HttpServerExchange ex) throws IOException {
        // the body is JSON whatever the Content-Type says (curl -d sends form-urlencoded), as in TF Serving;
        // the v2 routes check it (see v2)
        byte[] bytes = ex.getAttachment(BODY);
        return parse(bytes == null ? new byte[0] : bytes);
    }

    private JsonNode parse(byte[] bytes) throws IOException {
        if (bytes.length == 0) {
            throw HttpError.badRequest("the request has no body; send a JSON document");
        }
        try {
            JsonNode node = json.readerFor(JsonNode.class).readValue(bytes);
            if (node == null || node.isMissingNode()) {
                throw HttpError.badRequest("the request has no JSON document");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw HttpError.badRequest("malformed JSON: " + parserMessage(e.getOriginalMessage())
                    + (e.getLocation() != null ? " at line " + e.getLocation().getLineNr() + ", column "
                            + e.getLocation().getColumnNr() : ""));
        }
    }

    private static final java.util.regex.Pattern SOURCE = java.util.regex.Pattern.compile(
            "\\[Source: .*?; line: (\\d+), column: (\\d+)\\]", java.util.regex.Pattern.DOTALL);
    private static final java.util.regex.Pattern PARSER_HINT = java.util.regex.Pattern.compile(
            "\\s*\\((bound as|for) [^)]*\\)|[:;,]?\\s*(enable|from|use|not allowed as per) `[^`]*`( to allow)?");

    /** The parser's message without its internals (feature and class names, the source). */
    static String parserMessage(String message) {
        if (message == null) {
            return "unreadable document";
        }
        String m = SOURCE.matcher(message).replaceAll("line $1, column $2");
        m = PARSER_HINT.matcher(m).replaceAll("");
        m = m.replace("com.fasterxml.jackson.", "").replace('`', '\'');
        if (m.startsWith("Non-standard token")) {
            m += " (JSON has no NaN or infinity; send a finite number, or null for a missing value)";
        }
        return m.length() > 300 ? m.substring(0, 297) + "..." : m;
    }

    private int send(HttpServerExchange ex, int status, JsonNode body) throws IOException {
        ex.setStatusCode(status);
        ex.getResponseHeaders().put(Headers.CONTENT_TYPE, JSON_TYPE);
        ex.getResponseSender().send(ByteBuffer.wrap(json.writeValueAsBytes(body)));
        return status;
    }

    private int error(HttpServerExchange ex, int status, String message) {
        if (ex.isResponseStarted()) {
            return status;
        }
        try {
            if (!ex.isRequestComplete() || status == 413) {
                // the body was not read (or not all of it); do not keep a connection in an unknown state
                ex.setPersistent(false);
            }
            return send(ex, status, Outputs.JSON.objectNode().put("error", message));
        } catch (IOException | RuntimeException e) {
            return status;
        }
    }

    private static String[] segments(String path) {
        return java.util.Arrays.stream(path.split("/")).filter(x -> !x.isEmpty()).toArray(String[]::new);
    }

    private static String abbreviate(String s) {
        return s.length() > 100 ? s.substring(0, 97) + "..." : s;
    }

    private static String newId() {
        return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    }
}
