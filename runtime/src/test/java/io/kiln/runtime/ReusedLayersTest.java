package io.kiln.runtime;

import static com.google.common.truth.Truth.assertThat;

import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Networks built from the same reused layers share nothing: one's optimizer settings leave the other's alone. */
class ReusedLayersTest {
    static MultiLayerNetwork build(ReusedLayers reused, double rate) {
        MultiLayerConfiguration conf = reused.prepend(new NeuralNetConfiguration.Builder().updater(new Adam(rate)).list())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(1).activation(Activation.IDENTITY)
                        .build())
                .setInputType(InputType.recurrent(3, 5)).build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    @Test
    void aWrappedLayerIsCopiedWithItsWrapper() {
        ReusedLayers reused = new ReusedLayers(List.of(new LastTimeStep(new LSTM.Builder().nIn(3).nOut(4)
                .activation(Activation.TANH).build())), Map.of());
        MultiLayerNetwork a = build(reused, 0.01);
        MultiLayerNetwork b = build(reused, 0.02);
        LSTM innerA = (LSTM) ((LastTimeStep) a.getLayerWiseConfigurations().getConf(0).getLayer()).getUnderlying();
        LSTM innerB = (LSTM) ((LastTimeStep) b.getLayerWiseConfigurations().getConf(0).getLayer()).getUnderlying();
        // (both were one LSTM object: the second network's builder overwrote the first's rate)
        assertThat(innerA).isNotSameInstanceAs(innerB);
        a.setLearningRate(0.5);
        assertThat(innerB.getIUpdater().getLearningRate(0, 0)).isEqualTo(0.02);
        assertThat(innerA.getIUpdater().getLearningRate(0, 0)).isEqualTo(0.5);
    }
}
