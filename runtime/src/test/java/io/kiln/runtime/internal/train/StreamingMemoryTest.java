package io.kiln.runtime.internal.train;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import io.kiln.runtime.KilnModel;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file whose rows, read into memory, would take many times the heap trains under a 64 MB heap:
 * the digits, each copy's pixels jittered by one intensity level, 88 MB of CSV. Left to decide,
 * {@code train} streams it, because the file would take more than 3/4 of the heap in memory.
 */
class StreamingMemoryTest {
    /** Digits rows repeated {@code copies} times, each pixel moved by -1, 0 or +1 (within 0..16). */
    static Path jitteredDigits(Path file, int copies, long seed) throws IOException {
        List<String> lines = Files.readAllLines(StreamingTest.DIGITS_CSV);
        List<int[]> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",");
            int[] row = new int[cells.length];
            for (int c = 0; c < cells.length; c++) {
                row[c] = (int) Double.parseDouble(cells[c]);
            }
            rows.add(row);
        }
        Random random = new Random(seed);
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write(lines.get(0));
            out.write('\n');
            StringBuilder b = new StringBuilder();
            for (int k = 0; k < copies; k++) {
                for (int[] row : rows) {
                    b.setLength(0);
                    for (int c = 0; c < 64; c++) {
                        b.append(Math.max(0, Math.min(16, row[c] + random.nextInt(3) - 1))).append(',');
                    }
                    b.append(row[64]).append('\n');
                    out.append(b);
                }
            }
        }
        return file;
    }

    @Test
    void aFileManyTimesTheHeapTrainsStreamedInA64MbHeap(@TempDir Path dir) throws Exception {
        Path csv = jitteredDigits(dir.resolve("digits-big.csv"), 334, 3);
        assertThat(Files.size(csv)).isGreaterThan(80_000_000L);
        Path model = dir.resolve("digits.kiln");
        Path log = dir.resolve("train.log");
        Path err = dir.resolve("train.err");
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-Dorg.bytedeco.javacpp.maxPhysicalBytes=0", "--add-modules=jdk.incubator.vector",
                "-Dkiln.stream.dir=" + dir, "-cp", System.getProperty("java.class.path"),
                StreamChild.class.getName(), csv.toString(), "train", "--model", model.toString(),
                "--no-references");
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(log.toFile()).redirectError(err.toFile());
        pb.environment().put("OMP_NUM_THREADS", "1");
        Process p = pb.start();
        assertWithMessage("train did not finish in 240 s").that(p.waitFor(240, TimeUnit.SECONDS)).isTrue();
        assertWithMessage(Files.readString(err)).that(p.exitValue()).isEqualTo(0);
        String out = Files.readString(log);
        assertThat(out).contains("data     " + csv + ": 600198 rows, sha256 ");
        assertThat(out).contains("streamed from disk");
        KilnModel trained = KilnModel.load(model);
        // digits classes are balanced: the baseline is about 0.10
        assertThat(trained.metadata().testMetrics().get("accuracy")).isGreaterThan(0.9);
        assertThat(trained.metadata().provenance().rows()).isEqualTo(600198);
        try (var left = Files.list(dir)) { // no encoded rows left behind
            assertThat(left.map(f -> f.getFileName().toString()).filter(f -> f.startsWith("kiln-stream-"))
                    .toList()).isEmpty();
        }
    }
}
