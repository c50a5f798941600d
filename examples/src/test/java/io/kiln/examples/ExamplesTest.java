package io.kiln.examples;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import io.kiln.examples.breastcancer.BreastCancerPredictor;
import io.kiln.examples.breastcancer.BreastCancerTrainer;
import io.kiln.examples.diabetes.DiabetesPredictor;
import io.kiln.examples.diabetes.DiabetesTrainer;
import io.kiln.examples.digits.DigitsTrainer;
import io.kiln.examples.iris.IrisPredictor;
import io.kiln.examples.iris.IrisTrainer;
import io.kiln.runtime.KilnModel;
import io.kiln.runtime.ModelMetadata;
import io.kiln.examples.sunspots.SunspotsTrainer;
import io.kiln.runtime.Predictions;
import io.kiln.runtime.Report;
import io.kiln.runtime.Trainer;
import io.kiln.runtime.TrainOptions;
import io.kiln.runtime.TrainingResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each example's generated trainer, run on its real bundled data, learns well above the
 * common-sense baseline, and its saved model reloads into the generated typed predictor with the
 * same predictions.
 */
class ExamplesTest {
    @TempDir Path dir;

    @Test
    void digitsCrossValidatesFarAboveTheMajorityClass() {
        TrainingResult r = DigitsTrainer.train(TrainOptions.defaults().quiet());
        Report report = r.report();
        // @KFold(k = 5) without a test set: the metrics are the cross-validated means
        assertThat(report.evaluatedOn()).isEqualTo("cross-validation");
        assertThat(report.crossValidation().folds()).hasSize(5);
        assertThat(r.metrics().get("accuracy")).isEqualTo(report.crossValidation().mean().get("accuracy"));
        assertThat(r.metrics().get("accuracy")).isAtLeast(0.96);
        assertThat(r.baselineMetrics().get("accuracy")).isLessThan(0.15);
        for (Report.Fold f : report.crossValidation().folds()) {
            assertThat(f.metrics().get("accuracy")).isAtLeast(0.93);
            assertThat(f.trainRows() + f.validationRows()).isEqualTo(1797);
        }
        // the out-of-fold confusion matrix covers every row once
        assertThat(java.util.Arrays.stream(report.confusion()).flatMapToInt(java.util.Arrays::stream).sum())
                .isEqualTo(1797);
        // the final model is trained on every row, for the declared 50 epochs
        ModelMetadata.Provenance p = r.model().metadata().provenance();
        assertThat(p.trainRows()).isEqualTo(1797);
        assertThat(r.model().metadata().history()).hasSize(50);
        assertThat(report.history()).hasSize(50);
        assertThat(report.diagnosis()).isNotNull();
    }

    @Test
    void breastCancerBeatsTheBaselineOnEveryMetric() throws Exception {
        TrainingResult r = BreastCancerTrainer.train(TrainOptions.defaults().quiet());
        assertThat(r.metrics().get("accuracy")).isAtLeast(0.93);
        // @Holdout(retrain = true) with @EarlyStopping: retrained on train + validation for the best epochs
        Report report = r.report();
        assertThat(report.training().retrained()).isTrue();
        assertThat(report.training().epochsRun()).isEqualTo(report.training().bestEpoch());
        assertThat(report.data().trainRows()).isEqualTo(r.model().metadata().provenance().trainRows());
        assertThat(report.data().trainRows() + report.data().testRows()).isEqualTo(569);
        // outcomes in business terms, per 1000 cases, consistent with the confusion matrix
        Report.Outcomes o = report.outcomes();
        assertThat(o.perCases()).isEqualTo(1000);
        assertThat(o.falsePositives()).isEqualTo(report.confusion()[0][1]);
        assertThat(o.falseNegatives()).isEqualTo(report.confusion()[1][0]);
        assertThat(o.falsePositivesPerCases()).isWithin(1e-9).of(1000.0 * o.falsePositives() / report.data().testRows());
        assertThat(report.roc().area()).isWithin(1e-12).of(r.metrics().get("roc_auc"));
        assertThat(r.metrics().get("roc_auc")).isAtLeast(0.97);
        assertThat(r.baselineMetrics().get("roc_auc")).isEqualTo(0.5);
        assertThat(r.metrics().get("log_loss")).isLessThan(r.baselineMetrics().get("log_loss") / 2);
        // the reference models: the same test rows, retrained like the network, far above the majority class
        assertThat(report.references().stream().map(Report.Reference::name).toList())
                .containsExactly("logistic regression", "gradient-boosted trees").inOrder();
        for (Report.Reference ref : report.references()) {
            assertThat(ref.evaluatedOn()).isEqualTo("test");
            assertThat(ref.rows()).isEqualTo(report.data().testRows());
            assertThat(ref.metrics().get("accuracy")).isGreaterThan(r.baselineMetrics().get("accuracy") + 0.25);
        }

        Path file = dir.resolve("bc.kiln");
        r.model().save(file);
        BreastCancerPredictor predictor = BreastCancerPredictor.load(file);
        double[] row = {17.99, 10.38, 122.8, 1001, 0.1184, 0.2776, 0.3001, 0.1471, 0.2419, 0.07871, 1.095, 0.9053,
            8.589, 153.4, 0.006399, 0.04904, 0.05373, 0.01587, 0.03003, 0.006193, 25.38, 17.33, 184.6, 2019, 0.1622,
            0.6656, 0.7119, 0.2654, 0.4601, 0.1189};
        BreastCancerPredictor.Input input = new BreastCancerPredictor.Input(row[0], row[1], row[2], row[3], row[4],
                row[5], row[6], row[7], row[8], row[9], row[10], row[11], row[12], row[13], row[14], row[15], row[16],
                row[17], row[18], row[19], row[20], row[21], row[22], row[23], row[24], row[25], row[26], row[27],
                row[28], row[29]);
        BreastCancerPredictor.Prediction p = predictor.predict(input);
        // the first row of the data set is a textbook malignant case (class 0)
        assertThat(p.diagnosis()).isEqualTo(0);
        assertThat(p.probabilities().get("malignant")).isGreaterThan(0.9);
        assertThat(p.probabilities().get("malignant") + p.probabilities().get("benign")).isWithin(1e-9).of(1.0);
    }

    @Test
    void irisLearnsAndTheReloadedModelPredictsIdentically() throws Exception {
        TrainingResult r = IrisTrainer.train(TrainOptions.defaults().quiet());
        assertThat(r.metrics().get("accuracy")).isAtLeast(0.85);
        // iterated k-fold: 3 repeats x 5 folds on the 120 rows outside the test set, then one test
        Report.CrossValidation cv = r.report().crossValidation();
        assertThat(cv.folds()).hasSize(15);
        assertThat(cv.folds().stream().filter(f -> f.repeat() == 3).count()).isEqualTo(5);
        assertThat(cv.mean().get("accuracy")).isAtLeast(0.85);
        assertThat(r.report().evaluatedOn()).isEqualTo("test");
        assertThat(r.report().data().testRows()).isEqualTo(30);
        assertThat(r.baselineMetrics().get("accuracy")).isWithin(0.01).of(1 / 3.0);

        Path file = dir.resolve("iris.kiln");
        r.model().save(file);
        IrisPredictor reloaded = IrisPredictor.load(file);
        IrisPredictor original = new IrisPredictor(r.model());
        List<IrisPredictor.Input> inputs = List.of(
                new IrisPredictor.Input(5.1, 3.5, 1.4, 0.2),
                new IrisPredictor.Input(6.4, 3.2, 4.5, 1.5),
                new IrisPredictor.Input(6.3, 3.3, 6.0, 2.5));
        List<IrisPredictor.Prediction> a = original.predict(inputs);
        List<IrisPredictor.Prediction> b = reloaded.predict(inputs);
        assertThat(b).isEqualTo(a);
        assertThat(a.stream().map(IrisPredictor.Prediction::species).toList()).containsExactly(0, 1, 2).inOrder();
        for (IrisPredictor.Prediction p : a) {
            assertThat(p.probabilities().keySet()).containsExactly("setosa", "versicolor", "virginica").inOrder();
        }
        // the file carries its provenance
        ModelMetadata meta = reloaded.model().metadata();
        assertThat(meta.spec()).contains("@Dense(units = 64, activation = RELU) Layer hidden;");
        assertThat(meta.provenance().dataSha256()).hasLength(64);
        assertThat(meta.provenance().dl4jVersion()).isEqualTo("1.0.0-M2.1");
        assertThat(meta.provenance().fit().seed()).isEqualTo(42L);
        assertThat(meta.testMetrics()).isEqualTo(r.metrics());
    }

    @Test
    void diabetesRegressionBeatsTheMeanPredictorInDataUnits() throws Exception {
        TrainingResult r = DiabetesTrainer.train(TrainOptions.defaults().quiet());
        Map<String, Double> m = r.metrics();
        assertThat(m.get("r2")).isAtLeast(0.40);
        // early stopping in every fold; the final model trains for the folds' mean best epoch
        Report.CrossValidation cv = r.report().crossValidation();
        assertThat(cv.finalEpochs()).isEqualTo((int) Math.round(
                cv.folds().stream().mapToInt(Report.Fold::bestEpoch).average().orElseThrow()));
        assertThat(r.model().metadata().history()).hasSize(cv.finalEpochs());
        assertThat(r.report().residuals().predicted()).hasLength(442);
        assertThat(r.baselineMetrics().get("r2")).isWithin(0.05).of(0.0);
        assertThat(m.get("mae")).isLessThan(r.baselineMetrics().get("mae") * 0.8);
        // the reference models on the network's 5 folds: every row held out once
        assertThat(r.report().references().stream().map(Report.Reference::name).toList())
                .containsExactly("linear regression", "gradient-boosted trees").inOrder();
        for (Report.Reference ref : r.report().references()) {
            assertThat(ref.evaluatedOn()).isEqualTo("cross-validation");
            assertThat(ref.folds()).isEqualTo(cv.folds().size());
            assertThat(ref.rows()).isEqualTo(442);
            assertThat(ref.metrics().get("r2")).isGreaterThan(cv.baselineMean().get("r2") + 0.3);
        }
        // the targets range 25..346: predictions come back in data units, not standardized ones
        Path file = dir.resolve("diabetes.kiln");
        r.model().save(file);
        DiabetesPredictor predictor = DiabetesPredictor.load(file);
        double y = predictor.predict(new DiabetesPredictor.Input(59, 2, 32.1, 101, 157, 93.2, 38, 4, 4.8598, 87))
                .target();
        assertWithMessage("prediction in data units").that(y).isIn(com.google.common.collect.Range.closed(60.0, 340.0));
    }

    @Test
    void sunspotsTemporalSplitTestsOnTheLatestYearsAndBeatsTheMeanAndTheNaiveForecast() throws Exception {
        TrainingResult r = SunspotsTrainer.train(TrainOptions.defaults().quiet());
        Trainer.Prepared p = Trainer.prepare(SunspotsTrainer.DEFINITION, TrainOptions.defaults().quiet());
        // every training year is before every validation year, which is before every test year
        java.util.function.Function<int[], java.util.IntSummaryStatistics> years = rows -> java.util.Arrays
                .stream(rows).map(i -> 1711 + i).summaryStatistics();
        assertThat(years.apply(p.split().train()).getMax()).isLessThan(years.apply(p.split().validation()).getMin());
        assertThat(years.apply(p.split().validation()).getMax()).isLessThan(years.apply(p.split().test()).getMin());
        assertThat(years.apply(p.split().test()).getMax()).isEqualTo(2008);
        assertThat(r.metrics().get("r2")).isGreaterThan(0.5);
        // the naive forecast (this year = last year) on the same test years
        double naive = java.util.Arrays.stream(p.split().test())
                .mapToDouble(i -> Math.abs(p.data().targets()[i][0] - ((Number) p.data().features().get(i)[0]).doubleValue()))
                .average().orElseThrow();
        assertThat(r.metrics().get("mae")).isLessThan(naive);
    }

    @Test
    void sameSeedAndDataGiveTheSameModel() {
        TrainOptions options = TrainOptions.defaults().quiet().epochs(5).references(false);
        TrainingResult a = IrisTrainer.train(options);
        TrainingResult b = IrisTrainer.train(options);
        assertThat(b.metrics()).isEqualTo(a.metrics());
        KilnModel ma = a.model();
        KilnModel mb = b.model();
        Predictions pa = ma.predict(new Object[][] {{5.0, 3.0, 1.5, 0.3}, {6.0, 2.9, 4.5, 1.4}});
        Predictions pb = mb.predict(new Object[][] {{5.0, 3.0, 1.5, 0.3}, {6.0, 2.9, 4.5, 1.4}});
        assertThat(pb.output(0)).isEqualTo(pa.output(0));
        assertThat(pb.output(1)).isEqualTo(pa.output(1));
    }
}
