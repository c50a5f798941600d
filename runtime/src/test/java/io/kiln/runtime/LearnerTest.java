package io.kiln.runtime;

import static com.google.common.truth.Truth.assertThat;
import static io.kiln.runtime.LearnerFixtures.batch;
import static io.kiln.runtime.LearnerFixtures.rows;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kiln.dsl.RetrainData;
import io.kiln.dsl.RetrainLevel;
import io.kiln.runtime.internal.transfer.SourceModel;
import io.kiln.runtime.serve.ModelStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Continuous learning on a stream of real iris rows: prequential scores, a concept shift the static
 * model never recovers from and a retraining policy does, triggers by rows, drift and metric, a
 * challenger worse than the champion never published, a bad batch rejected and named, and a restart
 * that neither loses nor repeats a batch.
 */
class LearnerTest {
    @TempDir
    Path dir;

    Learner.Options options(RetrainPolicy policy) {
        return Learner.Options.of(dir.resolve("inbox"), dir.resolve("work"), dir.resolve("store")).policy(policy)
                .progress(null);
    }

    /** Three batches of 50 rows as trained on, then {@code shifted} batches of 50 changed by {@code change}. */
    void stream(int shifted, UnaryOperator<String[]> change) throws Exception {
        List<String[]> rows = rows(11, 150 + 50 * shifted);
        for (int b = 0; b < 3 + shifted; b++) {
            batch(dir.resolve("inbox"), String.format("batch-%02d.csv", b), rows.subList(50 * b, 50 * b + 50),
                    b < 3 ? UnaryOperator.identity() : change);
        }
    }

    @Test
    void aStaticModelScoresEachBatchBeforeLearningAndNeverRecoversFromAConceptShift() throws Exception {
        stream(3, LearnerFixtures::swapped);
        try (Learner l = Learner.open(LearnerFixtures.iris(), options(RetrainPolicy.never()))) {
            List<Learner.Entry> log = l.step();
            assertThat(log).hasSize(6);
            for (Learner.Entry e : log.subList(0, 3)) {
                assertThat(e.score()).isAtLeast(0.85);
                assertThat(e.champion()).isEqualTo(1);
                assertThat(e.decision()).isNull();
            }
            for (Learner.Entry e : log.subList(3, 6)) { // two of three species swapped: at most a third right
                assertThat(e.score()).isAtMost(0.45);
            }
            assertThat(log.get(5).rowsSeen()).isEqualTo(300);
            assertThat(l.championVersion()).isEqualTo(1);
            assertThat(new ModelStore(dir.resolve("store")).versions("iris")).containsExactly(1L);
            // nothing waits any more
            assertThat(l.step()).isEmpty();
        }
        String html = Files.readString(dir.resolve("work").resolve(Learner.TIMELINE_HTML));
        assertThat(html).contains("Prequential accuracy");
        assertThat(html).contains("batch-05.csv");
        assertThat(Files.readString(dir.resolve("work").resolve(Learner.TIMELINE_JSON))).contains("\"maxPsi\"");
    }

    @Test
    void aRetrainingPolicyRecoversFromTheConceptShiftAndPublishesTheChampion() throws Exception {
        stream(4, LearnerFixtures::swapped);
        try (Learner l = Learner.open(LearnerFixtures.iris(), options(LearnerFixtures.fineTuneEvery(50, 60)))) {
            List<Learner.Entry> log = l.step();
            assertThat(log).hasSize(7);
            assertThat(log.get(3).score()).isAtMost(0.45); // the first shifted batch, scored before learning
            assertThat(log.get(6).score()).isAtLeast(0.8); // recovered
            Learner.Entry first = log.get(3);
            assertThat(first.triggers()).containsExactly("rows");
            assertThat(first.decision().accepted()).isTrue();
            // on the new rows: the first retraining's 50 rows but its 30-row acceptance window; each later one
            // the 50 rows since, starting with the previous acceptance window (never left out for good)
            assertThat(log.get(0).decision().trainRows()).isEqualTo(20);
            assertThat(log.get(1).decision().trainRows()).isEqualTo(50);
            long published = log.stream().filter(e -> e.decision() != null && e.decision().accepted()).count();
            List<Long> versions = new ModelStore(dir.resolve("store")).versions("iris");
            assertThat(versions).hasSize(1 + (int) published);
            assertThat(l.championVersion()).isEqualTo(versions.get(versions.size() - 1));
            KilnModel champion = KilnModel.load(new ModelStore(dir.resolve("store")).file("iris", l.championVersion()));
            ModelMetadata.LineageProvenance lineage = champion.metadata().provenance().lineage();
            assertThat(lineage.learnedThrough()).startsWith("batch ");
            assertThat(lineage.generation()).isEqualTo((int) published);
            assertThat(lineage.level()).isEqualTo("FINE_TUNE");
            assertThat(champion.metadata().testMetrics().get("accuracy")).isAtLeast(0.8);
        }
    }

    @Test
    void aChallengerWorseThanTheChampionIsNeverPublished() throws Exception {
        // one batch: 60 rows with the labels swapped, which the challenger fine-tunes on, then 30 true rows,
        // the acceptance window, on which the champion is right and the challenger is not
        List<String[]> rows = rows(5, 90);
        List<String> lines = new java.util.ArrayList<>(List.of(LearnerFixtures.HEADER));
        for (int i = 0; i < 90; i++) {
            lines.add(String.join(",", i < 60 ? LearnerFixtures.swapped(rows.get(i)) : rows.get(i)));
        }
        Files.createDirectories(dir.resolve("inbox"));
        Files.write(dir.resolve("inbox/poisoned.csv"), lines);
        RetrainPolicy policy = LearnerFixtures.fineTuneEvery(90, 80);
        try (Learner l = Learner.open(LearnerFixtures.iris(), options(policy))) {
            ModelStore store = new ModelStore(dir.resolve("store"));
            String before = SourceModel.sha256(store.file("iris", 1));
            Learner.Entry e = l.step().get(0);
            assertThat(e.triggers()).containsExactly("rows");
            Learner.Decision d = e.decision();
            assertThat(d.trainRows()).isEqualTo(60);
            assertThat(d.acceptRows()).isEqualTo(30);
            assertThat(d.accepted()).isFalse();
            assertThat(d.challenger()).isLessThan(d.champion());
            assertThat(d.reason()).contains("the champion (version 1) stays");
            assertThat(store.versions("iris")).containsExactly(1L);
            assertThat(SourceModel.sha256(store.file("iris", 1))).isEqualTo(before);
            assertThat(l.championVersion()).isEqualTo(1);
        }
    }

    @Test
    void aDriftTriggerFiresOnACovariateShiftAndNotBefore() throws Exception {
        stream(2, LearnerFixtures::longer);
        // the trigger measures the rows since the last retraining, at least 100 of them (50 rows bin too coarsely)
        RetrainPolicy policy = RetrainPolicy.never().withTriggers(0, 0.25, 0).withDriftRows(100).withEpochs(5)
                .withData(RetrainData.WINDOW, 100, 0, 0);
        try (Learner l = Learner.open(LearnerFixtures.iris(), options(policy.withAcceptance(30, 0)))) {
            List<Learner.Entry> log = l.step();
            for (Learner.Entry e : log.subList(0, 3)) {
                assertThat(e.triggers()).isEmpty();
            }
            for (Learner.Entry e : log.subList(3, 5)) { // each shifted batch alone: petal length far off
                assertThat(e.driftiest()).isEqualTo("petal_length_cm");
                assertThat(e.maxPsi()).isGreaterThan(1.0);
            }
            Learner.Entry fired = log.get(3).triggers().isEmpty() ? log.get(4) : log.get(3);
            assertThat(fired.triggers()).containsExactly("drift");
            assertThat(fired.decision()).isNotNull();
        }
    }

    @Test
    void aMetricDropTriggerFiresWhenTheChampionFallsBehind() throws Exception {
        stream(1, LearnerFixtures::swapped);
        RetrainPolicy policy = RetrainPolicy.never().withTriggers(0, 0, 0.2).withAcceptance(40, 0).withEpochs(5);
        try (Learner l = Learner.open(LearnerFixtures.iris(), options(policy))) {
            List<Learner.Entry> log = l.step();
            for (Learner.Entry e : log.subList(0, 3)) {
                assertThat(e.triggers()).isEmpty();
            }
            assertThat(log.get(3).triggers()).containsExactly("metric");
        }
    }

    @Test
    void aBadBatchIsRejectedWithItsFileLineAndColumnAndTheNextIsLearnt() throws Exception {
        Files.createDirectories(dir.resolve("inbox"));
        Files.writeString(dir.resolve("inbox/a.csv"), LearnerFixtures.HEADER + "\n5.1,3.5,1.4,0.2,0\n5.0,wide,1.4,0.2,0\n");
        stream(0, UnaryOperator.identity());
        Files.writeString(dir.resolve("inbox/.c.csv"), "half written"); // hidden: not taken
        try (Learner l = Learner.open(LearnerFixtures.iris(), options(RetrainPolicy.never()))) {
            List<Learner.Entry> log = l.step();
            assertThat(log).hasSize(4);
            assertThat(log.get(0).file()).isEqualTo("a.csv");
            assertThat(log.get(0).error()).contains("a.csv:3: column 'sepal_width_cm' (2): \"wide\" is not a finite "
                    + "number");
            assertThat(log.get(0).rows()).isEqualTo(0);
            assertThat(log.get(1).error()).isNull();
            assertThat(log.get(3).rowsSeen()).isEqualTo(150);
        }
        assertThat(Files.readString(dir.resolve("work").resolve(Learner.TIMELINE_HTML))).contains("rejected: ");
    }

    @Test
    void aRestartGoesOnFromTheLastCommittedBatch() throws Exception {
        stream(0, UnaryOperator.identity());
        try (Learner l = Learner.open(LearnerFixtures.iris(), options(RetrainPolicy.never()))) {
            assertThat(l.step()).hasSize(3);
        }
        // a killed run's half-written line after the last commit, and a copy of a batch it did not commit
        Files.writeString(dir.resolve("work").resolve(Learner.LOG), "{\"batch\":4,\"fi", StandardOpenOption.APPEND);
        Files.writeString(dir.resolve("work/rows/000004-later.csv"), "x");
        batch(dir.resolve("inbox"), "later.csv", rows(3, 20), UnaryOperator.identity());
        try (Learner l = Learner.open(LearnerFixtures.iris(), options(RetrainPolicy.never()))) {
            assertThat(l.log()).hasSize(3);
            List<Learner.Entry> more = l.step();
            assertThat(more).hasSize(1);
            assertThat(more.get(0).batch()).isEqualTo(4);
            assertThat(more.get(0).rowsSeen()).isEqualTo(170);
            assertThat(l.log()).hasSize(4);
        }
        List<String> lines = Files.readAllLines(dir.resolve("work").resolve(Learner.LOG), StandardCharsets.UTF_8);
        assertThat(lines).hasSize(4);
        assertThat(lines.get(3)).contains("\"file\":\"later.csv\"");
        assertThat(Files.readString(dir.resolve("work/rows/000004-later.csv"))).startsWith(LearnerFixtures.HEADER);
    }

    @Test
    void aChallengerPublishedJustBeforeAKillIsNotPublishedTwice() throws Exception {
        List<String[]> rows = rows(13, 150);
        Path inbox = dir.resolve("inbox");
        batch(inbox, "a.csv", rows.subList(0, 50), UnaryOperator.identity());
        RetrainPolicy policy = LearnerFixtures.fineTuneEvery(100, 60);
        Path work = dir.resolve("work");
        Path snapshot = dir.resolve("snapshot");
        try (Learner l = Learner.open(LearnerFixtures.iris(), options(policy))) {
            l.step();
        }
        copyTree(work, snapshot);
        batch(inbox, "b.csv", rows.subList(50, 150), LearnerFixtures::swapped);
        Learner.Entry first;
        try (Learner l = Learner.open(LearnerFixtures.iris(), options(policy))) {
            first = l.step().get(0);
        }
        assertThat(first.decision().accepted()).isTrue();
        ModelStore store = new ModelStore(dir.resolve("store"));
        assertThat(store.versions("iris")).containsExactly(1L, 2L);
        // the kill: the version is in the store, but the batch's commit is not in the work folder
        deleteTree(work);
        copyTree(snapshot, work);
        try (Learner l = Learner.open(LearnerFixtures.iris(), options(policy))) {
            assertThat(l.championVersion()).isEqualTo(1);
            Learner.Entry again = l.step().get(0);
            assertThat(again.untimed()).isEqualTo(first.untimed());
            assertThat(l.championVersion()).isEqualTo(2);
        }
        assertThat(store.versions("iris")).containsExactly(1L, 2L);
    }

    static void copyTree(Path from, Path to) throws java.io.IOException {
        try (var paths = Files.walk(from)) {
            for (Path p : paths.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else if (!p.getFileName().toString().equals(".lock")) {
                    Files.copy(p, target);
                }
            }
        }
    }

    static void deleteTree(Path root) throws java.io.IOException {
        io.kiln.runtime.internal.model.AtomicFiles.deleteTree(root);
    }

    @Test
    void aSpecOnIdxFilesIsToldToDeclareCsvColumns() {
        ModelDefinition idx = ModelDefinition.builder("images", io.kiln.dsl.Task.MULTICLASS_CLASSIFICATION)
                .data(CsvSource.idx("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz")).image(2, 2, 1)
                .features(LearnerFixtures.iris().features()).label(LearnerFixtures.iris().label())
                .fit(new FitSettings(1, 16, 1)).outputActivationIsIdentity(false)
                .network((n, seed) -> TrainingFixtures.mlp(n, seed, new org.nd4j.linalg.learning.config.Adam(0.01), 4,
                        3, org.nd4j.linalg.activations.Activation.SOFTMAX,
                        org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction.MCXENT))
                .build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Learner.open(idx, options(RetrainPolicy.never())));
        assertThat(e).hasMessageThat().contains("[kiln.learn-idx] Model 'images' reads IDX files, but batches arrive "
                + "as CSV files.");
        assertThat(Files.exists(dir.resolve("work"))).isFalse();
    }

    @Test
    void triggersWaitUntilTheAcceptanceWindowHoldsBatchRows() throws Exception {
        stream(0, UnaryOperator.identity());
        RetrainPolicy policy = LearnerFixtures.fineTuneEvery(20, 5).withAcceptance(100, 0);
        try (Learner l = Learner.open(LearnerFixtures.iris(), options(policy))) {
            List<Learner.Entry> log = l.step();
            // after 50 rows the window would reach into the declared rows the first champion trained on
            assertThat(log.get(0).triggers()).containsExactly("rows");
            assertThat(log.get(0).decision()).isNull();
            assertThat(log.get(1).decision()).isNotNull();
            assertThat(log.get(1).decision().acceptRows()).isEqualTo(100);
        }
    }

    @Test
    void theBatchAKilledRunWasLearningIsLearntFirstUnderItsNumber() throws Exception {
        List<String[]> rows = rows(17, 100);
        Path inbox = dir.resolve("inbox");
        batch(inbox, "b.csv", rows.subList(0, 50), UnaryOperator.identity());
        try (Learner l = Learner.open(LearnerFixtures.iris(), options(RetrainPolicy.never()))) {
            l.step();
        }
        // the kill: c.csv's copy written and recorded as begun, nothing committed
        batch(inbox, "c.csv", rows.subList(50, 100), UnaryOperator.identity());
        Path state = dir.resolve("work").resolve(Learner.STATE);
        io.kiln.runtime.internal.learn.LearnState s = io.kiln.runtime.internal.learn.LearnState.read(state);
        Files.copy(inbox.resolve("c.csv"), dir.resolve("work/rows/000002-c.csv"));
        s.withPending(new io.kiln.runtime.internal.learn.LearnState.Pending("c.csv", "000002-c.csv")).write(state);
        // while it was down a file arrived that sorts first
        batch(inbox, "a.csv", rows.subList(0, 10), UnaryOperator.identity());
        try (Learner l = Learner.open(LearnerFixtures.iris(), options(RetrainPolicy.never()))) {
            List<Learner.Entry> log = l.step();
            assertThat(log.stream().map(Learner.Entry::file).toList()).containsExactly("c.csv", "a.csv").inOrder();
            assertThat(log.get(0).batch()).isEqualTo(2);
        }
    }

    @Test
    void aWindowBySpanKeepsTheRowsWithinItByTheOrderColumnAndTheMetricTriggerWorksBesideIt() throws Exception {
        // iris with a day column: the declared rows on days 0-149, then batches of 50 rows a day later each
        List<String> declared = new java.util.ArrayList<>(List.of(LearnerFixtures.HEADER + ",day"));
        List<String[]> all = TrainingFixtures.irisRows();
        for (int i = 0; i < all.size(); i++) {
            declared.add(String.join(",", all.get(i)) + "," + i);
        }
        Path data = TrainingFixtures.write(dir.resolve("iris-days.csv"), declared);
        ModelDefinition def = TrainingFixtures.iris(new org.nd4j.linalg.learning.config.Adam(0.01),
                CsvSource.file(data), io.kiln.dsl.Scaling.STANDARDIZE).fit(new FitSettings(60, 16, 3))
                .protocol(new TemporalProtocol("day", 0, 0.2)).build();
        List<String[]> rows = rows(19, 150);
        for (int b = 0; b < 3; b++) {
            List<String> lines = new java.util.ArrayList<>(List.of(LearnerFixtures.HEADER + ",day"));
            for (int i = 0; i < 50; i++) {
                lines.add(String.join(",", LearnerFixtures.swapped(rows.get(50 * b + i))) + "," + (200 + 100 * b + i));
            }
            Files.createDirectories(dir.resolve("inbox"));
            Files.write(dir.resolve("inbox/b" + b + ".csv"), lines);
        }
        // the last 120 days: of the kept rows before the acceptance window, those of days >= 349 - 120
        RetrainPolicy policy = RetrainPolicy.never().withTriggers(0, 0, 0.2).withSpan("120").withAcceptance(30, 0)
                .withEpochs(30);
        try (Learner l = Learner.open(def, options(policy))) {
            List<Learner.Entry> log = l.step();
            assertThat(log.stream().filter(e -> e.error() != null).toList()).isEmpty();
            Learner.Entry fired = log.stream().filter(e -> e.decision() != null).findFirst().orElseThrow();
            assertThat(fired.triggers()).containsExactly("metric");
            // fired after the first batch (days 200-249), whose swapped labels the champion gets wrong; outside the
            // acceptance window (days 220-249) the span of 120 days keeps days 129-149 and 200-219: 21 + 20 rows
            assertThat(fired.batch()).isEqualTo(1);
            assertThat(fired.decision().trainRows()).isEqualTo(41);
        }
        IllegalArgumentException noOrder = assertThrows(IllegalArgumentException.class,
                () -> Learner.open(LearnerFixtures.iris(), options(policy)));
        assertThat(noOrder).hasMessageThat().contains("[kiln.retrain-span-order]");
        IllegalArgumentException units = assertThrows(IllegalArgumentException.class,
                () -> Learner.open(def, Learner.Options.of(dir.resolve("inbox"), dir.resolve("work2"),
                        dir.resolve("store2")).policy(policy.withSpan("30d")).progress(null)));
        assertThat(units).hasMessageThat().contains("[kiln.retrain-span-units] span '30d' is a duration, but the "
                + "order column 'day'");
    }

    @Test
    void aRetrainingFromScratchOfATransferNeedsItsSourceBeforeTheFirstBatch() {
        // found by the spec fuzzer: the first retraining failed on the missing source, batches after it waited
        Transfer transfer = new Transfer(null, null, dir.resolve("missing.kiln").toString(), List.of(), "",
                io.kiln.dsl.Reuse.FREEZE, 0, -1, 1, java.util.Map.of(), false, false, 0, 0);
        ModelDefinition def = ModelDefinition.builder("virginica", io.kiln.dsl.Task.BINARY_CLASSIFICATION)
                .features(LearnerFixtures.iris().features())
                .label(new LabelSchema("virginica", LabelCoding.BOOLEAN, List.of("virginica"),
                        List.of("other", "virginica")))
                .fit(new FitSettings(1, 16, 3)).outputActivationIsIdentity(false)
                .transfer(transfer, TransferTest::head).build();
        RetrainPolicy scratch = RetrainPolicy.every(100).withLevel(RetrainLevel.SCRATCH, 0, 0);
        java.io.UncheckedIOException e = assertThrows(java.io.UncheckedIOException.class,
                () -> Learner.open(def, options(scratch)));
        assertThat(e).hasMessageThat().contains("[kiln.transfer-source-file] The transfer source ");
        assertThat(Files.exists(dir.resolve("work"))).isFalse();
    }

    @Test
    void aChampionWithoutADriftProfileIsRefused() throws Exception {
        // every model Kiln trains has one; a file saved before drift profiles existed has none
        TrainingResult r = Trainer.train(LearnerFixtures.iris(), TrainingFixtures.quiet());
        ModelMetadata m = r.model().metadata();
        ModelMetadata old = new ModelMetadata(m.format(), m.name(), m.task(), m.specClass(), m.spec(), m.features(),
                m.label(), m.targetCenter(), m.targetScale(), m.numInputs(), m.provenance(), m.baselineOutput(),
                m.testMetrics(), m.baselineMetrics(), m.confusion(), m.history(), m.threshold(), null, m.training(),
                m.folds());
        Path file = dir.resolve("old.kiln");
        new KilnModel(r.model().network(), old).save(file);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Learner.open(
                LearnerFixtures.iris(), options(RetrainPolicy.never()).initial(file)));
        assertThat(e).hasMessageThat().contains("was saved before drift profiles");
        assertThat(Files.exists(dir.resolve("work").resolve(Learner.STATE))).isFalse();
    }

    @Test
    void oneLearnerPerWorkFolder() throws Exception {
        try (Learner l = Learner.open(LearnerFixtures.iris(), options(RetrainPolicy.never()))) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> Learner.open(LearnerFixtures.iris(), options(RetrainPolicy.never())));
            assertThat(e).hasMessageThat().contains("Another learner is running on");
        }
    }

    @Test
    void topLayersAndScratchRetrainingsRecordTheirLevel() throws Exception {
        stream(2, LearnerFixtures::swapped);
        RetrainPolicy top = LearnerFixtures.fineTuneEvery(100, 60).withLevel(RetrainLevel.TOP_LAYERS, 1, 0);
        try (Learner l = Learner.open(LearnerFixtures.iris(), options(top))) {
            List<Learner.Entry> log = l.step();
            assertThat(log.get(3).triggers()).containsExactly("rows");
            assertThat(log.get(3).decision().level()).isEqualTo("TOP_LAYERS");
        }
    }
}
