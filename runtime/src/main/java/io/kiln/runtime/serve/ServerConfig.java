package io.kiln.runtime.serve;

import java.nio.file.Path;
import java.util.Map;

/**
 * How a {@link KilnServer} runs.
 *
 * @param host the address to bind (127.0.0.1 unless told otherwise)
 * @param port the port (0: any free port)
 * @param token the bearer token every request but the health checks must carry, or null for none
 * @param maxRequestBytes the largest request body accepted (larger: 413)
 * @param maxBatch the most rows per forward pass when batching concurrent requests (1: no batching)
 * @param batchDelayMicros how long a batch waits for more requests after its first (0: only what is queued)
 * @param workerThreads threads that parse requests and wait for predictions
 * @param keepVersions how many of each model's newest versions are loaded from the store
 * @param pollSeconds how often the store is scanned for new versions (0: only on a repository request)
 * @param splits A/B splits: model name to version to percent of traffic
 * @param driftWindow rows of recent requests each model version's drift is measured over
 * @param auditFile where sampled requests and predictions are appended as JSON lines, or null
 * @param auditRate the fraction of requests sampled for the audit log
 * @param shutdownSeconds how long a shutdown waits for in-flight requests
 * @param bodyTimeoutMillis how long a request's body may take to arrive, from the end of its headers
 *     (longer: 408 and the connection is closed)
 * @param idleTimeoutMillis how long a connection may stay open with no request (longer: closed)
 * @param inbox where reported outcomes are written as labelled rows for continuous learning
 *     ({@code <inbox>/<model>/outcomes-*.csv}), or null for nowhere
 * @param inboxRows rows per outcome file
 */
public record ServerConfig(String host, int port, String token, int maxRequestBytes, int maxBatch,
        long batchDelayMicros, int workerThreads, int keepVersions, int pollSeconds, Map<String, Map<Long, Integer>> splits,
        int driftWindow, Path auditFile, double auditRate, int shutdownSeconds, int bodyTimeoutMillis,
        int idleTimeoutMillis, Path inbox, int inboxRows) {

    public ServerConfig {
        splits = Map.copyOf(splits);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be in 0..65535, was " + port);
        }
        if (maxRequestBytes < 1024) {
            throw new IllegalArgumentException("the request size limit must be at least 1024 bytes");
        }
        if (maxBatch < 1 || batchDelayMicros < 0 || workerThreads < 1 || keepVersions < 1 || pollSeconds < 0
                || driftWindow < 1 || shutdownSeconds < 0) {
            throw new IllegalArgumentException("batch size, worker threads, kept versions and drift window must be "
                    + "positive; the delay, poll interval and shutdown wait not negative");
        }
        if (bodyTimeoutMillis < 1 || idleTimeoutMillis < 1) {
            throw new IllegalArgumentException("the body and idle timeouts must be positive");
        }
        if (inboxRows < 1) {
            throw new IllegalArgumentException("rows per outcome file must be positive, was " + inboxRows);
        }
        if (!(auditRate >= 0 && auditRate <= 1)) {
            throw new IllegalArgumentException("the audit rate is a fraction in [0, 1], was " + auditRate);
        }
    }

    /** Loopback only, no token, 1 MiB requests, batching up to 64 rows with no added delay. */
    public static ServerConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds a configuration from the defaults of {@link #defaults()}. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port = 8080;
        private String token;
        private int maxRequestBytes = 1 << 20;
        private int maxBatch = 64;
        private long batchDelayMicros;
        private int workerThreads = 64;
        private int keepVersions = 2;
        private int pollSeconds = 5;
        private Map<String, Map<Long, Integer>> splits = Map.of();
        private int driftWindow = 10_000;
        private Path auditFile;
        private double auditRate = 0.01;
        private int shutdownSeconds = 30;
        private int bodyTimeoutMillis = 10_000;
        private int idleTimeoutMillis = 60_000;
        private Path inbox;
        private int inboxRows = 500;

        private Builder() {}

        public Builder host(String host) {
            this.host = host;
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder token(String token) {
            this.token = token;
            return this;
        }

        public Builder maxRequestBytes(int maxRequestBytes) {
            this.maxRequestBytes = maxRequestBytes;
            return this;
        }

        public Builder batching(int maxBatch, long batchDelayMicros) {
            this.maxBatch = maxBatch;
            this.batchDelayMicros = batchDelayMicros;
            return this;
        }

        public Builder workerThreads(int workerThreads) {
            this.workerThreads = workerThreads;
            return this;
        }

        public Builder store(int keepVersions, int pollSeconds) {
            this.keepVersions = keepVersions;
            this.pollSeconds = pollSeconds;
            return this;
        }

        public Builder splits(Map<String, Map<Long, Integer>> splits) {
            this.splits = splits;
            return this;
        }

        public Builder driftWindow(int driftWindow) {
            this.driftWindow = driftWindow;
            return this;
        }

        public Builder audit(Path auditFile, double auditRate) {
            this.auditFile = auditFile;
            this.auditRate = auditRate;
            return this;
        }

        public Builder shutdownSeconds(int shutdownSeconds) {
            this.shutdownSeconds = shutdownSeconds;
            return this;
        }

        /** How long a request's body may take to arrive after its headers (default 10 s). */
        public Builder bodyTimeoutMillis(int bodyTimeoutMillis) {
            this.bodyTimeoutMillis = bodyTimeoutMillis;
            return this;
        }

        /** How long an open connection may wait for its next request (default 60 s). */
        public Builder idleTimeoutMillis(int idleTimeoutMillis) {
            this.idleTimeoutMillis = idleTimeoutMillis;
            return this;
        }

        /** Write reported outcomes as labelled rows into {@code dir}, {@code rows} per file (null: nowhere). */
        public Builder inbox(Path dir, int rows) {
            this.inbox = dir;
            this.inboxRows = rows;
            return this;
        }

        public ServerConfig build() {
            return new ServerConfig(host, port, token, maxRequestBytes, maxBatch, batchDelayMicros, workerThreads,
                    keepVersions, pollSeconds, splits, driftWindow, auditFile, auditRate, shutdownSeconds, bodyTimeoutMillis,
                    idleTimeoutMillis, inbox, inboxRows);
        }
    }
}
