package io.kiln.runtime.internal.ensemble;

import static com.google.common.truth.Truth.assertThat;

import io.kiln.runtime.FitSettings;
import io.kiln.runtime.KilnModel;
import io.kiln.runtime.Network;
import io.kiln.runtime.Predictions;
import io.kiln.runtime.TrainOptions;
import io.kiln.runtime.Trainer;
import io.kiln.runtime.TrainingFixtures;
import io.kiln.runtime.TrainingResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/** Three iris models trained with different seeds, averaged into one graph. */
class EnsemblesTest {
    @TempDir Path dir;

    @Test
    void theGraphPredictsTheMembersAverageAndSurvivesTheModelFile() throws Exception {
        List<Network> members = new ArrayList<>();
        TrainingResult last = null;
        for (long seed = 1; seed <= 3; seed++) {
            last = Trainer.train(TrainingFixtures.iris(new Adam(0.01)).fit(new FitSettings(10, 16, seed)).build(),
                    TrainOptions.defaults().quiet().references(false));
            members.add(last.model().network());
        }
        Network ensemble = Ensembles.average(members);
        assertThat(ensemble.isGraph()).isTrue();
        INDArray x = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 12, 4).subi(0.5).muli(4);
        INDArray mean = members.get(0).output(x, null).add(members.get(1).output(x, null))
                .add(members.get(2).output(x, null)).div(3);
        INDArray out = ensemble.output(x, null);
        assertThat(out.shape()).isEqualTo(mean.shape());
        double worst = Nd4j.getExecutioner().exec(new org.nd4j.linalg.api.ops.impl.reduce.same.AMax(
                out.sub(mean))).getDouble(0);
        assertThat(worst).isLessThan(1e-6);
        // one model file: the ensemble with the last member's preprocessing predicts as the average does
        Path file = dir.resolve("ensemble.kiln");
        new KilnModel(ensemble, last.model().metadata()).save(file);
        KilnModel loaded = KilnModel.load(file);
        assertThat(loaded.network().isGraph()).isTrue();
        Object[][] rows = {{5.1, 3.5, 1.4, 0.2}, {6.7, 3.1, 4.7, 1.5}, {7.7, 2.6, 6.9, 2.3}};
        Predictions p = loaded.predict(rows);
        Predictions byMembers = new KilnModel(members.get(2), last.model().metadata()).predict(rows);
        assertThat(p.classIndex(0)).isEqualTo(0);
        assertThat(p.classIndex(2)).isEqualTo(2);
        assertThat(byMembers.classIndex(0)).isEqualTo(0);
    }

    /** A small residual graph: input -> a -> b, out(a + b), weights drawn from {@code seed}. */
    static Network residual(long seed) {
        var conf = new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder().seed(seed).graphBuilder()
                .addInputs("kiln-input")
                .addLayer("a", new org.deeplearning4j.nn.conf.layers.DenseLayer.Builder().nIn(4).nOut(6)
                        .activation(org.nd4j.linalg.activations.Activation.TANH).build(), "kiln-input")
                .addLayer("b", new org.deeplearning4j.nn.conf.layers.DenseLayer.Builder().nIn(6).nOut(6)
                        .activation(org.nd4j.linalg.activations.Activation.TANH).build(), "a")
                .addVertex("sum", new org.deeplearning4j.nn.conf.graph.ElementWiseVertex(
                        org.deeplearning4j.nn.conf.graph.ElementWiseVertex.Op.Add), "a", "b")
                .addLayer("out", new org.deeplearning4j.nn.conf.layers.OutputLayer.Builder(
                        org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction.MCXENT).nIn(6).nOut(3)
                        .activation(org.nd4j.linalg.activations.Activation.SOFTMAX).build(), "sum")
                .setOutputs("out").build();
        var graph = new org.deeplearning4j.nn.graph.ComputationGraph(conf);
        graph.init();
        return new Network.Graph(graph);
    }

    @Test
    void graphMembersAreAveragedToo() {
        List<Network> members = List.of(residual(1), residual(2), TrainingFixtures.iris(new Adam(0.01)).build()
                .newNetwork(4, 3));
        Network ensemble = Ensembles.average(members);
        INDArray x = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 9, 4);
        INDArray mean = members.get(0).output(x, null).add(members.get(1).output(x, null))
                .add(members.get(2).output(x, null)).div(3);
        double worst = Nd4j.getExecutioner().exec(new org.nd4j.linalg.api.ops.impl.reduce.same.AMax(
                ensemble.output(x, null).sub(mean))).getDouble(0);
        assertThat(worst).isLessThan(1e-6);
        assertThat(ensemble.numParams()).isEqualTo(members.stream().mapToLong(Network::numParams).sum());
    }
}
