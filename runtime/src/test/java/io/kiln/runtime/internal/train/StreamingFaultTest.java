package io.kiln.runtime.internal.train;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kiln.runtime.KilnModel;
import io.kiln.runtime.ModelDefinition;
import io.kiln.runtime.Trainer;
import io.kiln.runtime.TrainingFixtures;
import io.kiln.runtime.cli.KilnCli;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What goes wrong around a streamed training's directory of encoded rows: a full disk, a directory
 * that cannot be made, a training killed mid-epoch. Each is a clear error or a clean-up, and a
 * model saved before stays as it was.
 */
class StreamingFaultTest {
    @TempDir
    Path dir;

    private static List<String> names(Path d) throws IOException {
        try (Stream<Path> files = Files.list(d)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    private Path mountTmpfs(Path at, String size) throws Exception {
        Files.createDirectories(at);
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", at.toString())
                .redirectErrorStream(true).start();
        boolean mounted = p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        Assumptions.assumeTrue(mounted, "cannot mount a tmpfs here (not root)");
        return at;
    }

    private static void unmount(Path at) throws Exception {
        new ProcessBuilder("umount", at.toString()).start().waitFor(10, TimeUnit.SECONDS);
    }

    @Test
    void aDiskWithoutRoomIsRefusedBeforeEncodingAndTheSavedModelStays() throws Exception {
        ModelDefinition def = StreamingTest.digits(StreamingTest.DIGITS_CSV).build();
        Path model = dir.resolve("digits.kiln");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(KilnCli.run(def, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), "train", "--model", model.toString(), "--stream",
                "--no-references", "-q")).isEqualTo(0);
        byte[] saved = Files.readAllBytes(model);
        Path disk = mountTmpfs(dir.resolve("disk"), "512k");
        try {
            err.reset();
            int exit = TrainingFixtures.withProperty(Streaming.DIR_PROPERTY, disk.toString(), () -> KilnCli.run(def,
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true,
                            StandardCharsets.UTF_8), "train", "--model", model.toString(), "--stream", "-q"));
            String message = err.toString(StandardCharsets.UTF_8);
            assertThat(exit).isEqualTo(1);
            // digits: 2 x ~1260 training rows and ~540 others at 336 bytes a row
            assertThat(message).containsMatch("error: Streaming training needs about 1\\.0 MB for its encoded rows "
                    + "\\(twice the training rows, and the validation and test rows, at 336 bytes a row\\) and "
                    + ".*disk has 0\\.5 MB free\\. Free space there or set -Dkiln.stream.dir to a disk with room\\.");
            assertThat(names(disk)).isEmpty();
            assertThat(Files.readAllBytes(model)).isEqualTo(saved);
        } finally {
            unmount(disk);
        }
    }

    @Test
    void aWriteToAFullDiskNamesTheFile() throws Exception {
        Path disk = mountTmpfs(dir.resolve("disk"), "64k");
        try {
            IOException e = assertThrows(IOException.class, () -> {
                try (ShuffleBuckets b = new ShuffleBuckets(disk, 2, 1024, 1)) {
                    byte[] row = new byte[1024];
                    for (int i = 0; i < 200; i++) {
                        b.add(row, 0);
                    }
                    b.seal();
                }
            });
            assertThat(e).hasMessageThat().matches("Cannot write .*/disk/bucket-0-[01]\\.bin: No space left on device");
        } finally {
            unmount(disk);
        }
    }

    @Test
    void aDirectoryThatCannotBeMadeIsAClearError() throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-directory"), "x");
        ModelDefinition def = StreamingTest.digits(StreamingTest.DIGITS_CSV).build();
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> TrainingFixtures.withProperty(
                Streaming.DIR_PROPERTY, file.resolve("spill").toString(), () -> Trainer.train(def,
                        StreamingTest.streamed())));
        assertThat(e.getCause()).hasMessageThat().startsWith("Cannot create a directory for the encoded rows under "
                + file.resolve("spill") + ": ");
        assertThat(e.getCause()).hasMessageThat().endsWith(". Set -Dkiln.stream.dir to a writable directory.");
    }

    @Test
    void aKilledTrainingKeepsTheSavedModelAndItsRowsAreRemovedByTheNextOne() throws Exception {
        Path csv = StreamingMemoryTest.jitteredDigits(dir.resolve("digits-big.csv"), 120, 5);
        Path spill = Files.createDirectories(dir.resolve("spill"));
        Path model = dir.resolve("digits.kiln");
        ModelDefinition def = StreamingTest.digits(StreamingTest.DIGITS_CSV).build();
        assertThat(KilnCli.run(def, new PrintStream(new ByteArrayOutputStream()), new PrintStream(
                new ByteArrayOutputStream()), "train", "--model", model.toString(), "--no-references", "-q"))
                .isEqualTo(0);
        byte[] saved = Files.readAllBytes(model);

        Path err = dir.resolve("child.err");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "--add-modules=jdk.incubator.vector", "-Dkiln.stream.dir=" + spill, "-cp",
                System.getProperty("java.class.path"), StreamChild.class.getName(), csv.toString(), "train",
                "--model", model.toString(), "--stream", "--every-epoch", "--no-references")
                .redirectOutput(dir.resolve("child.out").toFile()).redirectError(err.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!Files.readString(err).contains("encoded ") && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertWithMessage(Files.readString(err)).that(p.isAlive()).isTrue();
        p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);

        // the model saved before is whole; the killed run's rows are still on disk
        assertThat(Files.readAllBytes(model)).isEqualTo(saved);
        KilnModel.load(model);
        assertThat(names(spill)).containsExactly(Streaming.DIR_PREFIX + p.pid() + "-"
                + names(spill).get(0).substring((Streaming.DIR_PREFIX + p.pid() + "-").length()));
        // another process's directory while it runs stays, as does what is not a training's
        Path live = Files.createDirectories(spill.resolve(Streaming.DIR_PREFIX + ProcessHandle.current().parent()
                .orElseThrow().pid() + "-live"));
        Path other = Files.createDirectories(spill.resolve(Streaming.DIR_PREFIX + "notes"));
        Files.write(live.resolve("bucket-0-0.bin"), ByteBuffer.allocate(8).array());

        TrainingFixtures.withProperty(Streaming.DIR_PROPERTY, spill.toString(), () -> Trainer.train(def,
                StreamingTest.streamed()));
        assertThat(names(spill)).containsExactly(live.getFileName().toString(), other.getFileName().toString());
    }
}
