package io.kiln.runtime;

import static com.google.common.truth.Truth.assertThat;

import io.kiln.dsl.Metric;
import io.kiln.runtime.internal.report.HtmlReport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.learning.config.Adam;

/**
 * K-fold with early stopping: the report, the model file and {@code info} tell the final model (trained
 * without validation) apart from the folds (each with its own early stopping), and folds print their
 * epochs as they train.
 */
class FinalModelAndFoldsTest {
    @TempDir Path dir;

    static ModelDefinition kfoldWithEarlyStopping() {
        return TrainingFixtures.iris(new Adam(0.05)).protocol(new KFoldProtocol(3, 1, true, true, 0))
                .fit(new FitSettings(80, 16, 3)).earlyStopping(new EarlyStopping(Metric.LOSS, 3, 0, true)).build();
    }

    @Test
    void theReportAndTheModelFileDescribeTheFinalModelAndTheFoldsSeparately() throws Exception {
        TrainingResult r = Trainer.train(kfoldWithEarlyStopping(), TrainingFixtures.quiet());
        Report.CrossValidation cv = r.report().crossValidation();
        Report.TrainingSummary t = r.report().training();
        // the final model trains without validation: no best epoch, no early stopping of its own
        assertThat(t.bestEpoch()).isEqualTo(0);
        assertThat(t.stoppedEarly()).isFalse();
        assertThat(t.restoredBest()).isFalse();
        assertThat(t.epochsRun()).isEqualTo(cv.finalEpochs());
        assertThat(t.epochsRun()).isLessThan(80);
        // each fold's own early stopping and verdict
        for (Report.Fold f : cv.folds()) {
            assertThat(f.stoppedEarly()).isEqualTo(f.epochsRun() < 80);
            assertThat(f.restoredBest()).isEqualTo(f.stoppedEarly());
            assertThat(f.verdict()).isNotNull();
        }
        assertThat(cv.folds().stream().anyMatch(Report.Fold::stoppedEarly)).isTrue();
        // the diagnosis reads one fold's own curve and says which
        Report.Diagnosis d = r.report().diagnosis();
        assertThat(d.fold()).isAtLeast(1);
        Report.Fold read = cv.folds().get(d.fold() - 1);
        assertThat(d.epochs()).isEqualTo(read.epochsRun());
        assertThat(d.verdict()).isEqualTo(read.verdict());
        // the model file carries the same
        ModelMetadata meta = r.model().metadata();
        assertThat(meta.training()).isEqualTo(t);
        assertThat(meta.folds()).isEqualTo(cv.folds());
        Path file = dir.resolve("iris.kiln");
        r.model().save(file);
        ModelMetadata loaded = KilnModel.load(file).metadata();
        assertThat(loaded.training().epochsRun()).isEqualTo(t.epochsRun());
        assertThat(loaded.folds()).hasSize(3);
        // the printed result and the HTML page say it in words
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        r.print(new PrintStream(out, true, StandardCharsets.UTF_8));
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(printed).contains("final model: " + t.epochsRun() + " of 80 planned epochs (the folds' mean best "
                + "epoch) on all cross-validated rows, without validation data");
        assertThat(printed).containsMatch("3 folds: \\d+(-\\d+)? epochs, best epochs \\d+(-\\d+)?, stopped early in "
                + "\\d of 3");
        assertThat(printed).contains("(fold " + d.fold() + ": best validation loss");
        assertThat(printed).contains("at epoch " + d.bestEpoch() + " of " + read.epochsRun() + ")");
        String html = HtmlReport.render(r.report());
        assertThat(html).doesNotContain("<dt>stopped early</dt>");
        assertThat(html).contains("<dt>folds</dt>");
    }

    @Test
    void foldsPrintTheirEpochsPrefixedByTheFold() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Trainer.train(kfoldWithEarlyStopping(), TrainOptions.defaults()
                .progress(new PrintStream(err, true, StandardCharsets.UTF_8), false));
        String progress = err.toString(StandardCharsets.UTF_8);
        for (int f = 1; f <= 3; f++) {
            assertThat(progress).containsMatch("(?m)^fold " + f + "/3 epoch +1/80  loss ");
        }
        // the summary line of each fold still follows its epochs
        assertThat(progress).containsMatch("(?m)^fold 3/3: \\d+ epochs \\(best \\d+\\)");
    }
}
