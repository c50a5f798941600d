package io.kiln.spark;

import io.kiln.runtime.batch.BatchScorer;
import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * Spark scoring of one million rows against the local scorer, in one run: the iris model of the
 * tests scores a 1,000,000-row CSV file locally ({@code score}), then on Spark as CSV (one task) and
 * as Parquet (a task per partition) with a local master of 1 and 2 cores and a local cluster of two
 * executor JVMs; each Spark output must be byte for byte the local one. Prints a Markdown table of
 * seconds and rows per second. Not a test: {@code mvn -B -DskipTests -Pbench package -pl runtime/spark}.
 *
 * <p>Argument: rows (default 1,000,000).
 */
public final class SparkScoringBench {
    private SparkScoringBench() {}

    public static void main(String... args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        Path dir = Files.createDirectories(Path.of("target", "bench"));
        SparkScorerTest.dir = Files.createTempDirectory(dir, "model");
        SparkScorerTest.trainAndWriteInputs();
        Path model = SparkScorerTest.model;
        Path csvIn = Files.createDirectories(dir.resolve("csv-in"));
        Path csv = csvIn.resolve("rows.csv");
        Random random = new Random(1);
        List<String> iris = Files.readAllLines(SparkScorerTest.IRIS);
        try (BufferedWriter w = Files.newBufferedWriter(csv)) {
            w.write(iris.get(0));
            w.write('\n');
            for (int r = 0; r < rows; r++) {
                String[] v = iris.get(1 + random.nextInt(iris.size() - 1)).split(",");
                StringBuilder line = new StringBuilder();
                for (int j = 0; j < 4; j++) {
                    line.append(String.format(Locale.ROOT, "%.3f", Double.parseDouble(v[j]) + random.nextGaussian() * 0.2))
                            .append(',');
                }
                w.write(line.append(v[4]).append('\n').toString());
            }
        }
        long t0 = System.nanoTime();
        Path local = dir.resolve("local-out");
        deleteFolder(local);
        new BatchScorer(SparkScorerTest.iris(), model, BatchScorer.Options.defaults().progress(null, false))
                .score(csvIn, local);
        double localSeconds = (System.nanoTime() - t0) / 1e9;
        byte[] expected = Files.readAllBytes(local.resolve("rows.csv"));
        Path parquetIn = dir.resolve("parquet-in");
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT,
                "%n| scorer | input | seconds | rows/s | output identical |%n|---|---|---|---|---|%n"
                        + "| local `score` | CSV | %.2f | %,.0f | (reference) |%n", localSeconds, rows / localSeconds));
        for (String master : List.of("local[1]", "local[2]", SparkTesting.LOCAL_CLUSTER)) {
            try (JavaSparkContext sc = new JavaSparkContext(SparkTesting.conf(master)
                    .set("spark.sql.files.maxPartitionBytes", String.valueOf(4 << 20)))) {
                if (!Files.exists(parquetIn)) { // written once, by Spark, from the CSV file: row groups of 1 MB
                    sc.hadoopConfiguration().setInt("parquet.block.size", 1 << 20);
                    Path written = dir.resolve("parquet-write");
                    deleteFolder(written);
                    SparkSession.builder().sparkContext(sc.sc()).getOrCreate().read().option("header", "true")
                            .option("inferSchema", "true").csv(csv.toString()).coalesce(1).write()
                            .parquet(written.toString());
                    Files.createDirectories(parquetIn);
                    try (var files = Files.list(written)) {
                        Files.move(files.filter(f -> f.toString().endsWith(".parquet")).findFirst().orElseThrow(),
                                parquetIn.resolve("rows.parquet"));
                    }
                }
                for (Path in : List.of(csvIn, parquetIn)) {
                    Path out = dir.resolve("spark-out");
                    deleteFolder(out);
                    long s0 = System.nanoTime();
                    SparkScorer.Summary s = new SparkScorer(sc, SparkScorerTest::iris, model,
                            SparkScorer.Settings.defaults()).score(in, out);
                    double seconds = (System.nanoTime() - s0) / 1e9;
                    boolean same = Arrays.equals(expected, Files.readAllBytes(out.resolve("rows.csv")));
                    table.append(String.format(Locale.ROOT, "| Spark `%s` | %s | %.2f | %,.0f | %s |%n", master,
                            in == csvIn ? "CSV (1 task)" : "Parquet", seconds, s.rows() / seconds, same ? "yes" : "NO"));
                    System.out.println(table);
                }
            }
        }
    }

    private static void deleteFolder(Path folder) throws java.io.IOException {
        if (Files.exists(folder)) {
            try (var s = Files.walk(folder)) {
                for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
