package io.kiln.runtime.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import io.undertow.util.Headers;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * JSON in and out of an exchange: the body parsed within the parser's bounds (malformed JSON answered 400
 * with the parser's message, its internals removed), answers and {@code {"error": ...}} documents, the
 * allowed methods, and the path helpers every route uses.
 */
final class Exchanges {
    static final String JSON_TYPE = "application/json";

    /** A body already read without blocking, for {@link #body}. */
    static final AttachmentKey<byte[]> BODY = AttachmentKey.create(byte[].class);

    private final ObjectMapper json;

    Exchanges(int maxRequestBytes) {
        // a document followed by anything but whitespace is malformed, not a document
        this.json = new ObjectMapper().enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        // bound what a request can make the parser do, beyond the byte limit
        json.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64)
                .maxNumberLength(100).maxStringLength(maxRequestBytes).build());
    }

    /** The JSON document as bytes. */
    byte[] bytes(JsonNode node) throws IOException {
        return json.writeValueAsBytes(node);
    }

    static boolean isJson(String contentType) {
        String t = contentType.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
        return t.equals(JSON_TYPE) || t.endsWith("+json");
    }

    static void allow(HttpServerExchange ex, String method, String... allowed) {
        for (String a : allowed) {
            if (a.equals(method)) {
                return;
            }
        }
        ex.getResponseHeaders().put(Headers.ALLOW, String.join(", ", allowed));
        throw new HttpError(405, "Method " + method + " is not allowed here; use " + String.join(" or ", allowed));
    }

    /** The parsed JSON body (read by {@link RequestIntake#dispatch} within the size and time limits). */
    JsonNode body(HttpServerExchange ex) throws IOException {
        // the body is JSON whatever the Content-Type says (curl -d sends form-urlencoded), as in TF Serving;
        // the v2 routes check it (see OpenInferenceApi)
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

    int send(HttpServerExchange ex, int status, JsonNode body) throws IOException {
        ex.setStatusCode(status);
        ex.getResponseHeaders().put(Headers.CONTENT_TYPE, JSON_TYPE);
        ex.getResponseSender().send(ByteBuffer.wrap(json.writeValueAsBytes(body)));
        return status;
    }

    int error(HttpServerExchange ex, int status, String message) {
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

    static String[] segments(String path) {
        return java.util.Arrays.stream(path.split("/")).filter(x -> !x.isEmpty()).toArray(String[]::new);
    }

    static String abbreviate(String s) {
        return s.length() > 100 ? s.substring(0, 97) + "..." : s;
    }

    static String newId() {
        return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    }
}
