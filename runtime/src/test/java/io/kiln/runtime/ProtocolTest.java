package io.kiln.runtime;

import io.kiln.runtime.internal.data.Rows;
import io.kiln.runtime.internal.data.CsvTable;
import io.kiln.runtime.internal.data.LabeledData;
import io.kiln.runtime.internal.data.Splits;
import io.kiln.runtime.internal.data.TemporalKeys;
import io.kiln.runtime.internal.preprocess.FeatureTransform;

import static com.google.common.truth.Truth.assertThat;
import static io.kiln.runtime.TrainingFixtures.irisColumn;
import static io.kiln.runtime.TrainingFixtures.mean;
import static io.kiln.runtime.TrainingFixtures.quiet;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kiln.dsl.Metric;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.learning.config.Adam;

/** The evaluation protocols end to end on iris: temporal split, k-fold (iterated, with a test set), holdout retrain. */
class ProtocolTest {
    @TempDir Path dir;

    /** Every epoch listener call, grouped by training run (a run starts at epoch 1). */
    static final class Runs implements EpochListener {
        final List<List<Report.Epoch>> epochs = new ArrayList<>();
        final List<KilnModel> models = new ArrayList<>();

        @Override
        public void onEpoch(Report.Epoch epoch, KilnModel model) {
            if (epoch.epoch() == 1) {
                epochs.add(new ArrayList<>());
                models.add(model);
            }
            assertThat(model).isSameInstanceAs(models.get(models.size() - 1));
            epochs.get(epochs.size() - 1).add(epoch);
        }

        /** The fitted center (training mean, for STANDARDIZE) of each feature of run {@code r}. */
        double[] centers(int r) {
            return models.get(r).metadata().features().stream().mapToDouble(FeatureTransform::center).toArray();
        }
    }

    // ---- temporal keys

    List<Double> keys(String... cells) throws Exception {
        List<String> lines = new ArrayList<>(List.of("x,when"));
        for (String c : cells) {
            lines.add("1," + c);
        }
        Path file = TrainingFixtures.write(dir.resolve("times.csv"), lines);
        return TemporalKeys.read(CsvTable.read(CsvSource.file(file)), "when");
    }

    DataException badKeys(String... cells) {
        return assertThrows(DataException.class, () -> keys(cells));
    }

    @Test
    void temporalKeysReadNumbers() throws Exception {
        assertThat(keys("3", "1.5", "-2", "1e3")).containsExactly(3.0, 1.5, -2.0, 1000.0).inOrder();
    }

    @Test
    void temporalKeysReadIsoDatesInDays() throws Exception {
        List<Double> k = keys("2024-01-31", "2023-12-31", "2024-02-01", "2024-03-01");
        assertThat(k.get(2) - k.get(0)).isEqualTo(86400.0);
        assertThat(k.get(0) - k.get(1)).isEqualTo(31 * 86400.0);
        assertThat(k.get(3) - k.get(2)).isEqualTo(29 * 86400.0); // 2024 is a leap year
    }

    @Test
    void temporalKeysReadDateTimes() throws Exception {
        List<Double> k = keys("2024-01-31T12:00", "2024-01-31T08:30:15", "2024-02-01T00:00:00");
        assertThat(k.get(0) - k.get(1)).isEqualTo(3 * 3600 + 29 * 60 + 45.0);
        assertThat(k.get(2) - k.get(0)).isEqualTo(12 * 3600.0);
        // with offsets, the instant counts: 12:00 at +01:00 is half an hour before 11:30 UTC
        List<Double> o = keys("2024-01-31T12:00+01:00", "2024-01-31T11:30Z");
        assertThat(o.get(1) - o.get(0)).isEqualTo(1800.0);
    }

    @Test
    void aCellOfAnotherFormatNamesFileLineAndColumn() {
        DataException e = badKeys("2024-01-30", "2024-01-31", "2024-13-45");
        assertThat(e.line()).isEqualTo(4);
        assertThat(e).hasMessageThat().contains("times.csv:4:");
        assertThat(e).hasMessageThat().contains("when");
        assertThat(e).hasMessageThat().contains("'2024-13-45' is not an ISO-8601 date");
        // a number among dates
        assertThat(badKeys("2024-01-30", "17").line()).isEqualTo(3);
    }

    @Test
    void aFirstCellThatIsNoTimeNamesIt() {
        DataException e = badKeys("yesterday", "2024-01-31");
        assertThat(e.line()).isEqualTo(2);
        assertThat(e).hasMessageThat().contains("times.csv:2:");
        assertThat(e).hasMessageThat().contains("'yesterday' is neither a number nor an ISO-8601 date");
    }

    @Test
    void anEmptyOrderCellIsAnError() {
        DataException e = badKeys("1", "2", "");
        assertThat(e.line()).isEqualTo(4);
        assertThat(e).hasMessageThat().contains("cannot be empty");
    }

    @Test
    void javaNumberSpellingsAreNoOrderKeys() throws Exception {
        for (String cell : List.of("4.5f", "4.5d", "0x1.2p2", "1_000")) {
            DataException e = badKeys("1", cell);
            assertThat(e.line()).isEqualTo(3);
            assertThat(e).hasMessageThat().contains(cell);
        }
        assertThat(keys("1", "2.5", "-3e2")).containsExactly(1.0, 2.5, -300.0).inOrder();
    }

    @Test
    void aMissingOrderColumnNamesIt() {
        DataException e = assertThrows(DataException.class, () -> {
            Path file = TrainingFixtures.write(dir.resolve("t.csv"), List.of("x,time", "1,2"));
            TemporalKeys.read(CsvTable.read(CsvSource.file(file)), "when");
        });
        assertThat(e).hasMessageThat().contains("t.csv:1:");
        assertThat(e).hasMessageThat().contains("orders rows by column 'when', which the header does not have");
        assertThat(e).hasMessageThat().contains("[x, time]");
    }

    @Test
    void orderColumnErrorsNameTheColumnLikeOtherDataErrors() {
        // DataException.column() is documented as 'name' (index), as LabeledData's errors give it:
        // "data.csv:3: column 'x' (1): ..." (see DataReadingTest)
        DataException e = badKeys("2024-01-30", "2024-13-45");
        assertThat(e.column()).isEqualTo("'when' (2)");
        assertThat(e).hasMessageThat().startsWith(dir.resolve("times.csv") + ":3: column 'when' (2): ");
    }

    // ---- temporal split, end to end

    /**
     * Iris with a date per row: dates in a random order of the rows (so every period holds every
     * class), and the file in yet another order (so file order is not time order).
     */
    record Dated(Path file, LocalDate[] dateOfRow) {}

    Dated datedIris() throws Exception {
        List<String[]> iris = TrainingFixtures.irisRows();
        List<Integer> byTime = new ArrayList<>(IntStream.range(0, iris.size()).boxed().toList());
        Collections.shuffle(byTime, new Random(5));
        LocalDate[] dateOfIris = new LocalDate[iris.size()];
        for (int t = 0; t < byTime.size(); t++) {
            dateOfIris[byTime.get(t)] = LocalDate.of(2024, 1, 1).plusDays(t);
        }
        List<Integer> fileOrder = new ArrayList<>(IntStream.range(0, iris.size()).boxed().toList());
        Collections.shuffle(fileOrder, new Random(6));
        List<String> lines = new ArrayList<>(List.of(String.join(",", TrainingFixtures.IRIS_FEATURES) + ",label,date"));
        LocalDate[] dateOfRow = new LocalDate[iris.size()];
        for (int r = 0; r < fileOrder.size(); r++) {
            int i = fileOrder.get(r);
            lines.add(String.join(",", iris.get(i)) + "," + dateOfIris[i]);
            dateOfRow[r] = dateOfIris[i];
        }
        return new Dated(TrainingFixtures.write(dir.resolve("dated.csv"), lines), dateOfRow);
    }

    @Test
    void temporalProtocolTrainsOnThePastAndTestsOnTheFuture() throws Exception {
        Dated d = datedIris();
        ModelDefinition def = TrainingFixtures.iris(new Adam(0.01), CsvSource.file(d.file()),
                io.kiln.dsl.Scaling.STANDARDIZE).protocol(new TemporalProtocol("date", 0.2, 0.2))
                .fit(new FitSettings(5, 16, 3)).build();
        Trainer.Prepared p = Trainer.prepare(def, quiet());
        Splits.Holdout s = p.split();
        LocalDate lastTrain = Arrays.stream(s.train()).mapToObj(r -> d.dateOfRow()[r]).max(LocalDate::compareTo).get();
        LocalDate firstValidation = Arrays.stream(s.validation()).mapToObj(r -> d.dateOfRow()[r])
                .min(LocalDate::compareTo).get();
        LocalDate lastValidation = Arrays.stream(s.validation()).mapToObj(r -> d.dateOfRow()[r])
                .max(LocalDate::compareTo).get();
        LocalDate firstTest = Arrays.stream(s.test()).mapToObj(r -> d.dateOfRow()[r]).min(LocalDate::compareTo).get();
        assertThat(lastTrain).isLessThan(firstValidation);
        assertThat(lastValidation).isLessThan(firstTest);
        assertThat(firstTest).isEqualTo(LocalDate.of(2024, 1, 1).plusDays(120)); // the last 30 of 150 days
        // not the file's last rows
        assertThat(Arrays.stream(s.test()).sorted().toArray()).isNotEqualTo(IntStream.range(120, 150).toArray());
        assertThat(Trainer.testRows(def, def.protocol(), p.source(), p.data(), p.fit().seed())).isEqualTo(s.test());

        TrainingResult r = Trainer.train(def, p, quiet());
        Report report = r.report();
        assertThat(report.protocol()).isEqualTo(new TemporalProtocol("date", 0.2, 0.2));
        assertThat(report.evaluatedOn()).isEqualTo("test");
        assertThat(report.data().trainRows()).isEqualTo(90);
        assertThat(report.data().validationRows()).isEqualTo(30);
        assertThat(report.data().testRows()).isEqualTo(30);
        ModelMetadata.Provenance prov = r.model().metadata().provenance();
        assertThat(prov.protocol()).isEqualTo(def.protocol());
        assertThat(prov.trainRows()).isEqualTo(90);
        assertThat(prov.testRows()).isEqualTo(30);
        // preprocessing fitted on the training period only
        assertThat(r.model().metadata().features().get(0).center()).isWithin(1e-9)
                .of(mean(datedColumn(d, 0), s.train()));
        // the reported metrics are the final model's on the future rows
        Map<String, Double> onTest = r.model().evaluate(p.data(), s.test())[0].metrics();
        assertThat(r.metrics().get("log_loss")).isWithin(1e-9).of(onTest.get("log_loss"));
        assertThat(report.confusion()).isNotNull();
        assertThat(Arrays.stream(report.confusion()).flatMapToInt(Arrays::stream).sum()).isEqualTo(30);
    }

    static double[] datedColumn(Dated d, int col) throws Exception {
        return java.nio.file.Files.readAllLines(d.file()).stream().skip(1)
                .mapToDouble(l -> Double.parseDouble(l.split(",")[col])).toArray();
    }

    // ---- k-fold

    static ModelDefinition kfold(KFoldProtocol protocol, int epochs) {
        return TrainingFixtures.iris(new Adam(0.02)).protocol(protocol).fit(new FitSettings(epochs, 16, 3)).build();
    }

    static double sampleStd(double[] v) {
        double m = Arrays.stream(v).average().getAsDouble();
        return Math.sqrt(Arrays.stream(v).map(x -> (x - m) * (x - m)).sum() / (v.length - 1));
    }

    @Test
    void kfoldReportsEveryFoldAndTheirMeanAndStd() {
        Runs runs = new Runs();
        ModelDefinition def = kfold(new KFoldProtocol(3, 1, true, true, 0), 5);
        TrainingResult r = Trainer.train(def, quiet().listener(runs));
        Report report = r.report();
        Report.CrossValidation cv = report.crossValidation();
        assertThat(cv).isNotNull();
        assertThat(cv.folds()).hasSize(3);
        for (int f = 0; f < 3; f++) {
            Report.Fold fold = cv.folds().get(f);
            assertThat(fold.repeat()).isEqualTo(1);
            assertThat(fold.fold()).isEqualTo(f + 1);
            assertThat(fold.validationRows()).isEqualTo(50);
            assertThat(fold.trainRows()).isEqualTo(100);
            assertThat(fold.epochsRun()).isEqualTo(5);
        }
        for (String key : cv.folds().get(0).metrics().keySet()) {
            double[] v = cv.folds().stream().mapToDouble(f -> f.metrics().get(key)).toArray();
            assertThat(cv.mean().get(key)).isWithin(1e-12).of(Arrays.stream(v).average().getAsDouble());
            assertThat(cv.std().get(key)).isWithin(1e-12).of(sampleStd(v));
            double[] b = cv.folds().stream().mapToDouble(f -> f.baseline().get(key)).toArray();
            assertThat(cv.baselineMean().get(key)).isWithin(1e-12).of(Arrays.stream(b).average().getAsDouble());
        }
        assertThat(cv.mean().keySet()).containsExactlyElementsIn(Metric.of(def.task()).stream().map(Metric::key)
                .toList());
        // no test set: the cross-validated means are the estimate
        assertThat(report.evaluatedOn()).isEqualTo("cross-validation");
        assertThat(report.metrics()).isEqualTo(cv.mean());
        assertThat(r.metrics()).isEqualTo(cv.mean());
        assertThat(report.baseline()).isEqualTo(cv.baselineMean());
        assertThat(report.data().testRows()).isEqualTo(0);
        assertThat(report.data().trainRows()).isEqualTo(150);
        assertThat(report.data().validationRows()).isEqualTo(0);
        // the out-of-fold confusion matrix covers every row once
        assertThat(Arrays.stream(report.confusion()).flatMapToInt(Arrays::stream).sum()).isEqualTo(150);
        // three fold models, then the final model on all rows for the declared epochs
        assertThat(runs.epochs).hasSize(4);
        assertThat(cv.finalEpochs()).isEqualTo(5);
        assertThat(runs.epochs.get(3)).hasSize(5);
        assertThat(report.training().epochsRun()).isEqualTo(5);
        assertThat(r.model().metadata().history()).hasSize(5);
        assertThat(r.model().metadata().history().get(0).validationLoss()).isNaN(); // no validation rows
        assertMeanOfFolds(report.history(), runs.epochs.subList(0, 3));
        assertThat(report.diagnosis()).isNotNull(); // read from the folds' curves
        assertThat(r.model().metadata().provenance().trainRows()).isEqualTo(150);
        assertThat(r.model().metadata().features().get(0).center()).isWithin(1e-9)
                .of(Arrays.stream(irisColumn(0)).average().getAsDouble());
    }

    @Test
    void preprocessingIsFittedInsideEachFold() {
        // unshuffled and unstratified, fold f holds out rows 50f .. 50f + 49
        Runs runs = new Runs();
        Trainer.train(kfold(new KFoldProtocol(3, 1, false, false, 0), 2), quiet().listener(runs));
        assertThat(runs.models).hasSize(4);
        Set<Double> foldMeans = new HashSet<>();
        for (int f = 0; f < 3; f++) {
            final int held = f;
            int[] train = IntStream.range(0, 150).filter(i -> i / 50 != held).toArray();
            for (int col = 0; col < 4; col++) {
                assertThat(runs.centers(f)[col]).isWithin(1e-9).of(mean(irisColumn(col), train));
            }
            double[] petal = Arrays.stream(train).mapToDouble(i -> irisColumn(2)[i]).toArray();
            assertThat(runs.models.get(f).metadata().features().get(2).scale()).isWithin(1e-9)
                    .of(Rows.std(petal) * Math.sqrt((petal.length - 1) / (double) petal.length));
            foldMeans.add(runs.centers(f)[2]);
        }
        assertThat(foldMeans).hasSize(3);
        assertThat(runs.centers(3)[2]).isWithin(1e-9).of(Arrays.stream(irisColumn(2)).average().getAsDouble());
    }

    @Test
    void repeatedKfoldDrawsOtherFoldsEachRepeat() {
        Runs runs = new Runs();
        TrainingResult r = Trainer.train(kfold(new KFoldProtocol(3, 2, true, true, 0), 2), quiet().listener(runs));
        Report.CrossValidation cv = r.report().crossValidation();
        assertThat(cv.folds()).hasSize(6);
        assertThat(cv.folds().stream().map(f -> f.repeat() + "/" + f.fold()).toList())
                .containsExactly("1/1", "1/2", "1/3", "2/1", "2/2", "2/3").inOrder();
        for (String key : cv.mean().keySet()) {
            double[] v = cv.folds().stream().mapToDouble(f -> f.metrics().get(key)).toArray();
            assertThat(cv.mean().get(key)).isWithin(1e-12).of(Arrays.stream(v).average().getAsDouble());
            assertThat(cv.std().get(key)).isWithin(1e-12).of(sampleStd(v));
        }
        // 6 fold models and the final one; the training rows of each fold are told apart by their fitted means
        assertThat(runs.models).hasSize(7);
        Set<List<Double>> first = new HashSet<>();
        Set<List<Double>> second = new HashSet<>();
        for (int f = 0; f < 6; f++) {
            (f < 3 ? first : second).add(Arrays.stream(runs.centers(f)).boxed().toList());
        }
        assertThat(first).hasSize(3);
        assertThat(second).hasSize(3);
        assertThat(second).containsNoneIn(first);
        // the out-of-fold confusion matrix holds each row once (the first repeat)
        assertThat(Arrays.stream(r.report().confusion()).flatMapToInt(Arrays::stream).sum()).isEqualTo(150);
        assertThat(r.report().protocol().describe()).startsWith("2 x 3-fold cross-validation");
    }

    @Test
    void kfoldWithATestSetEvaluatesTheFinalModelOnIt() {
        ModelDefinition def = kfold(new KFoldProtocol(3, 1, true, true, 0.2), 4);
        Trainer.Prepared p = Trainer.prepare(def, quiet());
        assertThat(p.split().test()).hasLength(30);
        assertThat(p.split().validation()).isEmpty();
        TrainingResult r = Trainer.train(def, p, quiet());
        Report report = r.report();
        assertThat(report.evaluatedOn()).isEqualTo("test");
        assertThat(report.data().testRows()).isEqualTo(30);
        assertThat(report.data().trainRows()).isEqualTo(120);
        assertThat(report.crossValidation().folds().stream().mapToInt(Report.Fold::validationRows).sum())
                .isEqualTo(120);
        Map<String, Double> onTest = r.model().evaluate(p.data(), p.split().test())[0].metrics();
        for (String key : onTest.keySet()) {
            assertThat(r.metrics().get(key)).isWithin(1e-9).of(onTest.get(key));
        }
        assertThat(Arrays.stream(report.confusion()).flatMapToInt(Arrays::stream).sum()).isEqualTo(30);
        // the test rows were never cross-validated: the final model's preprocessing saw only the other 120
        Set<Integer> test = new HashSet<>(Arrays.stream(p.split().test()).boxed().toList());
        int[] cvRows = IntStream.range(0, 150).filter(i -> !test.contains(i)).toArray();
        assertThat(r.model().metadata().features().get(1).center()).isWithin(1e-9).of(mean(irisColumn(1), cvRows));
    }

    @Test
    void kfoldWithEarlyStoppingTrainsTheFinalModelForTheMeanBestEpoch() {
        Runs runs = new Runs();
        ModelDefinition def = TrainingFixtures.iris(new Adam(0.05)).protocol(new KFoldProtocol(3, 1, true, true, 0))
                .fit(new FitSettings(60, 16, 3)).earlyStopping(new EarlyStopping(Metric.LOSS, 3, 0, true)).build();
        TrainingResult r = Trainer.train(def, quiet().listener(runs));
        Report.CrossValidation cv = r.report().crossValidation();
        double meanBest = cv.folds().stream().mapToInt(Report.Fold::bestEpoch).average().getAsDouble();
        assertThat(cv.finalEpochs()).isEqualTo(Math.max(1, Math.round(meanBest)));
        for (int f = 0; f < 3; f++) {
            Report.Fold fold = cv.folds().get(f);
            assertThat(fold.bestEpoch()).isAtLeast(1);
            assertThat(fold.epochsRun()).isEqualTo(runs.epochs.get(f).size());
            assertThat(fold.bestEpoch()).isAtMost(fold.epochsRun());
        }
        assertThat(runs.epochs.get(3)).hasSize(cv.finalEpochs());
        assertThat(r.model().metadata().history()).hasSize(cv.finalEpochs());
        assertThat(r.report().training().epochsRun()).isEqualTo(cv.finalEpochs());
        // the reported curves are the folds' averaged, epoch by epoch, up to the epoch every fold reached
        assertMeanOfFolds(r.report().history(), runs.epochs.subList(0, 3));
    }

    static void assertMeanOfFolds(List<Report.Epoch> reported, List<List<Report.Epoch>> folds) {
        int shortest = folds.stream().mapToInt(List::size).min().getAsInt();
        assertThat(reported).hasSize(shortest);
        for (int e = 0; e < shortest; e++) {
            final int i = e;
            List<Report.Epoch> at = folds.stream().map(h -> h.get(i)).toList();
            assertThat(at).hasSize(folds.size());
            assertThat(reported.get(e).epoch()).isEqualTo(e + 1);
            assertThat(reported.get(e).trainLoss()).isWithin(1e-12)
                    .of(at.stream().mapToDouble(Report.Epoch::trainLoss).average().getAsDouble());
            assertThat(reported.get(e).validationLoss()).isWithin(1e-12)
                    .of(at.stream().mapToDouble(Report.Epoch::validationLoss).average().getAsDouble());
            assertThat(reported.get(e).validationMetric()).isWithin(1e-12)
                    .of(at.stream().mapToDouble(Report.Epoch::validationMetric).average().getAsDouble());
        }
    }

    @Test
    void kfoldNeedsAtLeastKRows() throws Exception {
        List<String> lines = new ArrayList<>(List.of(String.join(",", TrainingFixtures.IRIS_FEATURES) + ",label"));
        TrainingFixtures.irisRows().subList(0, 4).forEach(row -> lines.add(String.join(",", row)));
        Path small = TrainingFixtures.write(dir.resolve("small.csv"), lines);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Trainer.train(kfold(new KFoldProtocol(5, 1, false, true, 0), 1), quiet().data(small)));
        assertThat(e).hasMessageThat().contains("5-fold cross-validation needs at least 5 rows");
        assertThat(e).hasMessageThat().contains("has 4");
    }

    @Test
    void kfoldRejectsFewerThanTwoFoldsOrRepeats() {
        assertThrows(IllegalArgumentException.class, () -> new KFoldProtocol(1, 1, true, true, 0));
        assertThrows(IllegalArgumentException.class, () -> new KFoldProtocol(3, 0, true, true, 0));
    }

    // ---- holdout with a final retrain

    @Test
    void retrainFitsAFreshModelOnTrainingAndValidationRows() {
        Runs runs = new Runs();
        ModelDefinition def = TrainingFixtures.iris(new Adam(0.02))
                .protocol(new HoldoutProtocol(0.2, 0.2, true, true, true)).fit(new FitSettings(4, 16, 3)).build();
        Trainer.Prepared p = Trainer.prepare(def, quiet());
        TrainingResult r = Trainer.train(def, p, quiet().listener(runs));
        int train = p.split().train().length;
        int validation = p.split().validation().length;
        assertThat(validation).isEqualTo(30);
        ModelMetadata.Provenance prov = r.model().metadata().provenance();
        assertThat(prov.trainRows()).isEqualTo(train + validation);
        assertThat(prov.validationRows()).isEqualTo(0);
        assertThat(prov.testRows()).isEqualTo(30);
        assertThat(r.report().training().retrained()).isTrue();
        assertThat(r.report().data().trainRows()).isEqualTo(train + validation);
        assertThat(r.report().data().validationRows()).isEqualTo(0);
        // two runs: the monitored one, then the retrain for the declared epochs without validation
        assertThat(runs.epochs).hasSize(2);
        assertThat(runs.epochs.get(1)).hasSize(4);
        assertThat(runs.epochs.get(1).get(0).validationLoss()).isNaN();
        assertThat(runs.epochs.get(0).get(0).validationLoss()).isNotNaN();
        // the final model is the retrained one: its preprocessing saw training + validation rows
        int[] all = Rows.concat(p.split().train(), p.split().validation());
        assertThat(r.model().metadata().features().get(0).center()).isWithin(1e-9).of(mean(irisColumn(0), all));
        assertThat(r.model().metadata().features().get(0).center())
                .isNotWithin(1e-6).of(mean(irisColumn(0), p.split().train()));
        assertThat(r.model().network()).isSameInstanceAs(runs.models.get(1).network());
        Map<String, Double> onTest = r.model().evaluate(p.data(), p.split().test())[0].metrics();
        assertThat(r.metrics().get("log_loss")).isWithin(1e-9).of(onTest.get("log_loss"));
        // the report keeps the monitored learning curve
        assertThat(r.report().history().get(0).validationLoss()).isNotNaN();
    }

    @Test
    void retrainAfterEarlyStoppingRunsTheBestNumberOfEpochs() {
        Runs runs = new Runs();
        ModelDefinition def = TrainingFixtures.iris(new Adam(0.05))
                .protocol(new HoldoutProtocol(0.2, 0.2, true, true, true)).fit(new FitSettings(60, 16, 3))
                .earlyStopping(new EarlyStopping(Metric.LOSS, 3, 0, true)).build();
        TrainingResult r = Trainer.train(def, quiet().listener(runs));
        assertThat(runs.epochs).hasSize(2);
        int best = r.report().training().bestEpoch();
        assertThat(best).isAtLeast(1);
        assertThat(runs.epochs.get(0).size()).isAtLeast(best);
        assertThat(runs.epochs.get(1)).hasSize(best);
        assertThat(r.report().training().retrained()).isTrue();
        assertThat(r.report().training().epochsRun()).isEqualTo(best);
        assertThat(r.model().metadata().history()).hasSize(runs.epochs.get(0).size()); // the monitored curve
    }

    @Test
    void retrainReplaysTheLearningRateScheduleOfTheMonitoredRun() {
        // the retrain copies the best epoch count of the monitored run; to reproduce that run it must also
        // see the same rates at each epoch, i.e. the cosine laid over the planned 60 epochs, not squeezed
        // into the best epoch count
        Runs runs = new Runs();
        ModelDefinition def = TrainingFixtures.iris(new Adam(0.05))
                .protocol(new HoldoutProtocol(0.2, 0.2, true, true, true)).fit(new FitSettings(60, 16, 3))
                .learningRate(LearningRate.cosine(0.05, 0.0005))
                .earlyStopping(new EarlyStopping(Metric.LOSS, 3, 0, true)).build();
        TrainingResult r = Trainer.train(def, quiet().listener(runs));
        int best = r.report().training().bestEpoch();
        assertThat(best).isGreaterThan(1);
        assertThat(runs.epochs.get(1)).hasSize(best);
        for (int e = 0; e < best; e++) {
            assertThat(runs.epochs.get(1).get(e).learningRate()).isWithin(1e-12)
                    .of(runs.epochs.get(0).get(e).learningRate());
        }
    }

    @Test
    void theFinalKfoldModelFollowsTheFoldsLearningRateSchedule() {
        Runs runs = new Runs();
        ModelDefinition def = TrainingFixtures.iris(new Adam(0.05)).protocol(new KFoldProtocol(3, 1, true, true, 0))
                .fit(new FitSettings(60, 16, 3)).learningRate(LearningRate.cosine(0.05, 0.0005))
                .earlyStopping(new EarlyStopping(Metric.LOSS, 3, 0, true)).build();
        TrainingResult r = Trainer.train(def, quiet().listener(runs));
        int finalEpochs = r.report().crossValidation().finalEpochs();
        assertThat(finalEpochs).isGreaterThan(1);
        List<Report.Epoch> last = runs.epochs.get(3);
        assertThat(last).hasSize(finalEpochs);
        for (int e = 0; e < finalEpochs; e++) {
            assertThat(last.get(e).learningRate()).isWithin(1e-12)
                    .of(LearningRate.cosine(0.05, 0.0005).at(e, 60));
        }
    }

    @Test
    void withoutRetrainTheModelIsTrainedOnTheTrainingRowsOnly() {
        ModelDefinition def = TrainingFixtures.iris(new Adam(0.02)).fit(new FitSettings(2, 16, 3)).build();
        Trainer.Prepared p = Trainer.prepare(def, quiet());
        TrainingResult r = Trainer.train(def, p, quiet());
        assertThat(r.report().training().retrained()).isFalse();
        assertThat(r.model().metadata().provenance().trainRows()).isEqualTo(p.split().train().length);
        assertThat(r.model().metadata().provenance().validationRows()).isEqualTo(30);
        assertThat(r.model().metadata().features().get(0).center()).isWithin(1e-9)
                .of(mean(irisColumn(0), p.split().train()));
    }

    // ---- another protocol for the same spec

    @Test
    void withProtocolChangesOnlyTheProtocol() {
        ModelDefinition holdout = TrainingFixtures.iris(new Adam(0.02)).threshold(0.5).perCases(250)
                .earlyStopping(new EarlyStopping(Metric.LOSS, 4, 0, true)).build();
        KFoldProtocol k = new KFoldProtocol(4, 1, true, true, 0);
        ModelDefinition cv = holdout.withProtocol(k);
        assertThat(cv.protocol()).isEqualTo(k);
        assertThat(holdout.protocol()).isInstanceOf(HoldoutProtocol.class);
        assertThat(cv.features()).isEqualTo(holdout.features());
        assertThat(cv.label()).isEqualTo(holdout.label());
        assertThat(cv.fit()).isEqualTo(holdout.fit());
        assertThat(cv.earlyStopping()).isEqualTo(holdout.earlyStopping());
        assertThat(cv.perCases()).isEqualTo(250);
        assertThat(cv.newNetwork(4, 1).layers().getLayerWiseConfigurations())
                .isEqualTo(holdout.newNetwork(4, 1).layers().getLayerWiseConfigurations());
        assertThat(cv.data()).isEqualTo(holdout.data());
        // early stopping cannot move to a protocol without validation data
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> holdout.withProtocol(new TemporalProtocol("t", 0, 0.2)));
        assertThat(e).hasMessageThat().contains("has none");
    }

    @Test
    void withProtocolKeepsRegressionTargetStandardization() {
        ModelDefinition regression = DivergenceTest.petalWidth(0.001);
        assertThat(regression.standardizeTargets()).isTrue();
        assertThat(regression.withProtocol(new KFoldProtocol(3, 1, false, true, 0)).standardizeTargets()).isTrue();
    }

    @Test
    void monitoringAMetricTheTaskDoesNotComputeIsRejectedUpFront() {
        // multiclass computes no roc_auc: a hand-built definition should say so when it is built, not fail
        // with a NullPointerException after the first epoch (the processor checks this for specs)
        ModelDefinition.Builder b = TrainingFixtures.iris(new Adam(0.02)).fit(new FitSettings(2, 16, 3))
                .earlyStopping(new EarlyStopping(Metric.ROC_AUC, 3, 0, true));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, b::build);
        assertThat(e).hasMessageThat().contains("roc_auc");
    }

    @Test
    void anOfficialTestSetIsNamedInPlaceOfTheTestFraction() {
        HoldoutProtocol h = new HoldoutProtocol(0.1, 0.2, true, true, false);
        assertThat(h.describeWithTestSet(io.kiln.dsl.Task.MULTICLASS_CLASSIFICATION, "t10k.gz"))
                .isEqualTo("holdout (validation 0.10, test set t10k.gz, stratified, shuffled)");
        assertThat(h.describeWithTestSet(io.kiln.dsl.Task.SCALAR_REGRESSION, "test.csv"))
                .isEqualTo("holdout (validation 0.10, test set test.csv, shuffled)");
        assertThat(h.describe()).isEqualTo("holdout (validation 0.10, test 0.20, stratified, shuffled)");
    }
}
