package io.kiln.runtime.internal.inference;

import io.kiln.runtime.TrainingFixtures;
import io.kiln.runtime.ServingFixtures;

import io.kiln.runtime.KilnModel;
import io.kiln.runtime.Predictions;

import static com.google.common.truth.Truth.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** The batch-scoring pass gives {@code network.output}'s numbers, and leaves to DL4J what it does not reproduce. */
class BatchForwardTest {
    private static void assertSameAsDl4j(MultiLayerNetwork net, int inputs) {
        Optional<BatchForward> forward = BatchForward.of(net);
        assertThat(forward.isPresent()).isTrue();
        for (int rows : new int[] {1000, 300, 1000}) { // a new batch size, then the first again
            float[] x = DenseForwardTest.inputs(rows, inputs);
            INDArray mine = forward.get().output(x, rows).dup();
            INDArray expected = net.output(Nd4j.create(x, new long[] {rows, inputs}, DataType.FLOAT), false);
            assertThat(mine.shape()).isEqualTo(expected.shape());
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < expected.columns(); j++) {
                    assertThat(mine.getDouble(r, j)).isWithin(1e-5 * Math.max(1, Math.abs(expected.getDouble(r, j))))
                            .of(expected.getDouble(r, j));
                }
            }
        }
    }

    @Test
    void reproducesDl4jForEveryActivationKilnDeclaresAndSkipsDropout() {
        for (Activation a : DenseForwardTest.HIDDEN) {
            assertSameAsDl4j(DenseForwardTest.network(5, Activation.SOFTMAX, LossFunctions.LossFunction.MCXENT, 3,
                    DenseForwardTest.After.DROPOUT, a, a), 5);
        }
        assertSameAsDl4j(DenseForwardTest.network(4, Activation.SIGMOID, LossFunctions.LossFunction.XENT, 1, false,
                Activation.RELU), 4);
        assertSameAsDl4j(DenseForwardTest.network(6, Activation.IDENTITY, LossFunctions.LossFunction.MSE, 2, false,
                Activation.TANH), 6);
    }

    @Test
    void leavesBatchNormalizationToDl4j() {
        assertThat(BatchForward.of(DenseForwardTest.network(7, Activation.SOFTMAX, LossFunctions.LossFunction.MCXENT,
                4, true, Activation.RELU)).isPresent()).isFalse();
    }

    @Test
    void batchPredictionsOfAModelMatchTheDl4jPath(@TempDir Path dir) throws Exception {
        Path csv = ServingFixtures.writeCsv(dir.resolve("iris.csv"));
        Path file = ServingFixtures.train(csv, 11, 30, dir.resolve("m.kiln"));
        KilnModel model = KilnModel.load(file);
        assertThat(model.hasBatchForward()).isTrue();
        List<String> lines = ServingFixtures.csvLines();
        List<Object[]> rows = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            rows.add(ServingFixtures.row(lines, i));
        }
        float[] all = model.encode(rows);
        Predictions dl4j = model.predictEncoded(all, rows.size());
        Predictions batch = model.predictBatch(all, rows.size());
        for (int i = 0; i < rows.size(); i++) {
            assertThat(batch.className(i)).isEqualTo(dl4j.className(i));
            for (int j = 0; j < dl4j.output(i).length; j++) {
                assertThat(batch.output(i)[j]).isWithin(1e-6).of(dl4j.output(i)[j]);
            }
        }
        String before = System.getProperty(KilnModel.PLAIN_FORWARD_PROPERTY);
        System.setProperty(KilnModel.PLAIN_FORWARD_PROPERTY, "false");
        try {
            assertThat(KilnModel.load(file).hasBatchForward()).isFalse();
        } finally {
            if (before == null) {
                System.clearProperty(KilnModel.PLAIN_FORWARD_PROPERTY);
            } else {
                System.setProperty(KilnModel.PLAIN_FORWARD_PROPERTY, before);
            }
        }
    }
}
