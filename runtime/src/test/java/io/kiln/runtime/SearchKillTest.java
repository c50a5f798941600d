package io.kiln.runtime;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A search killed with -9 at random moments (while trials train on two threads, between them, during the
 * ablation) and restarted, four times, finishes with the same trial table and the same winner as a search
 * never interrupted, and no finished training ran twice.
 */
class SearchKillTest {
    @TempDir
    Path dir;

    private Process start(Path data, Path run, int attempt) throws IOException {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-Dorg.bytedeco.javacpp.maxPhysicalBytes=0", "-cp", System.getProperty("java.class.path"),
                SearchChild.class.getName(), data.toString(), run.resolve("work").toString());
        Files.createDirectories(run);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(run.resolve("child-" + attempt + ".log").toFile());
        pb.environment().put("OMP_NUM_THREADS", "1");
        return pb.start();
    }

    private static String output(Path run, int attempt) throws IOException {
        Path f = run.resolve("child-" + attempt + ".log");
        return Files.exists(f) ? Files.readString(f) : "";
    }

    /** The table's trials without their timings. */
    private static List<String> table(Path run) throws IOException {
        JsonNode json = new ObjectMapper().readTree(run.resolve("work").resolve(Search.TABLE_JSON).toFile());
        List<String> rows = new ArrayList<>();
        for (JsonNode t : json.path("trials")) {
            ((ObjectNode) t).remove("seconds");
            rows.add(t.toString());
        }
        rows.add("winner " + json.path("winner").path("configuration").asInt());
        return rows;
    }

    @Test
    void killedFourTimesItFinishesWithTheSameTrialTable() throws Exception {
        Path data = SearchFixtures.irisCsv(dir.resolve("iris.csv"));
        Path calm = dir.resolve("calm");
        Process p = start(data, calm, 0);
        assertWithMessage("uninterrupted run").that(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        assertWithMessage(output(calm, 0)).that(output(calm, 0)).contains("done");

        Path killed = dir.resolve("killed");
        Random random = new Random(Long.getLong("kiln.kill.seed", System.nanoTime()));
        List<String> when = new ArrayList<>();
        int trainedBeforeLast = 0;
        for (int kill = 1; kill <= 4; kill++) {
            Process child = start(data, killed, kill);
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (!output(killed, kill).contains("started")) {
                    assertWithMessage("the child died:\n%s", output(killed, kill)).that(child.isAlive()).isTrue();
                    assertThat(System.nanoTime()).isLessThan(deadline);
                    Thread.sleep(10);
                }
                long delay = 1500 + random.nextInt(2500);
                Thread.sleep(delay);
                String[] out = output(killed, kill).strip().split("\n");
                when.add(delay + " ms after '" + out[out.length - 1] + "'" + (child.isAlive() ? "" : " (exited first)"));
            } finally {
                child.destroyForcibly();
                child.waitFor();
            }
            Path journal = killed.resolve("work").resolve(Search.JOURNAL);
            trainedBeforeLast = Files.exists(journal) ? (int) Files.readAllLines(journal).stream()
                    .filter(l -> l.startsWith("{\"stage\"")).count() : 0;
        }
        Process last = start(data, killed, 5);
        assertWithMessage("final run").that(last.waitFor(300, TimeUnit.SECONDS)).isTrue();
        String finalOutput = output(killed, 5);
        assertWithMessage(finalOutput).that(finalOutput).contains("done");
        String kills = "kills " + when;
        System.out.println(kills);
        assertWithMessage(kills).that(table(killed)).isEqualTo(table(calm));
        // the last run trained only what the journal did not hold: 12 trainings in all
        long ranLast = finalOutput.lines().filter(l -> l.contains("trial ") && l.contains("configuration ")).count();
        assertWithMessage(kills + "\n" + finalOutput).that(ranLast).isEqualTo(12 - trainedBeforeLast);
    }
}
