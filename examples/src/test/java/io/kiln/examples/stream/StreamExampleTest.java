package io.kiln.examples.stream;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import io.kiln.runtime.Learner;
import io.kiln.runtime.RetrainPolicy;
import io.kiln.runtime.cli.KilnCli;
import io.kiln.runtime.serve.ModelStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The continuous-learning example on the bundled drifting table: {@code learn} on the breast-cancer batches
 * (ordered by nucleus size) keeps the model right as the nuclei grow, where the same first model left
 * static ends up wrong on nearly every large nucleus; both scored prequentially, batch by batch.
 */
class StreamExampleTest {
    @TempDir
    Path dir;

    @Test
    void theDeclaredPolicyFollowsTheDriftThatLeavesAStaticModelBehind() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = KilnCli.run(CancerStreamTrainer.DEFINITION, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), "learn", "--inbox", "stream-batches", "--store",
                dir.resolve("store").toString(), "--work", dir.resolve("work").toString(), "--once");
        String printed = out.toString(StandardCharsets.UTF_8);
        assertWithMessage(printed + err.toString(StandardCharsets.UTF_8)).that(code).isEqualTo(0);
        assertThat(printed).contains("learning cancer-stream from stream-batches: champion version 1");
        assertThat(printed).contains("learnt from 7 batches (0 rejected), retrained 3 times");
        List<Learner.Entry> learnt;
        try (Learner l = Learner.open(CancerStreamTrainer.DEFINITION, Learner.Options.of(Path.of("stream-batches"),
                dir.resolve("work"), dir.resolve("store")).progress(null))) {
            learnt = l.log();
        }
        // the same first model, never retrained
        Path first = new ModelStore(dir.resolve("store")).file("cancer-stream", 1);
        List<Learner.Entry> kept;
        try (Learner l = Learner.open(CancerStreamTrainer.DEFINITION, Learner.Options.of(Path.of("stream-batches"),
                dir.resolve("static"), dir.resolve("static-store")).initial(first).policy(RetrainPolicy.never())
                .progress(null))) {
            kept = l.step();
        }
        assertThat(kept).hasSize(7);
        // the first batches are alike; on the last three (the largest nuclei) the static model is mostly wrong
        assertThat(learnt.get(0).score()).isEqualTo(kept.get(0).score());
        double learning = (learnt.get(4).score() + learnt.get(5).score() + learnt.get(6).score()) / 3;
        double fixed = (kept.get(4).score() + kept.get(5).score() + kept.get(6).score()) / 3;
        assertWithMessage("learning %s, static %s", learning, fixed).that(learning).isAtLeast(0.75);
        assertWithMessage("static %s", fixed).that(fixed).isAtMost(0.35);
        assertThat(new ModelStore(dir.resolve("store")).versions("cancer-stream").size()).isAtLeast(2);
        assertThat(Files.readString(dir.resolve("work/timeline.html"))).contains("Prequential accuracy");
    }
}
