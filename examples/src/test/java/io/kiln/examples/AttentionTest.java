package io.kiln.examples;

import static com.google.common.truth.Truth.assertThat;

import io.kiln.examples.reuters.ReutersGrainAttentionTrainer;
import io.kiln.runtime.KilnModel;
import io.kiln.runtime.Predictions;
import io.kiln.runtime.TrainOptions;
import io.kiln.runtime.TrainingResult;
import java.nio.file.Path;
import org.deeplearning4j.nn.conf.layers.SelfAttentionLayer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Self-attention on real text: a Transformer-style block (embedding, two attention heads, a
 * residual sum, max pooling) over Reuters "grain" stories builds in DL4J with the parameters the
 * processor counts, learns far above the majority class, and predicts the same after a reload.
 */
class AttentionTest {
    @TempDir Path dir;

    @Test
    void anAttentionBlockLearnsReutersGrain() throws Exception {
        TrainingResult r = ReutersGrainAttentionTrainer.train(TrainOptions.defaults().quiet());
        assertThat(r.model().network().graph().getLayer("attention").conf().getLayer())
                .isInstanceOf(SelfAttentionLayer.class);
        // embedding (10,000 + 2)·32; attention 3·2·16·32 + 2·16·32; output 32 + 1
        assertThat(r.model().network().numParams()).isEqualTo(10_002 * 32 + 3_072 + 1_024 + 33);
        assertThat(ReutersGrainAttentionTrainer.DEFINITION.layerTable()).contains("total params: 324,193");
        // the official 604 test stories, 57 about grain: majority accuracy 0.906
        assertThat(r.report().data().testRows()).isEqualTo(604);
        assertThat(r.metrics().get("accuracy")).isGreaterThan(r.baselineMetrics().get("accuracy"));
        assertThat(r.metrics().get("roc_auc")).isAtLeast(0.95);

        Path file = dir.resolve("attention.kiln");
        r.model().save(file);
        KilnModel loaded = KilnModel.load(file);
        Object[][] stories = {
            {"U.S. WHEAT AND CORN EXPORTS RISE The Agriculture Department said wheat, corn and sorghum export "
                    + "inspections rose to 1.2 mln tonnes of grain in the week"},
            {"BANK RAISES PRIME RATE The bank said it raised its prime lending rate to 8.5 pct"}};
        Predictions before = r.model().predict(stories);
        Predictions after = loaded.predict(stories);
        for (int i = 0; i < stories.length; i++) {
            assertThat(after.output(i)).usingTolerance(1e-6).containsExactly(before.output(i)).inOrder();
        }
        assertThat(before.output(0)[0]).isGreaterThan(before.output(1)[0]);
    }
}
