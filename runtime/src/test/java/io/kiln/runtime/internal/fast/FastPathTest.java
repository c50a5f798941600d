package io.kiln.runtime.internal.fast;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import io.kiln.runtime.Momentum;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.AdaGrad;
import org.nd4j.linalg.learning.config.AdaMax;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.RmsProp;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;
import org.nd4j.linalg.schedule.ExponentialSchedule;
import org.nd4j.linalg.schedule.ScheduleType;
import org.nd4j.linalg.schedule.StepSchedule;

/**
 * The plain-Java trainer against DL4J itself: the same network (one initialization, cloned) trained
 * on the same minibatches of the digits data in the same order, step by step. The score of every step
 * and, at the end, every parameter and every updater state value must agree within float rounding,
 * for each layer kind, activation, loss, updater, regularization, gradient normalization and schedule
 * {@link FastPath} claims; what it does not claim it must refuse, naming the part. Recurrent layers
 * read the digits as sequences of 8 steps of 8 values. (Measured: scores within 3e-7, 2e-6 for the
 * clipped LSTM with Adam; parameters and updater state within 5e-6, 1.5e-5 with class weights; after
 * 200 to 600 steps that moved the weights by 0.1 to 1.6.)
 */
class FastPathTest {
    static final Path DIGITS_CSV = Path.of("../examples/src/main/resources/io/kiln/examples/digits/digits.csv");
    static float[][] pixels;
    static int[] digit;

    @BeforeAll
    static void readDigits() throws IOException {
        List<String> lines = Files.readAllLines(DIGITS_CSV);
        int n = lines.size() - 1;
        pixels = new float[n][64];
        digit = new int[n];
        for (int r = 0; r < n; r++) {
            String[] cells = lines.get(r + 1).split(",");
            for (int j = 0; j < 64; j++) {
                pixels[r][j] = Float.parseFloat(cells[j]) / 16f;
            }
            digit[r] = Integer.parseInt(cells[64].trim());
        }
    }

    /** Targets of the three kinds of output: the digit one-hot, "is it even" (0/1), the digit / 9. */
    enum Target { ONE_HOT, EVEN, VALUE }

    static float[] target(int row, Target kind) {
        return switch (kind) {
            case ONE_HOT -> {
                float[] t = new float[10];
                t[digit[row]] = 1f;
                yield t;
            }
            case EVEN -> new float[] {digit[row] % 2 == 0 ? 1f : 0f};
            case VALUE -> new float[] {digit[row] / 9f};
        };
    }

    static NeuralNetConfiguration.ListBuilder stack(IUpdater updater, UnaryOperator<NeuralNetConfiguration.Builder> global) {
        return global.apply(new NeuralNetConfiguration.Builder().seed(7).updater(updater).weightInit(WeightInit.XAVIER)
                .dataType(DataType.FLOAT)).list();
    }

    static OutputLayer output(Target kind) {
        return switch (kind) {
            case ONE_HOT -> new OutputLayer.Builder(LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX).build();
            case EVEN -> new OutputLayer.Builder(LossFunction.XENT).nOut(1).activation(Activation.SIGMOID).build();
            case VALUE -> new OutputLayer.Builder(LossFunction.MSE).nOut(1).activation(Activation.IDENTITY).build();
        };
    }

    /**
     * Trains copies of one network through DL4J and through the plain-Java path, with the vector
     * kernels and with the plain loops, and compares each with DL4J; returns the worse agreement.
     */
    static Agreement compare(MultiLayerConfiguration conf, Target kind, int steps) {
        return compare(conf, kind, steps, false);
    }

    /** As above; with {@code weighted}, rows of digits below 5 weigh 2 and the others 0.5 (class weights). */
    static Agreement compare(MultiLayerConfiguration conf, Target kind, int steps, boolean weighted) {
        Agreement vector = compare(conf, kind, steps, true, weighted);
        Agreement loops = compare(conf, kind, steps, false, weighted);
        return vector.params() >= loops.params() ? vector : loops;
    }

    static Agreement compare(MultiLayerConfiguration conf, Target kind, int steps, boolean vector,
            boolean weighted) {
        boolean before = Kernels.useVector(vector);
        try {
            return compareOnce(conf, kind, steps, weighted);
        } finally {
            Kernels.useVector(before);
        }
    }

    static Agreement compareOnce(MultiLayerConfiguration conf, Target kind, int steps, boolean weighted) {
        MultiLayerNetwork dl4j = new MultiLayerNetwork(conf);
        dl4j.init();
        SeededDropout.install(dl4j, 5); // as the training loop does; the clone copies them
        MultiLayerNetwork twin = dl4j.clone();
        FastPath.Claim claim = FastPath.of(twin);
        assertWithMessage("claim refused: %s", claim.reason()).that(claim.claimed()).isTrue();
        FastPath fast = claim.stack();
        org.deeplearning4j.nn.conf.layers.BaseOutputLayer outConf =
                (org.deeplearning4j.nn.conf.layers.BaseOutputLayer) dl4j.getOutputLayer().conf().getLayer();
        org.nd4j.linalg.lossfunctions.ILossFunction plain = outConf.getLossFn();
        if (weighted) { // as the training loop trains with class weights: the weights as the labels' last column
            outConf.setLossFn(new io.kiln.runtime.internal.train.RowWeightedLoss(plain));
        }
        Random random = new Random(11);
        int n = pixels.length;
        int width = target(0, kind).length;
        double worstScore = 0;
        for (int step = 0; step < steps; step++) {
            int rows = step % 7 == 6 ? 13 : 32; // now and then a short last batch
            float[] x = new float[rows * 64];
            float[] y = new float[rows * width];
            float[] w = weighted ? new float[rows] : null;
            for (int r = 0; r < rows; r++) {
                int row = random.nextInt(n);
                System.arraycopy(pixels[row], 0, x, r * 64, 64);
                System.arraycopy(target(row, kind), 0, y, r * width, width);
                if (w != null) {
                    w[r] = digit[row] < 5 ? 2f : 0.5f;
                }
            }
            INDArray xs = Nd4j.create(x, new long[] {rows, 64}, 'c');
            INDArray ys = Nd4j.create(y, new long[] {rows, width}, 'c');
            if (w != null) {
                ys = Nd4j.hstack(ys, Nd4j.create(w, new long[] {rows, 1}, 'c'));
            }
            dl4j.fit(new DataSet(xs, ys));
            double expected = dl4j.score();
            double actual = fast.fit(x, y, w, rows);
            double gap = Math.abs(expected - actual) / Math.max(1, Math.abs(expected));
            worstScore = Math.max(worstScore, gap);
            assertWithMessage("score of step %s", step).that(actual).isWithin(1e-5 * Math.max(1, Math.abs(expected)))
                    .of(expected);
        }
        fast.store();
        outConf.setLossFn(plain);
        assertThat(twin.getLayerWiseConfigurations().getIterationCount())
                .isEqualTo(dl4j.getLayerWiseConfigurations().getIterationCount());
        double params = maxGap(dl4j.params(), twin.params());
        INDArray s1 = dl4j.getUpdater().getStateViewArray();
        INDArray s2 = twin.getUpdater().getStateViewArray();
        double state = s1 == null ? 0 : maxGap(s1, s2);
        // evaluation: the outputs and the validation loss of 600 rows (several of output's chunks), as DL4J
        // computes them
        int rows = 600;
        float[] x = new float[rows * 64];
        float[] y = new float[rows * width];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(pixels[r], 0, x, r * 64, 64);
            System.arraycopy(target(r, kind), 0, y, r * width, width);
        }
        INDArray expectedOut = dl4j.output(Nd4j.create(x, new long[] {rows, 64}, 'c'));
        INDArray out = fast.output(x, rows);
        assertThat(maxGap(expectedOut, out)).isLessThan(1e-4);
        org.nd4j.linalg.lossfunctions.ILossFunction lossFn =
                ((org.deeplearning4j.nn.conf.layers.BaseOutputLayer) dl4j.getOutputLayer().conf().getLayer()).getLossFn();
        INDArray clipped = kind == Target.ONE_HOT ? org.nd4j.linalg.ops.transforms.Transforms.max(expectedOut, 1e-10, true)
                : expectedOut;
        double expectedLoss = lossFn.computeScore(Nd4j.create(y, new long[] {rows, width}, 'c'), clipped,
                new org.nd4j.linalg.activations.impl.ActivationIdentity(), null, true);
        assertWithMessage("validation loss").that(fast.meanLoss(out.data().asFloat(), y, rows))
                .isWithin(1e-4 * Math.max(1, expectedLoss)).of(expectedLoss);
        // the parameters moved: the agreement is not two untouched copies of one initialization
        MultiLayerNetwork initial = new MultiLayerNetwork(conf.clone());
        initial.init();
        double moved = maxGap(initial.params(), dl4j.params());
        assertThat(moved).isGreaterThan(0.01);
        return new Agreement(worstScore, params, state, moved);
    }

    record Agreement(double score, double params, double state, double moved) {
        void assertClose() {
            assertClose(1e-5);
        }

        void assertClose(double paramTolerance) {
            assertWithMessage("parameters: %s", this).that(params).isLessThan(paramTolerance);
            assertWithMessage("updater state: %s", this).that(state).isLessThan(1e-5);
        }
    }

    /** Largest difference between two arrays, relative to max(1, |value|). */
    static double maxGap(INDArray a, INDArray b) {
        float[] x = a.dup('c').data().asFloat();
        float[] y = b.dup('c').data().asFloat();
        assertThat(y.length).isEqualTo(x.length);
        double worst = 0;
        for (int i = 0; i < x.length; i++) {
            worst = Math.max(worst, Math.abs(x[i] - y[i]) / Math.max(1, Math.abs(x[i])));
        }
        return worst;
    }

    @Test
    void theTestsRunTheVectorKernels() {
        // the build passes --add-modules jdk.incubator.vector to the tests: without it, the comparisons
        // below would check the plain loops twice
        assertThat(Kernels.vectorized()).isTrue();
        assertThat(Kernels.useVector(false)).isTrue();
        assertThat(Kernels.vectorized()).isFalse();
        Kernels.useVector(true);
    }

    @Test
    void theDigitsMlpWithAdamAgreesOverManySteps() {
        MultiLayerConfiguration conf = stack(new Adam(1e-3), b -> b)
                .layer(new DenseLayer.Builder().nIn(64).nOut(64).activation(Activation.RELU).build())
                .layer(output(Target.ONE_HOT)).build();
        compare(conf, Target.ONE_HOT, 600).assertClose();
    }

    @Test
    void tanhAndSigmoidLayersWithNesterovMomentumAndL2() {
        MultiLayerConfiguration conf = stack(new Nesterovs(0.05, 0.9), b -> b.l2(1e-3))
                .layer(new DenseLayer.Builder().nIn(64).nOut(32).activation(Activation.TANH).build())
                .layer(new DenseLayer.Builder().nIn(32).nOut(16).activation(Activation.SIGMOID).build())
                .layer(output(Target.ONE_HOT)).build();
        compare(conf, Target.ONE_HOT, 300).assertClose();
    }

    @Test
    void leakyReluWithRmsPropAndL1() {
        MultiLayerConfiguration conf = stack(new RmsProp(1e-3), b -> b.l1(1e-4))
                .layer(new DenseLayer.Builder().nIn(64).nOut(40).activation(Activation.LEAKYRELU).build())
                .layer(output(Target.ONE_HOT)).build();
        // L1's step is lr·l1·sign(w) / sqrt(s): a weight L1 holds at zero jumps back and forth across it,
        // and a rounding difference of 1e-7 flips which side it is on (one weight, by 1e-4, measured)
        compare(conf, Target.ONE_HOT, 300).assertClose(5e-4);
    }

    @Test
    void adaGradWithWeightDecayOnABinaryOutput() {
        MultiLayerConfiguration conf = stack(new AdaGrad(0.05), b -> b.weightDecay(1e-3))
                .layer(new DenseLayer.Builder().nIn(64).nOut(24).activation(Activation.RELU).build())
                .layer(output(Target.EVEN)).build();
        compare(conf, Target.EVEN, 300).assertClose();
    }

    @Test
    void plainSgdOnAScheduleForARegression() {
        MultiLayerConfiguration conf = stack(new Sgd(new ExponentialSchedule(ScheduleType.ITERATION, 0.05, 0.995)),
                b -> b)
                .layer(new DenseLayer.Builder().nIn(64).nOut(32).activation(Activation.TANH).build())
                .layer(output(Target.VALUE)).build();
        compare(conf, Target.VALUE, 300).assertClose();
    }

    @Test
    void classicalMomentumWithAStepScheduleAndATanhRegressionOutput() {
        MultiLayerConfiguration conf = stack(new Momentum(0.02, 0.9), b -> b.l2(1e-4))
                .layer(new DenseLayer.Builder().nIn(64).nOut(32).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunction.MSE).nOut(1).activation(Activation.TANH).build())
                .build();
        ((Momentum) ((org.deeplearning4j.nn.conf.layers.BaseLayer) conf.getConf(0).getLayer()).getIUpdater())
                .setLearningRateSchedule(new StepSchedule(ScheduleType.ITERATION, 0.02, 0.5, 100));
        ((Momentum) ((org.deeplearning4j.nn.conf.layers.BaseLayer) conf.getConf(1).getLayer()).getIUpdater())
                .setLearningRateSchedule(new StepSchedule(ScheduleType.ITERATION, 0.02, 0.5, 100));
        compare(conf, Target.VALUE, 300).assertClose();
    }

    @Test
    void classWeightsWeighEachRowsLossAndGradient() {
        for (Target kind : Target.values()) {
            MultiLayerConfiguration conf = stack(new Adam(3e-3), b -> b)
                    .layer(new DenseLayer.Builder().nIn(64).nOut(32).activation(Activation.RELU).build())
                    .layer(output(kind)).build();
            // rows weighing 2 and 0.5 amplify the rounding differences a little: 1.5e-5 measured, at most
            compare(conf, kind, 300, true).assertClose(5e-5);
        }
    }

    @Test
    void dropoutLayersAndLayerDropoutDropTheSameUnitsAtTheSameSteps() {
        MultiLayerConfiguration conf = stack(new Adam(2e-3), b -> b)
                .layer(new DropoutLayer.Builder(0.9).build()) // on the inputs
                .layer(new DenseLayer.Builder().nIn(64).nOut(48).activation(Activation.RELU).build())
                .layer(new DropoutLayer.Builder(0.7).build())
                .layer(new DenseLayer.Builder().nIn(48).nOut(32).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX)
                        .dropOut(0.8).build()) // the layer's own dropout, on its input
                .setInputType(org.deeplearning4j.nn.conf.inputs.InputType.feedForward(64)).build();
        compare(conf, Target.ONE_HOT, 300).assertClose();
    }

    @Test
    void convolutionsPoolingAndDropoutOnImagesAgree() {
        // the digits as 8x8 images: a same-padded convolution, max pooling, a valid convolution, dropout on the
        // feature maps, a dense layer
        MultiLayerConfiguration conf = stack(new Adam(2e-3), b -> b)
                .layer(new org.deeplearning4j.nn.conf.layers.ConvolutionLayer.Builder(3, 3).nOut(8)
                        .convolutionMode(org.deeplearning4j.nn.conf.ConvolutionMode.Same).activation(Activation.RELU)
                        .build())
                .layer(new org.deeplearning4j.nn.conf.layers.SubsamplingLayer.Builder(
                        org.deeplearning4j.nn.conf.layers.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new org.deeplearning4j.nn.conf.layers.ConvolutionLayer.Builder(3, 3).nOut(16)
                        .convolutionMode(org.deeplearning4j.nn.conf.ConvolutionMode.Truncate)
                        .activation(Activation.TANH).build())
                .layer(new DropoutLayer.Builder(0.8).build())
                .layer(new DenseLayer.Builder().nOut(32).activation(Activation.RELU).build())
                .layer(output(Target.ONE_HOT))
                .setInputType(org.deeplearning4j.nn.conf.inputs.InputType.convolutionalFlat(8, 8, 1)).build();
        compare(conf, Target.ONE_HOT, 200).assertClose();
    }

    @Test
    void stridedPaddedConvolutionsAndOverlappingPoolsAgree() {
        MultiLayerConfiguration conf = stack(new Nesterovs(0.02, 0.9), b -> b.l2(1e-4))
                .layer(new org.deeplearning4j.nn.conf.layers.ConvolutionLayer.Builder(3, 3).nOut(6).stride(2, 2)
                        .padding(1, 1).convolutionMode(org.deeplearning4j.nn.conf.ConvolutionMode.Truncate)
                        .activation(Activation.LEAKYRELU).build())
                .layer(new org.deeplearning4j.nn.conf.layers.SubsamplingLayer.Builder(
                        org.deeplearning4j.nn.conf.layers.PoolingType.MAX).kernelSize(3, 3).stride(1, 1).build())
                .layer(output(Target.EVEN))
                .setInputType(org.deeplearning4j.nn.conf.inputs.InputType.convolutionalFlat(8, 8, 1)).build();
        compare(conf, Target.EVEN, 200).assertClose();
    }

    @Test
    void layersWithTheirOwnRatesAndUpdatersFormSeparateBlocks() {
        MultiLayerConfiguration conf = stack(new Adam(1e-3), b -> b.biasUpdater(new Sgd(0.01)))
                .layer(new DenseLayer.Builder().nIn(64).nOut(32).activation(Activation.RELU).updater(new Adam(3e-4))
                        .build())
                .layer(new DenseLayer.Builder().nIn(32).nOut(32).activation(Activation.RELU).updater(new RmsProp(1e-3))
                        .l2(1e-3).build())
                .layer(output(Target.ONE_HOT)).build();
        compare(conf, Target.ONE_HOT, 300).assertClose();
    }

    /** The digits as sequences of 8 steps of 8 values, as a generated network of an {@code @Series} spec reads its rows. */
    static MultiLayerConfiguration sequences(NeuralNetConfiguration.ListBuilder list) {
        return list.inputPreProcessor(0, new io.kiln.runtime.SequenceInput(8, 8))
                .setInputType(org.deeplearning4j.nn.conf.inputs.InputType.feedForward(64)).build();
    }

    static org.deeplearning4j.nn.conf.layers.LSTM lstm(int units, Activation activation) {
        return new org.deeplearning4j.nn.conf.layers.LSTM.Builder().nOut(units).activation(activation).build();
    }

    static org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn simpleRnn(int units, Activation activation) {
        return new org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn.Builder().nOut(units).activation(activation)
                .build();
    }

    @Test
    void anLstmKeepingItsLastStepWithAdamAndClippingAgrees() {
        // as a generated @Lstm + @LastTimeStep network with @GradientClipping(norm = 1.0)
        MultiLayerConfiguration conf = sequences(stack(new Adam(5e-3), b -> b
                .gradientNormalization(GradientNormalization.ClipL2PerLayer).gradientNormalizationThreshold(1.0))
                .layer(new org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep(lstm(16, Activation.TANH)))
                .layer(output(Target.ONE_HOT)));
        compare(conf, Target.ONE_HOT, 300).assertClose();
    }

    @Test
    void stackedLstmAndSimpleRnnUnderADenseLayerWithL2AndElementClippingAgree() {
        // the first layer hands every step to the second; element clipping, L2 on the weights
        MultiLayerConfiguration conf = sequences(stack(new Nesterovs(0.02, 0.9), b -> b.l2(1e-3)
                .gradientNormalization(GradientNormalization.ClipElementWiseAbsoluteValue)
                .gradientNormalizationThreshold(0.05))
                .layer(lstm(12, Activation.TANH))
                .layer(new org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep(simpleRnn(10, Activation.TANH)))
                .layer(new DenseLayer.Builder().nOut(16).activation(Activation.RELU).build())
                .layer(output(Target.VALUE)));
        compare(conf, Target.VALUE, 300).assertClose();
    }

    @Test
    void aSimpleRnnUnderAnLstmWithRmsPropAndPerParameterClippingAgrees() {
        MultiLayerConfiguration conf = sequences(stack(new RmsProp(2e-3), b -> b
                .gradientNormalization(GradientNormalization.ClipL2PerParamType).gradientNormalizationThreshold(0.5))
                .layer(simpleRnn(12, Activation.RELU))
                .layer(new org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep(lstm(8, Activation.SIGMOID)))
                .layer(output(Target.EVEN)));
        compare(conf, Target.EVEN, 300).assertClose();
    }

    @Test
    void aReluCellUnderDropoutClassWeightsAndRenormalizedGradientsAgrees() {
        // dropout on the last step's units, an output layer with its own dropout, rows weighing 2 and 0.5
        MultiLayerConfiguration conf = sequences(stack(new Adam(3e-3), b -> b
                .gradientNormalization(GradientNormalization.RenormalizeL2PerLayer))
                .layer(new org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep(lstm(16, Activation.RELU)))
                .layer(new DropoutLayer.Builder(0.8).build())
                .layer(new DenseLayer.Builder().nOut(16).activation(Activation.LEAKYRELU).build())
                .layer(new OutputLayer.Builder(LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX)
                        .dropOut(0.9).build()));
        compare(conf, Target.ONE_HOT, 300, true).assertClose(5e-5);
        MultiLayerConfiguration identity = sequences(stack(new Sgd(0.05), b -> b
                .gradientNormalization(GradientNormalization.RenormalizeL2PerParamType))
                .layer(new org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep(simpleRnn(12, Activation.IDENTITY)))
                .layer(output(Target.EVEN)));
        compare(identity, Target.EVEN, 300).assertClose();
    }

    @Test
    void gradientNormalizationOfDenseLayersAgrees() {
        for (GradientNormalization g : new GradientNormalization[] {GradientNormalization.ClipL2PerLayer,
                GradientNormalization.RenormalizeL2PerLayer, GradientNormalization.RenormalizeL2PerParamType}) {
            MultiLayerConfiguration conf = stack(new Adam(1e-3), b -> b.gradientNormalization(g)
                    .gradientNormalizationThreshold(0.3))
                    .layer(new DenseLayer.Builder().nIn(64).nOut(32).activation(Activation.RELU).build())
                    .layer(output(Target.ONE_HOT)).build();
            compare(conf, Target.ONE_HOT, 200).assertClose();
        }
        MultiLayerConfiguration conv = stack(new Adam(2e-3), b -> b
                .gradientNormalization(GradientNormalization.ClipElementWiseAbsoluteValue)
                .gradientNormalizationThreshold(0.01))
                .layer(new org.deeplearning4j.nn.conf.layers.ConvolutionLayer.Builder(3, 3).nOut(6)
                        .activation(Activation.RELU).build())
                .layer(output(Target.ONE_HOT))
                .setInputType(org.deeplearning4j.nn.conf.inputs.InputType.convolutionalFlat(8, 8, 1)).build();
        compare(conv, Target.ONE_HOT, 200).assertClose();
    }

    @Test
    void whatItDoesNotReproduceTrainsOnDl4jAndSaysWhy() {
        assertThat(refusal(stack(new Adam(1e-3), b -> b)
                .layer(new DenseLayer.Builder().nIn(64).nOut(32).activation(Activation.RELU).dropOut(0.8).build())
                .layer(output(Target.ONE_HOT)).build())).startsWith("DL4J's own dropout");
        assertThat(refusal(stack(new AdaMax(1e-3), b -> b)
                .layer(new DenseLayer.Builder().nIn(64).nOut(32).activation(Activation.RELU).build())
                .layer(output(Target.ONE_HOT)).build())).isEqualTo("the updater AdaMax");
        assertThat(refusal(stack(new Adam(1e-3), b -> b)
                .layer(new DenseLayer.Builder().nIn(64).nOut(32).activation(Activation.ELU).build())
                .layer(output(Target.ONE_HOT)).build())).startsWith("the activation");
        assertThat(refusal(sequences(stack(new Adam(1e-3), b -> b)
                .layer(new org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional(lstm(8, Activation.TANH)))
                .layer(new org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep(lstm(8, Activation.TANH)))
                .layer(output(Target.ONE_HOT))))).isEqualTo("a Bidirectional layer on a sequence");
        assertThat(refusal(sequences(stack(new Adam(1e-3), b -> b)
                .layer(new org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep(
                        new org.deeplearning4j.nn.conf.layers.LSTM.Builder().nOut(8).activation(Activation.TANH)
                                .gateActivationFunction(Activation.HARDSIGMOID).build()))
                .layer(output(Target.ONE_HOT))))).startsWith("LSTM gates with the activation");
        assertThat(refusal(sequences(stack(new Adam(1e-3), b -> b)
                .layer(new org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep(
                        new org.deeplearning4j.nn.conf.layers.LSTM.Builder().nOut(8).activation(Activation.TANH)
                                .dropOut(0.8).build()))
                .layer(output(Target.ONE_HOT))))).isEqualTo("dropout before a recurrent layer");
        assertThat(refusal(stack(new Adam(1e-3), b -> b)
                .layer(new DenseLayer.Builder().nIn(64).nOut(32).activation(Activation.RELU).build())
                .layer(new BatchNormalization.Builder().nOut(32).build())
                .layer(output(Target.ONE_HOT)).build())).isEqualTo("a BatchNormalization layer");
        assertThat(refusal(stack(new Adam(1e-3), b -> b)
                .layer(new DenseLayer.Builder().nIn(64).nOut(32).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunction.L1).nOut(1).activation(Activation.IDENTITY).build())
                .build())).startsWith("the loss");
    }

    @Test
    void frozenLayersAndConstraintsTrainOnDl4j() {
        MultiLayerConfiguration frozen = stack(new Sgd(0.1), b -> b)
                .layer(new org.deeplearning4j.nn.conf.layers.misc.FrozenLayerWithBackprop(
                        new DenseLayer.Builder().nIn(64).nOut(32).activation(Activation.RELU).build()))
                .layer(new OutputLayer.Builder(LossFunction.MCXENT).nIn(32).nOut(10).activation(Activation.SOFTMAX)
                        .build()).build();
        // with plain SGD a frozen layer's missing updater state went unnoticed: it must be refused as frozen
        assertThat(refusal(frozen)).isEqualTo("a frozen layer");
        assertThat(refusal(stack(new Adam(1e-3), b -> b)
                .layer(new DenseLayer.Builder().nIn(64).nOut(32).activation(Activation.RELU)
                        .constrainWeights(new org.deeplearning4j.nn.conf.constraint.MaxNormConstraint(2, 1)).build())
                .layer(output(Target.ONE_HOT)).build())).isEqualTo("constraints on the parameters");
        assertThat(refusal(stack(new Adam(1e-3), b -> b.optimizationAlgo(
                        org.deeplearning4j.nn.api.OptimizationAlgorithm.LBFGS))
                .layer(new DenseLayer.Builder().nIn(64).nOut(32).activation(Activation.RELU).build())
                .layer(output(Target.ONE_HOT)).build()))
                .isEqualTo("an optimization algorithm other than stochastic gradient descent");
    }

    static String refusal(MultiLayerConfiguration conf) {
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        FastPath.Claim claim = FastPath.of(net);
        assertThat(claim.claimed()).isFalse();
        return claim.reason();
    }
}
