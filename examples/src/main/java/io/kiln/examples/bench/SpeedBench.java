package io.kiln.examples.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Kiln against PyTorch and scikit-learn on the same machine in the same run: the digits MLP (64-64-10,
 * Adam 1e-3, batch 32, 50 epochs, one thread each), in interleaved rounds: Kiln's generated trainer
 * (validation every epoch; on its fast path, the same without the vector code ({@code -Dkiln.vector=false}),
 * and through DL4J's minibatch loop ({@code -Dkiln.fast=false})),
 * hand-written DL4J with pre-built minibatches and the same validation, and
 * {@code src/bench/throughput_torch.py} (PyTorch with validation every epoch; scikit-learn's
 * {@code MLPClassifier}, run with Debian's {@code /usr/bin/python3}). Prints each round and the medians.
 *
 * <p>Arguments: rounds (default 5), epochs (default 50).
 */
public final class SpeedBench {
    private SpeedBench() {}

    public static void main(String... args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        Map<String, List<Double>> samples = new LinkedHashMap<>();
        for (String mode : List.of("kiln", "kiln-loops", "kiln-dl4j", "tuned-validated", "torch", "sklearn")) {
            samples.put(mode, new ArrayList<>());
        }
        for (int round = 1; round <= rounds; round++) {
            for (String mode : List.of("kiln", "kiln-loops", "kiln-dl4j", "tuned-validated")) {
                double v = Double.parseDouble(Bench.child(mode, epochs, true).get("samples_per_s"));
                samples.get(mode).add(v);
            }
            for (Map.Entry<String, Double> e : python(epochs).entrySet()) {
                samples.get(e.getKey()).add(e.getValue());
            }
            System.out.printf(Locale.ROOT, "round %d: %s%n", round, last(samples));
            System.out.flush();
        }
        double torch = median(samples.get("torch"));
        System.out.println("\n| trainer | samples/s (median of " + rounds + ") | rounds | × PyTorch |");
        System.out.println("|---|---|---|---|");
        for (Map.Entry<String, List<Double>> e : samples.entrySet()) {
            System.out.printf(Locale.ROOT, "| %s | %.0f | %s | %.2f |%n", e.getKey(), median(e.getValue()),
                    e.getValue().stream().map(v -> String.format(Locale.ROOT, "%.0f", v)).toList(),
                    median(e.getValue()) / torch);
        }
    }

    private static Map<String, Double> python(int epochs) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("/usr/bin/python3", "src/bench/throughput_torch.py",
                Integer.toString(epochs)).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("OMP_NUM_THREADS", "1");
        Process p = pb.start();
        Map<String, Double> result = new LinkedHashMap<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("mode=")) {
                    String[] parts = line.split(" ");
                    result.put(parts[0].substring(5), Double.parseDouble(parts[1].split("=")[1]));
                }
            }
        }
        if (p.waitFor() != 0 || result.size() != 2) {
            throw new IllegalStateException("throughput_torch.py failed (is python3-torch installed?)");
        }
        return result;
    }

    private static String last(Map<String, List<Double>> samples) {
        List<String> parts = new ArrayList<>();
        samples.forEach((k, v) -> parts.add(k + " " + String.format(Locale.ROOT, "%.0f", v.get(v.size() - 1))));
        return String.join(", ", parts);
    }

    static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
