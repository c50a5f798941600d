package io.kiln.runtime.internal.batch;

import io.kiln.runtime.batch.BatchScorer;
import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kiln.runtime.KilnModel;
import io.kiln.runtime.TrainOptions;
import io.kiln.runtime.Trainer;
import io.kiln.runtime.TrainingResult;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real full disk: a 512 KB tmpfs mounted for the test (as root, which CI and the development
 * machines are; elsewhere the test is skipped). Saving a model with its reports and scoring a file
 * on it fail with the path and leave what was there intact, and scoring resumes once there is room.
 */
class DiskFullTest {
    @TempDir
    Path dir;
    Path disk;

    @BeforeEach
    void mount() throws Exception {
        disk = Files.createDirectories(dir.resolve("disk"));
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", disk.toString())
                .redirectErrorStream(true).start();
        boolean mounted = p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        Assumptions.assumeTrue(mounted, "cannot mount a tmpfs here (not root)");
    }

    @AfterEach
    void unmount() throws Exception {
        if (disk != null) {
            new ProcessBuilder("umount", disk.toString()).start().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Fills the disk up to {@code free} bytes with a file to delete later. */
    private Path fill(long free) throws IOException {
        FileStore store = Files.getFileStore(disk);
        Path filler = disk.resolve("filler");
        long size = Math.max(0, store.getUsableSpace() - free);
        Files.write(filler, new byte[(int) size]);
        return filler;
    }

    private List<String> names() throws IOException {
        try (Stream<Path> files = Files.list(disk)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aSaveThatRunsOutOfSpaceReplacesNothing() throws IOException {
        Path trainingCsv = BatchFixtures.writeRows(dir.resolve("train.csv"), 200, 1);
        TrainingResult result = Trainer.train(BatchFixtures.species(trainingCsv), TrainOptions.defaults().quiet().references(false));
        Path model = disk.resolve("species.kiln");
        result.save(model); // the run before: model and reports
        byte[] oldModel = Files.readAllBytes(model);
        byte[] oldReport = Files.readAllBytes(TrainingResult.jsonReportFile(model));
        Path filler = fill(20_000); // room for a report, not for all three files

        IOException e = assertThrows(IOException.class, () -> result.save(model));
        assertThat(e).hasMessageThat().startsWith("Cannot write " + disk.toAbsolutePath());
        assertThat(e).hasMessageThat().contains("(nothing was replaced)");
        assertThat(Files.readAllBytes(model)).isEqualTo(oldModel);
        assertThat(Files.readAllBytes(TrainingResult.jsonReportFile(model))).isEqualTo(oldReport);
        assertThat(names()).containsExactly("filler", "species.kiln", "species.report.html",
                "species.report.json").inOrder();
        KilnModel.load(model);
        Files.delete(filler);
    }

    @Test
    void scoringThatRunsOutOfSpaceStopsWithThePathAndResumesOnceThereIsRoom() throws IOException {
        Path trainingCsv = BatchFixtures.writeRows(dir.resolve("train.csv"), 200, 1);
        Path model = BatchFixtures.train(BatchFixtures.species(trainingCsv), dir.resolve("species.kiln"));
        Path input = BatchFixtures.writeRows(dir.resolve("in.csv"), 6_000, 3);
        Path reference = dir.resolve("reference.csv");
        // a commit after every chunk, so the rows before the disk filled up are kept
        BatchScorer.Options options = BatchScorer.Options.defaults().batchSize(500)
                .checkpointInterval(java.time.Duration.ZERO);
        new BatchScorer(BatchFixtures.species(trainingCsv), model, options).score(input, reference);
        assertThat(Files.size(reference)).isLessThan(Files.getFileStore(disk).getUsableSpace() / 2);
        Path filler = fill(Files.size(reference) / 2); // room for half the scores

        Path output = disk.resolve("scores.csv");
        IOException e = assertThrows(IOException.class,
                () -> new BatchScorer(BatchFixtures.species(trainingCsv), model, options).score(input, output));
        assertThat(e).hasMessageThat().contains(disk.toAbsolutePath().toString());
        assertThat(Files.exists(output)).isFalse();

        Files.delete(filler);
        BatchScorer.Summary s = new BatchScorer(BatchFixtures.species(trainingCsv), model, options).score(input, output);
        assertThat(s.resumedRows()).isGreaterThan(0L);
        assertThat(Files.mismatch(output, reference)).isEqualTo(-1L);
    }
}
