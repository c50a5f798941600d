package io.kiln.runtime;

import static com.google.common.truth.Truth.assertThat;
import static io.kiln.runtime.TrainingFixtures.iris;
import static io.kiln.runtime.TrainingFixtures.quiet;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kiln.dsl.RetrainLevel;
import io.kiln.dsl.Scaling;
import io.kiln.runtime.internal.learn.Warm;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.learning.config.Adam;

/**
 * Warm starts on iris: a parent trained briefly, continued with its weights, optimizer state, schedule
 * position and preprocessing; the lineage it records; top layers only; L2-SP toward the parent.
 */
class WarmStartTest {
    @TempDir
    static Path dir;
    static Path parent;
    static TrainingResult parentResult;

    static ModelDefinition.Builder spec(int epochs) {
        return iris(new Adam(0.01)).fit(new FitSettings(epochs, 16, 5))
                .network(WarmStartTest::mlp);
    }

    static org.deeplearning4j.nn.conf.MultiLayerConfiguration mlp(int n, long seed) {
        return TrainingFixtures.mlp(n, seed, new Adam(0.01), 16, 3, org.nd4j.linalg.activations.Activation.SOFTMAX,
                org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction.MCXENT, 8);
    }

    @BeforeAll
    static void trainParent() throws Exception {
        parentResult = Trainer.train(spec(3).build(), quiet());
        parent = dir.resolve("iris-parent.kiln");
        parentResult.model().save(parent);
    }

    @Test
    void theNetworkStartsWithTheParentsWeightsOptimizerStateAndIterationCount() throws Exception {
        WarmStart warm = WarmStart.of(parent);
        MultiLayerNetwork from = warm.parent().network().layers();
        MultiLayerNetwork net = Warm.network(warm, warm.parent().metadata().numInputs()).layers();
        assertThat(net.params().toFloatVector()).isEqualTo(from.params().toFloatVector());
        assertThat(from.getUpdater().getStateViewArray().sumNumber().doubleValue()).isNotEqualTo(0.0);
        assertThat(net.getUpdater().getStateViewArray().toFloatVector())
                .isEqualTo(from.getUpdater().getStateViewArray().toFloatVector());
        assertThat(net.getIterationCount()).isGreaterThan(0);
        assertThat(net.getIterationCount()).isEqualTo(from.getIterationCount());
    }

    @Test
    void trainingGoesOnWhereTheParentStoppedAndRecordsTheLineage() throws Exception {
        List<Double> warmLoss = new ArrayList<>();
        List<Double> freshLoss = new ArrayList<>();
        ModelDefinition def = spec(20).build();
        TrainingResult warm = Trainer.train(def.withWarmStart(WarmStart.of(parent)),
                quiet().listener((epoch, m) -> warmLoss.add(epoch.trainLoss())));
        Trainer.train(def, quiet().listener((epoch, m) -> freshLoss.add(epoch.trainLoss())));
        // the first epoch continues from 3 epochs of training: its loss is below a fresh network's first
        assertThat(warmLoss.get(0)).isLessThan(freshLoss.get(0));
        assertThat(warm.metrics().get("accuracy")).isAtLeast(0.85);
        int parentIterations = parentResult.model().network().iterationCount();
        assertThat(warm.model().network().iterationCount()).isGreaterThan(parentIterations);

        ModelMetadata.LineageProvenance l = warm.model().metadata().provenance().lineage();
        assertThat(l.generation()).isEqualTo(1);
        assertThat(l.parent()).isEqualTo(parent.toString());
        assertThat(l.parentSha256()).isEqualTo(io.kiln.runtime.internal.transfer.SourceModel.sha256(parent));
        assertThat(l.parentDataSha256()).isEqualTo(parentResult.model().metadata().provenance().dataSha256());
        assertThat(l.level()).isEqualTo("FINE_TUNE");
        assertThat(l.preprocessing()).isEqualTo("parent");

        // a grandchild is generation 2, and the lineage survives saving
        Path child = dir.resolve("iris-child.kiln");
        warm.model().save(child);
        TrainingResult grand = Trainer.train(spec(2).build().withWarmStart(WarmStart.of(child)), quiet());
        assertThat(grand.model().metadata().provenance().lineage().generation()).isEqualTo(2);
        assertThat(KilnModel.load(child).metadata().provenance().lineage()).isEqualTo(l);
    }

    @Test
    void thePreprocessingIsKeptUnlessRefitted() throws Exception {
        // the new data: only the first 100 rows (setosa and versicolor), whose means differ from all 150 rows'
        List<String> lines = new ArrayList<>(List.of(String.join(",", TrainingFixtures.IRIS_FEATURES) + ",label"));
        for (String[] r : TrainingFixtures.irisRows().subList(0, 100)) {
            lines.add(String.join(",", r));
        }
        Path part = TrainingFixtures.write(dir.resolve("iris-part.csv"), lines);
        ModelDefinition def = iris(new Adam(0.01), CsvSource.file(part), Scaling.STANDARDIZE)
                .fit(new FitSettings(2, 16, 5)).network(WarmStartTest::mlp).build();
        KilnModel kept = Trainer.train(def.withWarmStart(WarmStart.of(parent)), quiet()).model();
        assertThat(kept.metadata().features()).isEqualTo(parentResult.model().metadata().features());
        WarmStart refit = WarmStart.of(parent).with(RetrainLevel.FINE_TUNE, 0, 0, true, null);
        KilnModel refitted = Trainer.train(def.withWarmStart(refit), quiet()).model();
        assertThat(refitted.metadata().features()).isNotEqualTo(parentResult.model().metadata().features());
        assertThat(refitted.metadata().provenance().lineage().preprocessing()).isEqualTo("fitted");
    }

    @Test
    void topLayersTrainAloneAndTheSavedNetworkIsPlain() throws Exception {
        WarmStart top = WarmStart.of(parent).with(RetrainLevel.TOP_LAYERS, 1, 0, false, null);
        TrainingResult r = Trainer.train(spec(5).build().withWarmStart(top), quiet());
        MultiLayerNetwork net = r.model().network().layers();
        MultiLayerNetwork from = parentResult.model().network().layers();
        for (int i = 0; i < 2; i++) {
            assertThat(net.getLayer(i).params().toFloatVector()).isEqualTo(from.getLayer(i).params().toFloatVector());
            assertThat(net.getLayerWiseConfigurations().getConf(i).getLayer()).isNotInstanceOf(FrozenLayer.class);
        }
        assertThat(net.getLayer(2).params().toFloatVector()).isNotEqualTo(from.getLayer(2).params().toFloatVector());
        assertThat(r.model().metadata().provenance().lineage().level()).isEqualTo("TOP_LAYERS");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Trainer.train(spec(1).build()
                .withWarmStart(WarmStart.of(parent).with(RetrainLevel.TOP_LAYERS, 4, 0, false, null)), quiet()));
        assertThat(e).hasMessageThat().contains("[kiln.retrain-top] trainTop = 4, but the model has 3 layers with "
                + "weights [layer0, layer1, layer2]");
    }

    /** A graph like a spec with @Residual generates: dense0, a dropout, dense1 added to dense0, then the output. */
    static org.deeplearning4j.nn.conf.ComputationGraphConfiguration residual(int n, long seed) {
        return new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder().seed(seed).updater(new Adam(0.01))
                .l2(1e-3).graphBuilder().addInputs("input")
                .setInputTypes(org.deeplearning4j.nn.conf.inputs.InputType.feedForward(n))
                .addLayer("dense0", new org.deeplearning4j.nn.conf.layers.DenseLayer.Builder().nOut(8)
                        .activation(org.nd4j.linalg.activations.Activation.RELU).build(), "input")
                .addLayer("drop", new org.deeplearning4j.nn.conf.layers.DropoutLayer.Builder(0.8).build(), "dense0")
                .addLayer("dense1", new org.deeplearning4j.nn.conf.layers.DenseLayer.Builder().nOut(8)
                        .activation(org.nd4j.linalg.activations.Activation.IDENTITY).build(), "drop")
                .addVertex("res", new org.deeplearning4j.nn.conf.graph.ElementWiseVertex(
                        org.deeplearning4j.nn.conf.graph.ElementWiseVertex.Op.Add), "dense1", "dense0")
                .addLayer("out", new org.deeplearning4j.nn.conf.layers.OutputLayer.Builder(
                        org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(org.nd4j.linalg.activations.Activation.SOFTMAX).build(), "res")
                .setOutputs("out").build();
    }

    @Test
    void topLayersOfAGraphTrainWhileTheLayersBelowADropoutStayAsTheyWere() throws Exception {
        // found by the spec fuzzer: a frozen layer above a dropout left the dropout without a gradient
        ModelDefinition graph = iris(new Adam(0.01)).fit(new FitSettings(3, 16, 5)).network(null)
                .graph(WarmStartTest::residual).build();
        Path file = dir.resolve("iris-graph.kiln");
        TrainingResult parentGraph = Trainer.train(graph, quiet());
        parentGraph.model().save(file);
        TrainingResult r = Trainer.train(graph.withWarmStart(WarmStart.of(file).with(RetrainLevel.TOP_LAYERS, 1, 0,
                false, null)), quiet());
        var net = r.model().network().graph();
        var from = parentGraph.model().network().graph();
        for (String frozen : List.of("dense0", "dense1")) {
            assertThat(net.getLayer(frozen).params().toFloatVector())
                    .isEqualTo(from.getLayer(frozen).params().toFloatVector());
        }
        assertThat(net.getLayer("out").params().toFloatVector()).isNotEqualTo(from.getLayer("out").params()
                .toFloatVector());
        for (var v : net.getConfiguration().getVertices().values()) {
            if (v instanceof org.deeplearning4j.nn.conf.graph.LayerVertex lv) { // the saved graph is plain
                assertThat(lv.getLayerConf().getLayer().getClass().getSimpleName()).doesNotContain("Frozen");
            }
        }
    }

    @Test
    void aBatchNormalizationBelowTheTopLayersOfAGraphIsRefused() throws Exception {
        ModelDefinition graph = iris(new Adam(0.01)).fit(new FitSettings(1, 16, 5)).network(null)
                .graph((n, seed) -> new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder().seed(seed)
                        .updater(new Adam(0.01)).graphBuilder().addInputs("input")
                        .setInputTypes(org.deeplearning4j.nn.conf.inputs.InputType.feedForward(n))
                        .addLayer("dense0", new org.deeplearning4j.nn.conf.layers.DenseLayer.Builder().nOut(8).build(),
                                "input")
                        .addLayer("bn", new org.deeplearning4j.nn.conf.layers.BatchNormalization.Builder().build(),
                                "dense0")
                        .addLayer("out", new org.deeplearning4j.nn.conf.layers.OutputLayer.Builder(
                                org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction.MCXENT).nOut(3)
                                .activation(org.nd4j.linalg.activations.Activation.SOFTMAX).build(), "bn")
                        .setOutputs("out").build())
                .build();
        Path file = dir.resolve("iris-bn.kiln");
        Trainer.train(graph, quiet()).model().save(file);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Trainer.train(
                graph.withWarmStart(WarmStart.of(file).with(RetrainLevel.TOP_LAYERS, 1, 0, false, null)), quiet()));
        assertThat(e).hasMessageThat().contains("[kiln.retrain-top-batchnorm] trainTop = 1 freezes batch "
                + "normalization 'bn' below the layers that train, in a graph");
    }

    @Test
    void l2spKeepsTheWeightsNearTheParents() throws Exception {
        double free = distance(Trainer.train(spec(30).build().withWarmStart(WarmStart.of(parent)), quiet()));
        double pulled = distance(Trainer.train(spec(30).build().withWarmStart(
                WarmStart.of(parent).with(RetrainLevel.FINE_TUNE, 0, 1.0, false, null)), quiet()));
        assertThat(pulled).isLessThan(0.8 * free);
    }

    private static double distance(TrainingResult r) {
        return r.model().network().layers().params().distance2(parentResult.model().network().layers().params());
    }

    @Test
    void anotherSpecsModelIsRefused() throws Exception {
        ModelDefinition other = ModelDefinition.builder("other", io.kiln.dsl.Task.MULTICLASS_CLASSIFICATION)
                .data(CsvSource.resource(TrainingFixtures.class, "iris.csv"))
                .features(spec(1).build().features()).label(spec(1).build().label()).fit(new FitSettings(1, 16, 1))
                .outputActivationIsIdentity(false).network(WarmStartTest::mlp).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> other.withWarmStart(WarmStart.of(parent)));
        assertThat(e).hasMessageThat().contains("[kiln.warm-start-model] " + parent + " holds model 'iris', not "
                + "'other'. Continue from a model of this spec.");
    }
}
