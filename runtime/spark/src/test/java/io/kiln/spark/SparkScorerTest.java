package io.kiln.spark;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kiln.dsl.Missing;
import io.kiln.dsl.Scaling;
import io.kiln.dsl.Task;
import io.kiln.runtime.CsvSource;
import io.kiln.runtime.FeatureSchema;
import io.kiln.runtime.FitSettings;
import io.kiln.runtime.LabelCoding;
import io.kiln.runtime.LabelSchema;
import io.kiln.runtime.ModelDefinition;
import io.kiln.runtime.TrainOptions;
import io.kiln.runtime.Trainer;
import io.kiln.runtime.batch.BatchScorer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Spark scoring against the local {@code score} command: a model trained on iris scores a folder of
 * CSV files on a local master and on a local cluster of two executor JVMs, and every output file is
 * byte for byte the local scorer's.
 */
class SparkScorerTest {
    static final Path IRIS = Path.of("../../examples/src/main/resources/io/kiln/examples/iris/iris.csv");
    static final List<String> FEATURES = List.of("sepal_length_cm", "sepal_width_cm", "petal_length_cm",
            "petal_width_cm");

    @TempDir static Path dir;
    static Path model;
    static Path inputs;

    /** Iris with a ReLU layer of 16 units; run by each executor through {@link DefinitionSource}. */
    static ModelDefinition iris() {
        ModelDefinition.Builder b = ModelDefinition.builder("iris", Task.MULTICLASS_CLASSIFICATION)
                .data(CsvSource.file(IRIS));
        for (String c : FEATURES) {
            b.feature(FeatureSchema.numeric(c, c, Scaling.STANDARDIZE, Missing.MEAN, ""));
        }
        return b.label(new LabelSchema("species", LabelCoding.INDEX, List.of("label"),
                        List.of("setosa", "versicolor", "virginica")))
                .fit(new FitSettings(20, 16, 3))
                .outputActivationIsIdentity(false)
                .network((n, seed) -> new NeuralNetConfiguration.Builder().seed(seed).updater(new Adam(0.02)).list()
                        .layer(new DenseLayer.Builder().nOut(16).activation(Activation.RELU).build())
                        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                                .activation(Activation.SOFTMAX).build())
                        .setInputType(InputType.feedForward(n)).build())
                .build();
    }

    @BeforeAll
    static synchronized void trainAndWriteInputs() throws Exception {
        if (model != null) {
            return;
        }
        if (dir == null) { // (called from another test class)
            dir = Files.createTempDirectory("kiln-spark-test");
        }
        model = dir.resolve("iris.kiln");
        Trainer.train(iris(), TrainOptions.defaults().quiet().references(false)).model().save(model);
        // three files: iris as it is, its rows reversed, and one with a row the model cannot take
        List<String> lines = Files.readAllLines(IRIS);
        inputs = Files.createDirectories(dir.resolve("in"));
        Files.write(inputs.resolve("a.csv"), lines);
        List<String> reversed = new ArrayList<>(lines.subList(1, lines.size()));
        java.util.Collections.reverse(reversed);
        reversed.add(0, lines.get(0));
        Files.write(inputs.resolve("b.csv"), reversed);
        List<String> bad = new ArrayList<>(lines.subList(0, 40));
        bad.add("5.0,oops,1.4,0.2,0");
        Files.write(inputs.resolve("c.csv"), bad);
    }

    static Path scoreLocally(Path out) throws Exception {
        new BatchScorer(iris(), model, BatchScorer.Options.defaults().onError(BatchScorer.OnError.SKIP)
                .progress(null, false)).score(inputs, out);
        return out;
    }

    static SparkScorer.Summary scoreOnSpark(String master, Path out) throws Exception {
        SparkConf conf = SparkTesting.conf(master);
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            SparkScorer scorer = new SparkScorer(sc, SparkScorerTest::iris, model,
                    SparkScorer.Settings.defaults().onError(BatchScorer.OnError.SKIP));
            return scorer.score(inputs, out);
        }
    }

    static void assertSameFiles(Path expected, Path actual) throws Exception {
        for (String name : List.of("a.csv", "b.csv", "c.csv", "c.csv.rejects.csv")) {
            assertThat(Files.readAllBytes(actual.resolve(name))).isEqualTo(Files.readAllBytes(expected.resolve(name)));
        }
    }

    @Test
    void aLocalMasterWritesWhatTheLocalScorerWrites() throws Exception {
        Path local = scoreLocally(dir.resolve("local-1"));
        SparkScorer.Summary s = scoreOnSpark("local[2]", dir.resolve("spark-1"));
        assertSameFiles(local, dir.resolve("spark-1"));
        assertThat(s.files()).hasSize(3);
        assertThat(s.rows()).isEqualTo(150 + 150 + 40);
        assertThat(s.rejected()).isEqualTo(1);
        assertThat(Files.readString(dir.resolve("spark-1/a.csv"))).startsWith("line,species,p_setosa,p_versicolor,"
                + "p_virginica\n2,setosa,");
        // a second run refuses to replace the finished outputs
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> scoreOnSpark("local[2]", dir.resolve("spark-1")));
        assertThat(e).hasMessageThat().contains("Pass --overwrite");
    }

    @Test
    void parquetRowsArePredictedAsTheLocalScorerPredictsTheirCsvExport() throws Exception {
        // 6,000 rows (iris 40 times, varied) as CSV and as one Parquet file of many small row groups, which
        // Spark reads as several partitions
        List<String> lines = Files.readAllLines(IRIS);
        List<String> csv = new ArrayList<>(List.of(lines.get(0)));
        List<org.apache.spark.sql.Row> rows = new ArrayList<>();
        for (int k = 0; k < 40; k++) {
            for (String line : lines.subList(1, lines.size())) {
                String[] v = line.split(",");
                double[] x = new double[4];
                for (int j = 0; j < 4; j++) {
                    x[j] = Double.parseDouble(v[j]) + 0.01 * k;
                }
                csv.add(x[0] + "," + x[1] + "," + x[2] + "," + x[3] + "," + v[4]);
                rows.add(org.apache.spark.sql.RowFactory.create(x[0], x[1], x[2], x[3], Integer.parseInt(v[4])));
            }
        }
        Path csvIn = Files.createDirectories(dir.resolve("csv-in"));
        Files.write(csvIn.resolve("big.csv"), csv);
        Path parquetIn = Files.createDirectories(dir.resolve("parquet-in"));
        SparkConf conf = SparkTesting.conf("local[2]").set("spark.sql.files.maxPartitionBytes", "16384")
                .set("spark.hadoop.parquet.block.size", "8192");
        Path local = dir.resolve("csv-out");
        new BatchScorer(iris(), model, BatchScorer.Options.defaults().batchSize(100).progress(null, false))
                .score(csvIn, local);
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            org.apache.spark.sql.SparkSession session = org.apache.spark.sql.SparkSession.builder().sparkContext(sc.sc())
                    .getOrCreate();
            org.apache.spark.sql.types.StructType schema = new org.apache.spark.sql.types.StructType()
                    .add(FEATURES.get(0), "double").add(FEATURES.get(1), "double").add(FEATURES.get(2), "double")
                    .add(FEATURES.get(3), "double").add("label", "int");
            Path written = dir.resolve("parquet-write");
            session.createDataFrame(rows, schema).coalesce(1).write().parquet(written.toString());
            try (java.util.stream.Stream<Path> files = Files.list(written)) {
                Files.move(files.filter(f -> f.toString().endsWith(".parquet")).findFirst().orElseThrow(),
                        parquetIn.resolve("big.parquet"));
            }
            SparkScorer.Summary s = new SparkScorer(sc, SparkScorerTest::iris, model,
                    SparkScorer.Settings.defaults().batchSize(100)).score(parquetIn, dir.resolve("parquet-out"));
            assertThat(s.rows()).isEqualTo(6000);
            assertThat(session.read().parquet(parquetIn.resolve("big.parquet").toString()).javaRDD().getNumPartitions())
                    .isGreaterThan(2);
        }
        assertThat(Files.readAllBytes(dir.resolve("parquet-out/big.csv")))
                .isEqualTo(Files.readAllBytes(local.resolve("big.csv")));
        assertThat(Files.exists(dir.resolve("parquet-out/big.csv.parts"))).isFalse();
    }

    @Test
    void aParquetRowTheModelCannotTakeFailsTheRunAndLeavesTheEarlierOutputIntact() throws Exception {
        Path in = Files.createDirectories(dir.resolve("bad-parquet-in"));
        Path out = Files.createDirectories(dir.resolve("bad-parquet-out"));
        Files.writeString(out.resolve("t.csv"), "an earlier finished output\n");
        try (JavaSparkContext sc = new JavaSparkContext(SparkTesting.conf("local[2]"))) {
            org.apache.spark.sql.SparkSession session = org.apache.spark.sql.SparkSession.builder().sparkContext(sc.sc())
                    .getOrCreate();
            org.apache.spark.sql.types.StructType schema = new org.apache.spark.sql.types.StructType()
                    .add(FEATURES.get(0), "double").add(FEATURES.get(1), "string").add(FEATURES.get(2), "double")
                    .add(FEATURES.get(3), "double");
            List<org.apache.spark.sql.Row> rows = List.of(org.apache.spark.sql.RowFactory.create(5.1, "3.5", 1.4, 0.2),
                    org.apache.spark.sql.RowFactory.create(4.9, "oops", 1.4, 0.2));
            Path written = dir.resolve("bad-parquet-write");
            session.createDataFrame(rows, schema).coalesce(1).write().parquet(written.toString());
            try (java.util.stream.Stream<Path> files = Files.list(written)) {
                Files.move(files.filter(f -> f.toString().endsWith(".parquet")).findFirst().orElseThrow(),
                        in.resolve("t.parquet"));
            }
            Exception e = assertThrows(Exception.class, () -> new SparkScorer(sc, SparkScorerTest::iris, model,
                    SparkScorer.Settings.defaults().overwrite(true)).score(in, out));
            // the failing row and the feature are named
            assertThat(e.getMessage()).contains("sepal_width_cm");
        }
        assertThat(Files.readString(out.resolve("t.csv"))).isEqualTo("an earlier finished output\n");
        assertThat(Files.exists(out.resolve("t.csv.partial"))).isFalse();
        assertThat(Files.exists(out.resolve("t.csv.parts"))).isFalse();
    }

    @Test
    void twoExecutorJvmsWriteWhatTheLocalScorerWrites() throws Exception {
        Path local = scoreLocally(dir.resolve("local-2"));
        SparkScorer.Summary s = scoreOnSpark(SparkTesting.LOCAL_CLUSTER, dir.resolve("spark-2"));
        assertSameFiles(local, dir.resolve("spark-2"));
        // the files were scored in the executors' own JVMs, not in the driver
        assertThat(s.files().stream().map(SparkScorer.FileResult::executor).distinct().toList())
                .containsNoneOf("driver", null);
        assertThat(s.files().stream().map(SparkScorer.FileResult::executor).distinct().count()).isEqualTo(2);
    }
}
