package io.kiln.runtime;

import static com.google.common.truth.Truth.assertThat;
import static io.kiln.runtime.TrainingFixtures.quiet;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kiln.dsl.Missing;
import io.kiln.dsl.Reuse;
import io.kiln.dsl.Scaling;
import io.kiln.runtime.internal.transfer.SourceModel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A Keras 2 HDF5 model as a transfer source: {@code keras/iris-mlp.h5}, an MLP 4-8-6-3 written by
 * {@code src/test/python/keras_iris_mlp.py} with the file's own outputs on seven inputs computed there
 * with numpy. Deeplearning4j's Keras import predicts the same numbers, and its hidden layers
 * fine-tune under a new head for another task.
 */
class KerasTransferTest {
    @TempDir
    static Path dir;
    static Path keras;
    static Path virginica;

    @BeforeAll
    static void copyTheFile() throws IOException {
        keras = dir.resolve("iris-mlp.h5");
        try (InputStream in = KerasTransferTest.class.getResourceAsStream("keras/iris-mlp.h5")) {
            Files.copy(in, keras);
        }
        virginica = TrainingFixtures.writeVirginicaCsv(dir.resolve("virginica.csv"));
    }

    static Transfer transfer(Reuse reuse, String file) {
        return new Transfer(null, null, file, List.of(), "", reuse, 0, reuse == Reuse.FREEZE ? -1 : 0.001, 1,
                Map.of(), false, false, 0, 0);
    }

    @Test
    void theImportedNetworkPredictsTheFilesOwnNumbers() throws IOException {
        SourceModel source = SourceModel.load(transfer(Reuse.FREEZE, keras.toString()), keras);
        assertThat(source.kiln()).isNull();
        assertThat(source.layerNames()).containsExactly("dense", "dense_1", "dense_2").inOrder();
        MultiLayerNetwork net = source.net();
        List<String> lines = List.of(new String(KerasTransferTest.class.getResourceAsStream(
                "keras/iris-mlp-expected.csv").readAllBytes(), StandardCharsets.UTF_8).strip().split("\n"));
        double worst = 0;
        for (String line : lines.subList(1, lines.size())) {
            double[] v = java.util.Arrays.stream(line.split(",")).mapToDouble(Double::parseDouble).toArray();
            INDArray x = Nd4j.create(new float[][] {{(float) v[0], (float) v[1], (float) v[2], (float) v[3]}});
            double[] p = net.output(x).toDoubleVector();
            for (int j = 0; j < 3; j++) {
                worst = Math.max(worst, Math.abs(p[j] - v[4 + j]));
            }
        }
        assertThat(lines).hasSize(8);
        assertThat(worst).isLessThan(1e-5);
    }

    @Test
    void itsHiddenLayersFineTuneUnderANewHead() {
        ModelDefinition d = TransferTest.target(transfer(Reuse.FINE_TUNE, keras.toString()), virginica,
                TrainingFixtures.IRIS_FEATURES.stream()
                        .map(c -> FeatureSchema.numeric(c, c, Scaling.STANDARDIZE, Missing.MEAN, "")).toList())
                .fit(new FitSettings(30, 16, 3)).build();
        TrainingResult r = Trainer.train(d, quiet());
        ModelMetadata.TransferProvenance p = r.model().metadata().provenance().transfer();
        assertThat(p.format()).isEqualTo("keras");
        assertThat(p.reused()).containsExactly("dense", "dense_1").inOrder();
        assertThat(p.preprocessing()).isEqualTo("fitted"); // a Keras file brings no fitted preprocessing
        assertThat(r.metrics().get("accuracy")).isAtLeast(0.85);
        assertThat(r.metrics().get("accuracy")).isGreaterThan(r.baselineMetrics().get("accuracy"));
        MultiLayerNetwork net = r.model().network().layers();
        MultiLayerNetwork source = SourceModel.load(d.transfer(), keras).net();
        assertThat(net.getLayer(0).params().toFloatVector()).isNotEqualTo(source.getLayer(0).params().toFloatVector());
    }

    @Test
    void aFileThatIsNotKerasIsNamed() throws IOException {
        Path broken = Files.writeString(dir.resolve("broken.h5"), "not an HDF5 file");
        Exception e = assertThrows(Exception.class, () -> SourceModel.load(transfer(Reuse.FREEZE, broken.toString()),
                broken));
        assertThat(e).hasMessageThat().contains("[kiln.transfer-keras]");
        assertThat(e).hasMessageThat().contains("broken.h5");
    }
}
