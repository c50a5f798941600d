package io.kiln.runtime.internal.batch;

import io.kiln.runtime.batch.BatchScorer;
import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code predict --input} streams a file of any size in bounded memory, as {@code score} does: a
 * file whose rows, held whole, would need several times the heap is predicted under a 64 MB heap,
 * to a file and to standard output, with the same bytes as {@code score}.
 */
class PredictMemoryTest {
    @TempDir
    static Path dir;
    static Path trainingCsv;
    static Path model;

    @BeforeAll
    static void train() throws IOException {
        trainingCsv = BatchFixtures.writeRows(dir.resolve("train.csv"), 300, 1);
        model = dir.resolve("species.kiln");
        BatchFixtures.train(BatchFixtures.species(trainingCsv), model);
    }

    private static int child(Path log, String... cli) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m",
                "-Dorg.bytedeco.javacpp.maxPhysicalBytes=0", "-cp", System.getProperty("java.class.path"),
                PredictChild.class.getName(), trainingCsv.toString()));
        command.addAll(List.of(cli));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(false).redirectOutput(log.toFile())
                .redirectError(dir.resolve(log.getFileName() + ".err").toFile());
        pb.environment().put("OMP_NUM_THREADS", "1");
        Process p = pb.start();
        assertWithMessage("predict did not finish in 120 s").that(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return p.exitValue();
    }

    @Test
    void aFileTooLargeToHoldIsPredictedInASmallHeap() throws Exception {
        Path input = BatchFixtures.writeRows(dir.resolve("big.csv"), 600_000, 5);
        Path reference = dir.resolve("reference.csv");
        new BatchScorer(BatchFixtures.species(trainingCsv), model, BatchScorer.Options.defaults()).score(input,
                reference);

        Path output = dir.resolve("predictions.csv");
        int exit = child(dir.resolve("to-file.log"), "predict", "--model", model.toString(), "--input",
                input.toString(), "--output", output.toString());
        assertWithMessage(Files.readString(dir.resolve("to-file.log.err"))).that(exit).isEqualTo(0);
        assertThat(Files.readString(dir.resolve("to-file.log")).trim())
                .isEqualTo("wrote 600000 predictions to " + output);
        assertThat(Files.mismatch(output, reference)).isEqualTo(-1L);

        Path stdout = dir.resolve("to-stdout.log");
        exit = child(stdout, "predict", "--model", model.toString(), "--input", input.toString());
        assertWithMessage(Files.readString(dir.resolve("to-stdout.log.err"))).that(exit).isEqualTo(0);
        assertThat(Files.mismatch(stdout, reference)).isEqualTo(-1L);
    }
}
