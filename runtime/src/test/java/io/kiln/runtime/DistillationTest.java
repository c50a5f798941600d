package io.kiln.runtime;

import static com.google.common.truth.Truth.assertThat;
import static io.kiln.runtime.TrainingFixtures.iris;
import static io.kiln.runtime.TrainingFixtures.quiet;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kiln.dsl.Members;
import io.kiln.runtime.internal.data.Rows;
import io.kiln.runtime.internal.preprocess.FeatureTransform;
import io.kiln.runtime.internal.train.EpochProgress;
import io.kiln.runtime.internal.train.Run;
import io.kiln.runtime.internal.train.Teachers;
import io.kiln.runtime.internal.train.Units;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/**
 * Distillation and ensembles in the training run: the teacher trains on the student's training rows
 * alone, a teacher file is checked against the student and the rows it is scored on, the saved
 * student is scored by its plain loss, and an ensemble of seeds is cross-validated as a whole.
 */
class DistillationTest {
    @TempDir Path dir;

    static ModelDefinition teacher() {
        return iris(new Adam(0.01)).fit(new FitSettings(30, 16, 5))
                .protocol(new HoldoutProtocol(0, 0.3, true, true, false)).build();
    }

    static ModelDefinition.Builder student() {
        return iris(new Adam(0.01)).fit(new FitSettings(30, 16, 5))
                .protocol(new HoldoutProtocol(0, 0.3, true, true, false));
    }

    @Test
    void theTeacherTrainsOnTheStudentsTrainingRowsAlone() {
        ModelDefinition def = student().distillation(Distillation.of(teacher(), 2, 0.5, true)).build();
        Trainer.Prepared p = Trainer.prepare(def, quiet());
        Units units = Teachers.units(def, p.data(), p.source(), null, p.split(), false, p.data().size(), null);
        int[] train = p.split().train();
        Run run = units.fit(train, new int[0], def.fit(), 3, EpochProgress.NONE);
        // the teacher's scaling was fitted on the training rows: their mean, not all rows'
        FeatureTransform first = run.companions().teacher().model().metadata().features().get(0);
        double[] column = TrainingFixtures.irisColumn(0);
        assertThat(first.center()).isWithin(1e-9).of(TrainingFixtures.mean(column, train));
        assertThat(first.center()).isNotWithin(1e-3).of(Arrays.stream(column).average().orElseThrow());
        assertThat(run.companions().hardOnly()).isNotNull();
        assertThat(run.companions().members()).isEmpty();
        assertThat(run.history()).hasSize(3); // the student's own epochs; the teacher trained its 30
    }

    @Test
    void aTeacherThatStopsEarlyWatchesRowsOfItsOwnDrawnFromTheTrainingRows() {
        ModelDefinition watching = iris(new Adam(0.01)).fit(new FitSettings(30, 16, 5))
                .protocol(new HoldoutProtocol(0.2, 0.3, true, true, false))
                .earlyStopping(new EarlyStopping(io.kiln.dsl.Metric.LOSS, 5, 0, true)).build();
        ModelDefinition def = student().protocol(new HoldoutProtocol(0.2, 0.3, true, true, false))
                .distillation(Distillation.of(watching, 2, 0.5, false)).build();
        Trainer.Prepared p = Trainer.prepare(def, quiet());
        Units units = Teachers.units(def, p.data(), p.source(), null, p.split(), false, p.data().size(), null);
        int[] train = p.split().train();
        Run run = units.fit(train, p.split().validation(), def.fit(), 2, EpochProgress.NONE);
        // it trained on nine tenths of the student's training rows and watched the other tenth, never the
        // student's validation rows
        int[] own = io.kiln.runtime.internal.train.CrossValidation.monitored(watching, p.data(),
                new io.kiln.runtime.internal.data.Splits.Fold(train, new int[0]), 5, 0).train();
        assertThat(own.length).isLessThan(train.length);
        FeatureTransform first = run.companions().teacher().model().metadata().features().get(0);
        assertThat(first.center()).isWithin(1e-9).of(TrainingFixtures.mean(TrainingFixtures.irisColumn(0), own));
    }

    @Test
    void theReportSetsTeacherStudentAndHardOnlyStudentSideBySide() throws Exception {
        ModelDefinition def = student().distillation(Distillation.of(teacher(), 2, 0.5, true)).build();
        TrainingResult r = Trainer.train(def, quiet());
        List<Report.Compared> compared = r.report().compared();
        assertThat(compared.stream().map(Report.Compared::role).toList())
                .containsExactly("teacher", "student", "hard-only student").inOrder();
        for (Report.Compared c : compared) {
            assertThat(c.evaluatedOn()).isEqualTo("test");
            assertThat(c.metrics().get("accuracy")).isAtLeast(0.8);
            assertThat(c.parameters()).isEqualTo(4 * 16 + 16 + 16 * 3 + 3);
            assertThat(c.fileBytes()).isGreaterThan(1000L);
            assertThat(c.latencyMillis()).isGreaterThan(0.0);
        }
        assertThat(compared.get(1).metrics()).isEqualTo(r.metrics()); // the student is the deployed model
        assertThat(r.model().metadata().provenance().distillation())
                .isEqualTo(new ModelMetadata.DistillationProvenance("iris", null, null, 2, 0.5));
        // the saved student trains and scores by its plain loss; its file loads as any model
        Path file = dir.resolve("student.kiln");
        r.model().save(file);
        assertThat(compared.get(1).fileBytes()).isEqualTo(Files.size(file)); // the deployed model: the saved file
        KilnModel back = KilnModel.load(file);
        assertThat(((BaseOutputLayer) back.network().outputLayer()).getLossFn()).isInstanceOf(LossMCXENT.class);
        assertThat(back.metadata().provenance().distillation().temperature()).isEqualTo(2.0);
        assertThat(io.kiln.runtime.internal.report.Reports.compared(r.report())).contains("hard-only student");
        String html = io.kiln.runtime.internal.report.HtmlReport.render(r.report());
        assertThat(html).contains("<h2>Compared models</h2>");
        assertThat(html).contains("<td>hard-only student</td>");
        assertThat(html).contains("<dt>distilled</dt>");
    }

    @Test
    void aTeacherFileTrainedOnTheRowsTheStudentIsScoredOnIsRefused() throws Exception {
        // the teacher's 70/30 split of seed 5: its test rows are the student's when the student splits alike
        TrainingResult teacher = Trainer.train(teacher(), quiet());
        Path file = dir.resolve("teacher.kiln");
        teacher.save(file);
        TrainingResult alike = Trainer.train(student().distillation(Distillation.file(file.toString(), 2, 0.5,
                false)).build(), quiet());
        assertThat(alike.report().compared().stream().map(Report.Compared::role).toList())
                .containsExactly("teacher", "student").inOrder();
        // another seed splits otherwise: some of the student's test rows trained the teacher
        ModelDefinition other = student().fit(new FitSettings(30, 16, 6))
                .distillation(Distillation.file(file.toString(), 2, 0.5, false)).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Trainer.train(other, quiet()));
        assertThat(e).hasMessageThat().contains("[kiln.distill-teacher-saw]");
        assertThat(e).hasMessageThat().contains("of the 45 rows 'iris' is scored on");
    }

    @Test
    void aTeacherFileMustPredictTheSameClassesFromColumnsTheStudentReads() throws Exception {
        Path file = dir.resolve("teacher.kiln");
        Trainer.train(teacher(), quiet()).save(file);
        // a student of other class names
        ModelDefinition renamed = student().label(new LabelSchema("species", LabelCoding.INDEX, List.of("label"),
                List.of("a", "b", "c"))).distillation(Distillation.file(file.toString(), 2, 0.5, false)).build();
        assertThat(assertThrows(IllegalArgumentException.class, () -> Trainer.train(renamed, quiet())))
                .hasMessageThat().contains("[kiln.distill-classes]");
        // a student that does not read one of the teacher's columns
        ModelDefinition.Builder fewer = ModelDefinition.builder("iris", io.kiln.dsl.Task.MULTICLASS_CLASSIFICATION)
                .data(CsvSource.resource(TrainingFixtures.class, "iris.csv"));
        for (String c : TrainingFixtures.IRIS_FEATURES.subList(0, 3)) {
            fewer.feature(FeatureSchema.numeric(c, c, io.kiln.dsl.Scaling.STANDARDIZE, io.kiln.dsl.Missing.MEAN, ""));
        }
        ModelDefinition three = fewer.label(new LabelSchema("species", LabelCoding.INDEX, List.of("label"),
                TrainingFixtures.SPECIES)).outputActivationIsIdentity(false)
                .network((n, seed) -> TrainingFixtures.mlp(n, seed, new Adam(0.01), 8, 3,
                        org.nd4j.linalg.activations.Activation.SOFTMAX,
                        org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction.MCXENT))
                .distillation(Distillation.file(file.toString(), 2, 0.5, false)).build();
        assertThat(assertThrows(IllegalArgumentException.class, () -> Trainer.train(three, quiet())))
                .hasMessageThat().contains("[kiln.distill-input] The teacher '" + file + "' reads column "
                        + "'petal_width_cm' as NUMERIC, which 'iris' does not read");
    }

    @Test
    void aMissingOrBrokenTeacherFileIsNamedAndNothingIsSaved() throws Exception {
        Path missing = dir.resolve("none.kiln");
        ModelDefinition def = student().distillation(Distillation.file(missing.toString(), 2, 0.5, false)).build();
        assertThat(assertThrows(IllegalArgumentException.class, () -> Trainer.train(def, quiet())))
                .hasMessageThat().contains("[kiln.distill-file] The teacher model file " + missing + " does not exist");
        Path truncated = dir.resolve("cut.kiln");
        Trainer.train(teacher(), quiet()).model().save(truncated);
        byte[] bytes = Files.readAllBytes(truncated);
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length / 2));
        ModelDefinition cut = student().distillation(Distillation.file(truncated.toString(), 2, 0.5, false)).build();
        assertThat(assertThrows(IllegalArgumentException.class, () -> Trainer.train(cut, quiet())))
                .hasMessageThat().contains("[kiln.distill-file] The teacher model file " + truncated
                        + " cannot be read as a Kiln model");
        assertThat(Files.list(dir).map(f -> f.getFileName().toString()).toList()).containsExactly("cut.kiln");
    }

    @Test
    void anEnsembleOfSeedsIsCrossValidatedAsAWhole() {
        ModelDefinition def = student().protocol(new KFoldProtocol(3, 1, true, true, 0))
                .ensemble(new Ensemble(Members.SEEDS, 2)).build();
        TrainingResult r = Trainer.train(def, quiet().seed(9));
        List<Report.Compared> compared = r.report().compared();
        assertThat(compared.stream().map(Report.Compared::role).toList())
                .containsExactly("ensemble", "member 1", "member 2").inOrder();
        for (Report.Compared c : compared) {
            assertThat(c.evaluatedOn()).isEqualTo("cross-validation");
            assertThat(c.scorings()).isEqualTo(3);
            assertThat(c.std()).isNotNull();
        }
        // the folds' scores are the ensemble's
        assertThat(compared.get(0).metrics()).isEqualTo(r.report().crossValidation().mean());
        assertThat(compared.get(0).parameters()).isEqualTo(2 * (4 * 16 + 16 + 16 * 3 + 3));
        assertThat(r.model().metadata().provenance().ensemble())
                .isEqualTo(new ModelMetadata.EnsembleProvenance("SEEDS", 2, List.of(9L, 10L))); // --seed 9
        assertThat(r.model().network()).isInstanceOf(Network.Graph.class);
    }

    @Test
    void aDistilledEnsembleOfFoldModelsComparesItsTeachersFoldByFold() {
        ModelDefinition def = student().protocol(new KFoldProtocol(3, 1, true, true, 0.3))
                .ensemble(new Ensemble(Members.FOLDS, 0)).distillation(Distillation.of(teacher(), 2, 0.5, true))
                .build();
        TrainingResult r = Trainer.train(def, quiet());
        List<String> onTest = r.report().compared().stream().filter(c -> c.evaluatedOn().equals("test"))
                .map(Report.Compared::role).toList();
        List<String> onFolds = r.report().compared().stream().filter(c -> c.evaluatedOn().equals("cross-validation"))
                .map(Report.Compared::role).toList();
        // each fold model learnt from its own teacher: no single teacher stands beside the average on the test rows
        assertThat(onTest).containsExactly("ensemble", "member 1", "member 2", "member 3").inOrder();
        assertThat(onFolds).containsExactly("teacher", "student", "hard-only student").inOrder();
    }

    @Test
    void aTeacherFileTrainedOnTheStudentsTestFileIsRefused() throws Exception {
        List<String> lines = java.nio.file.Files.readAllLines(java.nio.file.Path.of(getClass()
                .getResource("iris.csv").toURI()));
        List<String> head = new java.util.ArrayList<>(List.of(lines.get(0)));
        List<String> tail = new java.util.ArrayList<>(List.of(lines.get(0)));
        for (int i = 1; i < lines.size(); i++) {
            (i % 4 == 0 ? tail : head).add(lines.get(i));
        }
        Path data = TrainingFixtures.write(dir.resolve("data.csv"), head);
        Path test = TrainingFixtures.write(dir.resolve("test.csv"), tail);
        Path file = dir.resolve("teacher.kiln");
        Trainer.train(iris(new Adam(0.01), CsvSource.file(test), io.kiln.dsl.Scaling.STANDARDIZE)
                .fit(new FitSettings(5, 16, 5)).build(), quiet()).model().save(file);
        ModelDefinition def = iris(new Adam(0.01), CsvSource.file(data), io.kiln.dsl.Scaling.STANDARDIZE)
                .testData(CsvSource.file(test)).protocol(new HoldoutProtocol(0.2, 0, true, true, false))
                .distillation(Distillation.file(file.toString(), 2, 0.5, false)).build();
        assertThat(assertThrows(IllegalArgumentException.class, () -> Trainer.train(def, quiet())))
                .hasMessageThat().contains("[kiln.distill-teacher-saw] The teacher " + file + " was trained on "
                        + test);
    }

    /** Iris petal width from the other three measurements: a regression of {@code hidden} ReLU units. */
    static ModelDefinition.Builder petalWidth(int hidden) {
        ModelDefinition.Builder b = ModelDefinition.builder("petal-width", io.kiln.dsl.Task.SCALAR_REGRESSION)
                .data(CsvSource.resource(TrainingFixtures.class, "iris.csv"));
        for (String c : TrainingFixtures.IRIS_FEATURES.subList(0, 3)) {
            b.feature(FeatureSchema.numeric(c, c, io.kiln.dsl.Scaling.STANDARDIZE, io.kiln.dsl.Missing.MEAN, ""));
        }
        return b.label(new LabelSchema("width", LabelCoding.VALUES, List.of("petal_width_cm"), List.of()))
                .fit(new FitSettings(60, 16, 5)).protocol(new HoldoutProtocol(0, 0.3, false, true, false))
                .network((n, seed) -> TrainingFixtures.mlp(n, seed, new Adam(0.01), hidden, 1,
                        org.nd4j.linalg.activations.Activation.IDENTITY,
                        org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction.MSE));
    }

    @Test
    void aRegressionStudentLearnsFromItsTeachersValues() {
        ModelDefinition def = petalWidth(4).distillation(Distillation.of(petalWidth(32).build(), 4, 0.5, true)).build();
        TrainingResult r = Trainer.train(def, quiet());
        List<Report.Compared> compared = r.report().compared();
        assertThat(compared.stream().map(Report.Compared::role).toList())
                .containsExactly("teacher", "student", "hard-only student").inOrder();
        for (Report.Compared c : compared) {
            assertThat(c.metrics().get("r2")).isAtLeast(0.85); // the mean predictor scores 0
        }
        assertThat(r.baselineMetrics().get("r2")).isLessThan(0.05);
        // nothing to soften: the loss ran at T = 1, and the model file says so (the declared default was 4)
        assertThat(r.model().metadata().provenance().distillation().temperature()).isEqualTo(1.0);
        assertThat(((BaseOutputLayer) r.model().network().outputLayer()).getLossFn())
                .isInstanceOf(org.nd4j.linalg.lossfunctions.impl.LossMSE.class);
    }

    @Test
    void anEnsembleOfFoldModelsNeedsKFoldWithATestSet() {
        assertThat(assertThrows(IllegalArgumentException.class, () -> student()
                .ensemble(new Ensemble(Members.FOLDS, 0)).build())).hasMessageThat()
                .contains("[kiln.ensemble-one-model]");
        assertThat(assertThrows(IllegalArgumentException.class, () -> student()
                .protocol(new KFoldProtocol(3, 1, true, true, 0)).ensemble(new Ensemble(Members.FOLDS, 0)).build()))
                .hasMessageThat().contains("[kiln.ensemble-folds-test]");
        assertThat(assertThrows(IllegalArgumentException.class, () -> new Ensemble(Members.SEEDS, 1)))
                .hasMessageThat().contains("[kiln.ensemble-seeds]");
    }
}
