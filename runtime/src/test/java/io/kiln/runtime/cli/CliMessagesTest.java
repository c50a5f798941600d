package io.kiln.runtime.cli;

import static com.google.common.truth.Truth.assertThat;

import io.kiln.dsl.Missing;
import io.kiln.dsl.Scaling;
import io.kiln.dsl.Task;
import io.kiln.runtime.CsvSource;
import io.kiln.runtime.Distillation;
import io.kiln.runtime.FeatureSchema;
import io.kiln.runtime.FitSettings;
import io.kiln.runtime.HoldoutProtocol;
import io.kiln.runtime.LabelCoding;
import io.kiln.runtime.LabelSchema;
import io.kiln.runtime.ModelDefinition;
import io.kiln.runtime.TrainingFixtures;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** What the command line tells the user: notices, warnings, summaries and errors. */
class CliMessagesTest {
    @TempDir Path dir;

    record Run(int code, String out, String err) {}

    static Run run(ModelDefinition def, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = KilnCli.run(def, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), args);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    Path write(String name, List<String> lines) throws Exception {
        return Files.write(dir.resolve(name), lines);
    }

    /** 40 rows of x, y, z; the test file's first row copies training line 5 (row 3). */
    ModelDefinition.Builder withTestFile(Missing zMissing) throws Exception {
        List<String> train = new ArrayList<>(List.of("x,y,z,label"));
        for (int i = 0; i < 40; i++) {
            train.add(i + "," + (i * 7 % 11) + "," + (i % 5) + "," + (i % 2 == 0));
        }
        List<String> test = new ArrayList<>(List.of("x,y,z,label", "3,10,3,false"));
        for (int i = 100; i < 109; i++) {
            test.add(i + "," + (i * 7 % 11) + "," + (i % 5) + "," + (i % 2 == 0));
        }
        return ModelDefinition.builder("msgs", Task.BINARY_CLASSIFICATION)
                .data(CsvSource.file(write("train.csv", train)))
                .testData(CsvSource.file(write("test.csv", test)))
                .feature(FeatureSchema.numeric("x", "x", Scaling.STANDARDIZE, Missing.MEAN, ""))
                .feature(FeatureSchema.numeric("y", "y", Scaling.STANDARDIZE, Missing.MEDIAN, ""))
                .feature(FeatureSchema.numeric("z", "z", Scaling.STANDARDIZE, zMissing, ""))
                .label(new LabelSchema("label", LabelCoding.BOOLEAN, List.of("label"), List.of("no", "yes")))
                .protocol(new HoldoutProtocol(0.2, 0, false, false))
                .fit(new FitSettings(1, 16, 3)).outputActivationIsIdentity(false)
                .network((n, seed) -> TrainingFixtures.mlp(n, seed, new Adam(0.01), 4, 1, Activation.SIGMOID,
                        LossFunctions.LossFunction.XENT));
    }

    @Test
    void teacherNamesTheTeacherFileOfADistilledSpecOnly() throws Exception {
        // a binary teacher trained on other rows of the same columns
        List<String> other = new ArrayList<>(List.of("x,y,z,label"));
        for (int i = 200; i < 240; i++) {
            other.add(i + "," + (i * 7 % 11) + "," + (i % 5) + "," + (i % 2 == 0));
        }
        CsvSource otherData = CsvSource.file(write("other.csv", other));
        Path teacher = dir.resolve("teacher.kiln");
        ModelDefinition plain = withTestFile(Missing.MEAN).build();
        assertThat(run(plain.withData(otherData, null).withProtocol(new HoldoutProtocol(0.2, 0.2, false, false)),
                "train", "-q", "--model", teacher.toString()).code())
                .isEqualTo(0);
        Run refused = run(plain, "train", "-q", "--teacher", teacher.toString());
        assertThat(refused.code()).isNotEqualTo(0);
        assertThat(refused.err()).contains("Model 'msgs' declares no @Distillation, so --teacher has nothing to name. "
                + "Remove --teacher.");
        ModelDefinition student = plain.withDistillation(Distillation.file("models/none.kiln", 2, 0.5, true));
        Run r = run(student, "train", "-q", "--model", dir.resolve("s.kiln").toString(), "--teacher",
                teacher.toString());
        assertThat(r.code()).isEqualTo(0);
        assertThat(r.out()).contains("distil   from " + teacher + ", T = 2, alpha = 0.5; the same student on the "
                + "labels alone beside it");
        assertThat(r.out()).containsMatch("teacher +[0-9.]+ +21 "); // 3·4 + 4 + 4 + 1 weights
        assertThat(r.out()).containsMatch("hard-only student +[0-9.]+ +21 ");
    }

    @Test
    void theDataSummaryShowsTheTrainingAndTestFilesApart() throws Exception {
        Run r = run(withTestFile(Missing.MEAN).build(), "train", "-q", "--model", dir.resolve("m.kiln").toString());
        assertThat(r.code()).isEqualTo(0);
        assertThat(r.out()).containsMatch("data +\\S*train\\.csv: 40 rows, sha256 \\w+");
        assertThat(r.out()).containsMatch("test file +\\S*test\\.csv: 10 rows");
        assertThat(r.out()).doesNotContain("50 rows");
    }

    @Test
    void duplicatesNameEachLinesFileAndArePrintedOnce() throws Exception {
        Run r = run(withTestFile(Missing.MEAN).build(), "train", "--model", dir.resolve("m.kiln").toString());
        assertThat(r.code()).isEqualTo(0);
        String all = r.out() + r.err();
        String warning = "have the same feature values";
        assertThat(all.indexOf(warning)).isAtLeast(0);
        assertThat(all.indexOf(warning)).isEqualTo(all.lastIndexOf(warning));
        assertThat(all).containsMatch("line 2 of \\S*test\\.csv = line 5 of \\S*train\\.csv");
        assertThat(all).containsMatch("Remove duplicate rows from \\S*train\\.csv and \\S*test\\.csv");
    }

    @Test
    void predictSaysWhichFeaturesWereNotGivenAndHowTheyAreFilled() throws Exception {
        ModelDefinition def = withTestFile(Missing.MEAN).build();
        Path model = dir.resolve("m.kiln");
        assertThat(run(def, "train", "-q", "--model", model.toString()).code()).isEqualTo(0);
        Run r = run(def, "predict", "--model", model.toString(), "x=3");
        assertThat(r.code()).isEqualTo(0);
        assertThat(r.err()).contains("2 of 3 features not given");
        assertThat(r.err()).containsMatch("y \\(median [-0-9.]+\\)");
        assertThat(r.err()).containsMatch("z \\(mean [-0-9.]+\\)");
        assertThat(r.out()).startsWith("line,label,");
        Run all = run(def, "predict", "--model", model.toString(), "x=3", "y=1", "z=2");
        assertThat(all.err()).isEmpty();
    }

    @Test
    void predictRefusesAnOmittedFeatureWhoseMissingStrategyIsError() throws Exception {
        ModelDefinition def = withTestFile(Missing.ERROR).build();
        Path model = dir.resolve("m.kiln");
        assertThat(run(def, "train", "-q", "--model", model.toString()).code()).isEqualTo(0);
        Run r = run(def, "predict", "--model", model.toString(), "x=3", "y=1");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("error: 'z' not given");
        assertThat(r.err()).contains("missing = ERROR");
        assertThat(r.err()).contains("z=VALUE");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void anUnexpectedErrorIsOneLineWithoutAStackTrace() throws Exception {
        ModelDefinition def = withTestFile(Missing.MEAN)
                .network((n, seed) -> {
                    throw new IllegalStateException("the network factory broke");
                }).build();
        Run r = run(def, "train", "-q", "--model", dir.resolve("m.kiln").toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("error: ");
        assertThat(r.err()).contains("the network factory broke");
        assertThat(r.err()).doesNotContain("\tat ");
        assertThat(r.err().strip().lines().count()).isAtMost(2);
        assertThat(r.err()).contains("-Dkiln.stacktrace=true");
    }

    @Test
    void aDataErrorIsOneLine() throws Exception {
        ModelDefinition def = withTestFile(Missing.MEAN).build();
        Run r = run(def, "train", "--data", dir.resolve("absent.csv").toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().strip().lines().count()).isEqualTo(1);
        assertThat(r.err()).startsWith("error: ");
    }

    @Test
    void trainOnThreadsSavesTheModelAndRefusesNoThreads() throws Exception {
        ModelDefinition def = withTestFile(Missing.MEAN).build();
        Path model = dir.resolve("threads.kiln");
        Run ok = run(def, "train", "--threads", "2", "--model", model.toString(), "--quiet", "--no-references");
        assertThat(ok.err()).doesNotContain("error:");
        assertThat(ok.code()).isEqualTo(0);
        assertThat(Files.exists(model)).isTrue();
        Run bad = run(def, "train", "--threads", "0");
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.err()).contains("--threads must be positive");
    }

    /** Each metric of the printed test metrics table with its baseline value (the table's last column). */
    static List<String> baselineColumn(String out) {
        List<String> lines = out.lines().toList();
        int start = lines.indexOf(lines.stream().filter(l -> l.startsWith("metric ")).findFirst().orElseThrow());
        List<String> column = new ArrayList<>();
        for (String l : lines.subList(start + 1, lines.size())) {
            if (l.isBlank()) {
                break;
            }
            String[] cells = l.trim().split(" +");
            column.add(cells[0] + " " + cells[cells.length - 1]);
        }
        return column;
    }

    @Test
    void aStreamedTrainingSummarizesItsDataAsAnInMemoryOneAndSaysWhyItCannotStream() throws Exception {
        // (a threshold above the baseline's constant 0.5: the baseline, the majority class, decides at 0.5
        // whatever the model's threshold, so it predicts the positive class)
        ModelDefinition def = withTestFile(Missing.MEAN).threshold(0.55).build();
        Run streamed = run(def, "train", "--stream", "--model", dir.resolve("s.kiln").toString(), "--quiet");
        Run inMemory = run(def, "train", "--no-stream", "--model", dir.resolve("m.kiln").toString(), "--quiet",
                "--no-references");
        assertThat(streamed.err()).doesNotContain("error:");
        assertThat(streamed.code()).isEqualTo(0);
        List<String> lines = streamed.out().lines().toList();
        assertThat(lines.stream().filter(l -> l.startsWith("data ")).findFirst().orElseThrow()).endsWith(
                ", streamed from disk");
        // an unshuffled split and an official test file: the same rows in the same roles
        for (String start : List.of("data ", "test file ", "protocol ", "split ", "test metrics ")) {
            assertThat(lines.stream().filter(l -> l.startsWith(start)).map(l -> l.replace(", streamed from disk", ""))
                    .toList()).isEqualTo(
                    inMemory.out().lines().filter(l -> l.startsWith(start)).toList());
        }
        assertThat(streamed.out()).contains("reference models: the data was streamed from disk");
        // the test metrics' baseline column (the last): the same rows, the same constant
        assertThat(baselineColumn(streamed.out())).isEqualTo(baselineColumn(inMemory.out()));
        assertThat(baselineColumn(streamed.out())).contains("recall 1.0000");

        Run refused = run(def, "train", "--stream", "--sample", "10");
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.err()).isEqualTo("error: Model 'msgs' cannot train streaming from disk: streaming "
                + "training reads every training row in this JVM: drop --sample and --threads (or the Spark "
                + "workers). Train it in memory instead (without --stream; with a larger -Xmx if the data needs "
                + "it).\n");
    }
}
