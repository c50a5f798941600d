package io.kiln.runtime.serve;

import com.fasterxml.jackson.databind.JsonNode;
import io.kiln.runtime.serve.Predictor.Answered;
import io.undertow.server.HttpServerExchange;
import java.io.IOException;
import java.util.List;

/**
 * One protocol's routes under its prefix, and what every protocol shares: the registry, predictions with
 * their bookkeeping ({@link Predictor}), outcome ids, and JSON in and out ({@link Exchanges}).
 */
abstract class ProtocolApi {
    final ModelRegistry registry;
    final Outcomes outcomes;
    private final Predictor predictor;
    private final Exchanges http;

    ProtocolApi(ModelRegistry registry, Outcomes outcomes, Predictor predictor, Exchanges http) {
        this.registry = registry;
        this.outcomes = outcomes;
        this.predictor = predictor;
        this.http = http;
    }

    /**
     * Answers a request under this API's prefix.
     *
     * @param s the path's segments, the prefix first
     * @return the status answered
     */
    abstract int handle(HttpServerExchange ex, String method, String[] s, Call call) throws IOException;

    final int send(HttpServerExchange ex, int status, JsonNode body) throws IOException {
        return http.send(ex, status, body);
    }

    final JsonNode body(HttpServerExchange ex) throws IOException {
        return http.body(ex);
    }

    final Inputs inputs(ServedModel m) {
        return predictor.inputs(m);
    }

    final Answered predict(ServedModel m, List<Object[]> rows, String id, String protocol, boolean remember) {
        return predictor.predict(m, rows, id, protocol, remember);
    }

    /** The newest loaded version of a model, as a path segment. */
    final String latestOf(String model) {
        return Long.toString(registry.entry(model).latest().version());
    }

    static void label(Call call, ServedModel m) {
        call.label(m);
    }
}
