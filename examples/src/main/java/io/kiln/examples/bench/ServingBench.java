package io.kiln.examples.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The serving benchmark of issue 5 ({@code mvn -B -DskipTests -Pbench package
 * -Dbench.main=io.kiln.examples.bench.ServingBench -Dbench.args=}): latency and throughput of
 * single-instance v2 {@code infer} on the digits model, measured with {@code wrk} at 1, 8 and 64
 * concurrent connections, with dynamic batching off ({@code --max-batch 1}), on ({@code --max-batch
 * 64}, no added delay) and on with a 200 µs delay; then the soak ({@link SoakBench}).
 *
 * <p>Each configuration runs in a fresh server JVM (the project's server flags, {@code
 * OMP_NUM_THREADS=1}, loopback only) per round; rounds are interleaved (configuration order
 * alternates) and every number is reported as the median over rounds with the individual runs.
 * At 8 clients the same load is also measured with {@link RawClient}, a closed-loop Java client
 * that reports every request's own latency (wrk corrects its percentiles for coordinated omission).
 * Beside the latencies each run records, from the server: the mean rows per forward pass
 * ({@code kiln_batch_rows}), the server-side request time ({@code kiln_request_duration_seconds},
 * bucket-interpolated), GC pauses during the run (the server's {@code -Xlog:gc}), and the CPU used
 * by the server, by the load generator and by everything else on the machine (from {@code /proc}).
 *
 * <p>Options: {@code --seconds N} (measured seconds per run, 20), {@code --warmup N} (warm-up
 * seconds before each run, 5; twice that once per server at 64 connections), {@code --repeats N}
 * (rounds, 3), {@code --clients 1,8,64}, {@code --configs off,off-dl4j,on-dl4j} (also on, on200, on200-dl4j), {@code --model FILE}
 * (default target/bench/digits.kiln, trained when missing), {@code --port N} (8097), {@code
 * --soak N} (soak requests, 100000; 0 skips the soak), {@code --raw-clients 8} (client counts also
 * measured with the closed-loop {@link RawClient}; empty for none), {@code --server-jvm "FLAGS"} (the server's JVM
 * flags instead of the project's, for experiments), {@code --serve-args "ARGS"} (more {@code serve}
 * options for every configuration, e.g. {@code --workers 4}). Prints Markdown; exits 1 when a bar fails.
 */
public final class ServingBench {
    static final Map<String, List<String>> CONFIGS = new LinkedHashMap<>();

    static {
        CONFIGS.put("off", List.of("--max-batch", "1"));
        CONFIGS.put("on", List.of("--max-batch", "64", "--batch-delay-us", "0"));
        CONFIGS.put("on200", List.of("--max-batch", "64", "--batch-delay-us", "200"));
        CONFIGS.put("off-dl4j", CONFIGS.get("off"));
        CONFIGS.put("on-dl4j", CONFIGS.get("on"));
        CONFIGS.put("on200-dl4j", CONFIGS.get("on200"));
    }

    /**
     * A {@code -dl4j} configuration loads the model with its plain-Java forward pass switched off,
     * so every prediction runs in DL4J: the path of networks that pass does not cover, and the one
     * dynamic batching is for (a plain-Java model is never batched).
     */
    static List<String> jvmFlags(String config, List<String> base) {
        if (!config.endsWith("-dl4j")) {
            return base;
        }
        List<String> flags = new ArrayList<>(base);
        flags.add("-D" + io.kiln.runtime.KilnModel.PLAIN_FORWARD_PROPERTY + "=false");
        return flags;
    }

    static String describe(String config) {
        return switch (config) {
            case "off" -> "off (`--max-batch 1`)";
            case "on" -> "on (`--max-batch 64`, delay 0)";
            case "on200" -> "on, 200 µs delay (`--max-batch 64 --batch-delay-us 200`)";
            case "off-dl4j" -> "DL4J path, off (`--max-batch 1`)";
            case "on-dl4j" -> "DL4J path, on (`--max-batch 64`, delay 0)";
            case "on200-dl4j" -> "DL4J path, on, 200 µs delay";
            default -> config;
        };
    }

    private ServingBench() {}

    /** One measured wrk run and what the server and the machine did meanwhile. */
    record Run(String tool, String config, int clients, int round, double p50, double p90, double p99, double p999, double max,
            double rps, long requests, long non2xx, long socketErrors, double rowsPerPass, double serverP50,
            double serverP99, int gcCount, double gcTotalMs, double gcMaxMs, double serverCores, double clientCores,
            double otherCores, long threads) {}

    public static void main(String[] args) throws Exception {
        Map<String, String> o = options(args);
        int seconds = Integer.parseInt(o.getOrDefault("seconds", "20"));
        int warmup = Integer.parseInt(o.getOrDefault("warmup", "5"));
        int repeats = Integer.parseInt(o.getOrDefault("repeats", "3"));
        int port = Integer.parseInt(o.getOrDefault("port", "8097"));
        int soak = Integer.parseInt(o.getOrDefault("soak", "100000"));
        List<Integer> clients = Arrays.stream(o.getOrDefault("clients", "1,8,64").split(",")).map(String::trim)
                .map(Integer::parseInt).toList();
        List<String> configs = Arrays.stream(o.getOrDefault("configs", "off,off-dl4j,on-dl4j").split(",")).map(String::trim)
                .toList();
        List<Integer> rawClients = o.getOrDefault("raw-clients", "8").isBlank() ? List.of()
                : Arrays.stream(o.getOrDefault("raw-clients", "8").split(",")).map(String::trim).map(Integer::parseInt)
                        .toList();
        for (String c : configs) {
            if (!CONFIGS.containsKey(c)) {
                throw new IllegalArgumentException("unknown configuration " + c + "; known: " + CONFIGS.keySet());
            }
        }
        List<String> jvm = o.containsKey("server-jvm") ? List.of(o.get("server-jvm").trim().split("\\s+"))
                : ServerProcess.SERVER_FLAGS;
        List<String> extra = o.getOrDefault("serve-args", "").isBlank() ? List.of()
                : List.of(o.get("serve-args").trim().split("[\\s;]+"));
        Path work = Path.of(o.getOrDefault("work", "target/bench"));
        Path model = Path.of(o.getOrDefault("model", work.resolve("digits.kiln").toString()));
        Files.createDirectories(work);

        String wrk = ensureWrk();
        DigitsRows.ensureModel(model);
        DigitsRows digits = DigitsRows.load();
        Path script = work.resolve("infer.lua");
        Files.writeString(script, luaScript(digits, 64));
        List<byte[]> bodies = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            bodies.add(body(digits, i * (digits.size() / 64)).getBytes(StandardCharsets.UTF_8));
        }

        StringBuilder md = new StringBuilder();
        String machine = machine();
        md.append("Serving benchmark, ").append(LocalDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE_TIME)
                .substring(0, 16)).append("; ").append(machine).append("\n\n");
        md.append(String.format(Locale.ROOT, "wrk %s, %d s measured after a %d s warm-up per run, %d rounds, "
                + "server flags `%s`, OMP_NUM_THREADS=1; requests rotate over 64 real digit rows.%n%n",
                wrkVersion(wrk), seconds, warmup, repeats, String.join(" ", jvm)));

        List<Run> runs = new ArrayList<>();
        long started = System.nanoTime();
        for (int round = 1; round <= repeats; round++) {
            List<String> order = new ArrayList<>(configs);
            if (round % 2 == 0) {
                java.util.Collections.reverse(order);
            }
            for (String config : order) {
                List<String> serveArgs = new ArrayList<>(CONFIGS.get(config));
                serveArgs.addAll(extra);
                try (ServerProcess server = ServerProcess.start(model, port, serveArgs, work,
                        jvmFlags(config, jvm))) {
                    String url = server.base() + INFER;
                    wrk(wrk, script, url, 2, 64, warmup * 2); // JIT warm-up of this fresh server
                    for (int c : clients) {
                        wrk(wrk, script, url, threads(c), c, warmup);
                        List<Run> measured = new ArrayList<>();
                        measured.add(measure("wrk", () -> wrkResult(wrk(wrk, script, url, threads(c), c, seconds)),
                                server, config, c, round));
                        if (rawClients.contains(c)) {
                            RawClient.run(port, bodies, INFER, c, 0, Math.max(1, warmup / 2)); // the client's JIT
                            measured.add(measure("java", () -> RawClient.run(port, bodies, INFER, c, 0, seconds), server,
                                    config, c, round));
                        }
                        for (Run r : measured) {
                            runs.add(r);
                            System.err.printf(Locale.ROOT, "round %d %-5s %2d clients %s: p50 %s p99 %s ms, %.0f "
                                    + "req/s, %.2f rows/pass, GC %d pauses %.0f ms (max %.0f), other load %.2f cores%n",
                                    round, config, c, r.tool(), ms(r.p50()), ms(r.p99()), r.rps(), r.rowsPerPass(),
                                    r.gcCount(), r.gcTotalMs(), r.gcMaxMs(), r.otherCores());
                        }
                    }
                    int exit = server.stop(40);
                    if (exit != 0) {
                        System.err.println("note: the server exited with status " + exit + " after SIGTERM");
                    }
                }
            }
        }
        md.append(summary(runs, "wrk", configs, clients));
        if (!rawClients.isEmpty()) {
            md.append("\n").append(summary(runs, "java", configs, rawClients));
        }
        md.append("\n").append(runTable(runs));
        boolean pass = verdicts(runs, configs, md);
        md.append(String.format(Locale.ROOT, "%nLatency part took %.1f min.%n",
                (System.nanoTime() - started) / 60e9));
        System.out.println(md);
        Files.writeString(work.resolve("serving-results.md"), md.toString());

        if (soak > 0) {
            SoakBench.Result s = SoakBench.run(model, 8098, soak, 12, work, 1);
            System.out.println(s.markdown());
            Files.writeString(work.resolve("soak-results.md"), s.markdown());
            pass &= s.pass();
        }
        System.exit(pass ? 0 : 1);
    }

    static Map<String, String> options(String[] args) {
        Map<String, String> o = new TreeMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("options are --name value pairs; got " + Arrays.toString(args));
            }
            o.put(args[i].substring(2), args[++i]);
        }
        return o;
    }

    static final String INFER = "/v2/models/digits/infer";

    /** A single-instance v2 infer body of one data row. */
    static String body(DigitsRows digits, int row) {
        return "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,64],\"datatype\":\"FP32\",\"data\":["
                + digits.csv(row) + "]}]}";
    }

    private static int threads(int clients) {
        return clients == 1 ? 1 : 2;
    }

    // ---- wrk -----------------------------------------------------------------------------------

    /** The wrk binary; installs Debian's package when missing and running as root. */
    static String ensureWrk() throws IOException, InterruptedException {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, "wrk"))) {
                return Path.of(dir, "wrk").toString();
            }
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        if (!root) {
            throw new IllegalStateException("wrk is not installed; install it with 'sudo apt-get install -y wrk'");
        }
        System.err.println("installing wrk: apt-get install -y wrk");
        Process p = new ProcessBuilder("apt-get", "install", "-y", "wrk").inheritIO()
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0 || !Files.isExecutable(Path.of("/usr/bin/wrk"))) {
            p.destroyForcibly();
            throw new IllegalStateException("'apt-get install -y wrk' failed; run 'apt-get update' and retry");
        }
        return "/usr/bin/wrk";
    }

    private static String wrkVersion(String wrk) {
        try {
            Process p = new ProcessBuilder(wrk, "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(10, TimeUnit.SECONDS);
            Matcher m = Pattern.compile("wrk (\\S+)").matcher(out);
            return m.find() ? m.group(1) : "?";
        } catch (IOException | InterruptedException e) {
            return "?";
        }
    }

    /**
     * A wrk script POSTing single-instance v2 infer requests, rotating over {@code n} real rows (each
     * connection's thread starts at another row), and printing wrk's exact statistics on one line.
     */
    static String luaScript(DigitsRows digits, int n) {
        StringBuilder b = new StringBuilder();
        b.append("-- generated by io.kiln.examples.bench.ServingBench\n");
        b.append("local bodies = {\n");
        for (int i = 0; i < n; i++) {
            b.append("  '").append(body(digits, i * (digits.size() / n))).append("',\n");
        }
        b.append("}\n");
        b.append("""
                local requests = {}
                local i = 0
                local counter = 0
                setup = function(thread)
                  counter = counter + 1
                  thread:set("offset", counter * 17)
                end
                init = function(args)
                  for k, body in ipairs(bodies) do
                    requests[k] = wrk.format("POST", nil, {["Content-Type"] = "application/json"}, body)
                  end
                  i = (offset or 0) % #requests
                end
                request = function()
                  i = i % #requests + 1
                  return requests[i]
                end
                done = function(summary, latency, requests)
                  local e = summary.errors
                  io.write(string.format("KILNBENCH requests=%d duration_us=%d status=%d connect=%d read=%d "
                    .. "write=%d timeout=%d p50=%d p90=%d p99=%d p999=%d max=%d\\n", summary.requests,
                    summary.duration, e.status, e.connect, e.read, e.write, e.timeout, latency:percentile(50),
                    latency:percentile(90), latency:percentile(99), latency:percentile(99.9), latency.max))
                end
                """);
        return b.toString();
    }

    /** Runs wrk and returns its KILNBENCH line's values. */
    static Map<String, Long> wrk(String wrk, Path script, String url, int threads, int connections, int seconds)
            throws IOException, InterruptedException {
        Process p = new ProcessBuilder(wrk, "-t" + threads, "-c" + connections, "-d" + seconds + "s", "--timeout", "5s",
                "--latency", "-s", script.toString(), url).redirectErrorStream(true).start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!p.waitFor(seconds + 60L, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("wrk did not finish");
        }
        Matcher m = Pattern.compile("KILNBENCH (.*)").matcher(out);
        if (p.exitValue() != 0 || !m.find()) {
            throw new IllegalStateException("wrk failed (exit " + p.exitValue() + "):\n" + out);
        }
        Map<String, Long> values = new TreeMap<>();
        for (String kv : m.group(1).trim().split(" ")) {
            String[] parts = kv.split("=");
            values.put(parts[0], Long.parseLong(parts[1]));
        }
        return values;
    }

    // ---- one measured run ----------------------------------------------------------------------

    /** wrk's KILNBENCH values as a result (latencies in ms). */
    static RawClient.Result wrkResult(Map<String, Long> w) {
        long requests = w.get("requests");
        return new RawClient.Result(w.get("p50") / 1000.0, w.get("p90") / 1000.0, w.get("p99") / 1000.0,
                w.get("p999") / 1000.0, w.get("max") / 1000.0, requests / (w.get("duration_us") / 1e6), requests,
                w.get("status"), w.get("connect") + w.get("read") + w.get("write") + w.get("timeout"));
    }

    interface Load {
        RawClient.Result run() throws IOException, InterruptedException;
    }

    static Run measure(String tool, Load load, ServerProcess server, String config, int clients, int round)
            throws IOException, InterruptedException {
        Map<String, Double> before = server.metrics();
        long gcOffset = Files.exists(server.gcLog) ? Files.size(server.gcLog) : 0;
        Cpu c0 = Cpu.read(server.pid());
        RawClient.Result w = load.run();
        Cpu c1 = Cpu.read(server.pid());
        Map<String, Double> after = server.metrics();
        double[] gc = gcPauses(server.gcLog, gcOffset);

        Map<String, String> digits = Map.of("model", "digits");
        double rowsSum = delta(before, after, "kiln_batch_rows_sum", digits);
        double rowsCount = delta(before, after, "kiln_batch_rows_count", digits);
        Map<String, String> v2 = Map.of("model", "digits", "protocol", "v2");
        double[] serverQ = histogramQuantiles(before, after, "kiln_request_duration_seconds", v2, 0.5, 0.99);
        double wall = (c1.nanos - c0.nanos) / 1e9;
        double tick = Cpu.TICKS_PER_SECOND * wall;
        double serverCores = (c1.server - c0.server) / tick;
        double wrkCores = (c1.children - c0.children) / tick;
        double selfCores = (c1.self - c0.self) / tick;
        double busyCores = (c1.busy - c0.busy) / tick;
        double clientCores = tool.equals("wrk") ? wrkCores : selfCores;
        return new Run(tool, config, clients, round, w.p50(), w.p90(), w.p99(), w.p999(), w.max(), w.rps(),
                w.requests(), w.non2xx(), w.errors(), rowsCount == 0 ? Double.NaN : rowsSum / rowsCount,
                serverQ[0] * 1000, serverQ[1] * 1000, (int) gc[0], gc[1], gc[2], serverCores, clientCores,
                Math.max(0, busyCores - serverCores - wrkCores - selfCores), server.threads());
    }

    private static double delta(Map<String, Double> before, Map<String, Double> after, String name,
            Map<String, String> match) {
        return ServerProcess.sum(after, name, match) - ServerProcess.sum(before, name, match);
    }

    /**
     * Quantiles of a classic histogram's increase between two scrapes, interpolated linearly inside
     * the bucket (as Prometheus' histogram_quantile does); in the histogram's unit.
     */
    static double[] histogramQuantiles(Map<String, Double> before, Map<String, Double> after, String name,
            Map<String, String> match, double... qs) {
        TreeMap<Double, Double> cumulative = new TreeMap<>();
        for (String key : after.keySet()) {
            if (!ServerProcess.metricName(key).equals(name + "_bucket")) {
                continue;
            }
            Map<String, String> l = ServerProcess.labels(key);
            if (!l.entrySet().containsAll(match.entrySet())) {
                continue;
            }
            String le = l.get("le");
            double bound = le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
            cumulative.merge(bound, after.get(key) - before.getOrDefault(key, 0.0), Double::sum);
        }
        double[] out = new double[qs.length];
        double total = cumulative.isEmpty() ? 0 : cumulative.lastEntry().getValue();
        for (int i = 0; i < qs.length; i++) {
            if (total == 0) {
                out[i] = Double.NaN;
                continue;
            }
            double rank = qs[i] * total;
            double lowerBound = 0;
            double lowerCount = 0;
            for (Map.Entry<Double, Double> e : cumulative.entrySet()) {
                if (e.getValue() >= rank) {
                    if (e.getKey().isInfinite()) {
                        out[i] = lowerBound; // beyond the last finite bucket: report its bound
                    } else {
                        double inBucket = e.getValue() - lowerCount;
                        out[i] = lowerBound + (e.getKey() - lowerBound) * (inBucket == 0 ? 1
                                : (rank - lowerCount) / inBucket);
                    }
                    break;
                }
                lowerBound = e.getKey();
                lowerCount = e.getValue();
            }
        }
        return out;
    }

    private static final Pattern PAUSE = Pattern.compile("Pause .*?([0-9.]+)ms\\s*$");

    /** GC pauses logged after {@code offset}: count, total ms, longest ms. */
    static double[] gcPauses(Path gcLog, long offset) throws IOException {
        if (!Files.exists(gcLog)) {
            return new double[] {0, 0, 0};
        }
        byte[] tail;
        try (RandomAccessFile f = new RandomAccessFile(gcLog.toFile(), "r")) {
            long length = f.length();
            tail = new byte[(int) Math.max(0, length - offset)];
            f.seek(offset);
            f.readFully(tail);
        }
        double count = 0;
        double total = 0;
        double max = 0;
        for (String line : new String(tail, StandardCharsets.UTF_8).split("\n")) {
            Matcher m = PAUSE.matcher(line);
            if (m.find()) {
                double ms = Double.parseDouble(m.group(1));
                count++;
                total += ms;
                max = Math.max(max, ms);
            }
        }
        return new double[] {count, total, max};
    }

    /** CPU time in clock ticks: the machine's busy time, the server's, this JVM's reaped children's (wrk), this JVM's. */
    record Cpu(long nanos, long busy, long server, long children, long self) {
        static final double TICKS_PER_SECOND = ticksPerSecond();

        static Cpu read(long serverPid) throws IOException {
            long nanos = System.nanoTime();
            String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0;
            for (int i = 1; i < Math.min(cpu.length, 9); i++) {
                if (i != 4 && i != 5) { // idle, iowait
                    busy += Long.parseLong(cpu[i]);
                }
            }
            String[] server = procStat(serverPid);
            String[] self = procStat(ProcessHandle.current().pid());
            return new Cpu(nanos, busy, Long.parseLong(server[11]) + Long.parseLong(server[12]),
                    Long.parseLong(self[13]) + Long.parseLong(self[14]),
                    Long.parseLong(self[11]) + Long.parseLong(self[12]));
        }

        /** /proc/PID/stat's fields from the third on (state), index 0. */
        private static String[] procStat(long pid) throws IOException {
            String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return s.substring(s.lastIndexOf(')') + 2).trim().split("\\s+");
        }

        private static double ticksPerSecond() {
            try {
                Process p = new ProcessBuilder("getconf", "CLK_TCK").start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                p.waitFor(10, TimeUnit.SECONDS);
                return Double.parseDouble(out);
            } catch (IOException | InterruptedException | NumberFormatException e) {
                return 100;
            }
        }
    }

    // ---- reporting -----------------------------------------------------------------------------

    static String machine() {
        String cpu = "?";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
        } catch (IOException e) {
            // keep "?"
        }
        return String.format(Locale.ROOT, "%d cores (%s), %d GiB, Java %s", Runtime.getRuntime().availableProcessors(),
                cpu, Math.round(com.sun.management.OperatingSystemMXBean.class.cast(
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize()
                        / Math.pow(1024, 3)), System.getProperty("java.version"));
    }

    static String ms(double v) {
        if (Double.isNaN(v)) {
            return "–";
        }
        return String.format(Locale.ROOT, v < 10 ? "%.2f" : v < 100 ? "%.1f" : "%.0f", v);
    }

    static double median(List<Double> values) {
        List<Double> v = values.stream().filter(d -> !d.isNaN()).sorted().toList();
        if (v.isEmpty()) {
            return Double.NaN;
        }
        int n = v.size();
        return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
    }

    private static List<Run> select(List<Run> runs, String tool, String config, int clients) {
        return runs.stream().filter(r -> r.tool().equals(tool) && r.config().equals(config) && r.clients() == clients)
                .toList();
    }

    private static double med(List<Run> runs, ToDoubleFunction<Run> f) {
        return median(runs.stream().map(r -> f.applyAsDouble(r)).toList());
    }

    static String summary(List<Run> runs, String tool, List<String> configs, List<Integer> clients) {
        StringBuilder b = new StringBuilder();
        b.append(tool.equals("wrk") ? "**wrk** (open connections, latencies corrected for coordinated omission by wrk)"
                : "**Closed-loop Java client** (`RawClient`: raw sockets, every request's own latency, no correction)");
        b.append(": medians over the rounds, latency in ms; \"server\" is the server's own request time "
                + "(`kiln_request_duration_seconds`, interpolated in its buckets); CPU in cores of the 2:\n\n");
        b.append("| batching | clients | p50 | p90 | p99 | p99.9 | req/s | non-2xx + socket errors | rows per forward pass "
                + "| server p50 / p99 | GC pauses per run (total ms, longest) | CPU server / client / other | p99 of each run | req/s of each run |\n");
        b.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (String config : configs) {
            for (int c : clients) {
                List<Run> rs = select(runs, tool, config, c);
                if (rs.isEmpty()) {
                    continue;
                }
                b.append(String.format(Locale.ROOT,
                        "| %s | %d | %s | %s | **%s** | %s | **%.0f** | %d | %.2f | %s / %s | %.0f (%.0f ms, %.0f ms) "
                                + "| %.2f / %.2f / %.2f | %s | %s |%n",
                        describe(config), c, ms(med(rs, Run::p50)), ms(med(rs, Run::p90)), ms(med(rs, Run::p99)),
                        ms(med(rs, Run::p999)), med(rs, Run::rps),
                        rs.stream().mapToLong(r -> r.non2xx() + r.socketErrors()).sum(), med(rs, Run::rowsPerPass),
                        ms(med(rs, Run::serverP50)), ms(med(rs, Run::serverP99)), med(rs, Run::gcCount),
                        med(rs, Run::gcTotalMs), med(rs, Run::gcMaxMs), med(rs, Run::serverCores),
                        med(rs, Run::clientCores), med(rs, Run::otherCores),
                        String.join(", ", rs.stream().map(r -> ms(r.p99())).toList()),
                        String.join(", ", rs.stream().map(r -> String.format(Locale.ROOT, "%.0f", r.rps())).toList())));
            }
        }
        return b.toString();
    }

    static String runTable(List<Run> runs) {
        StringBuilder b = new StringBuilder();
        b.append("<details><summary>Every run</summary>\n\n");
        b.append("| round | client | batching | clients | p50 | p90 | p99 | p99.9 | max | req/s | requests | errors | rows/pass "
                + "| server p99 | GC pauses (total, max ms) | CPU server / client / other | server threads |\n");
        b.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Run r : runs) {
            b.append(String.format(Locale.ROOT, "| %d | %s | %s | %d | %s | %s | %s | %s | %s | %.0f | %d | %d | %.2f | %s | "
                            + "%d (%.0f, %.0f) | %.2f / %.2f / %.2f | %d |%n", r.round(), r.tool(), r.config(), r.clients(),
                    ms(r.p50()), ms(r.p90()), ms(r.p99()), ms(r.p999()), ms(r.max()), r.rps(), r.requests(),
                    r.non2xx() + r.socketErrors(), r.rowsPerPass(), ms(r.serverP99()), r.gcCount(), r.gcTotalMs(),
                    r.gcMaxMs(), r.serverCores(), r.clientCores(), r.otherCores(), r.threads()));
        }
        b.append("\n</details>\n");
        return b.toString();
    }

    /**
     * Appends the bars' verdicts; returns whether all pass. The latency bar is judged on the default
     * configuration ({@code off}: the plain-Java forward pass, which is never batched) and must hold
     * for every client that measured it; the batching bar on the DL4J path ({@code on-dl4j} against
     * {@code off-dl4j}).
     */
    static boolean verdicts(List<Run> runs, List<String> configs, StringBuilder md) {
        boolean pass = true;
        md.append("\nBars:\n\n");
        for (String config : configs) {
            for (String tool : List.of("wrk", "java")) {
                List<Run> at8 = select(runs, tool, config, 8);
                if (at8.isEmpty()) {
                    continue;
                }
                double p99 = med(at8, Run::p99);
                boolean ok = p99 < 5;
                if (config.equals("off")) {
                    pass &= ok;
                }
                md.append(String.format(Locale.ROOT, "- p99 at 8 clients < 5 ms, batching %s, %s: %s ms → **%s** "
                                + "(runs: %s; server-side p99 %s ms)%n", config, tool.equals("wrk") ? "wrk"
                                : "closed-loop Java client", ms(p99), ok ? "PASS" : "FAIL",
                        String.join(", ", at8.stream().map(r -> ms(r.p99())).toList()), ms(med(at8, Run::serverP99))));
            }
        }
        for (String on : List.of("on", "on200", "on-dl4j", "on200-dl4j")) {
            String offName = on.endsWith("-dl4j") ? "off-dl4j" : "off";
            List<Run> off = select(runs, "wrk", offName, 64);
            List<Run> rs = select(runs, "wrk", on, 64);
            if (off.isEmpty() || rs.isEmpty()) {
                continue;
            }
            double ratio = med(rs, Run::rps) / med(off, Run::rps);
            double minOn = rs.stream().mapToDouble(Run::rps).min().orElseThrow();
            double maxOff = off.stream().mapToDouble(Run::rps).max().orElseThrow();
            boolean ok = ratio > 1;
            if (on.equals("on-dl4j")) {
                pass &= ok;
            }
            md.append(String.format(Locale.ROOT, "- throughput at 64 clients (wrk), batching %s / %s: %.0f / %.0f "
                            + "req/s = **%.2fx** → **%s**; every %s run above every %s run: %s; mean rows per "
                            + "forward pass %.2f (%s: %.2f)%n", on, offName, med(rs, Run::rps), med(off, Run::rps), ratio,
                    ok ? "PASS" : "FAIL", on, offName, minOn > maxOff ? "yes" : "no", med(rs, Run::rowsPerPass),
                    offName, med(off, Run::rowsPerPass)));
        }
        return pass;
    }
}
