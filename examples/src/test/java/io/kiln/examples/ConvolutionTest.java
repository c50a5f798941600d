package io.kiln.examples;

import static com.google.common.truth.Truth.assertThat;

import io.kiln.examples.digits.DigitsCnnPredictor;
import io.kiln.examples.digits.DigitsCnnTrainer;
import io.kiln.runtime.KilnModel;
import io.kiln.runtime.Predictions;
import io.kiln.runtime.TrainOptions;
import io.kiln.runtime.TrainingResult;
import io.kiln.runtime.cli.KilnCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The convolutional digits example: its pixel features read as an 8x8 image, the network the
 * processor generated and shape-checked trains on the real bundled data far above the majority
 * class, and the summary command prints the layer table the processor inferred.
 */
class ConvolutionTest {
    @TempDir Path dir;

    @Test
    void theConvolutionalNetworkLearnsTheDigitsImages() throws Exception {
        TrainingResult r = DigitsCnnTrainer.train(TrainOptions.defaults().quiet());
        // @Holdout(test = 0.2): 359 test rows; the dense 64-unit MLP of Digits reaches 0.96 to 0.98 on these data
        assertThat(r.report().data().testRows()).isEqualTo(359);
        assertThat(r.metrics().get("accuracy")).isAtLeast(0.95);
        assertThat(r.baselineMetrics().get("accuracy")).isLessThan(0.15);
        assertThat(r.metrics().get("log_loss")).isLessThan(r.baselineMetrics().get("log_loss") / 10);
        // the generated network is the declared one: 13,706 parameters, as the layer table says
        assertThat(r.model().network().numParams()).isEqualTo(13_706);

        Path file = dir.resolve("cnn.kiln");
        r.model().save(file);
        KilnModel loaded = KilnModel.load(file);
        assertThat(loaded.hasPlainForward()).isFalse(); // convolutions run in DL4J
        Object[] row = DigitImages.stroke();
        Predictions before = DigitImages.assertSamePredictions(r.model(), loaded, row, DigitImages.blank());
        // the typed predictor generated for the spec loads the file and takes the 64 pixels as one array
        DigitsCnnPredictor predictor = DigitsCnnPredictor.load(file);
        assertThat(DigitsCnnPredictor.INPUTS).containsExactly("pixels");
        assertThat(loaded.metadata().features().get(9).column()).isEqualTo("pixel_1_1");
        double[] pixels = java.util.Arrays.stream(row).mapToDouble(v -> (Double) v).toArray();
        assertThat(predictor.predict(new DigitsCnnPredictor.Input(pixels)).digit())
                .isEqualTo(before.classIndex(0));
    }

    @Test
    void aSeparableConvolutionBuildsInDl4jWithTheInferredParametersAndLearns() {
        TrainingResult r = io.kiln.examples.digits.DigitsSeparableTrainer.train(
                io.kiln.runtime.TrainOptions.defaults().quiet());
        // conv (3·3·1 + 1)·16 = 160; separable 3·3·16·2 + 16·2·32 + 32 = 1,344; output 32·10 + 10 = 330
        assertThat(r.model().network().numParams()).isEqualTo(160 + 1_344 + 330);
        assertThat(io.kiln.examples.digits.DigitsSeparableTrainer.DEFINITION.layerTable())
                .contains("total params: 1,834");
        assertThat(r.model().network().layers().getLayer(1).conf().getLayer())
                .isInstanceOf(org.deeplearning4j.nn.conf.layers.SeparableConvolution2D.class);
        assertThat(r.metrics().get("accuracy")).isAtLeast(0.9);
    }

    @Test
    void summaryPrintsTheInferredLayerTable() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = KilnCli.run(DigitsCnnTrainer.DEFINITION, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), "summary");
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(exit).isEqualTo(0);
        assertThat(text).containsMatch("\\(input\\) +Image +8x8x1");
        assertThat(text).containsMatch("conv1 +Conv2D +8x8x16 +160 ");
        assertThat(text).containsMatch("pool2 +Pool2D +2x2x32 +0 ");
        assertThat(text).containsMatch("hidden +Dense +64 +8,256 ");
        assertThat(text).contains("total params: 13,706");
    }
}
