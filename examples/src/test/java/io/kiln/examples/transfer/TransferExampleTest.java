package io.kiln.examples.transfer;

import static com.google.common.truth.Truth.assertThat;

import io.kiln.runtime.KilnModel;
import io.kiln.runtime.ModelDefinition;
import io.kiln.runtime.ModelMetadata;
import io.kiln.runtime.TrainOptions;
import io.kiln.runtime.Trainer;
import io.kiln.runtime.TrainingResult;
import java.nio.file.Path;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The transfer example end to end: the source spec trained on the digits 0 to 4, its hidden layers
 * reused frozen by the few-shot spec for the digits 5 to 9 (20 labelled images each).
 */
class TransferExampleTest {
    @TempDir static Path dir;
    static Path file;

    @BeforeAll
    static void trainTheSource() throws Exception {
        TrainingResult source = DigitsSourceTrainer.train(TrainOptions.defaults().quiet().references(false));
        // 180 of the 901 digits 0 to 4 held out (stratified)
        assertThat(source.report().data().testRows()).isEqualTo(180);
        assertThat(source.metrics().get("accuracy")).isAtLeast(0.97);
        file = dir.resolve("digits-source.kiln");
        source.model().save(file);
    }

    @Test
    void theFrozenSourceLayersCarryTheFewShotDigits() throws Exception {
        ModelDefinition def = DigitsTransferTrainer.DEFINITION.withTransferSource(file);
        TrainingResult r = Trainer.train(def, TrainOptions.defaults().quiet().references(false));
        // 100 training rows, the 796 other images of 5..9 as the test file
        assertThat(r.report().data().testRows()).isEqualTo(796);
        assertThat(r.metrics().get("accuracy")).isAtLeast(0.80);
        assertThat(r.baselineMetrics().get("accuracy")).isLessThan(0.25);

        MultiLayerNetwork net = r.model().network().layers();
        MultiLayerNetwork src = KilnModel.load(file).network().layers();
        for (int i = 0; i < 2; i++) { // frozen: bit for bit the source's
            assertThat(net.getLayer(i).params().toFloatVector()).isEqualTo(src.getLayer(i).params().toFloatVector());
        }
        ModelMetadata.TransferProvenance p = r.model().metadata().provenance().transfer();
        assertThat(p.sourceSpec()).isEqualTo(DigitsSource.class.getName());
        assertThat(p.reused()).containsExactly("hidden1", "hidden2").inOrder();
        assertThat(p.frozen()).containsExactly("hidden1", "hidden2").inOrder();
        assertThat(p.sourceModel()).isEqualTo("digits-source");
        // the source's preprocessing came along
        assertThat(r.model().metadata().features()).isEqualTo(KilnModel.load(file).metadata().features());
    }

    @Test
    void aModelFileSourceIsUnfrozenGraduallyAndPulledTowardItself() {
        ModelDefinition def = DigitsTransferFileTrainer.DEFINITION.withTransferSource(file);
        TrainingResult r = Trainer.train(def, TrainOptions.defaults().quiet().references(false));
        assertThat(r.metrics().get("accuracy")).isAtLeast(0.85);
        ModelMetadata.TransferProvenance p = r.model().metadata().provenance().transfer();
        assertThat(p.sourceSpec()).isNull();
        assertThat(p.unfrozen()).containsExactly("hidden2", 25, "hidden1", 50).inOrder();
        assertThat(p.learningRates()).containsExactly("hidden1", 1e-4, "hidden2", 1e-4, "out", 1e-3).inOrder();
        assertThat(p.l2sp()).isEqualTo(0.01);
    }

    @Test
    void aKerasModelsHiddenLayersFineTuneOnIris() {
        // pretrained/iris-mlp.h5, relative to the examples folder (the tests' working directory)
        TrainingResult r = IrisKerasTrainer.train(TrainOptions.defaults().quiet().references(false));
        assertThat(r.metrics().get("accuracy")).isAtLeast(0.9);
        assertThat(r.baselineMetrics().get("accuracy")).isLessThan(0.4);
        ModelMetadata.TransferProvenance p = r.model().metadata().provenance().transfer();
        assertThat(p.format()).isEqualTo("keras");
        assertThat(p.reused()).containsExactly("dense", "dense_1").inOrder();
        // dense 4·8 + 8, dense_1 8·6 + 6, adapter 6·8 + 8, out 8·3 + 3
        assertThat(r.model().network().numParams()).isEqualTo(40 + 54 + 56 + 27);
    }

    @Test
    void theCommandLineTakesTheSourceFile() {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.PrintStream print = new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8);
        int code = io.kiln.runtime.cli.KilnCli.run(DigitsTransferTrainer.DEFINITION, print, print, "train", "--quiet",
                "--no-references", "--epochs", "5", "--source", file.toString(), "--model",
                dir.resolve("cli.kiln").toString());
        String text = out.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(code).isEqualTo(0);
        assertThat(text).contains("transfer DigitsSource (" + file + "), the layers below its output reused, frozen");
        out.reset();
        // without --source the spec's model is looked for under models/, and its absence says what to do
        code = io.kiln.runtime.cli.KilnCli.run(DigitsTransferTrainer.DEFINITION.withTransferSource(
                dir.resolve("absent.kiln")), print, print, "train", "--quiet", "--model",
                dir.resolve("x.kiln").toString());
        assertThat(code).isEqualTo(1);
        assertThat(out.toString(java.nio.charset.StandardCharsets.UTF_8)).contains("[kiln.transfer-source-file] "
                + "The transfer source DigitsSource (" + dir.resolve("absent.kiln") + ") was not found: train the "
                + "source spec first");
    }
}
