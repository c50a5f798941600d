package io.kiln.spark;

import static com.google.common.truth.Truth.assertThat;

import io.kiln.runtime.HoldoutProtocol;
import io.kiln.runtime.KFoldProtocol;
import io.kiln.runtime.KilnModel;
import io.kiln.runtime.ModelDefinition;
import io.kiln.runtime.TrainOptions;
import io.kiln.runtime.Trainer;
import io.kiln.runtime.TrainingResult;
import io.kiln.runtime.internal.fast.FastPath;
import java.nio.file.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data-parallel training on Spark against the same training in one JVM: the same protocol and
 * epochs reach the same quality, the report and model file are a local run's, and on a local
 * cluster every minibatch step runs in the executors' JVMs.
 */
class SparkTrainingTest {
    @TempDir Path dir;

    static TrainOptions quiet() {
        return TrainOptions.defaults().quiet().references(false);
    }

    @Test
    void aHoldoutRunOnTwoWorkersLearnsAsTheLocalRunDoes() throws Exception {
        ModelDefinition def = SparkScorerTest.iris().withProtocol(new HoldoutProtocol(0.2, 0.2, true, true));
        TrainingResult local = Trainer.train(def, quiet().epochs(40));
        TrainingResult spark;
        try (JavaSparkContext sc = new JavaSparkContext(SparkTesting.conf("local[2]"))) {
            spark = Trainer.train(def, quiet().epochs(40).dataParallel(new SparkTraining(sc, 2, 3)));
        }
        assertThat(spark.report().history()).hasSize(local.report().history().size());
        assertThat(local.metrics().get("accuracy")).isGreaterThan(0.85);
        assertThat(spark.metrics().get("accuracy")).isAtLeast(local.metrics().get("accuracy") - 0.07);
        // the validation loss fell as it does locally
        var history = spark.report().history();
        assertThat(history.get(history.size() - 1).validationLoss()).isLessThan(0.5 * history.get(0).validationLoss());
        // averaged over two shards: not the local run's weights
        assertThat(spark.model().network().params()).isNotEqualTo(local.model().network().params());
        // the same kind of model file: it loads and predicts as the trained model does
        Path file = dir.resolve("iris.kiln");
        spark.model().save(file);
        Object[][] row = {{5.9, 3.0, 5.1, 1.8}};
        assertThat(KilnModel.load(file).predict(row).classIndex(0)).isEqualTo(spark.model().predict(row).classIndex(0));
        // and it says how it trained; a local run's says nothing
        assertThat(KilnModel.load(file).metadata().provenance().dataParallel())
                .isEqualTo("Spark, 2 shards, parameter averaging every 3 minibatches");
        assertThat(local.model().metadata().provenance().dataParallel()).isNull();
    }

    @Test
    void foldsTrainOneAfterAnotherInTheExecutorsJvms() throws Exception {
        ModelDefinition def = SparkScorerTest.iris().withProtocol(new KFoldProtocol(3, 1, true, true, 0.2));
        long before = FastPath.steps();
        TrainingResult spark;
        try (JavaSparkContext sc = new JavaSparkContext(SparkTesting.conf(SparkTesting.LOCAL_CLUSTER))) {
            spark = Trainer.train(def, quiet().epochs(30).dataParallel(new SparkTraining(sc, 2, 4)));
        }
        // no minibatch step ran in this JVM: the executors trained every fold and the final model
        assertThat(FastPath.steps()).isEqualTo(before);
        assertThat(spark.report().crossValidation().folds()).hasSize(3);
        assertThat(spark.metrics().get("accuracy")).isGreaterThan(0.8);
    }
}
