package io.kiln.examples.bench;

import io.kiln.examples.digits.DigitsTrainer;
import io.kiln.runtime.HoldoutProtocol;
import io.kiln.runtime.KilnModel;
import io.kiln.runtime.TrainOptions;
import io.kiln.runtime.Trainer;
import io.kiln.runtime.TrainingResult;
import io.kiln.runtime.cli.KilnCli;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Batch scoring against the bar of issue 5: the {@code score} command on 1,000,000 rows in constant
 * memory, at a throughput within 2x of the model's raw {@code network.output} rate.
 *
 * <p>Run with {@code mvn -B -DskipTests -Pbench package -Dbench.main=io.kiln.examples.bench.ScoringBench
 * -Dbench.args="ROWS RUNS"} (default 1000000 rows, 3 runs). It writes {@code target/bench-scoring/}:
 * a CSV of ROWS digit images (the bundled rows resampled, each pixel jittered by -1, 0 or +1 within
 * 0..16, with the label column) and a digits model trained for a few epochs (both reused when
 * present). Each run, in fresh JVMs with the tuned flags and a 256 MB heap: the raw rate of
 * {@code network.output} on pre-encoded batches of 4096 rows, then {@code DigitsMain score} on the
 * whole file while its resident memory is sampled from {@code /proc/<pid>/status}. Prints Markdown
 * (recorded in docs/benchmarks.md, "Batch scoring").
 */
public final class ScoringBench {
    static final int BATCH = 4096;
    static final String HEAP = "-Xmx256m";
    private static final Pattern SUMMARY = Pattern.compile("scored (\\d+) rows, skipped (\\d+) in ([0-9.]+) s[^:]*: "
            + "(\\d+) rows/s, peak heap (\\d+) MB");

    private ScoringBench() {}

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("raw")) {
            rawChild(Path.of(args[1]), Path.of(args[2]), Long.parseLong(args[3]));
            return;
        }
        if (args.length > 0 && args[0].equals("score")) {
            scoreChild(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Path work = Files.createDirectories(Path.of("target", "bench-scoring"));
        Path data = work.resolve("digits-" + rows + ".csv");
        if (!Files.exists(data)) {
            generate(data, rows);
        }
        Path model = work.resolve("digits.kiln");
        if (!Files.exists(model)) {
            train(model);
        }
        System.out.printf(Locale.ROOT, "## Batch scoring (digits MLP 64-64-10, %,d rows, %.0f MB of CSV, batch %d)%n%n",
                rows, Files.size(data) / 1e6, BATCH);
        System.out.printf(Locale.ROOT, "Commons CSV on the same file, one thread: %.0f rows/s parsing, %.0f rows/s "
                + "parsing and converting the 64 pixel cells with Double.parseDouble.%n%n", commonsCsv(data, false),
                commonsCsv(data, true));

        List<double[]> results = new ArrayList<>(); // rows/s, raw rows/s, seconds, peak RSS MB, quartiles...
        List<String> quartiles = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            String[] rates = child(List.of("raw", model.toString(), data.toString(), Integer.toString(rows)), null)
                    .get(0).trim().split(" ");
            double raw = Double.parseDouble(rates[1]);
            double cold = Double.parseDouble(rates[0]);
            double stage = Double.parseDouble(rates[2]);
            Path out = work.resolve("scores.csv");
            Sampled s = scoreRun(model, data, out);
            results.add(new double[] {s.rowsPerSecond, raw, s.seconds, s.peakRssMb, cold, stage});
            quartiles.add(s.quartiles);
            System.err.printf(Locale.ROOT, "run %d: score %.0f rows/s in %.2f s, raw %.0f rows/s, peak RSS %.0f MB, "
                    + "RSS %s MB%n", run, s.rowsPerSecond, s.seconds, raw, s.peakRssMb, s.quartiles);
            Files.deleteIfExists(out);
        }
        System.out.println("| run | rows | seconds | rows/s | raw model.output rows/s | ratio | raw from the first "
                + "call, same rows | ratio to it | scorer's network stage alone (predictBatch) rows/s | ratio to it "
                + "| peak RSS MB | RSS at 25/50/75/100% of the run, MB |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (int i = 0; i < results.size(); i++) {
            double[] r = results.get(i);
            System.out.printf(Locale.ROOT, "| %d | %,d | %.2f | %,.0f | %,.0f | %.2fx | %,.0f | %.2fx | %,.0f | %.2fx "
                    + "| %.0f | %s |%n", i + 1, rows, r[2], r[0], r[1], r[1] / r[0], r[4], r[4] / r[0], r[5],
                    r[5] / r[0], r[3], quartiles.get(i));
        }
        double score = Bench.median(results.stream().map(r -> r[0]).toList());
        double raw = Bench.median(results.stream().map(r -> r[1]).toList());
        double peak = results.stream().mapToDouble(r -> r[3]).max().orElse(0);
        System.out.printf(Locale.ROOT, "%nMedian: %,.0f rows/s scored, %,.0f rows/s raw model.output, ratio %.2fx "
                + "(bar: 2x); peak RSS at most %.0f MB.%n", score, raw, raw / score, peak);
    }

    /** ROWS rows of the bundled digits, resampled with a pixel jitter of -1, 0 or +1 (kept within 0..16). */
    static void generate(Path file, int rows) throws IOException {
        List<String[]> digits = new ArrayList<>();
        String header;
        try (InputStream in = DigitsTrainer.class.getResourceAsStream("digits.csv");
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            header = r.readLine();
            for (String line; (line = r.readLine()) != null; ) {
                if (!line.isBlank()) {
                    digits.add(line.trim().split(","));
                }
            }
        }
        Random random = new Random(5);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            w.write(header);
            w.write('\n');
            StringBuilder line = new StringBuilder(256);
            for (int i = 0; i < rows; i++) {
                String[] d = digits.get(random.nextInt(digits.size()));
                line.setLength(0);
                for (int p = 0; p < 64; p++) {
                    int v = (int) Double.parseDouble(d[p]) + random.nextInt(3) - 1;
                    line.append(Math.max(0, Math.min(16, v))).append(',');
                }
                line.append(d[64]).append('\n');
                w.append(line);
            }
        }
        Files.move(tmp, file);
    }

    /** The digits spec under a 0.2 / 0.2 holdout, 5 epochs: enough for a real model, quick to train. */
    static void train(Path model) throws IOException {
        TrainingResult r = Trainer.train(DigitsTrainer.DEFINITION.withProtocol(new HoldoutProtocol(0.2, 0.2, true, true)),
                TrainOptions.defaults().quiet().epochs(5));
        r.model().save(model);
        System.err.printf(Locale.ROOT, "trained %s: test accuracy %.3f%n", model, r.metrics().get("accuracy"));
    }

    private static double commonsCsv(Path data, boolean convert) throws IOException {
        CSVFormat format = CSVFormat.DEFAULT.builder().setIgnoreEmptyLines(true).setTrim(true).build();
        long start = System.nanoTime();
        long rows = 0;
        double sum = 0;
        try (Reader r = Files.newBufferedReader(data, StandardCharsets.UTF_8); CSVParser p = CSVParser.parse(r, format)) {
            boolean header = true;
            for (CSVRecord record : p) {
                if (header) {
                    header = false;
                    continue;
                }
                rows++;
                if (convert) {
                    for (int i = 0; i < 64; i++) {
                        sum += Double.parseDouble(record.get(i));
                    }
                }
            }
        }
        if (sum < 0) {
            throw new IllegalStateException();
        }
        return rows / ((System.nanoTime() - start) / 1e9);
    }

    /**
     * Child: the raw {@code network.output} rate on pre-encoded 4096-row batches, printed as three
     * numbers: over {@code rows} rows timed from the first call in this fresh JVM (what a program
     * that only ran the network over the file's rows would see, JIT warm-up included, as the
     * scoring run's own rate includes it), then at steady state (5 s after 100 warm-up passes), then
     * the scorer's own network stage ({@code KilnModel.predictBatch}) at steady state.
     */
    private static void rawChild(Path modelFile, Path data, long total) throws IOException {
        KilnModel model = KilnModel.load(modelFile);
        List<Object[]> rows = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(data, StandardCharsets.UTF_8)) {
            r.readLine();
            for (String line; rows.size() < 8 * BATCH && (line = r.readLine()) != null; ) {
                String[] cells = line.split(",");
                Object[] row = new Object[64];
                for (int i = 0; i < 64; i++) {
                    row[i] = Double.parseDouble(cells[i]);
                }
                rows.add(row);
            }
        }
        INDArray[] batches = new INDArray[rows.size() / BATCH];
        for (int b = 0; b < batches.length; b++) {
            float[] flat = model.encode(rows.subList(b * BATCH, (b + 1) * BATCH));
            batches[b] = Nd4j.create(flat, new long[] {BATCH, 64}, DataType.FLOAT);
        }
        MultiLayerNetwork network = model.network().layers();
        long coldStart = System.nanoTime();
        long coldDone = 0;
        for (int i = 0; coldDone < total; i++) {
            network.output(batches[i % batches.length], false);
            coldDone += BATCH;
        }
        double cold = coldDone / ((System.nanoTime() - coldStart) / 1e9);
        for (int i = 0; i < 100; i++) {
            network.output(batches[i % batches.length], false);
        }
        long start = System.nanoTime();
        long done = 0;
        while (System.nanoTime() - start < 5_000_000_000L) {
            for (INDArray x : batches) {
                network.output(x, false);
                done += BATCH;
            }
        }
        double steady = done / ((System.nanoTime() - start) / 1e9);
        // the scorer's network stage alone: KilnModel.predictBatch (BatchForward for this MLP), outputs copied out
        float[][] flat = new float[batches.length][];
        for (int b = 0; b < batches.length; b++) {
            flat[b] = model.encode(rows.subList(b * BATCH, (b + 1) * BATCH));
        }
        for (int i = 0; i < 100; i++) {
            model.predictBatch(flat[i % flat.length], BATCH);
        }
        start = System.nanoTime();
        done = 0;
        while (System.nanoTime() - start < 5_000_000_000L) {
            for (float[] x : flat) {
                model.predictBatch(x, BATCH);
                done += BATCH;
            }
        }
        double stage = done / ((System.nanoTime() - start) / 1e9);
        System.out.printf(Locale.ROOT, "%.0f %.0f %.0f%n", cold, steady, stage);
    }

    /** Child: {@code DigitsMain score ARGS}, then its own peak resident memory. */
    private static void scoreChild(String[] args) throws IOException {
        List<String> cli = new ArrayList<>(List.of("score"));
        cli.addAll(List.of(args));
        int exit = KilnCli.run(DigitsTrainer.DEFINITION, cli.toArray(String[]::new));
        System.out.println("vmhwm_kb=" + status(Path.of("/proc/self/status"), "VmHWM"));
        System.exit(exit);
    }

    record Sampled(double rowsPerSecond, double seconds, double peakRssMb, String quartiles) {}

    /** One {@code score} run in a child JVM, its VmRSS sampled every 50 ms. */
    private static Sampled scoreRun(Path model, Path data, Path out) throws Exception {
        List<long[]> samples = new ArrayList<>(); // {nanoTime, VmRSS kB}
        List<String> lines = child(List.of("score", "--model", model.toString(), "--input", data.toString(), "--output",
                out.toString(), "--overwrite", "--quiet", "--batch-size", Integer.toString(BATCH)), samples);
        long end = samples.get(samples.size() - 1)[0];
        Matcher m = null;
        long hwm = 0;
        for (String line : lines) {
            Matcher candidate = SUMMARY.matcher(line);
            if (candidate.find()) {
                m = candidate;
            } else if (line.startsWith("vmhwm_kb=")) {
                hwm = Long.parseLong(line.substring(9).trim());
            }
        }
        if (m == null) {
            throw new IllegalStateException("score printed no summary: " + lines);
        }
        double seconds = Double.parseDouble(m.group(3));
        long start = end - (long) (seconds * 1e9);
        List<Long> window = samples.stream().filter(s -> s[0] >= start).map(s -> s[1]).toList();
        StringBuilder q = new StringBuilder();
        for (int i = 1; i <= 4; i++) {
            int at = Math.max(0, Math.min(window.size() - 1, window.size() * i / 4 - 1));
            q.append(i == 1 ? "" : " / ").append(window.isEmpty() ? 0 : window.get(at) / 1024);
        }
        long peakSampled = samples.stream().mapToLong(s -> s[1]).max().orElse(0);
        return new Sampled(Double.parseDouble(m.group(4)), seconds, Math.max(hwm, peakSampled) / 1024.0, q.toString());
    }

    /**
     * Runs this class in a child JVM with the tuned flags and a small heap; returns its standard
     * output lines. With {@code samples}, records {nanoTime, VmRSS kB} every 50 ms while it runs.
     */
    private static List<String> child(List<String> args, List<long[]> samples) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add(HEAP);
        Bench.TUNED_FLAGS.stream().filter(f -> !f.startsWith("-Xmx")).forEach(cmd::add);
        String more = System.getProperty("bench.childFlags", "").trim(); // experiments: more flags for both children
        if (!more.isEmpty()) {
            cmd.addAll(List.of(more.split("\\s+")));
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), ScoringBench.class.getName()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("OMP_NUM_THREADS", "1");
        Process p = pb.start();
        Path status = Path.of("/proc", Long.toString(p.pid()), "status");
        Thread sampler = new Thread(() -> {
            while (p.isAlive()) {
                long rss = status(status, "VmRSS");
                if (rss > 0 && samples != null) {
                    synchronized (samples) {
                        samples.add(new long[] {System.nanoTime(), rss});
                    }
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.setDaemon(true);
        sampler.start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                lines.add(line);
            }
        }
        int exit = p.waitFor();
        sampler.join();
        if (exit != 0) {
            throw new IllegalStateException("benchmark child " + args + " failed with exit code " + exit + ": " + lines);
        }
        return lines;
    }

    /** A kB value of /proc/PID/status, or 0 when the process is gone. */
    static long status(Path file, String key) {
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith(key + ":")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }
}
