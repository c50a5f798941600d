package io.kiln.runtime.internal.model;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Atomic writes: never a part of a file, nothing left behind, several files replaced together or not at all. */
class AtomicFilesTest {
    @TempDir
    Path dir;

    private static String read(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.UTF_8);
    }

    /**
     * A writer killed mid-save leaves its temporary file. The JVM is process 1 in every container, so
     * the next run has the same process id: its write must neither trip over that file nor leave it.
     */
    @Test
    void aTemporaryFileOfAKilledWriterIsRemovedOnceStale() throws IOException {
        Path model = dir.resolve("digits.kiln");
        Path killed = dir.resolve(".digits.kiln.1-1.tmp");
        Files.writeString(killed, "half a model");
        Files.setLastModifiedTime(killed, FileTime.from(Instant.now().minus(AtomicFiles.STALE).minusSeconds(60)));
        Path live = dir.resolve(".digits.kiln.7-abc-3.tmp"); // another process writing right now
        Files.writeString(live, "being written");

        AtomicFiles.write(model, "model".getBytes(StandardCharsets.UTF_8));

        assertThat(read(model)).isEqualTo("model");
        assertThat(Files.exists(killed)).isFalse();
        assertThat(Files.exists(live)).isTrue();
    }

    @Test
    void aTemporaryNameThatExistsIsSkipped() throws IOException {
        Path model = dir.resolve("iris.kiln");
        Path taken = AtomicFiles.nextTemporaryName(model);
        Files.writeString(taken, "someone else's");
        AtomicFiles.write(model, "new".getBytes(StandardCharsets.UTF_8));
        assertThat(read(model)).isEqualTo("new");
        assertThat(read(taken)).isEqualTo("someone else's");
    }

    @Test
    void temporaryNamesDifferBetweenProcessesWithTheSameId() {
        // the name carries a token drawn once per process besides the process id
        String name = AtomicFiles.nextTemporaryName(dir.resolve("m.kiln")).getFileName().toString();
        assertThat(name).matches("\\.m\\.kiln\\.[0-9]+-[0-9a-z]+-[0-9]+\\.tmp");
    }

    /** A full disk while writing the last file of a model and its reports replaces none of them. */
    @Test
    void aFailedWriteReplacesNoneOfTheFiles() throws IOException {
        Path report = dir.resolve("digits.report.json");
        Path model = dir.resolve("digits.kiln");
        Files.writeString(report, "old report");
        Files.writeString(model, "old model");
        Map<Path, AtomicFiles.Content> files = new LinkedHashMap<>();
        files.put(report, out -> out.write("new report".getBytes(StandardCharsets.UTF_8)));
        files.put(model, out -> {
            out.write("half".getBytes(StandardCharsets.UTF_8));
            throw new IOException("No space left on device");
        });
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.writeAll(files));
        assertThat(e).hasMessageThat().isEqualTo("Cannot write " + model.toAbsolutePath()
                + " (nothing was replaced): No space left on device");
        assertThat(read(report)).isEqualTo("old report");
        assertThat(read(model)).isEqualTo("old model");
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString()).toList())
                    .containsExactly("digits.report.json", "digits.kiln");
        }
    }

    @Test
    void allFilesAreReplacedWhenEveryWriteSucceeds() throws IOException {
        Path report = dir.resolve("digits.report.json");
        Path model = dir.resolve("digits.kiln");
        Map<Path, AtomicFiles.Content> files = new LinkedHashMap<>();
        files.put(report, out -> out.write("report".getBytes(StandardCharsets.UTF_8)));
        files.put(model, out -> out.write("model".getBytes(StandardCharsets.UTF_8)));
        AtomicFiles.writeAll(files);
        assertThat(read(report)).isEqualTo("report");
        assertThat(read(model)).isEqualTo("model");
    }
}
