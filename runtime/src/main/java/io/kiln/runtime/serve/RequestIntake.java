package io.kiln.runtime.serve;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.xnio.IoUtils;
import org.xnio.XnioExecutor;

/**
 * The HTTP front of the server: reads each request's body without blocking, within the size limit
 * (413) and the body timeout (408, the connection closed), refuses a request without the token before
 * reading its body, and hands the request to the {@link Router} on the I/O thread (small predictions)
 * or a worker thread.
 */
final class RequestIntake {
    /** Oversized bodies up to this many times the limit are read and discarded before the 413; larger ones are not read. */
    static final int DRAIN_FACTOR = 16;

    /** Largest prediction body read and answered on an I/O thread (64 rows of 64 features take about 16 KB). */
    static final int IO_THREAD_BODY_BYTES = 64 * 1024;

    private final ServerConfig config;
    private final Exchanges http;
    private final Auth auth;
    private final Router router;
    private final ModelRegistry registry;
    private final ServerMetrics metrics;

    RequestIntake(ServerConfig config, Exchanges http, Auth auth, Router router, ModelRegistry registry,
            ServerMetrics metrics) {
        this.config = config;
        this.http = http;
        this.auth = auth;
        this.router = router;
        this.registry = registry;
        this.metrics = metrics;
    }

    /**
     * Routes a request. Its body is read without blocking on the I/O thread that received it, so
     * a slow client holds no worker thread; a body that has not arrived within {@code
     * bodyTimeoutMillis} is answered 408 and its connection closed. Then a small prediction request
     * ({@link #onIoThread}) is answered on that I/O thread, everything else on a worker thread.
     */
    void dispatch(HttpServerExchange exchange) {
        long started = System.nanoTime();
        if (!hasBody(exchange)) {
            exchange.dispatch(() -> router.handle(exchange, started));
            return;
        }
        if (auth.enabled() && !isHealth(exchange.getRequestPath()) && !auth.authorized(exchange)) {
            router.handle(exchange, started); // a 401 without reading the body; the connection closes after it
            guard(exchange);
            return;
        }
        long length = exchange.getRequestContentLength();
        int limit = config.maxRequestBytes();
        if (length > (long) limit * DRAIN_FACTOR) {
            metrics.request(ServerMetrics.NONE, ServerMetrics.NONE, "other",
                    http.error(exchange, 413, "the request has " + length + " bytes; this server takes at most " + limit),
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
                metrics.request(ServerMetrics.NONE, ServerMetrics.NONE, "other", http.error(ex, 413, length >= 0
                        ? "the request has " + length + " bytes; this server takes at most " + limit
                        : "the request is larger than this server's limit of " + limit + " bytes"),
                        System.nanoTime() - started);
                return;
            }
            ex.putAttachment(Exchanges.BODY, body.bytes());
            if (onIoThread(ex)) {
                router.handle(ex, started);
            } else {
                ex.dispatch(() -> router.handle(ex, started));
            }
        }, (ex, e) -> {
            // the client went away mid-body, or sent more than the server drains
            body.settled = true;
            if (body.timer != null) {
                body.timer.remove();
            }
            if (e instanceof io.undertow.server.RequestTooBigException && !ex.isResponseStarted()) {
                http.error(ex, 413, "the request is larger than this server's limit of " + limit + " bytes");
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
        ex.getResponseHeaders().put(Headers.CONTENT_TYPE, Exchanges.JSON_TYPE);
        ex.getResponseHeaders().put(Headers.CONNECTION, "close");
        byte[] message;
        try {
            message = http.bytes(Outputs.JSON.objectNode().put("error", "the request body did not arrive "
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
}
