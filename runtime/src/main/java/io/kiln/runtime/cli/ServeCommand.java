package io.kiln.runtime.cli;

import io.kiln.runtime.ModelDefinition;
import io.kiln.runtime.serve.KilnServer;
import io.kiln.runtime.serve.ModelStore;
import io.kiln.runtime.serve.ServerConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code serve}: the REST model server (Open Inference Protocol v2, TensorFlow-Serving
 * {@code :predict}, typed JSON with OpenAPI, Prometheus metrics) over model files or a model store.
 * Runs until interrupted (Ctrl-C or SIGTERM), then finishes the requests in flight.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Serve models over REST until stopped (Ctrl-C or SIGTERM finishes in-flight requests first).")
public final class ServeCommand implements Callable<Integer> {
    private final ModelDefinition definition;
    private final PrintStream out;
    private final PrintStream err;

    @Option(names = "--model", paramLabel = "FILE", description = "A model file to serve as version 1 (repeatable; "
            + "default models/<name>.kiln when no --store is given).")
    List<Path> models = new ArrayList<>();

    @Option(names = "--store", paramLabel = "DIR", description = "Serve every model of this store "
            + "(<DIR>/<model>/<version>/model.kiln; see 'publish'), loading new versions as they appear.")
    Path store;

    @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "Address to bind (default: ${DEFAULT-VALUE}, this machine only; 0.0.0.0 for every interface).")
    String host;

    @Option(names = "--port", paramLabel = "N", defaultValue = "8080", description = "Port (default: ${DEFAULT-VALUE}; 0 for any free port).")
    int port;

    @Option(names = "--token-file", paramLabel = "FILE", description = "Require 'Authorization: Bearer <token>' with the "
            + "token in this file (or in the KILN_TOKEN environment variable) on every route but /v2/health.")
    Path tokenFile;

    @Option(names = "--max-request-bytes", paramLabel = "N", defaultValue = "1048576",
            description = "Largest request body accepted (default: ${DEFAULT-VALUE}); larger ones get 413.")
    int maxRequestBytes;

    @Option(names = "--max-batch", paramLabel = "N", defaultValue = "64",
            description = "Dynamic batching of models predicted by DL4J: most rows per forward pass (default: "
                    + "${DEFAULT-VALUE}; 1 turns batching off). Models with a plain-Java forward pass are never batched.")
    int maxBatch;

    @Option(names = "--batch-delay-us", paramLabel = "N", defaultValue = "0",
            description = "Dynamic batching: microseconds a batch waits for more requests (default: ${DEFAULT-VALUE}, "
                    + "only requests already queued).")
    long batchDelayMicros;

    @Option(names = "--workers", paramLabel = "N", defaultValue = "64", description = "Request threads (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--keep-versions", paramLabel = "N", defaultValue = "2",
            description = "Newest versions of each store model kept loaded (default: ${DEFAULT-VALUE}).")
    int keepVersions;

    @Option(names = "--poll-seconds", paramLabel = "N", defaultValue = "5",
            description = "How often the store is scanned for new versions (default: ${DEFAULT-VALUE}; 0: only on "
                    + "POST /v2/repository/...).")
    int pollSeconds;

    @Option(names = "--split", paramLabel = "MODEL=V:PCT,...", description = "A/B split of a model's traffic between "
            + "versions, e.g. iris=1:90,2:10 (repeatable, one per model).")
    List<String> splits = new ArrayList<>();

    @Option(names = "--audit-file", paramLabel = "FILE", description = "Append a sample of requests and predictions "
            + "here as JSON lines, for manual audit.")
    Path auditFile;

    @Option(names = "--audit-rate", paramLabel = "FRACTION", defaultValue = "0.01",
            description = "Fraction of requests sampled for the audit file (default: ${DEFAULT-VALUE}).")
    double auditRate;

    @Option(names = "--drift-window", paramLabel = "ROWS", defaultValue = "10000",
            description = "Recent rows each model version's drift metric is computed over (default: ${DEFAULT-VALUE}).")
    int driftWindow;

    @Option(names = "--shutdown-seconds", paramLabel = "N", defaultValue = "30",
            description = "How long a stop waits for requests in flight (default: ${DEFAULT-VALUE}).")
    int shutdownSeconds;

    @Option(names = "--body-timeout-seconds", paramLabel = "N", defaultValue = "10",
            description = "How long a request's body may take to arrive after its headers; a slower one gets 408 and "
                    + "its connection is closed (default: ${DEFAULT-VALUE}).")
    int bodyTimeoutSeconds;

    @Option(names = "--idle-timeout-seconds", paramLabel = "N", defaultValue = "60",
            description = "How long a connection may stay open without a request (default: ${DEFAULT-VALUE}).")
    int idleTimeoutSeconds;

    @Option(names = "--inbox", paramLabel = "DIR",
            description = "Write each reported outcome (the predicted row with its true label) as a labelled row into "
                    + "DIR/<model>/outcomes-*.csv, for 'learn --inbox DIR/<model>' (continuous learning).")
    Path inbox;

    @Option(names = "--inbox-rows", paramLabel = "N", defaultValue = "500",
            description = "Labelled rows per outcome file (default: ${DEFAULT-VALUE}); the last, partial file is "
                    + "completed when the server stops.")
    int inboxRows;

    public ServeCommand(ModelDefinition definition, PrintStream out, PrintStream err) {
        this.definition = definition;
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        String token = token();
        ServerConfig config = ServerConfig.builder().host(host).port(port).token(token)
                .maxRequestBytes(maxRequestBytes).batching(maxBatch, batchDelayMicros).workerThreads(workers)
                .store(keepVersions, pollSeconds).splits(parseSplits(splits)).driftWindow(driftWindow)
                .audit(auditFile, auditRate).shutdownSeconds(shutdownSeconds)
                .bodyTimeoutMillis(Math.multiplyExact(bodyTimeoutSeconds, 1000))
                .idleTimeoutMillis(Math.multiplyExact(idleTimeoutSeconds, 1000)).inbox(inbox, inboxRows).build();
        List<Path> files = new ArrayList<>(models);
        if (files.isEmpty() && store == null) {
            files.add(KilnCli.defaultModelFile(definition));
        }
        KilnServer server = KilnServer.start(config, store == null ? null : new ModelStore(store), files,
                line -> err.println(line));
        CountDownLatch stopped = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean stopping = new java.util.concurrent.atomic.AtomicBoolean();
        Runnable stop = () -> {
            if (stopping.compareAndSet(false, true)) {
                err.println("stopping: finishing requests in flight");
                try {
                    server.close();
                    err.println("stopped");
                } finally {
                    stopped.countDown(); // never leave the command waiting, whatever close threw
                }
            }
        };
        // SIGTERM and Ctrl-C stop the server gracefully and the command exits 0; the hook covers
        // any other way the JVM ends
        for (String signal : new String[] {"TERM", "INT"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> new Thread(stop, "kiln-serve-stop").start());
            } catch (IllegalArgumentException e) {
                // the signal is not available here (or the JVM reserves it): the hook still runs
            }
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.run();
            try {
                stopped.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "kiln-serve-shutdown"));
        String base = "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + server.port();
        out.println("serving " + server.models() + " on " + base);
        out.println("  " + base + "/v2/models/{model}/infer        Open Inference Protocol v2");
        out.println("  " + base + "/v1/models/{model}:predict      TensorFlow Serving");
        out.println("  " + base + "/kiln/models/{model}/predict    typed JSON (schema: /kiln/openapi.json)");
        out.println("  " + base + "/metrics                        Prometheus");
        if (token == null && !isLoopback(host)) {
            err.println("warning: listening on " + host + " without a token; anyone who can reach it can use it. "
                    + "Pass --token-file FILE.");
        }
        out.flush();
        stopped.await();
        return 0;
    }

    private String token() throws IOException {
        String token = null;
        if (tokenFile != null) {
            token = Files.readString(tokenFile, StandardCharsets.UTF_8).trim();
        } else if (System.getenv("KILN_TOKEN") != null) {
            token = System.getenv("KILN_TOKEN").trim();
        }
        if (token != null && token.length() < 16) {
            throw new IllegalArgumentException("The token must be at least 16 characters (e.g. "
                    + "'openssl rand -hex 32 > token.txt')");
        }
        return token;
    }

    static boolean isLoopback(String host) {
        return host.equals("127.0.0.1") || host.equals("localhost") || host.equals("::1");
    }

    /** Parses {@code MODEL=V:PCT,V:PCT} options. */
    static Map<String, Map<Long, Integer>> parseSplits(List<String> options) {
        Map<String, Map<Long, Integer>> splits = new HashMap<>();
        for (String option : options) {
            int eq = option.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--split '" + option + "' is not MODEL=VERSION:PERCENT,...");
            }
            Map<Long, Integer> shares = new LinkedHashMap<>();
            int sum = 0;
            for (String part : option.substring(eq + 1).split(",")) {
                String[] vp = part.split(":");
                try {
                    long v = Long.parseLong(vp[0].trim());
                    int pct = Integer.parseInt(vp[1].trim());
                    if (v < 1 || pct < 1) {
                        throw new NumberFormatException();
                    }
                    shares.put(v, pct);
                    sum += pct;
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException("--split '" + option + "': '" + part
                            + "' is not VERSION:PERCENT with a positive version and percent");
                }
            }
            if (sum != 100) {
                throw new IllegalArgumentException("--split '" + option + "': the percents sum to " + sum
                        + ", not 100");
            }
            splits.put(option.substring(0, eq), shares);
        }
        return splits;
    }
}
