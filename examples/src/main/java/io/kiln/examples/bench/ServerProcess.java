package io.kiln.examples.bench;

import io.kiln.examples.digits.DigitsMain;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A model server in a child JVM ({@code DigitsMain serve}) for the serving benchmarks: started with
 * the project's server flags, on loopback, stopped with SIGTERM. Every server a bench starts is
 * killed when the bench JVM exits, whatever happens, so no server outlives its benchmark.
 */
final class ServerProcess implements AutoCloseable {
    /** The JVM flags the server runs with (the tuned flags of the training benchmark). */
    static final List<String> SERVER_FLAGS = Bench.TUNED_FLAGS;
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly),
                "kill-bench-servers"));
    }

    final Process process;
    final int port;
    final Path stderr;
    final Path gcLog;
    final List<String> args;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private ServerProcess(Process process, int port, Path stderr, Path gcLog, List<String> args) {
        this.process = process;
        this.port = port;
        this.stderr = stderr;
        this.gcLog = gcLog;
        this.args = args;
    }

    /**
     * Starts {@code serve --model MODEL --port PORT ARGS...} and waits until it prints "serving".
     *
     * @param logDir where the server's stderr ({@code server-PORT.log}) and GC log go
     */
    static ServerProcess start(Path model, int port, List<String> serveArgs, Path logDir) throws IOException,
            InterruptedException {
        return start(model, port, serveArgs, logDir, SERVER_FLAGS);
    }

    /** As {@link #start(Path, int, List, Path)}, with other JVM flags for the server (for experiments). */
    static ServerProcess start(Path model, int port, List<String> serveArgs, Path logDir, List<String> jvmFlags)
            throws IOException, InterruptedException {
        if (portInUse(port)) {
            throw new IllegalStateException("Port " + port + " is in use (a leftover server? check "
                    + "'pgrep -af \"DigitsMain serve\"'); the serving benchmarks use 127.0.0.1:" + port);
        }
        Files.createDirectories(logDir);
        Path stderr = logDir.resolve("server-" + port + ".log");
        Path gcLog = logDir.resolve("server-" + port + "-gc.log");
        Files.deleteIfExists(gcLog);
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBinary());
        cmd.addAll(jvmFlags);
        cmd.add("-Xlog:gc:file=" + gcLog + ":uptime");
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), DigitsMain.class.getName(), "serve",
                "--host", "127.0.0.1", "--model", model.toString(), "--port", Integer.toString(port)));
        cmd.addAll(serveArgs);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(stderr.toFile());
        pb.environment().put("OMP_NUM_THREADS", "1");
        Process p = pb.start();
        LIVE.add(p);
        CountDownLatch ready = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.startsWith("serving ")) {
                        ready.countDown();
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "server-stdout-" + port);
        reader.setDaemon(true);
        reader.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!ready.await(200, TimeUnit.MILLISECONDS)) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                p.destroyForcibly();
                LIVE.remove(p);
                throw new IllegalStateException("The server did not start (" + (p.isAlive() ? "timeout" : "exit "
                        + p.waitFor()) + "): " + tail(stderr));
            }
        }
        return new ServerProcess(p, port, stderr, gcLog, List.copyOf(serveArgs));
    }

    static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static boolean portInUse(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 300);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    String base() {
        return "http://127.0.0.1:" + port;
    }

    long pid() {
        return process.pid();
    }

    /** GETs a path; returns the status and body. */
    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(30)).GET()
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    /** POSTs a JSON body; returns the status and body. */
    HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The server's metrics: each sample line's {@code name{labels}} to its value. */
    Map<String, Double> metrics() throws IOException, InterruptedException {
        HttpResponse<String> r = get("/metrics");
        if (r.statusCode() != 200) {
            throw new IllegalStateException("/metrics answered " + r.statusCode());
        }
        Map<String, Double> m = new HashMap<>();
        for (String line : r.body().split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            m.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
        return m;
    }

    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"([^\"]*)\"");

    /** The labels of a metrics key {@code name{a="x",b="y"}}. */
    static Map<String, String> labels(String key) {
        Map<String, String> l = new HashMap<>();
        int brace = key.indexOf('{');
        if (brace >= 0) {
            Matcher m = LABEL.matcher(key.substring(brace));
            while (m.find()) {
                l.put(m.group(1), m.group(2));
            }
        }
        return l;
    }

    static String metricName(String key) {
        int brace = key.indexOf('{');
        return brace < 0 ? key : key.substring(0, brace);
    }

    /** Sums the samples of a metric whose labels include all of {@code match}. */
    static double sum(Map<String, Double> metrics, String name, Map<String, String> match) {
        double s = 0;
        for (Map.Entry<String, Double> e : metrics.entrySet()) {
            if (metricName(e.getKey()).equals(name) && labels(e.getKey()).entrySet().containsAll(match.entrySet())) {
                s += e.getValue();
            }
        }
        return s;
    }

    /** A field of /proc/PID/status in kB (VmHWM: peak resident set; VmRSS), or -1. */
    long statusKb(String field) {
        return statusKb(process.pid(), field);
    }

    static long statusKb(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.substring(field.length() + 1).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** Threads of the server process, or -1. */
    long threads() {
        return statusKb("Threads");
    }

    /**
     * Stops the server with SIGTERM (graceful) and waits up to {@code seconds}; returns the exit
     * status, or -1 when it had to be killed.
     */
    int stop(int seconds) throws InterruptedException {
        process.destroy();
        boolean exited = process.waitFor(seconds, TimeUnit.SECONDS);
        if (!exited) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        LIVE.remove(process);
        return exited ? process.exitValue() : -1;
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        LIVE.remove(process);
    }

    /** The last lines of a log file, for error messages. */
    static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Lines the server logged that report a failed request ("error: ..."). */
    List<String> loggedErrors() throws IOException {
        return Files.readAllLines(stderr).stream().filter(l -> l.startsWith("error:")).toList();
    }
}
