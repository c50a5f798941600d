package io.kiln.runtime.serve;

/**
 * A request the server refuses, with the HTTP status to answer and a message for the client. Every
 * client mistake becomes one of these (a 4xx); anything else that escapes a handler is a server bug.
 */
final class HttpError extends RuntimeException {
    private final int status;

    HttpError(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    int status() {
        return status;
    }

    static HttpError badRequest(String message) {
        return new HttpError(400, message);
    }

    static HttpError notFound(String message) {
        return new HttpError(404, message);
    }
}
