package io.kiln.runtime;

import io.kiln.runtime.internal.data.CsvTable;
import io.kiln.runtime.internal.data.LabeledData;
import io.kiln.runtime.internal.drift.DriftProfile;
import io.kiln.runtime.internal.preprocess.Preprocessor;

import io.kiln.dsl.Missing;
import io.kiln.dsl.Scaling;
import io.kiln.dsl.Task;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.stream.IntStream;

/**
 * The cost of {@link DriftMonitor#observe} on the digits data (64 numeric features), single-threaded
 * and from 8 threads at once. Not a test; run it from the runtime module's folder with the test class
 * path:
 *
 * <pre>
 * java -cp target/classes:target/test-classes:$(cat cp.txt) io.kiln.runtime.DriftMonitorBenchmark
 * </pre>
 */
final class DriftMonitorBenchmark {
    private DriftMonitorBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path csv = Path.of(args.length > 0 ? args[0]
                : "../examples/src/main/resources/io/kiln/examples/digits/digits.csv");
        List<FeatureSchema> features = new ArrayList<>();
        for (int r = 0; r < 8; r++) {
            for (int c = 0; c < 8; c++) {
                features.add(FeatureSchema.numeric("pixel_" + r + "_" + c, "pixel_" + r + "_" + c,
                        Scaling.STANDARDIZE, Missing.MEAN, ""));
            }
        }
        CsvSource source = CsvSource.file(csv);
        LabeledData data = LabeledData.read(CsvTable.read(source), source, features,
                new LabelSchema("digit", LabelCoding.INDEX, List.of("label"),
                        List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9")),
                Task.MULTICLASS_CLASSIFICATION);
        int[] all = IntStream.range(0, data.size()).toArray();
        DriftProfile profile = DriftProfile.fit(Preprocessor.fit(features, data.features(), all).transforms(),
                data.features(), all);
        Object[][] rows = data.features().toArray(new Object[0][]);
        int window = 10_000;
        for (int round = 0; round < 5; round++) {
            DriftMonitor monitor = new DriftMonitor(profile, window);
            int n = 2_000_000;
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                monitor.observe(rows[i % rows.length]);
            }
            double single = (System.nanoTime() - t0) / (double) n;
            int threads = 8;
            int perThread = 500_000;
            DriftMonitor shared = new DriftMonitor(profile, window);
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                final int offset = t * 97;
                Thread w = new Thread(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int i = 0; i < perThread; i++) {
                        shared.observe(rows[(i + offset) % rows.length]);
                    }
                });
                w.start();
                workers.add(w);
            }
            long t1 = System.nanoTime();
            start.countDown();
            for (Thread w : workers) {
                w.join();
            }
            double wall = (System.nanoTime() - t1) / (double) (threads * perThread);
            long t2 = System.nanoTime();
            int scrapes = 1000;
            double sink = 0;
            for (int i = 0; i < scrapes; i++) {
                sink += monitor.psi().get("pixel_3_4");
            }
            double psiMicros = (System.nanoTime() - t2) / 1e3 / scrapes;
            System.out.printf(Locale.ROOT, "round %d: observe %.0f ns/row (1 thread), %.0f ns/row of wall time "
                    + "(%d threads, %d CPUs); psi() %.1f us (%s)%n", round + 1, single, wall, threads,
                    Runtime.getRuntime().availableProcessors(), psiMicros, sink > -1 ? "ok" : "?");
        }
    }
}
