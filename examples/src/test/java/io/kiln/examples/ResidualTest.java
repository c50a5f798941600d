package io.kiln.examples;

import static com.google.common.truth.Truth.assertThat;

import io.kiln.examples.diabetes.DiabetesResidualPredictor;
import io.kiln.examples.diabetes.DiabetesResidualTrainer;
import io.kiln.examples.digits.DigitsResidualTrainer;
import io.kiln.runtime.KilnModel;
import io.kiln.runtime.TrainOptions;
import io.kiln.runtime.TrainingResult;
import java.nio.file.Path;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Residual connections on real data: a spec with {@code @Residual} trains as a DL4J
 * ComputationGraph with the parameters the processor's layer table counts, learns, and survives
 * the model file and the typed predictor.
 */
class ResidualTest {
    @TempDir Path dir;

    @Test
    void aResidualConvolutionBlockLearnsTheDigits() throws Exception {
        TrainingResult r = DigitsResidualTrainer.train(TrainOptions.defaults().quiet());
        ComputationGraph graph = r.model().network().graph();
        // the sum is a vertex of the graph, taking the last batch normalization and the stem
        assertThat(graph.getConfiguration().getVertices().get("block/sum")).isInstanceOf(ElementWiseVertex.class);
        assertThat(graph.getConfiguration().getVertexInputs().get("block/sum")).containsExactly("norm2", "stem");
        // stem 160, two convolutions of 16 -> 16 channels 2,320 each, two batch norms 64 each, output 170
        assertThat(r.model().network().numParams()).isEqualTo(160 + 2 * 2_320 + 2 * 64 + 170);
        assertThat(DigitsResidualTrainer.DEFINITION.layerTable()).contains("total params: 5,098");
        assertThat(r.report().data().testRows()).isEqualTo(359);
        assertThat(r.metrics().get("accuracy")).isAtLeast(0.93);
        assertThat(r.baselineMetrics().get("accuracy")).isLessThan(0.15);

        Path file = dir.resolve("residual.kiln");
        r.model().save(file);
        KilnModel loaded = KilnModel.load(file);
        assertThat(loaded.network().isGraph()).isTrue();
        DigitImages.assertSamePredictions(r.model(), loaded, DigitImages.stroke(), DigitImages.blank());
    }

    @Test
    void aResidualFromTheInputLearnsARegression() throws Exception {
        TrainingResult r = DiabetesResidualTrainer.train(TrainOptions.defaults().quiet());
        ComputationGraph graph = r.model().network().graph();
        assertThat(graph.getConfiguration().getVertexInputs().get("skip")).containsExactly("correction", "kiln-input");
        // hidden 10·16 + 16, correction 16·10 + 10, output 10 + 1: the sum keeps the input's 10 values
        assertThat(r.model().network().numParams()).isEqualTo(176 + 170 + 11);
        // linear regression reaches R² 0.48 on these data; the mean predictor 0 or below
        assertThat(r.metrics().get("r2")).isAtLeast(0.35);
        assertThat(r.baselineMetrics().get("r2")).isAtMost(0.0);

        Path file = dir.resolve("diabetes-residual.kiln");
        r.model().save(file);
        DiabetesResidualPredictor predictor = DiabetesResidualPredictor.load(file);
        DiabetesResidualPredictor.Input patient =
                new DiabetesResidualPredictor.Input(59, 2, 32.1, 101, 157, 93.2, 38, 4, 4.8598, 87);
        double expected = r.model().predict(new Object[][] {{59.0, 2.0, 32.1, 101.0, 157.0, 93.2, 38.0, 4.0,
                4.8598, 87.0}}).output(0)[0];
        assertThat(predictor.predict(patient).target()).isWithin(1e-4).of(expected);
    }
}
