package io.kiln.examples.search;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kiln.examples.iris.IrisTunedTrainer;
import io.kiln.runtime.KilnModel;
import io.kiln.runtime.Search;
import io.kiln.runtime.cli.KilnCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The search example end to end, from the spec's annotations: {@code search} on the tuned iris spec (its
 * first 6 random trials, each cross-validated on 5 folds of the rows outside the test split) picks the
 * best configuration on validation, retrains it by the declared protocol, tests it and the declared spec
 * once, saves it, and prints it as annotation text.
 */
class SearchExampleTest {
    @TempDir
    Path dir;

    @Test
    void theSearchCommandFindsTestsAndSavesTheWinner() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Path work = dir.resolve("work");
        int code = KilnCli.run(IrisTunedTrainer.DEFINITION, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), "search", "--work", work.toString(), "--trials",
                "6", "--no-ablation", "--no-references");
        String printed = out.toString(StandardCharsets.UTF_8);
        String progress = err.toString(StandardCharsets.UTF_8);
        assertWithMessage(printed + progress).that(code).isEqualTo(0);
        assertThat(progress).contains("search   iris-tuned: 6 trials (random), ");
        assertThat(progress).contains("scored by accuracy on 5 folds of the 120 cross-validated rows");
        assertThat(progress).contains("trial 6/6");
        assertThat(printed).contains("search   random, 6 configurations (6 trainings with the ablation) scored on 5 folds");
        assertThat(printed).contains("the 30 test rows, read once after the search:");
        assertThat(printed).contains("the winner, to write in the spec:");

        JsonNode table = new ObjectMapper().readTree(work.resolve(Search.TABLE_JSON).toFile());
        assertThat(table.path("trials").size()).isEqualTo(6);
        assertThat(table.path("trials").get(0).path("values").path("hidden.units").asText()).isEqualTo("64");
        double best = 0;
        for (JsonNode t : table.path("trials")) {
            best = Math.max(best, t.path("metric").asDouble());
        }
        assertThat(table.path("winner").path("validation").asDouble()).isEqualTo(best);
        // learnt: well above the majority baseline (1/3) on the test rows, winner and declared spec alike
        assertThat(table.path("test").path("winner").path("accuracy").asDouble()).isAtLeast(0.85);
        assertThat(table.path("test").path("declared").path("accuracy").asDouble()).isAtLeast(0.85);
        KilnModel saved = KilnModel.load(work.resolve("iris-tuned.kiln"));
        assertThat(saved.metadata().name()).isEqualTo("iris-tuned");
        // the saved model is the winner's configuration, with the search's warning in its report
        String winner = table.path("winner").path("annotations").asText();
        assertThat(winner.isEmpty() || saved.metadata().spec().contains(
                winner.lines().findFirst().orElseThrow().replaceAll(".*\\((\\w+ = [^,)]+).*", "$1"))).isTrue();
        assertThat(Files.readString(work.resolve("iris-tuned.report.json"))).contains("search-validation");
        assertThat(Files.readString(work.resolve(Search.TABLE_HTML))).contains("Hyperparameter search: iris-tuned");
    }
}
