package io.kiln.examples.transfer;

import static com.google.common.truth.Truth.assertThat;

import io.kiln.runtime.KilnModel;
import io.kiln.runtime.ModelDefinition;
import io.kiln.runtime.ModelMetadata;
import io.kiln.runtime.TrainOptions;
import io.kiln.runtime.Trainer;
import io.kiln.runtime.TrainingResult;
import java.nio.file.Path;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The transfer example end to end: the source spec trained on the digits 0 to 4, its hidden layers
 * reused frozen by the few-shot spec for the digits 5 to 9 (20 labelled images each).
 */
class TransferExampleTest {
    @TempDir Path dir;

    @Test
    void theFrozenSourceLayersCarryTheFewShotDigits() throws Exception {
        TrainingResult source = DigitsSourceTrainer.train(TrainOptions.defaults().quiet().references(false));
        assertThat(source.metrics().get("accuracy")).isAtLeast(0.95);
        Path file = dir.resolve("digits-source.kiln");
        source.model().save(file);

        ModelDefinition def = DigitsTransferTrainer.DEFINITION.withTransferSource(file);
        TrainingResult r = Trainer.train(def, TrainOptions.defaults().quiet().references(false));
        // 100 training rows, the 796 other images of 5..9 as the test file
        assertThat(r.report().data().testRows()).isEqualTo(796);
        assertThat(r.metrics().get("accuracy")).isAtLeast(0.80);
        assertThat(r.baselineMetrics().get("accuracy")).isLessThan(0.25);

        MultiLayerNetwork net = r.model().network().layers();
        MultiLayerNetwork src = KilnModel.load(file).network().layers();
        for (int i = 0; i < 2; i++) { // frozen: bit for bit the source's
            assertThat(net.getLayer(i).params().toFloatVector()).isEqualTo(src.getLayer(i).params().toFloatVector());
        }
        ModelMetadata.TransferProvenance p = r.model().metadata().provenance().transfer();
        assertThat(p.sourceSpec()).isEqualTo(DigitsSource.class.getName());
        assertThat(p.reused()).containsExactly("hidden1", "hidden2").inOrder();
        assertThat(p.frozen()).containsExactly("hidden1", "hidden2").inOrder();
        assertThat(p.sourceModel()).isEqualTo("digits-source");
        // the source's preprocessing came along
        assertThat(r.model().metadata().features()).isEqualTo(KilnModel.load(file).metadata().features());
    }
}
