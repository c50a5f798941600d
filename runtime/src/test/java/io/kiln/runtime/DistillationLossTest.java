package io.kiln.runtime;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.ops.transforms.Transforms;

/** The distillation loss: its gradient against finite differences, and α = 0 as plain cross-entropy. */
class DistillationLossTest {

    /** Ground truth one-hot rows and a teacher's softmax at T, as [y | q], for {@code rows} x {@code k}. */
    static INDArray labels(int rows, int k, double temperature, long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray y = Nd4j.zeros(DataType.DOUBLE, rows, k);
        for (int i = 0; i < rows; i++) {
            y.putScalar(i, i % k, 1.0);
        }
        INDArray teacher = Nd4j.randn(DataType.DOUBLE, rows, k).muli(3);
        INDArray q = Transforms.softmax(teacher.div(temperature), true);
        return Nd4j.hstack(y, q);
    }

    @Test
    void theGradientMatchesFiniteDifferencesInDoublePrecision() {
        for (double[] ta : new double[][] {{4, 0.5}, {1, 1}, {2.5, 0.2}, {10, 0.9}}) {
            double t = ta[0];
            double alpha = ta[1];
            DistillationLoss loss = new DistillationLoss(t, alpha);
            INDArray labels = labels(5, 4, t, 7);
            INDArray z = Nd4j.randn(DataType.DOUBLE, 5, 4).muli(2);
            INDArray analytic = loss.computeGradient(labels, z, new ActivationSoftmax(), null);
            double h = 1e-5;
            double worst = 0;
            for (int i = 0; i < 5; i++) {
                for (int j = 0; j < 4; j++) {
                    INDArray plus = z.dup();
                    plus.putScalar(i, j, z.getDouble(i, j) + h);
                    INDArray minus = z.dup();
                    minus.putScalar(i, j, z.getDouble(i, j) - h);
                    double numeric = (loss.computeScore(labels, plus, new ActivationSoftmax(), null, false)
                            - loss.computeScore(labels, minus, new ActivationSoftmax(), null, false)) / (2 * h);
                    double a = analytic.getDouble(i, j);
                    worst = Math.max(worst, Math.abs(numeric - a) / Math.max(1e-3, Math.abs(numeric) + Math.abs(a)));
                }
            }
            assertThat(worst).isLessThan(1e-6);
        }
    }

    /** The largest relative difference between the analytic gradient and central differences. */
    static double worstGradientError(DistillationLoss loss, INDArray labels, INDArray z,
            org.nd4j.linalg.activations.IActivation activation) {
        INDArray analytic = loss.computeGradient(labels, z, activation, null);
        double h = 1e-5;
        double worst = 0;
        for (int i = 0; i < z.rows(); i++) {
            for (int j = 0; j < z.columns(); j++) {
                INDArray plus = z.dup();
                plus.putScalar(i, j, z.getDouble(i, j) + h);
                INDArray minus = z.dup();
                minus.putScalar(i, j, z.getDouble(i, j) - h);
                double numeric = (loss.computeScore(labels, plus, activation, null, false)
                        - loss.computeScore(labels, minus, activation, null, false)) / (2 * h);
                double a = analytic.getDouble(i, j);
                worst = Math.max(worst, Math.abs(numeric - a) / Math.max(1e-3, Math.abs(numeric) + Math.abs(a)));
            }
        }
        return worst;
    }

    @Test
    void aSigmoidOutputsGradientMatchesFiniteDifferences() {
        // binary and multi-label: each unit's own probability, softened at T
        for (double[] ta : new double[][] {{4, 0.5}, {1, 1}, {3, 0.3}}) {
            Nd4j.getRandom().setSeed(9);
            INDArray y = Nd4j.rand(DataType.DOUBLE, 6, 3).gt(0.5).castTo(DataType.DOUBLE);
            INDArray q = Transforms.sigmoid(Nd4j.randn(DataType.DOUBLE, 6, 3).muli(3).divi(ta[0]), true);
            INDArray z = Nd4j.randn(DataType.DOUBLE, 6, 3).muli(2);
            assertThat(worstGradientError(new DistillationLoss(ta[0], ta[1]), Nd4j.hstack(y, q), z,
                    new org.nd4j.linalg.activations.impl.ActivationSigmoid())).isLessThan(1e-6);
        }
    }

    @Test
    void aSigmoidOutputWithoutSoftShareIsDl4jsBinaryCrossEntropy() {
        Nd4j.getRandom().setSeed(4);
        INDArray y = Nd4j.rand(DataType.DOUBLE, 5, 2).gt(0.5).castTo(DataType.DOUBLE);
        INDArray labels = Nd4j.hstack(y, Nd4j.rand(DataType.DOUBLE, 5, 2));
        INDArray z = Nd4j.randn(DataType.DOUBLE, 5, 2);
        var sigmoid = new org.nd4j.linalg.activations.impl.ActivationSigmoid();
        var xent = new org.nd4j.linalg.lossfunctions.impl.LossBinaryXENT();
        assertThat(new DistillationLoss(3, 0).computeScore(labels, z, sigmoid, null, true))
                .isEqualTo(xent.computeScore(y, z, sigmoid, null, true));
        assertThat(new DistillationLoss(3, 0).computeGradient(labels, z, sigmoid, null))
                .isEqualTo(xent.computeGradient(y, z, sigmoid, null));
    }

    @Test
    void aRegressionOutputBlendsItsOwnLossTowardTheTeachersValues() {
        Nd4j.getRandom().setSeed(6);
        INDArray y = Nd4j.randn(DataType.DOUBLE, 7, 2);
        INDArray t = Nd4j.randn(DataType.DOUBLE, 7, 2);
        INDArray z = Nd4j.randn(DataType.DOUBLE, 7, 2);
        var identity = new org.nd4j.linalg.activations.impl.ActivationIdentity();
        for (ILossFunction inner : new ILossFunction[] {new org.nd4j.linalg.lossfunctions.impl.LossMSE(),
                new org.nd4j.linalg.lossfunctions.impl.LossL1()}) {
            DistillationLoss loss = DistillationLoss.regression(inner, 0.3);
            INDArray labels = Nd4j.hstack(y, t);
            double expected = 0.3 * inner.computeScore(t, z, identity, null, true)
                    + 0.7 * inner.computeScore(y, z, identity, null, true);
            assertThat(loss.computeScore(labels, z, identity, null, true)).isWithin(1e-12).of(expected);
        }
        // MSE: its gradient against finite differences
        assertThat(worstGradientError(DistillationLoss.regression(new org.nd4j.linalg.lossfunctions.impl.LossMSE(),
                0.6), Nd4j.hstack(y, t), z, identity)).isLessThan(1e-6);
    }

    @Test
    void theLossBlendsTheTwoCrossEntropiesWithTheSquaredTemperature() {
        INDArray z = Nd4j.createFromArray(new double[][] {{1.0, -0.5, 2.0}});
        INDArray labels = Nd4j.createFromArray(new double[][] {{0, 0, 1, 0.2, 0.3, 0.5}});
        double t = 3;
        INDArray p = Transforms.softmax(z, true);
        INDArray pT = Transforms.softmax(z.div(t), true);
        double hard = -Math.log(p.getDouble(0, 2));
        double soft = -(0.2 * Math.log(pT.getDouble(0, 0)) + 0.3 * Math.log(pT.getDouble(0, 1))
                + 0.5 * Math.log(pT.getDouble(0, 2)));
        double expected = 0.25 * t * t * soft + 0.75 * hard;
        assertThat(new DistillationLoss(t, 0.25).computeScore(labels, z, new ActivationSoftmax(), null, true))
                .isWithin(1e-12).of(expected);
    }

    static MultiLayerConfiguration mlp(ILossFunction loss) {
        return new NeuralNetConfiguration.Builder().seed(11).updater(new Adam(0.01)).list()
                .layer(new DenseLayer.Builder().nOut(8).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder().lossFunction(loss).nOut(3).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.feedForward(4)).build();
    }

    @Test
    void temperatureOneAndNoSoftShareIsExactlyPlainCrossEntropyTraining() {
        MultiLayerNetwork plain = new MultiLayerNetwork(mlp(LossFunctions.LossFunction.MCXENT.getILossFunction()));
        plain.init();
        MultiLayerNetwork distilled = new MultiLayerNetwork(mlp(new DistillationLoss(1, 0)));
        distilled.init();
        assertThat(distilled.params()).isEqualTo(plain.params());
        Nd4j.getRandom().setSeed(3);
        for (int step = 0; step < 25; step++) {
            INDArray x = Nd4j.rand(DataType.FLOAT, 16, 4);
            INDArray labels = labels(16, 3, 1, step).castTo(DataType.FLOAT);
            plain.fit(new DataSet(x, labels.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                    org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 3)).dup()));
            distilled.fit(new DataSet(x, labels));
            assertThat(distilled.score()).isEqualTo(plain.score());
        }
        assertThat(distilled.params()).isEqualTo(plain.params());
    }

    @Test
    void aSoftTargetMovesTheStudentTowardTheTeacher() {
        // α = 1: only the teacher's probabilities count; KL(q ‖ p_T), the loss above its floor T² · H(q), shrinks
        MultiLayerNetwork net = new MultiLayerNetwork(mlp(new DistillationLoss(2, 1)));
        net.init();
        // a teacher the student can imitate: linear logits of the inputs
        Nd4j.getRandom().setSeed(5);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 32, 4);
        INDArray q = Transforms.softmax(x.mmul(Nd4j.randn(DataType.DOUBLE, 4, 3).muli(4)).divi(2), true);
        INDArray y = Nd4j.zeros(DataType.DOUBLE, 32, 3);
        INDArray labels = Nd4j.hstack(y, q).castTo(DataType.FLOAT);
        x = x.castTo(DataType.FLOAT);
        double entropy = -q.mul(Transforms.log(q, true)).sumNumber().doubleValue() / 32;
        double floor = 4 * entropy;
        double first = net.score(new DataSet(x, labels)) - floor;
        for (int i = 0; i < 500; i++) {
            net.fit(new DataSet(x, labels));
        }
        double last = net.score(new DataSet(x, labels)) - floor;
        assertThat(first).isGreaterThan(0);
        assertThat(last).isLessThan(first * 0.2);
    }

    @Test
    void itSurvivesTheConfigurationJsonAndRefusesBadValues() {
        MultiLayerConfiguration c = mlp(new DistillationLoss(4, 0.5));
        MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(c.toJson());
        assertThat(((org.deeplearning4j.nn.conf.layers.BaseOutputLayer) back.getConf(1).getLayer()).getLossFn())
                .isEqualTo(new DistillationLoss(4, 0.5));
        assertThat(assertThrows(IllegalArgumentException.class, () -> new DistillationLoss(0, 0.5)))
                .hasMessageThat().contains("[kiln.distill-temperature]");
        assertThat(assertThrows(IllegalArgumentException.class, () -> new DistillationLoss(4, 1.5)))
                .hasMessageThat().contains("[kiln.distill-alpha]");
    }
}
