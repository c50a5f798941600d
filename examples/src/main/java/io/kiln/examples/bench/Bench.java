package io.kiln.examples.bench;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * The benchmark command ({@code mvn -B -DskipTests -Pbench package}): training throughput of the
 * generated trainer against hand-written DL4J (interleaved rounds, each run in a fresh JVM),
 * resident memory over a 1000-epoch run, annotation-processing time per spec, and cross-validated quality
 * over seeds. Prints Markdown; the results are recorded in docs/benchmarks.md.
 */
public final class Bench {
    static final List<String> TUNED_FLAGS = List.of("-Xmx1g", "-XX:+UseParallelGC",
            "-Dorg.bytedeco.javacpp.maxPhysicalBytes=0", "--add-modules=jdk.incubator.vector");

    private Bench() {}

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        int longEpochs = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
        System.out.println("## Training throughput (digits, MLP 64-64-10, Adam, batch 32, " + epochs + " epochs)\n");
        Map<String, List<Double>> speed = new HashMap<>();
        List<String> modes = List.of("idiomatic", "tuned", "tuned-validated", "kiln");
        for (int round = 1; round <= rounds; round++) {
            for (String mode : modes) {
                Map<String, String> r = child(mode, epochs, !mode.equals("idiomatic"));
                speed.computeIfAbsent(mode, k -> new ArrayList<>()).add(Double.parseDouble(r.get("samples_per_s")));
                System.err.println("round " + round + " " + r);
            }
        }
        double idiomatic = median(speed.get("idiomatic"));
        double tuned = median(speed.get("tuned"));
        double tunedValidated = median(speed.get("tuned-validated"));
        System.out.println("| program | JVM flags | samples/s (median of " + rounds + ") | runs | vs idiomatic | vs tuned | vs tuned, validated |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (String mode : modes) {
            double m = median(speed.get(mode));
            System.out.printf(Locale.ROOT, "| %s | %s | %.0f | %s | %.2fx | %.2fx | %.2fx |%n", label(mode),
                    mode.equals("idiomatic") ? "default" : String.join(" ", TUNED_FLAGS), m,
                    speed.get(mode).stream().map(v -> String.format(Locale.ROOT, "%.0f", v)).toList(), m / idiomatic,
                    m / tuned, m / tunedValidated);
        }

        System.out.println("\n## Resident memory over a " + longEpochs + "-epoch Kiln run\n");
        Map<String, String> mem = child("kiln", longEpochs, true);
        System.out.printf(Locale.ROOT, "RSS at 25/50/75/100%% of the run: %s MB; peak %s MB; %s samples/s.%n",
                mem.get("rss_quartiles_mb"), mem.get("rss_peak_mb"), mem.get("samples_per_s"));

        System.out.println("\n## Annotation processing time per spec\n");
        processingTimes();

        System.out.println("\n## Cross-validated quality\n");
        QualityBench.main(new String[] {"3"});
    }

    private static String label(String mode) {
        return switch (mode) {
            case "idiomatic" -> "hand-written DL4J, ListDataSetIterator of single rows";
            case "tuned" -> "hand-written DL4J, pre-built minibatches, no validation";
            case "tuned-validated" -> "hand-written DL4J, pre-built minibatches, validation loss and accuracy each epoch";
            case "kiln-dl4j" -> "Kiln generated DigitsTrainer, DL4J's minibatch loop (-Dkiln.fast=false)";
            case "kiln-loops" -> "Kiln generated DigitsTrainer, fast path without vector code (-Dkiln.vector=false)";
            default -> "Kiln generated DigitsTrainer (incl. per-epoch validation)";
        };
    }

    static Map<String, String> child(String mode, int epochs, boolean tunedFlags) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (tunedFlags) {
            cmd.addAll(TUNED_FLAGS);
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), ThroughputChild.class.getName(), mode,
                Integer.toString(epochs)));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("OMP_NUM_THREADS", "1");
        Process p = pb.start();
        String result = null;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("mode=")) {
                    result = line;
                }
            }
        }
        if (p.waitFor() != 0 || result == null) {
            throw new IllegalStateException("benchmark child " + mode + " failed");
        }
        Map<String, String> values = new HashMap<>();
        for (String kv : result.split(" ")) {
            String[] parts = kv.split("=", 2);
            values.put(parts[0], parts[1]);
        }
        return values;
    }

    /** javac -proc:only over each example spec, with the Kiln processor; median of 5 after 3 warm-ups. */
    private static void processingTimes() throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        Path sources = Path.of("src/main/java/io/kiln/examples");
        if (!Files.isDirectory(sources)) {
            sources = Path.of("examples/src/main/java/io/kiln/examples");
        }
        Path out = Files.createTempDirectory("kiln-proc");
        System.out.println("| spec | fields | processing ms (javac -proc:only, median of 5, warm) |");
        System.out.println("|---|---|---|");
        for (String spec : List.of("iris/Iris", "breastcancer/BreastCancer", "digits/Digits", "diabetes/Diabetes")) {
            Path file = sources.resolve(spec + ".java");
            long fields = Files.readAllLines(file).stream().filter(l -> l.contains("@Feature") || l.contains("Layer "))
                    .mapToLong(l -> l.split("@Feature", -1).length - 1 + (l.contains(" Layer ") ? 1 : 0)).sum();
            double[] ms = new double[8];
            for (int i = 0; i < ms.length; i++) {
                long t0 = System.nanoTime();
                int rc = javac.run(null, null, null, "-proc:only", "-processor", "io.kiln.processor.KilnProcessor",
                        "-cp", System.getProperty("java.class.path"), "-s", out.toString(), "-d", out.toString(),
                        "-implicit:none", file.toString());
                ms[i] = (System.nanoTime() - t0) / 1e6;
                if (rc != 0) {
                    throw new IllegalStateException("javac failed on " + file);
                }
            }
            double[] warm = Arrays.copyOfRange(ms, 3, ms.length);
            System.out.printf(Locale.ROOT, "| %s | %d | %.0f |%n", spec.substring(spec.indexOf('/') + 1), fields,
                    median(Arrays.stream(warm).boxed().toList()));
        }
        File[] leftovers = out.toFile().listFiles();
        if (leftovers != null) {
            Files.walk(out).sorted((a, b) -> b.compareTo(a)).forEach(f -> f.toFile().delete());
        }
    }

    static double median(List<Double> values) {
        double[] s = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
