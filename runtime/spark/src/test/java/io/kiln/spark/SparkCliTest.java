package io.kiln.spark;

import static com.google.common.truth.Truth.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The {@code kiln-spark score} command: its output, and a clear error and exit code for bad input. */
class SparkCliTest {
    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = SparkCli.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), args);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void scoreWritesTheLocalScorersFilesAndSaysWhatItDid() throws Exception {
        SparkScorerTest.trainAndWriteInputs();
        Path expected = SparkScorerTest.scoreLocally(SparkScorerTest.dir.resolve("cli-local"));
        Path out = SparkScorerTest.dir.resolve("cli-spark");
        Run r = run("score", "--spec", "io.kiln.spark.IrisFixture", "--model", SparkScorerTest.model.toString(),
                "--input", SparkScorerTest.inputs.toString(), "--output", out.toString(), "--master", "local[2]",
                "--on-error", "skip");
        assertThat(r.err()).doesNotContain("error:");
        assertThat(r.code()).isEqualTo(0);
        assertThat(r.out()).contains("scored   339 of 340 rows (1 rejected) in 3 files");
        assertThat(r.out()).contains("rejects  " + out.resolve("c.csv.rejects.csv"));
        SparkScorerTest.assertSameFiles(expected, out);
    }

    @Test
    void trainRunsTheLocalTrainCommandWithTheExecutorsTraining() throws Exception {
        SparkScorerTest.trainAndWriteInputs();
        Path model = SparkScorerTest.dir.resolve("cli-trained.kiln");
        long before = io.kiln.runtime.internal.fast.FastPath.steps();
        SparkTesting.conf(SparkTesting.LOCAL_CLUSTER); // (the executor JVMs' settings, as system properties)
        Run r = run("train", "--spec", "io.kiln.spark.IrisFixture", "--master", SparkTesting.LOCAL_CLUSTER,
                "--workers", "2", "--averaging-frequency", "3", "--", "--model", model.toString(), "--epochs", "25",
                "--quiet", "--no-references");
        assertThat(r.err()).doesNotContain("error:");
        assertThat(r.code()).isEqualTo(0);
        // the local command's own report of the run, and its model file
        assertThat(r.out()).contains("model    iris (MULTICLASS_CLASSIFICATION)");
        assertThat(r.out()).contains("accuracy");
        assertThat(Files.exists(model)).isTrue();
        assertThat(io.kiln.runtime.KilnModel.load(model).metadata().name()).isEqualTo("iris");
        assertThat(io.kiln.runtime.internal.fast.FastPath.steps()).isEqualTo(before); // trained by the executors
    }

    @Test
    void badArgumentsAndMissingFilesAreClearErrors() throws Exception {
        SparkScorerTest.trainAndWriteInputs();
        String model = SparkScorerTest.model.toString();
        Run usage = run("score", "--spec", "io.kiln.spark.IrisFixture", "--model", model, "--input", "in",
                "--output", "out", "--on-error", "ignore");
        assertThat(usage.code()).isEqualTo(2);
        assertThat(usage.err()).contains("--on-error is 'fail' or 'skip', not 'ignore'");
        Run noSpec = run("score", "--spec", "com.acme.Missing", "--model", model, "--input", "in", "--output", "out");
        assertThat(noSpec.code()).isEqualTo(1);
        assertThat(noSpec.err()).contains("error: No generated com.acme.MissingTrainer on the class path");
        Run noInput = run("score", "--spec", "io.kiln.spark.IrisFixture", "--model", model, "--input",
                SparkScorerTest.dir.resolve("nowhere").toString(), "--output", "out", "--master", "local[1]");
        assertThat(noInput.code()).isEqualTo(1);
        assertThat(noInput.err()).contains("error: Input not found: ");
        Run noModel = run("score", "--spec", "io.kiln.spark.IrisFixture", "--model", "missing.kiln", "--input", "in",
                "--output", "out", "--master", "local[1]");
        assertThat(noModel.code()).isEqualTo(1);
        assertThat(noModel.err()).contains("error: Model file not found: ");
        assertThat(Files.exists(Path.of("out"))).isFalse();
    }
}
