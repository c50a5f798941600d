package io.kiln.runtime;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import io.kiln.runtime.serve.ModelStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kill -9 at random points of saving a trained model with its reports and of publishing it: what
 * is left must always be a loadable model beside parseable reports, and a store whose every version
 * loads and that takes the next publish; a store failing in the middle of continuous learning, and a
 * damaged learning state; a damaged search journal and a search folder that cannot be written. (Batch scoring's kills are in {@code BatchScorerTest}, continuous learning's in
 * {@code LearnerKillTest}, the outcome inbox's in {@code OutcomeInboxTest}.)
 */
class FaultInjectionTest {
    @TempDir
    Path dir;

    @Test
    void killedSavesAndPublishesLeaveLoadableModelsAndAConsistentStore() throws Exception {
        Path csv = ServingFixtures.writeCsv(dir.resolve("flowers.csv"));
        Path model = dir.resolve("models/flowers.kiln");
        Path store = dir.resolve("store");
        Random random = new Random(11);
        for (int kill = 0; kill < 3; kill++) {
            Path log = dir.resolve("child-" + kill + ".log");
            List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx512m", "-Dorg.bytedeco.javacpp.maxPhysicalBytes=0", "-cp",
                    System.getProperty("java.class.path"), SaveChild.class.getName(), csv.toString(), model.toString(),
                    store.toString());
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().put("OMP_NUM_THREADS", "1");
            Process child = pb.start();
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
                while (!Files.exists(log) || !Files.readString(log).contains("saved 2")) {
                    assertWithMessage("the child died:\n%s", Files.exists(log) ? Files.readString(log) : "")
                            .that(child.isAlive()).isTrue();
                    assertWithMessage("no second save after 90 s").that(System.nanoTime()).isLessThan(deadline);
                    Thread.sleep(20);
                }
                Thread.sleep(random.nextInt(300)); // the kill lands anywhere in a save or a publish
            } finally {
                child.destroyForcibly();
                child.waitFor();
            }

            KilnModel loaded = KilnModel.load(model);
            assertThat(loaded.metadata().name()).isEqualTo("flowers");
            JsonNode report = KilnModel.JSON.readTree(TrainingResult.jsonReportFile(model).toFile());
            assertThat(report.isObject()).isTrue();
            assertThat(Files.readString(TrainingResult.htmlReportFile(model))).contains("</html>");
            ModelStore s = new ModelStore(store);
            List<Long> versions = s.versions("flowers");
            assertThat(versions).isNotEmpty();
            for (long v : versions) {
                KilnModel.load(s.file("flowers", v)); // every listed version loads
            }
            assertThat(s.publish(model).version()).isEqualTo(versions.get(versions.size() - 1) + 1);
        }
    }

    @Test
    void aStoreThatFailsMidBatchLeavesTheBatchToBeLearntAgain() throws Exception {
        Path inbox = dir.resolve("inbox");
        List<String[]> rows = LearnerFixtures.rows(3, 150);
        LearnerFixtures.batch(inbox, "a.csv", rows.subList(0, 50), java.util.function.UnaryOperator.identity());
        LearnerFixtures.batch(inbox, "b.csv", rows.subList(50, 150), LearnerFixtures::swapped);
        Learner.Options options = Learner.Options.of(inbox, dir.resolve("work"), dir.resolve("store"))
                .policy(LearnerFixtures.fineTuneEvery(100, 60)).progress(null);
        // version 2's folder cannot be made: a file is in its place
        Path blocker = dir.resolve("store/iris/2");
        try (Learner l = Learner.open(LearnerFixtures.iris(), options)) {
            Files.writeString(blocker, "not a folder");
            assertThrows(java.io.IOException.class, l::step);
            assertThat(l.log()).hasSize(1); // a.csv committed, b.csv not
            // its memory holds b.csv's rows, its state does not: it must be opened again
            IllegalStateException again = assertThrows(IllegalStateException.class, l::step);
            assertThat(again).hasMessageThat().contains("open it again to go on from the last committed batch");
        }
        Files.delete(blocker);
        try (Learner l = Learner.open(LearnerFixtures.iris(), options)) {
            List<Learner.Entry> log = l.step();
            assertThat(log).hasSize(1);
            assertThat(log.get(0).file()).isEqualTo("b.csv");
            assertThat(log.get(0).decision().accepted()).isTrue();
            assertThat(l.log()).hasSize(2);
        }
        assertThat(new ModelStore(dir.resolve("store")).versions("iris")).containsExactly(1L, 2L);
    }

    @Test
    void aDamagedLearningStateIsAClearErrorNotAFreshStart() throws Exception {
        Learner.Options options = Learner.Options.of(dir.resolve("inbox"), dir.resolve("work"), dir.resolve("store"))
                .policy(RetrainPolicy.never()).progress(null);
        LearnerFixtures.batch(dir.resolve("inbox"), "a.csv", LearnerFixtures.rows(1, 20),
                java.util.function.UnaryOperator.identity());
        try (Learner l = Learner.open(LearnerFixtures.iris(), options)) {
            l.step();
        }
        Path log = dir.resolve("work").resolve(Learner.LOG);
        byte[] full = Files.readAllBytes(log);
        Files.write(log, java.util.Arrays.copyOf(full, full.length / 2));
        java.io.IOException shorter = assertThrows(java.io.IOException.class,
                () -> Learner.open(LearnerFixtures.iris(), options));
        assertThat(shorter).hasMessageThat().contains("is shorter than its committed " + full.length + " bytes");
        Files.write(log, full);
        Path state = dir.resolve("work").resolve(Learner.STATE);
        Files.writeString(state, "{\"format\": \"kiln-learn-state/1\", \"model\": ");
        java.io.IOException broken = assertThrows(java.io.IOException.class,
                () -> Learner.open(LearnerFixtures.iris(), options));
        assertThat(broken).hasMessageThat().contains(state + " is not a Kiln learning state");
        assertThat(broken).hasMessageThat().contains("Point --work at the folder the learn command made");
        Files.delete(state); // a state gone, a log left: refused, not started afresh over it
        java.io.IOException missing = assertThrows(java.io.IOException.class,
                () -> Learner.open(LearnerFixtures.iris(), options));
        assertThat(missing).hasMessageThat().contains(state + " is missing, but " + log + " holds a log.");
        assertThat(Files.readAllBytes(log)).isEqualTo(full);
    }

    @Test
    void declaredDataChangedSinceLearningStartedIsRefused() throws Exception {
        List<String> lines = new java.util.ArrayList<>(List.of(LearnerFixtures.HEADER));
        TrainingFixtures.irisRows().forEach(r -> lines.add(String.join(",", r)));
        Path data = TrainingFixtures.write(dir.resolve("iris.csv"), lines);
        ModelDefinition def = TrainingFixtures.iris(new org.nd4j.linalg.learning.config.Adam(0.01),
                CsvSource.file(data), io.kiln.dsl.Scaling.STANDARDIZE).fit(new FitSettings(5, 16, 3)).build();
        Learner.Options options = Learner.Options.of(dir.resolve("inbox"), dir.resolve("work"), dir.resolve("store"))
                .policy(RetrainPolicy.never()).progress(null);
        try (Learner l = Learner.open(def, options)) {
            l.step();
        }
        Files.write(data, lines.subList(0, 100));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Learner.open(def, options));
        assertThat(e).hasMessageThat().contains("The declared data " + data + " changed since learning started");
    }

    @Test
    void aDamagedSearchJournalIsAClearErrorAndIsLeftAsItIs() throws Exception {
        Path csv = SearchFixtures.irisCsv(dir.resolve("iris.csv"));
        Path work = dir.resolve("search");
        SearchSpace space = SearchFixtures.space(CsvSource.file(csv), SearchTest.HOLDOUT,
                io.kiln.dsl.SearchStrategy.GRID, 3, 0);
        Search.run(space, Search.Options.of(work).references(false).retrain(false));
        Path journal = work.resolve(Search.JOURNAL);
        List<String> lines = new ArrayList<>(Files.readAllLines(journal));
        lines.set(3, "{\"stage\":\"search\",\"configur~~~");
        Files.write(journal, lines);
        byte[] damaged = Files.readAllBytes(journal);
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Search.run(space, Search.Options.of(work).references(false).retrain(false)));
        assertThat(e).hasMessageThat().contains("[kiln.search-journal-line] " + journal + ":4 is not a finished trial");
        assertThat(Files.readAllBytes(journal)).isEqualTo(damaged);
        // a damaged header is named too; --restart starts over
        Files.writeString(journal, "not json\n" + lines.get(1) + "\n");
        e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Search.run(space, Search.Options.of(work).references(false).retrain(false)));
        assertThat(e).hasMessageThat().contains(journal + ":1 is not the header of a search");
        Search.Outcome o = Search.run(space, Search.Options.of(work).references(false).retrain(false).restart(true));
        assertThat(o.trials()).hasSize(6);
        // a kill while the header was written leaves part of it: nothing had finished, the search starts afresh
        Files.writeString(journal, "{\"kiln\":\"sea");
        assertThat(Search.run(space, Search.Options.of(work).references(false).retrain(false)).trials()).hasSize(6);
        assertThat(Files.readAllLines(journal)).hasSize(7);
    }

    @Test
    void aSearchWorkFolderThatCannotBeWrittenIsAClearError() throws Exception {
        Path csv = SearchFixtures.irisCsv(dir.resolve("iris.csv"));
        Path file = Files.writeString(dir.resolve("not-a-folder"), "x");
        SearchSpace space = SearchFixtures.space(CsvSource.file(csv), SearchTest.HOLDOUT,
                io.kiln.dsl.SearchStrategy.GRID, 3, 0);
        java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> Search.run(space, Search.Options.of(file.resolve("work")).references(false)));
        assertThat(e).hasMessageThat().contains("not-a-folder");
        assertThat(Files.readString(file)).isEqualTo("x");
    }
}
