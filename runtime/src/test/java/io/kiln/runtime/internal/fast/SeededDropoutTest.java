package io.kiln.runtime.internal.fast;

import static com.google.common.truth.Truth.assertThat;

import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/** Seeded dropout: inverted dropout at the declared rate, one mask per (seed, step), installed and restored. */
class SeededDropoutTest {
    @Test
    void keepsTheDeclaredShareOfUnitsScaledUpAndDrawsAgainEachStep() {
        SeededDropout d = new SeededDropout(0.75, 42);
        int n = 200_000;
        float[] a = new float[n];
        float[] b = new float[n];
        float[] again = new float[n];
        d.mask(7, a, n);
        d.mask(8, b, n);
        new SeededDropout(0.75, 42).mask(7, again, n);
        int kept = 0;
        int same = 0;
        for (int k = 0; k < n; k++) {
            assertThat(a[k] == 0f || a[k] == (float) (1 / 0.75)).isTrue();
            kept += a[k] > 0 ? 1 : 0;
            same += (a[k] > 0) == (b[k] > 0) ? 1 : 0;
        }
        assertThat(kept / (double) n).isWithin(0.005).of(0.75);
        // another step's mask is independent: agreement 0.75² + 0.25² = 0.625
        assertThat(same / (double) n).isWithin(0.005).of(0.625);
        assertThat(again).isEqualTo(a);
        float[] otherSeed = new float[n];
        new SeededDropout(0.75, 43).mask(7, otherSeed, n);
        assertThat(otherSeed).isNotEqualTo(a);
    }

    @Test
    void dl4jAppliesTheMaskForwardAndBackward() {
        SeededDropout d = new SeededDropout(0.5, 1);
        INDArray x = Nd4j.rand(new int[] {8, 16}).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).addi(1);
        INDArray out = d.applyDropout(x, x.ulike(), 3, 0, LayerWorkspaceMgr.noWorkspaces());
        float[] mask = new float[128];
        d.mask(3, mask, 128);
        float[] xs = x.dup('c').data().asFloat();
        float[] os = out.dup('c').data().asFloat();
        for (int k = 0; k < 128; k++) {
            assertThat(os[k]).isWithin(1e-6f).of(xs[k] * mask[k]);
        }
        INDArray grad = Nd4j.ones(org.nd4j.linalg.api.buffer.DataType.FLOAT, 8, 16);
        float[] back = d.backprop(grad, grad.ulike(), 3, 0).dup('c').data().asFloat();
        for (int k = 0; k < 128; k++) {
            assertThat(back[k]).isEqualTo(mask[k]);
        }
    }

    @Test
    void installReplacesDl4jsDropoutAndRestorePutsItBack() {
        MultiLayerNetwork net = new MultiLayerNetwork(new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder()
                .updater(new Adam(1e-3)).list()
                .layer(new DenseLayer.Builder().nIn(4).nOut(8).activation(Activation.RELU).build())
                .layer(new DropoutLayer.Builder(0.6).build())
                .layer(new org.deeplearning4j.nn.conf.layers.OutputLayer.Builder().nOut(2)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(org.deeplearning4j.nn.conf.inputs.InputType.feedForward(4)).build());
        net.init();
        SeededDropout.install(net, 9);
        assertThat(net.getLayer(1).conf().getLayer().getIDropout()).isInstanceOf(SeededDropout.class);
        assertThat(((SeededDropout) net.getLayer(1).conf().getLayer().getIDropout()).p()).isEqualTo(0.6);
        SeededDropout.restore(net);
        assertThat(net.getLayer(1).conf().getLayer().getIDropout()).isInstanceOf(Dropout.class);
        assertThat(((Dropout) net.getLayer(1).conf().getLayer().getIDropout()).getP()).isEqualTo(0.6);
        assertThat(net.getLayerWiseConfigurations().toJson()).doesNotContain("SeededDropout");
    }
}
