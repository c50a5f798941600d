package io.kiln.examples;

import static com.google.common.truth.Truth.assertThat;

import io.kiln.examples.reuters.ReutersGrainBagOfWordsTrainer;
import io.kiln.examples.reuters.ReutersGrainPredictor;
import io.kiln.examples.reuters.ReutersGrainTrainer;
import io.kiln.runtime.KilnModel;
import io.kiln.runtime.Trainer;
import io.kiln.runtime.TrainOptions;
import io.kiln.runtime.TrainingResult;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Text classification on Reuters-21578 "grain" (Debian weka's ARFF files, official split): an
 * embedding with max pooling over the story's tokens against the majority class and against
 * logistic regression on a bag of words of the same vocabulary.
 */
class TextTest {
    @TempDir Path dir;

    @Test
    void theEmbeddingModelBeatsTheMajorityClassAndTheBagOfWordsBaselineOnTheOfficialTestSet() throws Exception {
        Trainer.Prepared p = Trainer.prepare(ReutersGrainTrainer.DEFINITION, TrainOptions.defaults().quiet());
        // the official split: 1,554 training stories (validation rows come from them), 604 test stories
        assertThat(p.data().size()).isEqualTo(1554 + 604);
        assertThat(p.split().test()).hasLength(604);
        assertThat(Arrays.stream(p.split().test()).min().getAsInt()).isEqualTo(1554);
        assertThat(p.split().train().length + p.split().validation().length).isEqualTo(1554);
        long positives = Arrays.stream(p.split().test()).filter(i -> p.data().classes()[i] == 1).count();
        assertThat(positives).isEqualTo(57);

        TrainingResult text = ReutersGrainTrainer.train(TrainOptions.defaults().quiet());
        TrainingResult bow = ReutersGrainBagOfWordsTrainer.train(TrainOptions.defaults().quiet());
        // measured (seed 42): embedding + max pooling roc_auc 0.990, f1 0.70, accuracy 0.957;
        // bag-of-words logistic regression roc_auc 0.900, f1 0.61, accuracy 0.940; majority 0.906
        assertThat(text.metrics().get("accuracy")).isGreaterThan(text.baselineMetrics().get("accuracy"));
        assertThat(text.metrics().get("roc_auc")).isAtLeast(0.95);
        assertThat(text.metrics().get("pr_auc")).isAtLeast(0.8);
        assertThat(text.metrics().get("roc_auc")).isGreaterThan(bow.metrics().get("roc_auc"));
        assertThat(text.metrics().get("pr_auc")).isGreaterThan(bow.metrics().get("pr_auc"));
        assertThat(bow.metrics().get("roc_auc")).isGreaterThan(0.8); // the baseline is a real one
        // (10,000 + 2) x 32 embedding + 32 x 16 + 16 + 17: what the processor's layer table says
        assertThat(text.model().network().numParams()).isEqualTo(10_002 * 32 + 32 * 16 + 16 + 16 + 1);

        Path file = dir.resolve("grain.kiln");
        text.model().save(file);
        ReutersGrainPredictor predictor = ReutersGrainPredictor.load(file);
        double grain = predictor.predict(new ReutersGrainPredictor.Input("U.S. WHEAT AND CORN EXPORTS RISE The "
                + "Agriculture Department said wheat, corn and sorghum export inspections rose to 1.2 mln tonnes "
                + "of grain in the week")).probability();
        double other = predictor.predict(new ReutersGrainPredictor.Input("BANK RAISES PRIME RATE The bank said "
                + "it raised its prime lending rate to 8.5 pct, effective tomorrow")).probability();
        assertThat(grain).isGreaterThan(0.5);
        assertThat(other).isLessThan(0.1);
        // a missing story is an empty text: one unknown step, predicted as not about grain
        assertThat(predictor.predict(new ReutersGrainPredictor.Input(null)).probability()).isLessThan(0.5);
        assertThat(KilnModel.load(file).metadata().features().get(0).levels()).hasSize(10_000);

        // the official test file was the test set: the model file and the report say so, not a test fraction
        String testFile = "/usr/share/doc/weka/examples/ReutersGrain-test.arff";
        assertThat(KilnModel.load(file).metadata().provenance().testFile()).isEqualTo(testFile);
        assertThat(KilnModel.load(file).metadata().provenance().describeProtocol(text.model().task()))
                .contains("test set " + testFile);
        assertThat(text.report().data().testFile()).isEqualTo(testFile);
        assertThat(io.kiln.runtime.internal.report.HtmlReport.render(text.report())).contains("test set " + testFile);
    }
}
