package io.kiln.runtime;

import static com.google.common.truth.Truth.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kiln.dsl.Missing;
import io.kiln.dsl.Scaling;
import io.kiln.dsl.Task;
import io.kiln.runtime.internal.report.HtmlReport;
import io.kiln.runtime.internal.report.Reports;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The reference models (a linear model and gradient-boosted trees) trained beside the network on
 * the same features, rows and folds, in the console, the JSON and the HTML report.
 */
class ReferenceModelsTest {
    @TempDir Path dir;

    /** No progress; the reference models on, as by default. */
    static TrainOptions quiet() {
        return TrainOptions.defaults().quiet();
    }

    static String printed(TrainingResult r) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        r.print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void kfoldReferencesUseTheNetworksFoldsAndBeatTheMajorityClass() throws Exception {
        ModelDefinition def = TrainingFixtures.iris(new Adam(0.05)).protocol(new KFoldProtocol(3, 1, true, true, 0))
                .fit(new FitSettings(15, 16, 3)).build();
        TrainingResult r = Trainer.train(def, quiet());
        Report report = r.report();
        assertThat(report.referencesSkipped()).isNull();
        assertThat(report.references().stream().map(Report.Reference::name).toList())
                .containsExactly("logistic regression", "gradient-boosted trees").inOrder();
        int heldOut = report.crossValidation().folds().stream().mapToInt(Report.Fold::validationRows).sum();
        for (Report.Reference ref : report.references()) {
            assertThat(ref.evaluatedOn()).isEqualTo("cross-validation");
            assertThat(ref.folds()).isEqualTo(report.crossValidation().folds().size());
            assertThat(ref.rows()).isEqualTo(heldOut);
            assertThat(ref.metrics().keySet()).containsExactlyElementsIn(report.crossValidation().mean().keySet());
            assertThat(ref.std()).isNotNull();
            assertThat(ref.metrics().get("accuracy"))
                    .isGreaterThan(report.crossValidation().baselineMean().get("accuracy") + 0.4);
        }
        String console = printed(r);
        assertThat(console).contains("logistic regression");
        assertThat(console).contains("gradient-boosted trees");

        // JSON round trip, and the HTML table
        Path model = dir.resolve("iris.kiln");
        r.save(model);
        Report read = KilnModel.JSON.readValue(TrainingResult.jsonReportFile(model).toFile(), Report.class);
        assertThat(read.references()).hasSize(2);
        assertThat(read.references().get(0).metrics()).isEqualTo(report.references().get(0).metrics());
        String html = HtmlReport.render(report);
        assertThat(html).contains("id=\"references\"");
        assertThat(html).contains("gradient-boosted trees");
    }

    @Test
    void holdoutReferencesScoreTheNetworksTestRows() throws Exception {
        Path csv = TrainingFixtures.writeVirginicaCsv(dir.resolve("virginica.csv"));
        ModelDefinition def = TrainingFixtures.virginica(new Adam(0.05), csv)
                .protocol(new HoldoutProtocol(0.2, 0.2, true, true)).fit(new FitSettings(10, 16, 3)).build();
        TrainingResult r = Trainer.train(def, quiet());
        Report report = r.report();
        assertThat(report.references()).hasSize(2);
        for (Report.Reference ref : report.references()) {
            assertThat(ref.evaluatedOn()).isEqualTo("test");
            assertThat(ref.rows()).isEqualTo(report.data().testRows());
            assertThat(ref.folds()).isEqualTo(0);
            assertThat(ref.std()).isNull();
            assertThat(ref.metrics().keySet()).containsExactlyElementsIn(report.metrics().keySet());
            assertThat(ref.metrics().get("accuracy")).isGreaterThan(report.baseline().get("accuracy") + 0.15);
        }
    }

    /** Regression on iris: petal width from the other three measurements (R² of a linear fit is about 0.93). */
    @Test
    void regressionReferencesAreLinearRegressionAndTrees() throws Exception {
        ModelDefinition.Builder b = ModelDefinition.builder("petals", Task.SCALAR_REGRESSION)
                .data(CsvSource.resource(ReferenceModelsTest.class, "iris.csv"));
        for (String c : TrainingFixtures.IRIS_FEATURES.subList(0, 3)) {
            b.feature(FeatureSchema.numeric(c, c, Scaling.STANDARDIZE, Missing.MEAN, ""));
        }
        ModelDefinition def = b.label(new LabelSchema("petal_width", LabelCoding.VALUES, List.of("petal_width_cm"),
                        List.of()))
                .protocol(new HoldoutProtocol(0.2, 0.2, false, true)).fit(new FitSettings(10, 16, 3))
                .network((n, seed) -> TrainingFixtures.mlp(n, seed, new Adam(0.01), 8, 1, Activation.IDENTITY,
                        LossFunctions.LossFunction.MSE))
                .build();
        Report report = Trainer.train(def, quiet()).report();
        assertThat(report.references().stream().map(Report.Reference::name).toList())
                .containsExactly("linear regression", "gradient-boosted trees").inOrder();
        assertThat(report.references().get(0).metrics().get("r2")).isGreaterThan(0.85);
        assertThat(report.references().get(1).metrics().get("r2")).isGreaterThan(0.8);
        assertThat(report.references().get(0).rows()).isEqualTo(report.data().testRows());
    }

    @Test
    void aReferenceThatBeatsTheNetworkIsSaidPlainly() {
        // a network that cannot learn in the epochs it has: a learning rate a million times too small
        ModelDefinition def = TrainingFixtures.iris(new Adam(1e-7)).protocol(new HoldoutProtocol(0.2, 0.2, true, true))
                .fit(new FitSettings(3, 16, 3)).build();
        TrainingResult r = Trainer.train(def, quiet());
        Report.Reference linear = r.report().references().get(0);
        assertThat(linear.finding()).startsWith("A linear model (logistic regression) scores ");
        assertThat(linear.finding()).contains("against the network's");
        assertThat(linear.finding()).contains("on the same test rows");
        assertThat(printed(r)).contains(linear.finding());
        assertThat(HtmlReport.render(r.report())).contains("against the network&#39;s");
    }

    @Test
    void theFindingIsOnlyWrittenWhenTheReferenceIsClearlyBetter() {
        assertThat(Reports.referenceFinding("logistic regression", "accuracy", 0.777, 0.760, "cross-validation"))
                .isEqualTo("A linear model (logistic regression) scores 0.777 against the network's 0.760 on the "
                        + "same folds (accuracy): consider fewer layers or fewer units.");
        assertThat(Reports.referenceFinding("logistic regression", "accuracy", 0.760, 0.777, "cross-validation"))
                .isNull();
        assertThat(Reports.referenceFinding("logistic regression", "accuracy", 0.760, 0.760, "test")).isNull();
        assertThat(Reports.referenceFinding("gradient-boosted trees", "r2", 0.91, 0.80, "test"))
                .startsWith("Gradient-boosted trees score 0.910 against the network's 0.800 on the same test rows");
        assertThat(Reports.referenceFinding("gradient-boosted trees", "rmse", 0.5, 0.8, "test")).isNotNull();
        assertThat(Reports.referenceFinding("gradient-boosted trees", "rmse", 0.8, 0.5, "test")).isNull();
        // across folds, within the network's standard error is noise
        assertThat(Reports.referenceFinding("logistic regression", "accuracy", 0.958, 0.953, "cross-validation",
                0.047 / Math.sqrt(15))).isNull();
    }

    @Test
    void aReferenceThatFailsIsLeftOutWithoutFailingTheNetwork() {
        // unscaled features: the linear model diverges at its learning rate, the network and the trees do not
        TrainingResult r = Trainer.train(DivergenceTest.petalWidth(0.001), quiet());
        assertThat(r.report().references().stream().map(Report.Reference::name).toList())
                .containsExactly("gradient-boosted trees");
        assertThat(r.report().referencesSkipped()).startsWith("linear regression failed: Training diverged");
        assertThat(printed(r)).contains("reference models: linear regression failed");
    }

    @Test
    void referencesCanBeTurnedOff() {
        ModelDefinition def = TrainingFixtures.iris(new Adam(0.05)).fit(new FitSettings(2, 16, 3)).build();
        Report report = Trainer.train(def, quiet().references(false)).report();
        assertThat(report.references()).isNull();
        assertThat(report.referencesSkipped()).contains("turned off");
        assertThat(HtmlReport.render(report)).doesNotContain("id=\"references\"");
    }

    @Test
    void theTrainCommandShowsReferencesUnlessTurnedOff() throws Exception {
        ModelDefinition def = TrainingFixtures.iris(new Adam(0.05)).fit(new FitSettings(3, 16, 3)).build();
        for (boolean off : new boolean[] {false, true}) {
            Path model = dir.resolve(off ? "off.kiln" : "on.kiln");
            List<String> args = new java.util.ArrayList<>(List.of("train", "-q", "--model", model.toString()));
            if (off) {
                args.add("--no-references");
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int code = io.kiln.runtime.cli.KilnCli.run(def, new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                    args.toArray(new String[0]));
            assertThat(code).isEqualTo(0);
            String console = out.toString(StandardCharsets.UTF_8);
            Report saved = KilnModel.JSON.readValue(TrainingResult.jsonReportFile(model).toFile(), Report.class);
            if (off) {
                assertThat(console).doesNotContain("logistic regression");
                assertThat(saved.references()).isNull();
                assertThat(saved.referencesSkipped()).contains("turned off");
            } else {
                assertThat(console).contains("logistic regression");
                assertThat(saved.references()).hasSize(2);
            }
        }
    }

    @Test
    void aReportSavedWithoutReferencesStillLoads() throws Exception {
        ModelDefinition def = TrainingFixtures.iris(new Adam(0.05)).fit(new FitSettings(2, 16, 3)).build();
        Report report = Trainer.train(def, quiet().references(false)).report();
        ObjectNode json = KilnModel.JSON.valueToTree(report);
        json.remove("references");
        json.remove("referencesSkipped");
        Report old = KilnModel.JSON.treeToValue(json, Report.class);
        assertThat(old.references()).isNull();
        assertThat(old.referencesSkipped()).isNull();
        assertThat(old.metrics()).isEqualTo(report.metrics());
        assertThat(HtmlReport.render(old)).contains("Metrics");
        assertThat(Map.copyOf(old.baseline())).isEqualTo(Map.copyOf(report.baseline()));
    }

    /** A network that is itself linear is not told to shrink: the gap is in its training. */
    @Test
    void aLinearNetworkBeatenByTheLinearReferenceIsToldAboutItsTraining() {
        String finding = io.kiln.runtime.internal.report.Reports.referenceFinding("logistic regression", "accuracy",
                0.90, 0.80, "test", 0.005, true);
        assertThat(finding).contains("the network is itself linear, so the gap is in its training");
        assertThat(finding).doesNotContain("fewer layers");
        org.deeplearning4j.nn.multilayer.MultiLayerNetwork mlp = new org.deeplearning4j.nn.multilayer.MultiLayerNetwork(
                TrainingFixtures.mlp(4, 1, new org.nd4j.linalg.learning.config.Adam(), 8, 3,
                        org.nd4j.linalg.activations.Activation.SOFTMAX,
                        org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction.MCXENT));
        mlp.init();
        assertThat(Trainer.weightedLayers(new Network.Layers(mlp))).isEqualTo(2); // one hidden layer and the output
    }
}
