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
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

class DenseForwardTest {
    private static final Random RANDOM = new Random(7);
    /** Every hidden activation Kiln declares. */
    static final Activation[] HIDDEN = {Activation.RELU, Activation.LEAKYRELU, Activation.ELU, Activation.SELU,
        Activation.SWISH, Activation.TANH, Activation.SIGMOID, Activation.HARDSIGMOID, Activation.SOFTPLUS,
        Activation.SOFTSIGN, Activation.IDENTITY};

    /** What follows each hidden dense layer. */
    enum After { NOTHING, DROPOUT, BATCH_NORM_AND_DROPOUT }

    /** A network of the given hidden activations, with random (not initial) weights and normalization statistics. */
    static MultiLayerNetwork network(int inputs, Activation out, LossFunctions.LossFunction loss, int outputs,
            boolean batchNorm, Activation... hidden) {
        return network(inputs, out, loss, outputs, batchNorm ? After.BATCH_NORM_AND_DROPOUT : After.NOTHING, hidden);
    }

    static MultiLayerNetwork network(int inputs, Activation out, LossFunctions.LossFunction loss, int outputs,
            After after, Activation... hidden) {
        NeuralNetConfiguration.ListBuilder b = new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.FLOAT)
                .list();
        int width = inputs;
        for (Activation a : hidden) {
            b.layer(new DenseLayer.Builder().nIn(width).nOut(12).activation(a).dropOut(0.8).build());
            width = 12;
            if (after == After.BATCH_NORM_AND_DROPOUT) {
                b.layer(new BatchNormalization.Builder().nIn(width).nOut(width).build());
            }
            if (after != After.NOTHING) {
                b.layer(new DropoutLayer.Builder(0.5).build());
            }
        }
        b.layer(new OutputLayer.Builder(loss).nIn(width).nOut(outputs).activation(out).build());
        MultiLayerNetwork net = new MultiLayerNetwork(b.build());
        net.init();
        // every parameter random, variances positive: the check must see the trained arithmetic, not zeros and ones
        INDArray params = net.params();
        for (long i = 0; i < params.length(); i++) {
            params.putScalar(i, 0.1 + Math.abs(RANDOM.nextGaussian()) * 0.6 * (RANDOM.nextBoolean() ? 1 : -1));
        }
        net.setParams(params);
        return net;
    }

    static float[] inputs(int rows, int width) {
        float[] x = new float[rows * width];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (RANDOM.nextGaussian() * 2);
        }
        return x;
    }

    private static void assertSameAsDl4j(MultiLayerNetwork net, int inputs) {
        Optional<DenseForward> forward = DenseForward.of(net);
        assertThat(forward.isPresent()).isTrue();
        float[] x = inputs(40, inputs);
        double[][] mine = forward.get().output(x, 40);
        INDArray expected = net.output(Nd4j.create(x, new long[] {40, inputs}, DataType.FLOAT), false);
        for (int r = 0; r < 40; r++) {
            for (int j = 0; j < expected.columns(); j++) {
                assertThat(mine[r][j]).isWithin(1e-5 * Math.max(1, Math.abs(expected.getDouble(r, j))))
                        .of(expected.getDouble(r, j));
            }
        }
    }

    @Test
    void reproducesDl4jForEveryActivationKilnDeclares() {
        for (Activation a : HIDDEN) {
            assertSameAsDl4j(network(5, Activation.SOFTMAX, LossFunctions.LossFunction.MCXENT, 3, false, a, a), 5);
        }
        assertSameAsDl4j(network(4, Activation.SIGMOID, LossFunctions.LossFunction.XENT, 1, false, Activation.RELU), 4);
        assertSameAsDl4j(network(6, Activation.IDENTITY, LossFunctions.LossFunction.MSE, 2, false, Activation.TANH), 6);
    }

    @Test
    void foldsBatchNormalizationAndSkipsDropoutAtInference() {
        assertSameAsDl4j(network(7, Activation.SOFTMAX, LossFunctions.LossFunction.MCXENT, 4, true, Activation.RELU,
                Activation.ELU), 7);
    }

    @Test
    void leavesToDl4jWhatItDoesNotReproduce() {
        // an activation Kiln does not declare (and this class does not implement)
        assertThat(DenseForward.of(network(5, Activation.SOFTMAX, LossFunctions.LossFunction.MCXENT, 3, false,
                Activation.CUBE)).isPresent()).isFalse();
        // a recurrent layer
        MultiLayerNetwork rnn = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().list()
                .layer(new LSTM.Builder().nIn(3).nOut(4).build())
                .layer(new org.deeplearning4j.nn.conf.layers.RnnOutputLayer.Builder().nIn(4).nOut(2)
                        .activation(Activation.SOFTMAX).build())
                .build());
        rnn.init();
        assertThat(DenseForward.of(rnn).isPresent()).isFalse();
    }

    @Test
    void modelPredictionsMatchTheDl4jPathFromManyThreads(@TempDir Path dir) throws Exception {
        Path csv = ServingFixtures.writeCsv(dir.resolve("iris.csv"));
        KilnModel model = KilnModel.load(ServingFixtures.train(csv, 11, 30, dir.resolve("m.kiln")));
        assertThat(model.plainForward().isPresent()).isTrue();
        List<String> lines = ServingFixtures.csvLines();
        List<Object[]> rows = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            rows.add(ServingFixtures.row(lines, i));
        }
        float[] all = model.encode(rows);
        int width = all.length / rows.size();
        // the DL4J path: one batch larger than the plain path takes
        assertThat(rows.size()).isGreaterThan(KilnModel.PLAIN_MAX_ROWS);
        Predictions reference = model.predictEncoded(all, rows.size());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int offset = t;
                done.add(pool.submit(() -> {
                    for (int i = offset; i < rows.size(); i += 8) {
                        float[] one = java.util.Arrays.copyOfRange(all, i * width, (i + 1) * width);
                        Predictions p = model.predictEncoded(one, 1);
                        assertThat(p.className(0)).isEqualTo(reference.className(i));
                        double[] expected = reference.output(i);
                        double[] got = p.output(0);
                        for (int j = 0; j < expected.length; j++) {
                            assertThat(got[j]).isWithin(1e-5).of(expected[j]);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
