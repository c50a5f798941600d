package io.kiln.runtime;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import io.kiln.runtime.serve.ModelStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Continuous learning killed with -9 at random moments (the first champion's training, a batch's
 * scoring, a challenger's training, its publication, the commit) and restarted, five times, ends with the
 * same per-batch log and the same published models as a run never interrupted; and the store holds a
 * complete champion after every kill.
 */
class LearnerKillTest {
    @TempDir
    Path dir;

    /** Ten batches of 50 iris rows, the last six with two species' labels swapped. */
    static void inbox(Path inbox) throws IOException {
        List<String[]> rows = LearnerFixtures.rows(23, 500);
        for (int b = 0; b < 10; b++) {
            LearnerFixtures.batch(inbox, String.format("b%02d.csv", b), rows.subList(50 * b, 50 * b + 50),
                    b < 4 ? UnaryOperator.identity() : LearnerFixtures::swapped);
        }
    }

    private Process start(Path run, int attempt) throws IOException {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-Dorg.bytedeco.javacpp.maxPhysicalBytes=0", "-cp", System.getProperty("java.class.path"),
                LearnChild.class.getName(), run.resolve("inbox").toString(), run.resolve("work").toString(),
                run.resolve("store").toString());
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(run.resolve("child-" + attempt + ".log").toFile());
        pb.environment().put("OMP_NUM_THREADS", "1");
        return pb.start();
    }

    private String output(Path run, int attempt) throws IOException {
        Path f = run.resolve("child-" + attempt + ".log");
        return Files.exists(f) ? Files.readString(f) : "";
    }

    @Test
    void killedFiveTimesItEndsWithTheSameLogAndModelsAsAnUninterruptedRun() throws Exception {
        Path calm = dir.resolve("calm");
        inbox(calm.resolve("inbox"));
        Process p = start(calm, 0);
        assertWithMessage("uninterrupted run").that(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        assertWithMessage(output(calm, 0)).that(output(calm, 0)).contains("done");

        Path killed = dir.resolve("killed");
        inbox(killed.resolve("inbox"));
        Random random = new Random(Long.getLong("kiln.kill.seed", System.nanoTime()));
        List<String> when = new ArrayList<>();
        for (int kill = 1; kill <= 5; kill++) {
            Process child = start(killed, kill);
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                // the first kills land anywhere from the JVM's start on (the first champion's training, its
                // publication), the others once the learning has begun
                String mark = kill <= 2 ? "opening" : "opened";
                while (!output(killed, kill).contains(mark)) {
                    assertWithMessage("the child died:\n%s", output(killed, kill)).that(child.isAlive()).isTrue();
                    assertThat(System.nanoTime()).isLessThan(deadline);
                    Thread.sleep(10);
                }
                long delay = kill <= 2 ? 300 + random.nextInt(3000) : random.nextInt(2500);
                Thread.sleep(delay);
                String out = output(killed, kill);
                String[] lines = out.strip().split("\n");
                when.add(delay + " ms after " + lines[lines.length - 1] + (child.isAlive() ? "" : " (exited first)"));
            } finally {
                child.destroyForcibly();
                child.waitFor();
            }
            // after every kill the store holds only complete models
            ModelStore store = new ModelStore(killed.resolve("store"));
            for (long v : store.versions("iris")) {
                KilnModel.load(store.file("iris", v));
            }
        }
        Process last = start(killed, 6);
        assertWithMessage("final run").that(last.waitFor(300, TimeUnit.SECONDS)).isTrue();
        assertWithMessage(output(killed, 6)).that(output(killed, 6)).contains("done");

        String kills = "kills after " + when;
        System.out.println(kills);
        List<Learner.Entry> expected = log(calm);
        List<Learner.Entry> actual = log(killed);
        assertWithMessage(kills).that(actual).isEqualTo(expected);
        assertWithMessage("some retraining was published").that(expected.stream()
                .anyMatch(e -> e.decision() != null && e.decision().accepted())).isTrue();
        ModelStore a = new ModelStore(calm.resolve("store"));
        ModelStore b = new ModelStore(killed.resolve("store"));
        assertWithMessage(kills).that(b.versions("iris")).isEqualTo(a.versions("iris"));
        for (long v : a.versions("iris")) {
            KilnModel x = KilnModel.load(a.file("iris", v));
            KilnModel y = KilnModel.load(b.file("iris", v));
            assertWithMessage("version %s weights; %s", v, kills).that(y.network().params().toFloatVector())
                    .isEqualTo(x.network().params().toFloatVector());
            assertWithMessage("version %s metrics", v).that(y.metadata().testMetrics())
                    .isEqualTo(x.metadata().testMetrics());
        }
    }

    private static List<Learner.Entry> log(Path run) throws IOException {
        List<Learner.Entry> entries = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("work").resolve(Learner.LOG), StandardCharsets.UTF_8)) {
            entries.add(Learner.JSON.readValue(line, Learner.Entry.class).untimed());
        }
        return entries;
    }
}
