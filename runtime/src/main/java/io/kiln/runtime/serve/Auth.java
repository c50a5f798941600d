package io.kiln.runtime.serve;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** Bearer-token authentication: every route but the health probes needs the token when the server has one. */
final class Auth {
    /** {@code "Bearer <token>"} as bytes, or null when the server has no token. */
    private final byte[] tokenBytes;

    Auth(String token) {
        this.tokenBytes = token == null ? null : ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
    }

    /** True when requests need the token. */
    boolean enabled() {
        return tokenBytes != null;
    }

    /** True when the request carries the token (compared in constant time). */
    boolean authorized(HttpServerExchange ex) {
        String header = ex.getRequestHeaders().getFirst(Headers.AUTHORIZATION);
        byte[] given = header == null ? new byte[0] : header.getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(given, tokenBytes);
    }

    /** Throws 401, with {@code WWW-Authenticate}, unless the request carries the token or none is needed. */
    void authorize(HttpServerExchange ex) {
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
}
