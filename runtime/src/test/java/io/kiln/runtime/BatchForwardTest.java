package io.kiln.runtime;

import static com.google.common.truth.Truth.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
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
    private static final Random RANDOM = new Random(11);

    private static MultiLayerNetwork network(int inputs, Activation out, LossFunctions.LossFunction loss, int outputs,
            boolean batchNorm, Activation... hidden) {
        NeuralNetConfiguration.ListBuilder b = new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.FLOAT)
                .list();
        int width = inputs;
        for (Activation a : hidden) {
            b.layer(new DenseLayer.Builder().nIn(width).nOut(16).activation(a).dropOut(0.8).build());
            width = 16;
            b.layer(batchNorm ? new BatchNormalization.Builder().nIn(width).nOut(width).build()
                    : new DropoutLayer.Builder(0.5).build());
        }
        b.layer(new OutputLayer.Builder(loss).nIn(width).nOut(outputs).activation(out).build());
        MultiLayerNetwork net = new MultiLayerNetwork(b.build());
        net.init();
        INDArray params = net.params();
        for (long i = 0; i < params.length(); i++) {
            params.putScalar(i, 0.1 + Math.abs(RANDOM.nextGaussian()) * 0.6 * (RANDOM.nextBoolean() ? 1 : -1));
        }
        net.setParams(params);
        return net;
    }

    private static void assertSameAsDl4j(MultiLayerNetwork net, int inputs) {
        Optional<BatchForward> forward = BatchForward.of(net);
        assertThat(forward.isPresent()).isTrue();
        for (int rows : new int[] {1000, 300, 1000}) { // a new batch size, then the first again
            float[] x = new float[rows * inputs];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (RANDOM.nextGaussian() * 2);
            }
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
        Activation[] hidden = {Activation.RELU, Activation.LEAKYRELU, Activation.ELU, Activation.SELU,
            Activation.SWISH, Activation.TANH, Activation.SIGMOID, Activation.HARDSIGMOID, Activation.SOFTPLUS,
            Activation.SOFTSIGN, Activation.IDENTITY};
        for (Activation a : hidden) {
            assertSameAsDl4j(network(5, Activation.SOFTMAX, LossFunctions.LossFunction.MCXENT, 3, false, a, a), 5);
        }
        assertSameAsDl4j(network(4, Activation.SIGMOID, LossFunctions.LossFunction.XENT, 1, false, Activation.RELU), 4);
        assertSameAsDl4j(network(6, Activation.IDENTITY, LossFunctions.LossFunction.MSE, 2, false, Activation.TANH), 6);
    }

    @Test
    void leavesBatchNormalizationToDl4j() {
        assertThat(BatchForward.of(network(7, Activation.SOFTMAX, LossFunctions.LossFunction.MCXENT, 4, true,
                Activation.RELU)).isPresent()).isFalse();
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
