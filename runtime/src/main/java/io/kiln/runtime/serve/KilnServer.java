package io.kiln.runtime.serve;

import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.handlers.GracefulShutdownHandler;
import io.undertow.server.handlers.HttpContinueReadHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
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
    private final OutcomeInbox inbox;
    private final Consumer<String> log;
    private final Undertow undertow;
    private final GracefulShutdownHandler shutdown;
    private final ScheduledExecutorService poller;
    private volatile boolean closed;

    private KilnServer(ServerConfig config, ModelStore store, List<Path> files, Consumer<String> log)
            throws IOException {
        this.config = config;
        this.log = log;
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
        Exchanges http = new Exchanges(config.maxRequestBytes());
        Auth auth = new Auth(config.token());
        Outcomes outcomes = new Outcomes(100_000, config.inbox() != null);
        this.inbox = config.inbox() != null ? new OutcomeInbox(config.inbox(), config.inboxRows()) : null;
        Predictor predictor = new Predictor(registry, metrics, outcomes, audit);
        Router router = new Router(http, auth, registry, metrics, log, () -> closed,
                new OpenInferenceApi(registry, outcomes, predictor, http),
                new TfServingApi(registry, outcomes, predictor, http),
                new KilnApi(registry, outcomes, predictor, http, metrics, auth, inbox));
        RequestIntake intake = new RequestIntake(config, http, auth, router, registry, metrics);
        // a client that sent 'Expect: 100-continue' gets its 100 as soon as the body is read
        this.shutdown = new GracefulShutdownHandler(new HttpContinueReadHandler(intake::dispatch));
        this.undertow = Undertow.builder()
                .addHttpListener(config.port(), config.host())
                .setIoThreads(Math.max(2, Runtime.getRuntime().availableProcessors()))
                .setWorkerThreads(config.workerThreads())
                .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, (long) config.maxRequestBytes() * RequestIntake.DRAIN_FACTOR)
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
        if (inbox != null) {
            inbox.close(); // the outcomes gathered so far become a batch for the learner
        }
        if (audit != null) {
            audit.close();
        }
    }
}
