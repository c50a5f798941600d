package io.kiln.examples.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the benchmarks that set one of the examples against the same network in PyTorch share: running
 * the PyTorch script (Debian's {@code /usr/bin/python3}, one thread) for its training rows per
 * second, and the table of medians, Kiln on the fast path and through DL4J's loop against PyTorch.
 */
final class TorchComparison {
    private TorchComparison() {}

    /** Runs {@code src/bench/<script>} with {@code args}; returns the rows/s of its "mode=torch rows_per_s=" line. */
    static double rowsPerSecond(String script, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3", "src/bench/" + script));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("OMP_NUM_THREADS", "1");
        Process p = pb.start();
        double result = Double.NaN;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("mode=torch")) {
                    result = Double.parseDouble(line.substring(line.indexOf("rows_per_s=") + 11).trim());
                }
            }
        }
        if (p.waitFor() != 0 || Double.isNaN(result)) {
            throw new IllegalStateException(script + " failed");
        }
        return result;
    }

    /** The Markdown table of the rounds' medians and their ratios to PyTorch's. */
    static void printTable(int rounds, List<Double> kiln, List<Double> dl4j, List<Double> torch) {
        System.out.printf(Locale.ROOT, "%n| trainer | rows/s (median of %d) | rounds | × PyTorch |%n|---|---|---|---|%n",
                rounds);
        double t = Bench.median(torch);
        System.out.printf(Locale.ROOT, "| Kiln, fast path | %.0f | %s | %.2f |%n", Bench.median(kiln), kiln,
                Bench.median(kiln) / t);
        System.out.printf(Locale.ROOT, "| Kiln through DL4J's loop | %.0f | %s | %.2f |%n", Bench.median(dl4j), dl4j,
                Bench.median(dl4j) / t);
        System.out.printf(Locale.ROOT, "| PyTorch | %.0f | %s | 1.00 |%n", t, torch);
    }
}
