package io.kiln.examples.distill;

import static com.google.common.truth.Truth.assertThat;

import io.kiln.runtime.KilnModel;
import io.kiln.runtime.ModelMetadata;
import io.kiln.runtime.Predictions;
import io.kiln.runtime.Report;
import io.kiln.runtime.TrainOptions;
import io.kiln.runtime.Trainer;
import io.kiln.runtime.TrainingResult;
import io.kiln.runtime.internal.data.CsvTable;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distillation and ensemble examples on the bundled digits: a 64-16-10 student beside its
 * 64-256-256-10 teacher and the same student trained on the labels alone; the 5 fold models of the
 * digits network averaged, against each of them on the same test rows; a student of that ensemble.
 */
class DistillationExampleTest {
    @TempDir Path dir;

    static Map<String, Report.Compared> byRole(TrainingResult r, String evaluatedOn) {
        return r.report().compared().stream().filter(c -> c.evaluatedOn().equals(evaluatedOn))
                .collect(Collectors.toMap(Report.Compared::role, c -> c, (a, b) -> a, java.util.LinkedHashMap::new));
    }

    @Test
    void theStudentIsReportedBesideItsTeacherAndItsHardOnlyTwin() throws Exception {
        TrainingResult r = DigitsStudentTrainer.train(TrainOptions.defaults().quiet().references(false));
        Map<String, Report.Compared> c = byRole(r, "test");
        assertThat(c.keySet()).containsExactly("teacher", "student", "hard-only student").inOrder();
        // 539 test rows (30% of 1797); the majority class gets about 0.10
        assertThat(r.report().data().testRows()).isEqualTo(539);
        assertThat(r.baselineMetrics().get("accuracy")).isLessThan(0.15);
        assertThat(c.get("teacher").metrics().get("accuracy")).isAtLeast(0.97);
        assertThat(c.get("student").metrics().get("accuracy")).isAtLeast(0.94);
        assertThat(c.get("hard-only student").metrics().get("accuracy")).isAtLeast(0.92);
        // 64·256 + 256 + 256·256 + 256 + 256·10 + 10 against 64·16 + 16 + 16·10 + 10
        assertThat(c.get("teacher").parameters()).isEqualTo(85_002);
        assertThat(c.get("student").parameters()).isEqualTo(1_210);
        assertThat(c.get("teacher").fileBytes()).isGreaterThan(20 * c.get("student").fileBytes());
        assertThat(c.get("teacher").latencyMillis()).isGreaterThan(c.get("student").latencyMillis());
        ModelMetadata.DistillationProvenance p = r.model().metadata().provenance().distillation();
        assertThat(p.teacher()).isEqualTo("digits-teacher");
        assertThat(p.teacherSpec()).isEqualTo(DigitsTeacher.class.getName());
        assertThat(p.temperature()).isEqualTo(4.0);
        assertThat(p.alpha()).isEqualTo(0.5);
        // the typed predictor reads the saved student as any model
        Path file = dir.resolve("student.kiln");
        r.save(file);
        double[] pixels = new double[64]; // a blank image: whatever the student says of it, the predictor says too
        Predictions direct = KilnModel.load(file).predict(new Object[][] {java.util.Arrays.stream(pixels).boxed()
                .toArray()});
        assertThat(DigitsStudentPredictor.load(file).predict(new DigitsStudentPredictor.Input(pixels)).probabilities())
                .isEqualTo(direct.probabilities(0));
    }

    @Test
    void theFoldModelsAveragedScoreAtLeastTheirMeanOnTheSameTestRows() throws Exception {
        TrainingResult r = DigitsFoldEnsembleTrainer.train(TrainOptions.defaults().quiet().references(false));
        Map<String, Report.Compared> c = byRole(r, "test");
        assertThat(c.keySet()).containsExactly("ensemble", "member 1", "member 2", "member 3", "member 4", "member 5")
                .inOrder();
        double ensemble = c.get("ensemble").metrics().get("accuracy");
        double meanMember = c.values().stream().filter(x -> x.role().startsWith("member "))
                .mapToDouble(x -> x.metrics().get("accuracy")).average().orElseThrow();
        assertThat(ensemble).isEqualTo(r.metrics().get("accuracy"));
        assertThat(ensemble).isAtLeast(meanMember);
        assertThat(ensemble).isAtLeast(0.96);
        assertThat(r.model().metadata().provenance().ensemble())
                .isEqualTo(new ModelMetadata.EnsembleProvenance("FOLDS", 5, List.of()));
        assertThat(c.get("ensemble").parameters()).isEqualTo(5 * c.get("member 1").parameters());
        // one model file, which predicts, evaluates and explains itself as any other
        Path file = dir.resolve("ensemble.kiln");
        r.save(file);
        KilnModel back = KilnModel.load(file);
        String[] row = CsvTable.read(io.kiln.runtime.CsvSource.resource(DigitsFoldEnsemble.class,
                "/io/kiln/examples/digits/digits.csv")).rows().get(0).cells();
        Object[] pixels = new Object[64];
        for (int i = 0; i < 64; i++) {
            pixels[i] = Double.parseDouble(row[i]);
        }
        Predictions p = back.predict(new Object[][] {pixels});
        assertThat(p.classIndex(0)).isEqualTo(0); // the first row is a 0
        // the typed predictor of the spec
        DigitsFoldEnsemblePredictor.Input input = new DigitsFoldEnsemblePredictor.Input(
                java.util.Arrays.stream(pixels).mapToDouble(v -> (Double) v).toArray());
        assertThat(DigitsFoldEnsemblePredictor.load(file).predict(input).probabilities())
                .isEqualTo(p.probabilities(0));
        // served: TensorFlow Serving's :predict with the 64 pixel columns by name
        io.kiln.runtime.serve.KilnServer server = io.kiln.runtime.serve.KilnServer.start(
                io.kiln.runtime.serve.ServerConfig.builder().port(0).shutdownSeconds(5).build(), null, List.of(file),
                line -> { });
        try {
            StringBuilder body = new StringBuilder("{\"instances\":[{");
            List<String> names = back.metadata().features().stream().map(f -> f.name()).toList();
            for (int i = 0; i < 64; i++) {
                body.append(i == 0 ? "" : ",").append('"').append(names.get(i)).append("\":").append(pixels[i]);
            }
            body.append("}]}");
            var response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + server.port() + "/v1/models/digits-fold-ensemble:predict"))
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains("\"0\"");
        } finally {
            server.close();
        }
        assertThat(back.metadata().provenance().ensemble().count()).isEqualTo(5);
        assertThat(back.metadata().training()).isNotNull();
    }

    @Test
    void aStudentOfTheFoldEnsembleIsReportedBesideIt() {
        TrainingResult r = DigitsEnsembleStudentTrainer.train(TrainOptions.defaults().quiet().references(false));
        Map<String, Report.Compared> c = byRole(r, "test");
        assertThat(c.keySet()).containsExactly("teacher", "student", "hard-only student").inOrder();
        // the teacher is the average of 5 fold models, 5 × (64·64 + 64 + 64·10 + 10) weights
        assertThat(c.get("teacher").parameters()).isEqualTo(5 * 4_810);
        assertThat(c.get("teacher").metrics().get("accuracy")).isAtLeast(0.96);
        assertThat(c.get("student").metrics().get("accuracy")).isAtLeast(0.93);
        assertThat(r.model().metadata().provenance().distillation().teacher()).isEqualTo("digits-fold-ensemble");
    }
}
