package io.kiln.runtime;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kiln.dsl.Missing;
import io.kiln.dsl.Scaling;
import io.kiln.dsl.Task;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** The runtime's training loop on real data (iris), the model file round trip and the momentum updater. */
class TrainAndSaveTest {
    @TempDir Path dir;

    static ModelDefinition iris(IUpdater updater) {
        ModelDefinition.Builder b = ModelDefinition.builder("iris", Task.MULTICLASS_CLASSIFICATION)
                .data(CsvSource.resource(TrainAndSaveTest.class, "iris.csv"));
        for (String c : List.of("sepal_length_cm", "sepal_width_cm", "petal_length_cm", "petal_width_cm")) {
            b.feature(FeatureSchema.numeric(c, c, Scaling.STANDARDIZE, Missing.MEAN, ""));
        }
        return b.label(new LabelSchema("species", LabelCoding.INDEX, List.of("label"),
                        List.of("setosa", "versicolor", "virginica")))
                .fit(new FitSettings(40, 16, 3))
                .outputActivationIsIdentity(false)
                .network((n, seed) -> config(n, seed, updater))
                .build();
    }

    static MultiLayerConfiguration config(int numInputs, long seed, IUpdater updater) {
        return new NeuralNetConfiguration.Builder().seed(seed).updater(updater).list()
                .layer(new DenseLayer.Builder().nOut(16).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.feedForward(numInputs)).build();
    }

    @Test
    void momentumTrainsAndSavedModelsPredictIdentically() throws Exception {
        TrainingResult r = Trainer.train(iris(new Momentum(0.05, 0.9)), TrainOptions.defaults().quiet());
        assertThat(r.metrics().get("accuracy")).isAtLeast(0.85);
        assertThat(r.model().metadata().history()).hasSize(40);
        Report.Epoch first = r.model().metadata().history().get(0);
        Report.Epoch last = r.model().metadata().history().get(39);
        assertThat(last.trainLoss()).isLessThan(first.trainLoss() / 2);

        Path file = dir.resolve("models/iris.kiln");
        r.model().save(file);
        KilnModel loaded = KilnModel.load(file);
        Object[][] rows = {{5.1, 3.5, 1.4, 0.2}, {5.9, 3.0, 5.1, 1.8}, {null, 3.0, 4.2, 1.3}};
        Predictions a = r.model().predict(rows);
        Predictions b = loaded.predict(rows);
        for (int i = 0; i < rows.length; i++) {
            assertThat(b.output(i)).isEqualTo(a.output(i));
        }
        assertThat(loaded.network().layers().getLayerWiseConfigurations().getConf(0).getLayer().getUpdaterByParam("W"))
                .isEqualTo(new Momentum(0.05, 0.9));
        assertThat(loaded.metadata().features().get(0).center()).isWithin(0.3).of(5.84);
    }

    @Test
    void momentumUpdateRule() {
        Momentum m = new Momentum(0.1, 0.5);
        INDArray state = Nd4j.zeros(1, 2);
        var updater = m.instantiate(state, true);
        INDArray g = Nd4j.createFromArray(new float[][] {{1f, -2f}});
        updater.applyUpdater(g, 0, 0);
        assertThat(g.toFloatVector()).isEqualTo(new float[] {0.1f, -0.2f}); // v = lr * g
        INDArray g2 = Nd4j.createFromArray(new float[][] {{1f, -2f}});
        updater.applyUpdater(g2, 1, 0);
        assertThat(g2.toFloatVector()[0]).isWithin(1e-6f).of(0.15f); // v = 0.5 * 0.1 + 0.1 * 1
        assertThat(g2.toFloatVector()[1]).isWithin(1e-6f).of(-0.3f);
    }

    @Test
    void momentumSurvivesTheConfigurationJson() {
        MultiLayerConfiguration c = config(4, 1, new Momentum(0.02, 0.8));
        MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(c.toJson());
        assertThat(back.getConf(0).getLayer().getUpdaterByParam("W")).isEqualTo(new Momentum(0.02, 0.8));
    }

    @Test
    void savingOverAnExistingModelReplacesItWholeAndLeavesNoTemporaryFile() throws Exception {
        ModelDefinition d = iris(new org.nd4j.linalg.learning.config.Adam(0.01));
        TrainingResult r = Trainer.train(d, TrainOptions.defaults().quiet().epochs(2));
        Path file = dir.resolve("m.kiln");
        r.model().save(file);
        r.model().save(file);
        assertThat(KilnModel.load(file).metadata().name()).isEqualTo("iris");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("m.kiln");
        }
    }

    @Test
    void notAModelFile() throws Exception {
        Path junk = dir.resolve("junk.kiln");
        Files.writeString(junk, "hello");
        assertThat(assertThrows(java.io.IOException.class, () -> KilnModel.load(junk))).hasMessageThat()
                .contains("is not a Kiln model file");
    }

    @Test
    void predictorRejectsAModelOfOtherFeatures() throws Exception {
        TrainingResult r = Trainer.train(iris(new org.nd4j.linalg.learning.config.Adam(0.01)),
                TrainOptions.defaults().quiet().epochs(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> r.model().requireFeatures(List.of("a", "b")));
        assertThat(e).hasMessageThat().contains("was trained on features [sepal_length_cm");
    }
}
