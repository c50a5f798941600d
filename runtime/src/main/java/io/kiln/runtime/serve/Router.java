package io.kiln.runtime.serve;

import static io.kiln.runtime.serve.Exchanges.abbreviate;
import static io.kiln.runtime.serve.Exchanges.allow;
import static io.kiln.runtime.serve.Exchanges.segments;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Routes a request: the health probes (no token needed), {@code /metrics}, then by prefix to the
 * protocol APIs ({@code /v2} Open Inference Protocol, {@code /v1} TensorFlow Serving, {@code /kiln});
 * turns an {@link HttpError} into its status and anything else into a logged 500, and counts the request.
 */
final class Router {
    private final Exchanges http;
    private final Auth auth;
    private final ModelRegistry registry;
    private final ServerMetrics metrics;
    private final Consumer<String> log;
    /** True once the server is stopping: readiness answers 503. */
    private final BooleanSupplier stopping;
    private final ProtocolApi openInference;
    private final ProtocolApi tfServing;
    private final ProtocolApi kiln;

    Router(Exchanges http, Auth auth, ModelRegistry registry, ServerMetrics metrics, Consumer<String> log,
            BooleanSupplier stopping, ProtocolApi openInference, ProtocolApi tfServing, ProtocolApi kiln) {
        this.http = http;
        this.auth = auth;
        this.registry = registry;
        this.metrics = metrics;
        this.log = log;
        this.stopping = stopping;
        this.openInference = openInference;
        this.tfServing = tfServing;
        this.kiln = kiln;
    }

    /** Answers a request whose body has been read, and counts it. */
    void handle(HttpServerExchange exchange, long started) {
        Call call = new Call();
        int status;
        try {
            status = route(exchange, call);
        } catch (HttpError e) {
            status = http.error(exchange, e.status(), e.getMessage());
        } catch (RuntimeException | IOException | Error e) {
            log.accept("error: " + exchange.getRequestMethod() + " " + exchange.getRequestPath() + " failed: " + e);
            status = http.error(exchange, 500, "internal error: " + e.getClass().getSimpleName()
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
                return http.send(ex, 200, Outputs.JSON.objectNode().put("live", true));
            }
            if (s[2].equals("ready")) {
                allow(ex, method, "GET");
                String notReady = stopping.getAsBoolean() ? "the server is stopping" : registry.notReady();
                ObjectNode o = Outputs.JSON.objectNode().put("ready", notReady == null);
                if (notReady != null) {
                    o.put("reason", notReady);
                }
                return http.send(ex, notReady == null ? 200 : 503, o);
            }
        }
        auth.authorize(ex);
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
            return openInference.handle(ex, method, s, call);
        }
        if (s.length >= 3 && s[0].equals("v1") && s[1].equals("models")) {
            call.protocol = "v1";
            return tfServing.handle(ex, method, s, call);
        }
        if (s.length >= 2 && s[0].equals("kiln")) {
            call.protocol = "kiln";
            return kiln.handle(ex, method, s, call);
        }
        throw HttpError.notFound("No route " + method + " " + abbreviate(path) + ". Routes: /v2 (Open Inference "
                + "Protocol), /v1/models/{model}:predict (TensorFlow Serving), /kiln/models/{model}/predict, "
                + "/kiln/openapi.json, /metrics");
    }
}
