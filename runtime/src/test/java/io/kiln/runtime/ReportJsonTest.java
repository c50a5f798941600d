package io.kiln.runtime;

import static com.google.common.truth.Truth.assertThat;
import static io.kiln.runtime.TrainingFixtures.quiet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kiln.runtime.internal.report.Reports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.learning.config.Adam;

/** TrainingResult.save: the model, and the JSON and HTML reports beside it; binary outcomes and curves. */
class ReportJsonTest {
    @TempDir Path dir;

    /** A strict, standard JSON reader: no NaN tokens, no comments. */
    static final ObjectMapper STRICT = new ObjectMapper();

    static List<String> names(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    static List<String> components(Class<? extends Record> type) {
        return Arrays.stream(type.getRecordComponents()).map(java.lang.reflect.RecordComponent::getName).toList();
    }

    @Test
    void saveWritesTheModelAndBothReports() throws Exception {
        TrainingResult r = Trainer.train(TrainingFixtures.iris(new Adam(0.02)).fit(new FitSettings(5, 16, 3)).build(),
                quiet());
        Path model = dir.resolve("out/iris.kiln");
        List<Path> written = r.save(model);
        Path json = dir.resolve("out/iris.report.json");
        Path html = dir.resolve("out/iris.report.html");
        assertThat(written).containsExactly(json, html).inOrder();
        assertThat(Files.isRegularFile(model)).isTrue();
        assertThat(KilnModel.load(model).metadata().name()).isEqualTo("iris");
        assertThat(Files.readString(html)).contains("iris");
        try (var files = Files.list(dir.resolve("out"))) {
            assertThat(files.map(p -> p.getFileName().toString()).toList())
                    .containsExactly("iris.kiln", "iris.report.json", "iris.report.html");
        }
        // written like the model file: readable by others, not left 0600 by the temporary file
        for (Path p : List.of(model, json, html)) {
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(p)))
                    .isEqualTo("rw-r--r--");
        }

        JsonNode root = STRICT.readTree(json.toFile());
        assertThat(root.get("schema").asText()).isEqualTo("kiln-report/1");
        assertThat(root.get("schema").asText()).isEqualTo(Report.SCHEMA);
        // every documented top-level field is there, in record order (null ones too)
        assertThat(names(root)).containsExactlyElementsIn(components(Report.class)).inOrder();
        assertThat(names(root.get("data"))).containsExactlyElementsIn(components(Report.DataSummary.class));
        assertThat(names(root.get("training"))).containsExactlyElementsIn(components(Report.TrainingSummary.class));
        assertThat(names(root.get("history").get(0))).containsExactlyElementsIn(components(Report.Epoch.class));
        assertThat(names(root.get("diagnosis"))).containsExactlyElementsIn(components(Report.Diagnosis.class));

        assertThat(root.get("model").asText()).isEqualTo("iris");
        assertThat(root.get("task").asText()).isEqualTo("MULTICLASS_CLASSIFICATION");
        assertThat(root.get("protocol").get("type").asText()).isEqualTo("holdout");
        assertThat(root.get("protocol").get("validation").asDouble()).isEqualTo(0.2);
        assertThat(root.get("evaluatedOn").asText()).isEqualTo("test");
        assertThat(root.get("primaryMetric").asText()).isEqualTo("accuracy");
        assertThat(root.get("metrics").get("accuracy").asDouble()).isEqualTo(r.metrics().get("accuracy"));
        assertThat(root.get("baselineName").asText()).isEqualTo("majority class");
        assertThat(root.get("data").get("rows").asInt()).isEqualTo(150);
        assertThat(root.get("data").get("testRows").asInt()).isEqualTo(30);
        assertThat(root.get("data").get("classCounts").get("virginica").asInt()).isEqualTo(50);
        assertThat(root.get("data").get("sha256").asText()).hasLength(64);
        assertThat(root.get("training").get("epochsRun").asInt()).isEqualTo(5);
        assertThat(root.get("history").size()).isEqualTo(5);
        assertThat(root.get("classes").size()).isEqualTo(3);
        assertThat(root.get("confusion").size()).isEqualTo(3);
        assertThat(root.get("crossValidation").isNull()).isTrue();
        assertThat(root.get("outcomes").isNull()).isTrue(); // binary only
        assertThat(root.get("roc").isNull()).isTrue();
        assertThat(root.get("residuals").isNull()).isTrue(); // regression only
        assertThat(root.get("warnings").isArray()).isTrue();
    }

    @Test
    void everyProtocolIsWrittenWithItsTypeAndReadBack() throws Exception {
        for (EvaluationProtocol p : List.of(new HoldoutProtocol(0.1, 0.2, false, true, true),
                new KFoldProtocol(5, 2, false, true, 0.1), new TemporalProtocol("date", 0.15, 0.25))) {
            String text = KilnModel.JSON.writeValueAsString(p);
            JsonNode node = STRICT.readTree(text);
            String type = p instanceof HoldoutProtocol ? "holdout" : p instanceof KFoldProtocol ? "kfold" : "temporal";
            assertThat(node.get("type").asText()).isEqualTo(type);
            assertThat(KilnModel.JSON.readValue(text, EvaluationProtocol.class)).isEqualTo(p);
        }
    }

    @Test
    void aKfoldModelAndReportRoundTrip() throws Exception {
        KFoldProtocol protocol = new KFoldProtocol(3, 1, true, true, 0);
        TrainingResult r = Trainer.train(TrainingFixtures.iris(new Adam(0.02)).protocol(protocol)
                .fit(new FitSettings(2, 16, 3)).build(), quiet());
        Path model = dir.resolve("cv.kiln");
        r.save(model);
        JsonNode root = STRICT.readTree(TrainingResult.jsonReportFile(model).toFile());
        assertThat(root.get("protocol").get("type").asText()).isEqualTo("kfold");
        assertThat(root.get("protocol").get("k").asInt()).isEqualTo(3);
        assertThat(root.get("evaluatedOn").asText()).isEqualTo("cross-validation");
        assertThat(root.get("crossValidation").get("folds").size()).isEqualTo(3);
        assertThat(names(root.get("crossValidation")))
                .containsExactlyElementsIn(components(Report.CrossValidation.class));
        assertThat(names(root.get("crossValidation").get("folds").get(0)))
                .containsExactlyElementsIn(components(Report.Fold.class));
        KilnModel loaded = KilnModel.load(model);
        assertThat(loaded.metadata().provenance().protocol()).isEqualTo(protocol);
        assertThat(loaded.metadata().testMetrics()).isEqualTo(r.metrics());
    }

    @Test
    void aRunWithoutValidationWritesStandardJson() throws Exception {
        // no validation rows: the validation loss of every epoch is NaN, which plain JSON cannot hold as a number
        TrainingResult r = Trainer.train(TrainingFixtures.iris(new Adam(0.02))
                .protocol(new HoldoutProtocol(0, 0.2, true, true)).fit(new FitSettings(2, 16, 3)).build(), quiet());
        Path model = dir.resolve("noval.kiln");
        r.save(model);
        JsonNode root = STRICT.readTree(TrainingResult.jsonReportFile(model).toFile());
        JsonNode loss = root.get("history").get(0).get("validationLoss");
        assertThat(loss.isNumber()).isFalse();
        assertThat(root.get("diagnosis").isNull()).isTrue();
    }

    // ---- binary: outcomes, curves, threshold

    ModelDefinition.Builder virginica() throws Exception {
        return TrainingFixtures.virginica(new Adam(0.01), TrainingFixtures.writeVirginicaCsv(dir.resolve("v.csv")))
                .fit(new FitSettings(6, 16, 3)).perCases(100);
    }

    static double trapezoid(double[] x, double[] y) {
        double area = 0;
        for (int i = 1; i < x.length; i++) {
            area += (x[i] - x[i - 1]) * (y[i] + y[i - 1]) / 2;
        }
        return area;
    }

    @Test
    void binaryOutcomesMatchTheConfusionMatrix() throws Exception {
        TrainingResult r = Trainer.train(virginica().build(), quiet());
        Report report = r.report();
        int[][] cm = report.confusion();
        Report.Outcomes o = report.outcomes();
        assertThat(o).isNotNull();
        assertThat(o.positiveClass()).isEqualTo("virginica");
        assertThat(o.threshold()).isEqualTo(0.5);
        assertThat(o.perCases()).isEqualTo(100);
        assertThat(o.trueNegatives()).isEqualTo(cm[0][0]);
        assertThat(o.falsePositives()).isEqualTo(cm[0][1]);
        assertThat(o.falseNegatives()).isEqualTo(cm[1][0]);
        assertThat(o.truePositives()).isEqualTo(cm[1][1]);
        int n = o.trueNegatives() + o.falsePositives() + o.falseNegatives() + o.truePositives();
        assertThat(n).isEqualTo(30);
        assertThat(o.truePositives() + o.falseNegatives()).isEqualTo(10); // 50 of 150 are virginica
        assertThat(o.falsePositivesPerCases()).isWithin(1e-12).of(o.falsePositives() * 100.0 / n);
        assertThat(o.falseNegativesPerCases()).isWithin(1e-12).of(o.falseNegatives() * 100.0 / n);
        assertThat(o.falsePositiveRate()).isWithin(1e-12)
                .of(o.falsePositives() / (double) (o.falsePositives() + o.trueNegatives()));
        assertThat(o.falseNegativeRate()).isWithin(1e-12).of(1 - r.metrics().get("recall"));
        assertThat(1 - o.falsePositiveRate()).isWithin(1e-12).of(r.metrics().get("specificity"));
        // binary reports have no multiclass extras
        assertThat(report.classes()).containsExactly("other", "virginica").inOrder();
    }

    @Test
    void outcomesReadTheConfusionMatrixRowsTrueColumnsPredicted() {
        // 50 true negatives, 3 false positives, 7 false negatives, 40 true positives
        Report.Outcomes o = Reports.outcomes(new int[][] {{50, 3}, {7, 40}}, 0.3, 1000, "sick");
        assertThat(o.trueNegatives()).isEqualTo(50);
        assertThat(o.falsePositives()).isEqualTo(3);
        assertThat(o.falseNegatives()).isEqualTo(7);
        assertThat(o.truePositives()).isEqualTo(40);
        assertThat(o.falsePositiveRate()).isWithin(1e-12).of(3 / 53.0);
        assertThat(o.falseNegativeRate()).isWithin(1e-12).of(7 / 47.0);
        assertThat(o.falsePositivesPerCases()).isWithin(1e-12).of(30.0);
        assertThat(o.falseNegativesPerCases()).isWithin(1e-12).of(70.0);
        assertThat(o.threshold()).isEqualTo(0.3);
        assertThat(o.positiveClass()).isEqualTo("sick");
    }

    @Test
    void rocAndPrecisionRecallCurvesAgreeWithTheirAreas() throws Exception {
        TrainingResult r = Trainer.train(virginica().build(), quiet());
        Report.Curve roc = r.report().roc();
        int last = roc.x().length - 1;
        assertThat(roc.x()[0]).isEqualTo(0.0);
        assertThat(roc.y()[0]).isEqualTo(0.0);
        assertThat(roc.x()[last]).isWithin(1e-12).of(1.0);
        assertThat(roc.y()[last]).isWithin(1e-12).of(1.0);
        for (int i = 1; i <= last; i++) {
            assertThat(roc.x()[i]).isAtLeast(roc.x()[i - 1]);
            assertThat(roc.y()[i]).isAtLeast(roc.y()[i - 1]);
        }
        assertThat(roc.area()).isWithin(1e-9).of(trapezoid(roc.x(), roc.y()));
        assertThat(roc.area()).isWithin(1e-9).of(r.metrics().get("roc_auc"));
        assertThat(roc.area()).isLessThan(1.0); // an imperfect ranking: the curve is not trivial
        assertThat(roc.area()).isGreaterThan(0.5);

        Report.Curve pr = r.report().precisionRecall();
        assertThat(pr.area()).isWithin(1e-9).of(r.metrics().get("pr_auc"));
        assertThat(pr.x()[pr.x().length - 1]).isWithin(1e-12).of(1.0); // recall reaches 1
        for (int i = 1; i < pr.x().length; i++) {
            assertThat(pr.x()[i]).isAtLeast(pr.x()[i - 1]);
        }
    }

    @Test
    void theThresholdChangesDecisionsButNotTheRanking() throws Exception {
        TrainingResult low = Trainer.train(virginica().threshold(0.1).build(), quiet());
        TrainingResult high = Trainer.train(virginica().threshold(0.9).build(), quiet());
        Report.Outcomes lo = low.report().outcomes();
        Report.Outcomes hi = high.report().outcomes();
        assertThat(lo.threshold()).isEqualTo(0.1);
        assertThat(hi.threshold()).isEqualTo(0.9);
        assertThat(hi.truePositives() + hi.falsePositives()).isLessThan(lo.truePositives() + lo.falsePositives());
        assertThat(hi.falseNegatives()).isAtLeast(lo.falseNegatives());
        assertThat(hi.falsePositives()).isAtMost(lo.falsePositives());
        int[][] cm = low.report().confusion();
        assertThat(lo.falsePositives()).isEqualTo(cm[0][1]);
        assertThat(lo.falseNegatives()).isEqualTo(cm[1][0]);
        assertThat(low.metrics().get("recall")).isWithin(1e-12)
                .of(lo.truePositives() / (double) (lo.truePositives() + lo.falseNegatives()));
        // the same network either way: the ranking metrics agree
        assertThat(high.metrics().get("roc_auc")).isEqualTo(low.metrics().get("roc_auc"));
        assertThat(high.metrics().get("log_loss")).isEqualTo(low.metrics().get("log_loss"));

        // predictions use the model's threshold, also after a save and load
        Object[][] rows = TrainingFixtures.irisRows().stream()
                .map(row -> IntStream.range(0, 4).mapToObj(i -> (Object) Double.parseDouble(row[i])).toArray())
                .toArray(Object[][]::new);
        Path file = dir.resolve("high.kiln");
        high.model().save(file);
        KilnModel loaded = KilnModel.load(file);
        assertThat(loaded.metadata().threshold()).isEqualTo(0.9);
        Predictions pLow = low.model().predict(rows);
        Predictions pHigh = loaded.predict(rows);
        int positivesLow = 0;
        int positivesHigh = 0;
        for (int i = 0; i < rows.length; i++) {
            assertThat(pHigh.probability(i)).isEqualTo(pLow.probability(i));
            positivesLow += pLow.classIndex(i);
            positivesHigh += pHigh.classIndex(i);
            assertThat(pHigh.classIndex(i)).isEqualTo(pHigh.probability(i) >= 0.9 ? 1 : 0);
        }
        assertThat(positivesHigh).isLessThan(positivesLow);
    }

    @Test
    void aRegressionReportHasResidualsInDataUnitsAndNoClassificationParts() throws Exception {
        ModelDefinition def = DivergenceTest.petalWidth(0.001);
        Trainer.Prepared p = Trainer.prepare(def, quiet());
        TrainingResult r = Trainer.train(def, p, quiet());
        Report report = r.report();
        assertThat(report.baselineName()).isEqualTo("mean predictor");
        assertThat(report.primaryMetric()).isEqualTo("r2");
        assertThat(report.classes()).isNull();
        assertThat(report.confusion()).isNull();
        assertThat(report.outcomes()).isNull();
        assertThat(report.roc()).isNull();
        assertThat(report.data().classCounts()).isNull();
        Report.Residuals residuals = report.residuals();
        assertThat(residuals.target()).isEqualTo("petal_width_cm");
        int[] test = p.split().test();
        assertThat(residuals.actual()).hasLength(test.length);
        // the actual values are the test rows' petal widths, the predicted ones the model's, both in cm
        double[] expected = Arrays.stream(test).mapToDouble(i -> TrainingFixtures.irisColumn(3)[i]).sorted().toArray();
        assertThat(Arrays.stream(residuals.actual()).sorted().toArray()).usingExactEquality()
                .containsExactly(expected).inOrder();
        double mse = 0;
        for (int i = 0; i < residuals.actual().length; i++) {
            mse += Math.pow(residuals.predicted()[i] - residuals.actual()[i], 2) / residuals.actual().length;
        }
        assertThat(mse).isWithin(1e-9).of(r.metrics().get("mse"));
        Path model = dir.resolve("petal.kiln");
        r.save(model);
        JsonNode root = STRICT.readTree(TrainingResult.jsonReportFile(model).toFile());
        assertThat(names(root.get("residuals"))).containsExactlyElementsIn(components(Report.Residuals.class));
        assertThat(root.get("residuals").get("predicted").size()).isEqualTo(test.length);
    }
}
