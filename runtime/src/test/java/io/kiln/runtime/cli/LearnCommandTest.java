package io.kiln.runtime.cli;

import static com.google.common.truth.Truth.assertThat;

import io.kiln.runtime.LearnerFixtures;
import io.kiln.runtime.ModelDefinition;
import io.kiln.runtime.serve.ModelStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code learn} command and {@code train --from}: what they print and what they leave in the store. */
class LearnCommandTest {
    @TempDir
    Path dir;

    @Test
    void learnOnceLearnsTheWaitingBatchesPublishesAndInfoShowsTheLineage() throws Exception {
        ModelDefinition def = LearnerFixtures.iris().withRetrain(LearnerFixtures.fineTuneEvery(100, 40));
        List<String[]> rows = LearnerFixtures.rows(7, 200);
        Path inbox = dir.resolve("inbox");
        LearnerFixtures.batch(inbox, "a.csv", rows.subList(0, 100), LearnerFixtures::swapped);
        LearnerFixtures.batch(inbox, "b.csv", rows.subList(100, 200), LearnerFixtures::swapped);
        Files.writeString(inbox.resolve("c.csv"), LearnerFixtures.HEADER + "\n1,2,3\n");
        CliMessagesTest.Run r = CliMessagesTest.run(def, "learn", "--inbox", inbox.toString(), "--store",
                dir.resolve("store").toString(), "--work", dir.resolve("work").toString(), "--once");
        assertThat(r.code()).isEqualTo(0);
        assertThat(r.out()).contains("learning iris from " + inbox + ": champion version 1 in " + dir.resolve("store")
                + "; retrains every 100 rows on the rows since the last retraining, fine-tuning; accepted on the last "
                + "30 rows");
        assertThat(r.out()).contains("learnt from 2 batches (1 rejected), retrained 2 times");
        assertThat(r.err()).contains("batch 3 c.csv rejected: ");
        assertThat(r.err()).contains("c.csv:2");
        ModelStore store = new ModelStore(dir.resolve("store"));
        long last = store.versions("iris").get(store.versions("iris").size() - 1);
        assertThat(last).isGreaterThan(1L);
        CliMessagesTest.Run info = CliMessagesTest.run(def, "info", "--model", store.file("iris", last).toString());
        assertThat(info.out()).contains("lineage   generation ");
        assertThat(info.out()).contains("fine-tuned, preprocessing kept, learnt through batch ");
        assertThat(info.out()).contains("protocol  continuous learning: trained on ");
        assertThat(Files.readString(dir.resolve("work").resolve("timeline.html"))).contains("a.csv");
    }

    @Test
    void aMissingInboxIsNotedAndAnEmptyRunSaysSo() throws Exception {
        ModelDefinition def = LearnerFixtures.iris();
        Path inbox = dir.resolve("typo");
        CliMessagesTest.Run r = CliMessagesTest.run(def, "learn", "--inbox", inbox.toString(), "--store",
                dir.resolve("store").toString(), "--work", dir.resolve("work").toString(), "--once");
        assertThat(r.code()).isEqualTo(0);
        assertThat(r.err()).contains("note: the inbox " + inbox + " did not exist; it is created, empty");
        assertThat(r.out()).contains("no batch was waiting in " + inbox);
        CliMessagesTest.Run drop = CliMessagesTest.run(def.withRetrain(io.kiln.runtime.RetrainPolicy.never()
                .withTriggers(0, 0, 1.5)), "learn", "--inbox", inbox.toString(), "--store",
                dir.resolve("store").toString(), "--work", dir.resolve("work2").toString(), "--once");
        assertThat(drop.code()).isNotEqualTo(0);
        assertThat(drop.err()).contains("[kiln.retrain-metric-drop] metricDrop = 1.5 can never happen");
    }

    @Test
    void trainFromContinuesASavedModel() throws Exception {
        ModelDefinition def = LearnerFixtures.iris();
        Path parent = dir.resolve("parent.kiln");
        assertThat(CliMessagesTest.run(def, "train", "-q", "--no-references", "--epochs", "3", "--model",
                parent.toString()).code()).isEqualTo(0);
        Path child = dir.resolve("child.kiln");
        CliMessagesTest.Run r = CliMessagesTest.run(def, "train", "-q", "--no-references", "--from", parent.toString(),
                "--model", child.toString());
        assertThat(r.code()).isEqualTo(0);
        assertThat(r.out()).containsMatch("continue from .*parent\\.kiln \\(generation 0, [1-9][0-9]* iterations done\\): "
                + "every layer trains, preprocessing kept");
        CliMessagesTest.Run info = CliMessagesTest.run(def, "info", "--model", child.toString());
        assertThat(info.out()).contains("lineage   generation 1, from " + parent);
    }

    @Test
    void trainFromAnotherSpecsModelIsAClearError() throws Exception {
        ModelDefinition def = LearnerFixtures.iris();
        Path parent = dir.resolve("parent.kiln");
        CliMessagesTest.run(def, "train", "-q", "--no-references", "--epochs", "1", "--model", parent.toString());
        ModelDefinition other = ModelDefinition.builder("other", def.task()).data(def.data()).features(def.features())
                .label(def.label()).fit(def.fit()).outputActivationIsIdentity(false)
                .network((n, seed) -> io.kiln.runtime.TrainingFixtures.mlp(n, seed,
                        new org.nd4j.linalg.learning.config.Adam(0.01), 16, 3,
                        org.nd4j.linalg.activations.Activation.SOFTMAX,
                        org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction.MCXENT))
                .build();
        CliMessagesTest.Run r = CliMessagesTest.run(other, "train", "-q", "--from", parent.toString());
        assertThat(r.code()).isNotEqualTo(0);
        assertThat(r.err()).contains("[kiln.warm-start-model]");
        assertThat(r.err()).contains("holds model 'iris', not 'other'");
    }
}
