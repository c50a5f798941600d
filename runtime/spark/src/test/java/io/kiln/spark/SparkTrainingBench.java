package io.kiln.spark;

import io.kiln.dsl.Missing;
import io.kiln.dsl.Scaling;
import io.kiln.dsl.Task;
import io.kiln.runtime.CsvSource;
import io.kiln.runtime.FitSettings;
import io.kiln.runtime.FeatureSchema;
import io.kiln.runtime.KFoldProtocol;
import io.kiln.runtime.LabelCoding;
import io.kiln.runtime.LabelSchema;
import io.kiln.runtime.ModelDefinition;
import io.kiln.runtime.TrainOptions;
import io.kiln.runtime.Trainer;
import io.kiln.runtime.TrainingResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Data-parallel training on Spark against one JVM, on the digits example as declared (64
 * standardized pixels, dense 64 ReLU, softmax; Adam 1e-3, batch 32, 50 epochs, stratified 5-fold
 * cross-validation and the final model): the cross-validated accuracy and the wall time of the whole
 * protocol, locally and on local clusters of one and of two executor JVMs (one core each, a shard
 * each, averaging every 5 minibatches), for three seeds. Not a test:
 * {@code mvn -B -DskipTests -Pbench package -pl runtime/spark -Dbench.main=io.kiln.spark.SparkTrainingBench -Dbench.args=""}.
 */
public final class SparkTrainingBench {
    static final Path DIGITS = Path.of("../../examples/src/main/resources/io/kiln/examples/digits/digits.csv");

    private SparkTrainingBench() {}

    static ModelDefinition digits(long seed) {
        ModelDefinition.Builder b = ModelDefinition.builder("digits", Task.MULTICLASS_CLASSIFICATION)
                .data(CsvSource.file(DIGITS));
        for (int r = 0; r < 8; r++) {
            for (int c = 0; c < 8; c++) {
                String name = "pixel_" + r + "_" + c;
                b.feature(FeatureSchema.numeric(name, name, Scaling.STANDARDIZE, Missing.MEAN, ""));
            }
        }
        List<String> classes = new ArrayList<>();
        for (int d = 0; d < 10; d++) {
            classes.add(Integer.toString(d));
        }
        return b.label(new LabelSchema("digit", LabelCoding.INDEX, List.of("label"), classes))
                .protocol(new KFoldProtocol(5, 1, true, true, 0.0))
                .fit(new FitSettings(50, 32, seed))
                .outputActivationIsIdentity(false)
                .network((n, s) -> new NeuralNetConfiguration.Builder().seed(s).updater(new Adam(0.001))
                        .weightInit(WeightInit.XAVIER).list()
                        .layer(new DenseLayer.Builder().nOut(64).activation(Activation.RELU).weightInit(WeightInit.RELU)
                                .build())
                        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
                                .activation(Activation.SOFTMAX).build())
                        .setInputType(InputType.feedForward(n)).build())
                .build();
    }

    record Result(double accuracy, double seconds) {}

    static Result run(long seed, SparkTraining workers) {
        TrainOptions options = TrainOptions.defaults().quiet().references(false);
        long t0 = System.nanoTime();
        TrainingResult r = Trainer.train(digits(seed), workers == null ? options : options.dataParallel(workers));
        return new Result(r.metrics().get("accuracy"), (System.nanoTime() - t0) / 1e9);
    }

    public static void main(String... args) {
        long[] seeds = {42, 43, 44};
        List<Result> local = new ArrayList<>();
        for (long seed : seeds) {
            local.add(run(seed, null));
            System.out.printf(Locale.ROOT, "local seed %d: %s%n", seed, local.get(local.size() - 1));
        }
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT,
                "%n| trainer | accuracy (seeds 42, 43, 44) | mean | protocol seconds (mean) |%n|---|---|---|---|%n"));
        row(table, "one JVM", local);
        for (int executors : new int[] {1, 2}) {
            String master = "local-cluster[" + executors + ",1,1024]";
            List<Result> spark = new ArrayList<>();
            try (JavaSparkContext sc = new JavaSparkContext(SparkTesting.conf(master))) {
                for (long seed : seeds) {
                    spark.add(run(seed, new SparkTraining(sc, executors, 5)));
                    System.out.printf(Locale.ROOT, "%s seed %d: %s%n", master, seed, spark.get(spark.size() - 1));
                }
            }
            row(table, "Spark `" + master + "`, " + executors + (executors == 1 ? " shard" : " shards"), spark);
        }
        System.out.println(table);
    }

    private static void row(StringBuilder table, String name, List<Result> results) {
        table.append(String.format(Locale.ROOT, "| %s | %s | %.4f | %.1f |%n", name,
                String.join(", ", results.stream().map(r -> String.format(Locale.ROOT, "%.4f", r.accuracy())).toList()),
                results.stream().mapToDouble(Result::accuracy).average().orElseThrow(),
                results.stream().mapToDouble(Result::seconds).average().orElseThrow()));
    }
}
