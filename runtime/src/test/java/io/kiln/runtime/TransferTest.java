package io.kiln.runtime;

import static com.google.common.truth.Truth.assertThat;
import static io.kiln.runtime.TrainingFixtures.iris;
import static io.kiln.runtime.TrainingFixtures.quiet;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kiln.dsl.Missing;
import io.kiln.dsl.Reuse;
import io.kiln.dsl.Scaling;
import io.kiln.dsl.Task;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Transfer learning on iris: a source trained on the three species, its two hidden layers reused by
 * a binary "is it a virginica?" model, frozen, fine-tuned, gradually unfrozen, at their own rates and
 * pulled toward the source (L2-SP).
 */
class TransferTest {
    @TempDir
    static Path dir;
    static Path source;
    static MultiLayerNetwork sourceNet;
    static Path virginica;

    @BeforeAll
    static void trainSource() throws Exception {
        ModelDefinition def = iris(new Adam(0.01)).fit(new FitSettings(30, 16, 7))
                .network((n, seed) -> TrainingFixtures.mlp(n, seed, new Adam(0.01), 16, 3, Activation.SOFTMAX,
                        LossFunctions.LossFunction.MCXENT, 8))
                .build();
        TrainingResult r = Trainer.train(def, quiet());
        source = dir.resolve("models/iris.kiln");
        r.model().save(source);
        sourceNet = r.model().network().layers();
        virginica = TrainingFixtures.writeVirginicaCsv(dir.resolve("virginica.csv"));
    }

    /** Binary virginica reusing the source's hidden layers ("layer0", "layer1"), with a new output layer. */
    static ModelDefinition.Builder target(Transfer transfer) {
        return target(transfer, virginica, TrainingFixtures.IRIS_FEATURES.stream()
                .map(c -> FeatureSchema.numeric(c, c, Scaling.STANDARDIZE, Missing.MEAN, "")).toList());
    }

    /** Binary virginica of {@code data} over {@code features}, with the transfer and a new output layer. */
    static ModelDefinition.Builder target(Transfer transfer, Path data, List<FeatureSchema> features) {
        return ModelDefinition.builder("virginica", Task.BINARY_CLASSIFICATION).data(CsvSource.file(data))
                .features(features)
                .label(new LabelSchema("virginica", LabelCoding.BOOLEAN, List.of("virginica"),
                        List.of("other", "virginica")))
                .fit(new FitSettings(12, 16, 3))
                .outputActivationIsIdentity(false)
                .transfer(transfer, TransferTest::head);
    }

    static MultiLayerConfiguration head(ReusedLayers reused, int numInputs, long seed) {
        return reused.prepend(new NeuralNetConfiguration.Builder().seed(seed).updater(new Adam(0.01))
                        .weightInit(WeightInit.XAVIER).list())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.XENT).name("out").nOut(1)
                        .activation(Activation.SIGMOID).build())
                .setInputType(InputType.feedForward(numInputs)).build();
    }

    static Transfer transfer(Reuse reuse, int every, double rate, double factor, Map<String, Double> rates,
            double l2sp) {
        return new Transfer(null, null, source.toString(), List.of(), "", reuse, every, rate, factor, rates, false,
                false, l2sp, 0);
    }

    static Transfer frozen() {
        return transfer(Reuse.FREEZE, 0, -1, 1, Map.of(), 0);
    }

    @Test
    void frozenLayersKeepTheSourceWeightsBitForBitAndTheHeadLearns() {
        TrainingResult r = Trainer.train(target(frozen()).build(), quiet());
        MultiLayerNetwork net = r.model().network().layers();
        for (int i = 0; i < 2; i++) {
            assertThat(net.getLayer(i).params().toFloatVector())
                    .isEqualTo(sourceNet.getLayer(i).params().toFloatVector());
        }
        assertThat(net.getnLayers()).isEqualTo(3);
        // the saved network is a plain stack: frozen is how it trained
        for (int i = 0; i < 3; i++) {
            assertThat(net.getLayerWiseConfigurations().getConf(i).getLayer()).isNotInstanceOf(FrozenLayer.class);
        }
        assertThat(r.metrics().get("accuracy")).isAtLeast(0.8);
        ModelMetadata.TransferProvenance p = r.model().metadata().provenance().transfer();
        assertThat(p.reused()).containsExactly("layer0", "layer1").inOrder();
        assertThat(p.frozen()).containsExactly("layer0", "layer1").inOrder();
        assertThat(p.format()).isEqualTo("kiln");
        assertThat(p.preprocessing()).isEqualTo("source");
        assertThat(p.sourceSha256()).hasLength(64);
        assertThat(p.unfrozen()).isEmpty();
    }

    @Test
    void theSourcePreprocessingIsReusedNotRefitted() throws Exception {
        TrainingResult r = Trainer.train(target(frozen()).build(), quiet());
        KilnModel src = KilnModel.load(source);
        assertThat(r.model().metadata().features()).isEqualTo(src.metadata().features());
        Transfer refit = new Transfer(null, null, source.toString(), List.of(), "", Reuse.FREEZE, 0, -1, 1, Map.of(),
                false, true, 0, 0);
        TrainingResult refitted = Trainer.train(target(refit).build(), quiet());
        assertThat(refitted.model().metadata().features()).isNotEqualTo(src.metadata().features());
        assertThat(refitted.model().metadata().provenance().transfer().preprocessing()).isEqualTo("fitted");
    }

    @Test
    void fineTuningMovesEveryLayerAtItsOwnRate() {
        Transfer t = transfer(Reuse.FINE_TUNE, 0, 0.001, 0.5, Map.of(), 0);
        TrainingResult r = Trainer.train(target(t).build(), quiet());
        MultiLayerNetwork net = r.model().network().layers();
        for (int i = 0; i < 2; i++) {
            assertThat(net.getLayer(i).params().toFloatVector())
                    .isNotEqualTo(sourceNet.getLayer(i).params().toFloatVector());
        }
        Map<String, Double> rates = r.model().metadata().provenance().transfer().learningRates();
        assertThat(rates.get("layer1")).isWithin(1e-12).of(0.001); // the topmost reused layer: the body rate
        assertThat(rates.get("layer0")).isWithin(1e-12).of(0.0005); // one below: times the factor
        assertThat(rates.get("out")).isWithin(1e-12).of(0.01); // the new layer: the optimizer's
        assertThat(r.model().metadata().provenance().transfer().frozen()).isEmpty();
    }

    @Test
    void gradualUnfreezingUnfreezesFromTheTopAtTheDeclaredEpochs() {
        Transfer t = transfer(Reuse.GRADUAL, 4, -1, 1, Map.of(), 0);
        List<String> frozenPerEpoch = new ArrayList<>();
        TrainOptions options = quiet().listener((epoch, model) -> {
            MultiLayerConfiguration c = model.network().layers().getLayerWiseConfigurations();
            StringBuilder s = new StringBuilder();
            for (int i = 0; i < c.getConfs().size(); i++) {
                s.append(c.getConf(i).getLayer() instanceof FrozenLayer ? 'F' : 'T');
            }
            frozenPerEpoch.add(s.toString());
        });
        TrainingResult r = Trainer.train(target(t).build(), options);
        // the listener sees the network each epoch trained: the top reused layer trains from epoch 5, the
        // next from epoch 9 (F: frozen, T: trains; the new output layer always trains)
        assertThat(frozenPerEpoch).containsExactly("FFT", "FFT", "FFT", "FFT", "FTT", "FTT", "FTT", "FTT", "TTT",
                "TTT", "TTT", "TTT").inOrder();
        assertThat(r.model().metadata().provenance().transfer().unfrozen())
                .containsExactly("layer1", 4, "layer0", 8).inOrder();
    }

    @Test
    void aScheduleSkipsTheFrozenLayersAndReachesThemOnceUnfrozen() {
        // found by the spec fuzzer: installing per-layer schedules on a frozen layer failed in DL4J
        for (Transfer t : List.of(transfer(Reuse.GRADUAL, 3, 0.001, 0.5, Map.of(), 0),
                transfer(Reuse.GRADUAL, 3, -1, 1, Map.of(), 0), frozen())) {
            TrainingResult r = Trainer.train(target(t).learningRate(LearningRate.exponential(0.01, 0.9)).build(),
                    quiet());
            MultiLayerNetwork net = r.model().network().layers();
            double out = net.getLayer(2).conf().getLayer().getUpdaterByParam("W").getLearningRate(30, 0);
            assertThat(out).isLessThan(0.01); // the schedule ran on the new layer
            if (t.reuse() == Reuse.GRADUAL) {
                double top = net.getLayer(1).conf().getLayer().getUpdaterByParam("W").getLearningRate(30, 0);
                assertThat(top / out).isWithin(1e-9).of(t.learningRate() > 0 ? 0.1 : 1);
            }
        }
    }

    @Test
    void aLayersScheduleIsSetInPlaceOnANetworkWithFrozenLayers() {
        // frozen layers without and with weights, new layers at their own rates (FuzzRegressionTest has the spec
        // on which DL4J's own per-layer setLearningRate failed)
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(1).updater(new Adam(0.01)).list()
                .layer(new org.deeplearning4j.nn.conf.layers.DropoutLayer.Builder(0.9).name("drop").build())
                .layer(new org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer.Builder(
                        org.deeplearning4j.nn.conf.layers.PoolingType.AVG).name("pool").build())
                .layer(new DenseLayer.Builder().name("reused").nOut(4).activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().name("head").nOut(3).updater(new Adam(0.001))
                        .activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).name("out").nOut(1)
                        .activation(Activation.IDENTITY).build())
                .setInputType(InputType.recurrent(2, 5)).build();
        // as the trainer freezes them: layers with weights wrapped, layers without left alone, dropout switched off
        // (a FrozenLayer around the dropout layer failed DL4J's workspace validation in training)
        for (int i = 0; i < 3; i++) {
            conf.getConf(i).setLayer(io.kiln.runtime.internal.transfer.Frozen.of(conf.getConf(i).getLayer()));
        }
        assertThat(conf.getConf(2).getLayer()).isInstanceOf(FrozenLayer.class);
        assertThat(conf.getConf(0).getLayer()).isInstanceOf(org.deeplearning4j.nn.conf.layers.ActivationLayer.class);
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        Network network = new Network.Layers(net);
        KilnSchedule schedule = new KilnSchedule(LearningRate.exponential(0.01, 0.5), 10, 1);
        network.setLearningRate("head", schedule.times(0.1));
        network.setLearningRate("out", schedule);
        network.setLearningRate("reused", schedule); // frozen: nothing to set
        org.nd4j.linalg.dataset.DataSet batch = new org.nd4j.linalg.dataset.DataSet(
                org.nd4j.linalg.factory.Nd4j.rand(new int[] {8, 2, 5}), org.nd4j.linalg.factory.Nd4j.rand(8, 1));
        INDArray frozenBefore = net.getLayer(2).params().dup();
        for (int i = 0; i < 3; i++) {
            net.fit(batch);
        }
        assertThat(net.getLayer(2).params()).isEqualTo(frozenBefore);
        double head = net.getLayer(3).conf().getLayer().getUpdaterByParam("W").getLearningRate(2, 0);
        double out = net.getLayer(4).conf().getLayer().getUpdaterByParam("W").getLearningRate(2, 0);
        assertThat(out).isWithin(1e-12).of(0.01 * 0.25);
        assertThat(head).isWithin(1e-12).of(0.001 * 0.25);
    }

    @Test
    void l2spKeepsTheReusedWeightsCloserToTheSource() {
        double free = distance(Trainer.train(target(transfer(Reuse.FINE_TUNE, 0, -1, 1, Map.of(), 0)).build(),
                quiet().epochs(30)));
        double pulled = distance(Trainer.train(target(transfer(Reuse.FINE_TUNE, 0, -1, 1, Map.of(), 5)).build(),
                quiet().epochs(30)));
        assertThat(free).isGreaterThan(0);
        assertThat(pulled).isLessThan(free * 0.8);
    }

    private static double distance(TrainingResult r) {
        MultiLayerNetwork net = r.model().network().layers();
        double sum = 0;
        for (int i = 0; i < 2; i++) {
            INDArray d = net.getLayer(i).params().sub(sourceNet.getLayer(i).params());
            sum += d.mul(d).sumNumber().doubleValue();
        }
        return Math.sqrt(sum);
    }

    @Test
    void theCommandLineNamesTheSourceAndShowsWhatWasReused() throws Exception {
        // the declared file does not exist; --source names the real one
        Transfer declared = new Transfer(null, null, dir.resolve("elsewhere.kiln").toString(), List.of(), "",
                Reuse.GRADUAL, 3, 0.001, 1, Map.of(), false, false, 0.5, 0);
        ModelDefinition d = target(declared).build();
        Path model = dir.resolve("cli/virginica.kiln");
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.PrintStream print = new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8);
        int code = io.kiln.runtime.cli.KilnCli.run(d, print, print, "train", "--quiet", "--no-references",
                "--source", source.toString(), "--model", model.toString());
        String text = out.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(code).isEqualTo(0);
        assertThat(text).contains("transfer " + source + ", the layers below its output reused, unfrozen from the "
                + "top every 3 epochs, at learning rate 0.001, L2-SP 0.5");
        out.reset();
        assertThat(io.kiln.runtime.cli.KilnCli.run(d, print, print, "info", "--model", model.toString())).isEqualTo(0);
        assertThat(out.toString(java.nio.charset.StandardCharsets.UTF_8)).contains("transfer  " + source
                + " (kiln, sha256 ");
        assertThat(out.toString(java.nio.charset.StandardCharsets.UTF_8)).contains("): reused layer0, layer1, "
                + "frozen at first; unfrozen layer1 after epoch 3, layer0 after epoch 6; preprocessing of the "
                + "source; L2-SP 0.5");
        out.reset();
        assertThat(io.kiln.runtime.cli.KilnCli.run(d, print, print, "summary", "--model", model.toString()))
                .isEqualTo(0);
        // layer0 4·16 + 16 = 80 and layer1 16·8 + 8 = 136 frozen at first; the output 8 + 1 = 9
        assertThat(out.toString(java.nio.charset.StandardCharsets.UTF_8))
                .contains("trainable params 9, frozen at first 216 (layer0, layer1)");
        String json = java.nio.file.Files.readString(dir.resolve("cli/virginica.report.json"));
        assertThat(json).contains("\"transfer\" : {");
        assertThat(json).contains("\"unfrozen\" : {");
        // a missing declared file names where it looked
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> d.withTransferSource(Path.of("m.keras")));
        assertThat(e).hasMessageThat().contains("[kiln.transfer-keras3]");
    }

    @Test
    void aLayersOwnRateKeepsItsRatioUnderASchedule() {
        // hidden at 0.001 (its own rate), the output at the optimizer's 0.01; a cosine schedule from 0.01
        ModelDefinition d = iris(new Adam(0.01)).fit(new FitSettings(5, 16, 7))
                .learningRate(LearningRate.cosine(0.01, 0.001))
                .network((n, seed) -> new NeuralNetConfiguration.Builder().seed(seed).updater(new Adam(0.01)).list()
                        .layer(new DenseLayer.Builder().name("hidden").nOut(8).updater(new Adam(0.001))
                                .activation(Activation.RELU).build())
                        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).name("out").nOut(3)
                                .activation(Activation.SOFTMAX).build())
                        .setInputType(InputType.feedForward(n)).build())
                .build();
        MultiLayerNetwork net = Trainer.train(d, quiet()).model().network().layers();
        for (int iteration : new int[] {0, 20, 35}) {
            double hidden = net.getLayer(0).conf().getLayer().getUpdaterByParam("W").getLearningRate(iteration, 0);
            double out = net.getLayer(1).conf().getLayer().getUpdaterByParam("W").getLearningRate(iteration, 0);
            assertThat(hidden / out).isWithin(1e-9).of(0.1);
        }
        double first = net.getLayer(1).conf().getLayer().getUpdaterByParam("W").getLearningRate(0, 0);
        double later = net.getLayer(1).conf().getLayer().getUpdaterByParam("W").getLearningRate(35, 0);
        assertThat(later).isLessThan(first); // the schedule runs
    }

    @Test
    void keepingTheOutputUnfreezesTheBodyWhileTheOutputTrainsFromTheStart() {
        // the same task and classes as the source: every layer reused, the output trains from epoch 1
        Transfer keep = new Transfer(null, null, source.toString(), List.of(), "", Reuse.GRADUAL, 4, 0.001, 1,
                Map.of(), true, false, 0, 0);
        ModelDefinition d = iris(new Adam(0.01)).fit(new FitSettings(10, 16, 7)).network(null)
                .transfer(keep, (reused, n, seed) -> reused.prepend(new NeuralNetConfiguration.Builder().seed(seed)
                        .updater(new Adam(0.01)).list()).setInputType(InputType.feedForward(n)).build())
                .build();
        List<String> states = new ArrayList<>();
        TrainingResult r = Trainer.train(d, quiet().listener((epoch, model) -> {
            MultiLayerConfiguration c = model.network().layers().getLayerWiseConfigurations();
            StringBuilder s = new StringBuilder();
            for (int i = 0; i < c.getConfs().size(); i++) {
                s.append(c.getConf(i).getLayer() instanceof FrozenLayer ? 'F' : 'T');
            }
            states.add(s.toString());
        }));
        assertThat(states).containsExactly("FFT", "FFT", "FFT", "FFT", "FTT", "FTT", "FTT", "FTT", "TTT", "TTT")
                .inOrder();
        assertThat(r.model().network().layers().getLayer(2).params().toFloatVector())
                .isNotEqualTo(sourceNet.getLayer(2).params().toFloatVector());
        assertThat(r.metrics().get("accuracy")).isAtLeast(0.85);
        // rates: the body at 0.001, the kept output at the optimizer's 0.01
        assertThat(r.model().metadata().provenance().transfer().learningRates())
                .containsExactly("layer0", 0.001, "layer1", 0.001, "layer2", 0.01).inOrder();
    }

    @Test
    void unfreezingThatTheEpochsDoNotReachIsAWarning() {
        TrainingResult r = Trainer.train(target(transfer(Reuse.GRADUAL, 4, -1, 1, Map.of(), 0)).build(),
                quiet().epochs(6));
        assertThat(r.report().warnings().stream().filter(w -> w.code().equals("unfreezing-incomplete"))
                .map(Report.Warning::message).toList()).containsExactly("Gradual unfreezing did not reach layer0: the "
                + "final model trained 6 epochs, unfreezing one layer every 4. Lower unfreezeEvery or train more "
                + "epochs.");
    }

    @Test
    void aMissingLayerIsNamedWithTheLayersThereAre() {
        Transfer t = new Transfer(null, null, source.toString(), List.of(), "hidden9", Reuse.FREEZE, 0, -1, 1,
                Map.of(), false, false, 0, 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Trainer.train(target(t).build(), quiet()));
        assertThat(e).hasMessageThat().contains("[kiln.transfer-layer]");
        assertThat(e).hasMessageThat().contains("no layer 'hidden9'. Choose one of [layer0, layer1]");
    }

    @Test
    void aMissingSourceFileSaysToTrainTheSourceFirst() {
        Transfer t = new Transfer("x.Source", "source", "", List.of("a"), "", Reuse.FREEZE, 0, -1, 1, Map.of(), false,
                false, 0, 0);
        Exception e = assertThrows(Exception.class, () -> Trainer.train(target(t).build(), quiet()));
        assertThat(e).hasMessageThat().contains("[kiln.transfer-source-file]");
        assertThat(e).hasMessageThat().contains("models/source.kiln");
        assertThat(e).hasMessageThat().contains("train the source spec first");
    }

    @Test
    void aTruncatedOrForeignSourceFileIsNamedAndNothingIsSaved() throws Exception {
        byte[] bytes = java.nio.file.Files.readAllBytes(source);
        Path truncated = java.nio.file.Files.write(dir.resolve("truncated.kiln"),
                java.util.Arrays.copyOf(bytes, bytes.length / 2));
        Path foreign = java.nio.file.Files.writeString(dir.resolve("foreign.kiln"), "not a model");
        for (Path bad : List.of(truncated, foreign)) {
            Path model = dir.resolve("bad/" + bad.getFileName());
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            java.io.PrintStream print = new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8);
            int code = io.kiln.runtime.cli.KilnCli.run(target(frozen()).build(), print, print, "train", "--quiet",
                    "--no-references", "--source", bad.toString(), "--model", model.toString());
            assertThat(code).isEqualTo(1);
            assertThat(out.toString(java.nio.charset.StandardCharsets.UTF_8)).contains(bad.toString());
            assertThat(java.nio.file.Files.exists(model)).isFalse();
        }
    }

    @Test
    void aSourceOfOtherFeaturesIsRefusedByName() {
        ModelDefinition d = target(frozen(), virginica, TrainingFixtures.IRIS_FEATURES.subList(0, 2).stream()
                .map(c -> FeatureSchema.numeric(c, c, Scaling.STANDARDIZE, Missing.MEAN, "")).toList())
                .fit(new FitSettings(2, 16, 3)).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Trainer.train(d, quiet()));
        assertThat(e).hasMessageThat().contains("[kiln.transfer-width]");
        assertThat(e).hasMessageThat().contains("take 4 encoded inputs, but this spec's features encode to 2");
    }

    @Test
    void aSourceOfOtherKindsOfFeaturesIsRefusedWithBoth() {
        List<FeatureSchema> features = new ArrayList<>(TrainingFixtures.IRIS_FEATURES.subList(0, 3).stream()
                .map(c -> FeatureSchema.numeric(c, c, Scaling.STANDARDIZE, Missing.MEAN, "")).toList());
        features.add(new FeatureSchema("petal_width_cm", "petal_width_cm", FeatureKind.CATEGORICAL, List.of(),
                io.kiln.dsl.Encoding.ORDINAL, Scaling.NONE, Missing.MOST_FREQUENT, ""));
        ModelDefinition d = target(frozen(), virginica, features).fit(new FitSettings(2, 16, 3)).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Trainer.train(d, quiet()));
        assertThat(e).hasMessageThat().contains("[kiln.transfer-schema] The source " + source + " reads 4 features "
                + "(sepal_length_cm NUMERIC, sepal_width_cm NUMERIC, petal_length_cm NUMERIC, petal_width_cm NUMERIC); "
                + "this spec reads 4 features (sepal_length_cm NUMERIC, sepal_width_cm NUMERIC, petal_length_cm "
                + "NUMERIC, petal_width_cm CATEGORICAL). Declare the source's features");
    }

    @Test
    void declarationsThatCannotTrainAreRefused() {
        assertThat(assertThrows(IllegalArgumentException.class, () -> transfer(Reuse.GRADUAL, 0, -1, 1, Map.of(), 0)))
                .hasMessageThat().contains("[kiln.transfer-unfreeze]");
        assertThat(assertThrows(IllegalArgumentException.class, () -> transfer(Reuse.FREEZE, 0, -1, 1, Map.of(), 1)))
                .hasMessageThat().contains("[kiln.l2sp-frozen]");
        assertThat(assertThrows(IllegalArgumentException.class, () -> transfer(Reuse.FINE_TUNE, 0, -1, 1.5, Map.of(),
                0))).hasMessageThat().contains("[kiln.transfer-rate-factor]");
        assertThat(assertThrows(IllegalArgumentException.class, () -> new Transfer(null, null, "m.kiln", List.of(),
                "out", Reuse.FINE_TUNE, 0, -1, 1, Map.of(), true, false, 0, 0))).hasMessageThat()
                .contains("[kiln.transfer-keep-output-up-to]");
        assertThat(assertThrows(IllegalArgumentException.class, () -> new Transfer(null, null, "m.keras", List.of(),
                "", Reuse.FREEZE, 0, -1, 1, Map.of(), false, false, 0, 0))).hasMessageThat()
                .contains("[kiln.transfer-keras3]");
    }
}
