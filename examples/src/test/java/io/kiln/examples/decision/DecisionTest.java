package io.kiln.examples.decision;

import static com.google.common.truth.Truth.assertThat;

import io.kiln.runtime.KilnModel;
import io.kiln.runtime.ModelDefinition;
import io.kiln.runtime.Predictions;
import io.kiln.runtime.Report;
import io.kiln.runtime.TrainOptions;
import io.kiln.runtime.Trainer;
import io.kiln.runtime.TrainingResult;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Class weights and a decision threshold chosen on validation data, on an imbalanced task made
 * from the bundled digits: is the digit a nine (180 of 1,797 rows)? The specs differ from
 * {@link NinesPlain} only in what they test, so the same seed trains the same network where the
 * weights are the same.
 */
class DecisionTest {
    @TempDir static Path dir;
    static Path nines;
    static TrainingResult plain;

    @BeforeAll
    static void writeNinesAndTrainPlainly() throws Exception {
        List<String> lines;
        try (InputStream in = io.kiln.examples.digits.Digits.class.getResourceAsStream("digits.csv")) {
            lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
        List<String> out = new ArrayList<>();
        out.add(lines.get(0).substring(0, lines.get(0).lastIndexOf(',')) + ",nine");
        for (String line : lines.subList(1, lines.size())) {
            int cut = line.lastIndexOf(',');
            out.add(line.substring(0, cut) + "," + line.substring(cut + 1).trim().equals("9"));
        }
        nines = Files.write(dir.resolve("nines.csv"), out);
        plain = train(NinesPlainTrainer.DEFINITION);
    }

    static TrainingResult train(ModelDefinition definition) {
        return Trainer.train(definition, TrainOptions.defaults().quiet().data(nines).references(false));
    }

    /** Test rows predicted positive, false negatives. */
    static int[] decisions(TrainingResult r) {
        Report.Outcomes o = r.report().outcomes();
        return new int[] {o.truePositives() + o.falsePositives(), o.falseNegatives()};
    }

    @Test
    void balancedWeightsMakeTheNinesWeighAsMuchAsTheRestAndAreReported() {
        TrainingResult weighted = train(NinesWeightedTrainer.DEFINITION);
        Report.Decision d = weighted.report().decision();
        assertThat(d).isNotNull();
        // 1,077 training rows, about 108 nines: false 1077 / (2 x 969), true 1077 / (2 x 108)
        assertThat(d.classWeights()).startsWith("balanced: false 0.5");
        assertThat(d.classWeights()).containsMatch("true [45]\\.\\d+");
        assertThat(d.objective()).isNull(); // the threshold stays 0.5
        assertThat(weighted.model().metadata().threshold()).isEqualTo(0.5);
        assertThat(plain.report().decision()).isNull();
        // weighing the nines up finds at least as many of them among the 360 test rows
        assertThat(decisions(weighted)[1]).isAtMost(decisions(plain)[1]);
        // the metrics and reported losses count every row once: the baseline is the same majority class
        assertThat(weighted.baselineMetrics()).isEqualTo(plain.baselineMetrics());
    }

    @Test
    void aHeavyDeclaredWeightOnTheRareClassMakesTheModelPredictItMoreOften() {
        TrainingResult heavy = train(NinesHeavyTrainer.DEFINITION);
        assertThat(heavy.report().decision().classWeights()).isEqualTo("declared: false 1.00, true 50.0");
        // the weight is in the loss: with it, many more test rows are called nines than without
        assertThat(decisions(heavy)[0]).isGreaterThan(decisions(plain)[0] + 5);
        assertThat(decisions(heavy)[1]).isAtMost(decisions(plain)[1]);
    }

    @Test
    void theThresholdChosenForF1OnValidationRowsIsSavedAndDecides() throws Exception {
        TrainingResult tuned = train(NinesTunedTrainer.DEFINITION);
        Report.Decision d = tuned.report().decision();
        assertThat(d.objective()).isEqualTo("maximize f1");
        assertThat(d.chosenOn()).isEqualTo("validation");
        assertThat(d.rows()).isEqualTo(359); // the validation rows (the 360 test rows are apart)
        assertThat(d.atChosen()).isAtLeast(d.atDefault());
        // the same network as the plain spec's: only the decision differs
        assertThat(tuned.metrics().get("roc_auc")).isWithin(1e-9).of(plain.metrics().get("roc_auc"));
        double threshold = d.threshold();
        assertThat(tuned.report().outcomes().threshold()).isEqualTo(threshold);
        assertThat(tuned.model().metadata().threshold()).isEqualTo(threshold);

        // the saved model decides with it
        Path file = dir.resolve("tuned.kiln");
        tuned.save(file);
        KilnModel loaded = KilnModel.load(file);
        assertThat(loaded.metadata().threshold()).isEqualTo(threshold);
        List<String> lines = Files.readAllLines(nines);
        List<Object[]> rows = new ArrayList<>();
        for (String line : lines.subList(1, 201)) {
            String[] cells = line.split(",");
            rows.add(Arrays.stream(cells, 0, 64).map(Double::valueOf).toArray());
        }
        Predictions p = loaded.predict(rows);
        for (int i = 0; i < rows.size(); i++) {
            assertThat(p.classIndex(i)).isEqualTo(p.output(i)[0] >= threshold ? 1 : 0);
        }
        // the console says what was chosen, on what, and what it bought
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        tuned.print(new java.io.PrintStream(out, true, StandardCharsets.UTF_8));
        assertThat(out.toString(StandardCharsets.UTF_8)).containsMatch(
                "threshold 0\\.\\d{2,4}, chosen on 359 validation rows to maximize f1 \\(0\\.\\d{3} at 0\\.5, 0\\.\\d{3} at");
    }

    @Test
    void costlyMissesLowerTheThresholdAndMissFewerNines() {
        TrainingResult cost = train(NinesCostTrainer.DEFINITION);
        Report.Decision d = cost.report().decision();
        assertThat(d.objective()).isEqualTo("minimize 1 x false positives + 20 x false negatives");
        assertThat(d.atChosen()).isAtMost(d.atDefault());
        assertThat(d.threshold()).isAtMost(0.5);
        // the same network as the plain spec's, deciding at a lower threshold: no more missed nines
        assertThat(decisions(cost)[1]).isAtMost(decisions(plain)[1]);
    }

    @Test
    void underKFoldWithoutATestSetTheOutcomesStayAtTheDefaultThresholdTheMetricsWereMeasuredAt() {
        TrainingResult r = train(NinesFoldsTrainer.DEFINITION.withProtocol(
                new io.kiln.runtime.KFoldProtocol(5, 1, true, true, 0)));
        Report.Decision d = r.report().decision();
        assertThat(d.rows()).isEqualTo(1797);
        assertThat(r.report().evaluatedOn()).isEqualTo("cross-validation");
        // the out-of-fold rows chose the threshold: they are not scored again at it
        assertThat(r.report().outcomes().threshold()).isEqualTo(0.5);
        assertThat(r.model().metadata().threshold()).isEqualTo(d.threshold());
    }

    @Test
    void underKFoldTheThresholdIsChosenOnOutOfFoldPredictionsAndTestedOnce() {
        TrainingResult folds = train(NinesFoldsTrainer.DEFINITION);
        Report.Decision d = folds.report().decision();
        assertThat(d.chosenOn()).isEqualTo("out-of-fold");
        assertThat(d.rows()).isEqualTo(1438); // the cross-validated rows; the 359 final test rows are left out
        assertThat(folds.report().evaluatedOn()).isEqualTo("test");
        assertThat(folds.report().outcomes().threshold()).isEqualTo(d.threshold());
        assertThat(folds.metrics().get("balanced_accuracy")).isGreaterThan(0.8);
    }
}
