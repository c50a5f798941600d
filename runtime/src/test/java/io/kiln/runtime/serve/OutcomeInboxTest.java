package io.kiln.runtime.serve;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kiln.runtime.KilnModel;
import io.kiln.runtime.Learner;
import io.kiln.runtime.RetrainPolicy;
import io.kiln.runtime.ServingFixtures;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Outcomes reported to a running server become labelled rows for continuous learning: each input row as
 * it was predicted, with its true label in the training data's coding, in CSV files the learner takes;
 * a label the model does not know is refused; a server killed with outcomes in a part file leaves them
 * for the next one.
 */
class OutcomeInboxTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    static HttpResponse<String> post(String base, String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static List<Path> files(Path folder, String glob) throws Exception {
        List<Path> found = new ArrayList<>();
        if (Files.isDirectory(folder)) {
            try (var s = Files.newDirectoryStream(folder, glob)) {
                s.forEach(found::add);
            }
        }
        found.sort(null);
        return found;
    }

    @Test
    void reportedOutcomesBecomeBatchesTheLearnerLearnsFrom() throws Exception {
        Path csv = ServingFixtures.writeCsv(dir.resolve("flowers.csv"));
        List<String> lines = Files.readAllLines(csv);
        Path model = ServingFixtures.train(csv, 7, 30, dir.resolve("flowers.kiln"));
        Path inbox = dir.resolve("inbox");
        KilnServer server = KilnServer.start(ServerConfig.builder().port(0).shutdownSeconds(5).inbox(inbox, 4).build(),
                null, List.of(model), line -> { });
        String base = "http://127.0.0.1:" + server.port();
        int[] sample = {1, 20, 51, 75, 101, 140};
        List<String> outcomes = new ArrayList<>();
        try {
            for (int line : sample) {
                HttpResponse<String> r = post(base, "/kiln/models/flowers/predict", ServerTest.recordOf(
                        ServingFixtures.row(lines, line)));
                assertWithMessage(r.body()).that(r.statusCode()).isEqualTo(200);
                String truth = List.of("setosa", "versicolor", "virginica").get(Integer.parseInt(
                        lines.get(line).split(",")[6]));
                outcomes.add("{\"id\":\"" + JSON.readTree(r.body()).get("id").asText() + "\",\"label\":\"" + truth
                        + "\"}");
            }
            // a label the model does not know: 400, and the id can still be reported
            HttpResponse<String> bad = post(base, "/kiln/models/flowers/outcomes", "[" + outcomes.get(0)
                    .replaceAll("\"label\":\"[a-z]+\"", "\"label\":\"tulip\"") + "]");
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(bad.body()).contains("label 'tulip' is not one of the model's classes");
            JsonNode r = JSON.readTree(post(base, "/kiln/models/flowers/outcomes", "[" + String.join(",", outcomes)
                    + "]").body());
            assertThat(r.get("recorded").asInt()).isEqualTo(6);
            assertThat(r.get("learnable").asInt()).isEqualTo(6);
            // four rows fill a file, which the learner may take; the other two wait in a part file
            assertThat(files(inbox.resolve("flowers"), "outcomes-*.csv")).hasSize(1);
            assertThat(files(inbox.resolve("flowers"), ".outcomes-*.part")).hasSize(1);
        } finally {
            server.close();
        }
        List<Path> sealed = files(inbox.resolve("flowers"), "outcomes-*.csv");
        assertThat(sealed).hasSize(2);
        assertThat(files(inbox.resolve("flowers"), ".outcomes-*.part")).isEmpty();
        List<String> written = new ArrayList<>();
        for (Path f : sealed) {
            List<String> content = Files.readAllLines(f);
            assertThat(content.get(0)).isEqualTo(lines.get(0)); // the training data's columns
            written.addAll(content.subList(1, content.size()));
        }
        List<String> expected = new ArrayList<>();
        for (int line : sample) { // the rows as predicted, each with its true label
            expected.add(lines.get(line));
        }
        assertThat(written).containsExactlyElementsIn(expected).inOrder();

        try (Learner l = Learner.open(ServingFixtures.definition(csv, 7, 30), Learner.Options.of(
                inbox.resolve("flowers"), dir.resolve("work"), dir.resolve("store")).initial(model)
                .policy(RetrainPolicy.never()).progress(null))) {
            List<Learner.Entry> log = l.step();
            assertThat(log).hasSize(2);
            assertThat(log.get(0).error()).isNull();
            assertThat(log.get(1).rowsSeen()).isEqualTo(6);
            assertThat(KilnModel.load(dir.resolve("store/flowers/1/model.kiln")).metadata().name())
                    .isEqualTo("flowers");
        }
    }

    @Test
    void theLoopClosesOutcomesTeachTheLearnerWhoseNewChampionTheServerPicksUp() throws Exception {
        Path csv = ServingFixtures.writeCsv(dir.resolve("flowers.csv"));
        List<String> lines = Files.readAllLines(csv);
        Path model = ServingFixtures.train(csv, 7, 60, dir.resolve("flowers.kiln"));
        ModelStore store = new ModelStore(dir.resolve("store"));
        store.publish(model);
        Path inbox = dir.resolve("inbox");
        KilnServer server = KilnServer.start(ServerConfig.builder().port(0).shutdownSeconds(5).store(2, 1)
                .inbox(inbox, 50).build(), store, List.of(), line -> { });
        String base = "http://127.0.0.1:" + server.port();
        try {
            // the world changed: setosa and virginica trade names; 100 outcomes say so
            List<String> outcomes = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                int line = 1 + (i * 37) % 150;
                HttpResponse<String> r = post(base, "/kiln/models/flowers/predict", ServerTest.recordOf(
                        ServingFixtures.row(lines, line)));
                assertThat(JSON.readTree(r.body()).get("version").asText()).isEqualTo("1");
                int truth = Integer.parseInt(lines.get(line).split(",")[6]);
                outcomes.add("{\"id\":\"" + JSON.readTree(r.body()).get("id").asText() + "\",\"label\":\""
                        + List.of("virginica", "versicolor", "setosa").get(truth) + "\"}");
            }
            assertThat(JSON.readTree(post(base, "/kiln/models/flowers/outcomes", "[" + String.join(",", outcomes)
                    + "]").body()).get("learnable").asInt()).isEqualTo(100);
            try (Learner l = Learner.open(ServingFixtures.definition(csv, 7, 60), Learner.Options.of(
                    inbox.resolve("flowers"), dir.resolve("work"), store.root())
                    .policy(RetrainPolicy.every(100).withData(io.kiln.dsl.RetrainData.NEW, 0, 0, 0).withEpochs(60)
                            .withAcceptance(20, 0)).progress(null))) {
                List<Learner.Entry> log = l.step();
                assertThat(log).hasSize(2);
                assertThat(log.get(1).decision().accepted()).isTrue();
                assertThat(l.championVersion()).isEqualTo(2);
            }
            long deadline = System.nanoTime() + 20_000_000_000L;
            String served = "1";
            while (!served.equals("2") && System.nanoTime() < deadline) {
                Thread.sleep(200);
                served = JSON.readTree(post(base, "/kiln/models/flowers/predict", ServerTest.recordOf(
                        ServingFixtures.row(lines, 1))).body()).get("version").asText();
            }
            assertThat(served).isEqualTo("2");
            // and the new champion calls a setosa by its new name
            assertThat(JSON.readTree(post(base, "/kiln/models/flowers/predict", ServerTest.recordOf(
                    ServingFixtures.row(lines, 1))).body()).get("label").asText()).isEqualTo("virginica");
        } finally {
            server.close();
        }
    }

    @Test
    void anotherServersOpenPartFileIsLeftAloneAndOtherColumnsGetAFileOfTheirOwn() throws Exception {
        Path csv = ServingFixtures.writeCsv(dir.resolve("flowers.csv"));
        List<String> lines = Files.readAllLines(csv);
        KilnModel m = KilnModel.load(ServingFixtures.train(csv, 7, 2, dir.resolve("flowers.kiln")));
        Path root = dir.resolve("inbox");
        OutcomeInbox first = new OutcomeInbox(root, 100);
        first.add("flowers", m.metadata(), ServingFixtures.row(lines, 1), JSON.readTree("\"setosa\""));
        new OutcomeInbox(root, 100).close(); // a second server starting on the inbox: the open part is not its
        assertThat(files(root.resolve("flowers"), ".outcomes-*.part")).hasSize(1);
        assertThat(files(root.resolve("flowers"), "outcomes-*.csv")).isEmpty();
        // a version reading other columns (here: a regression label) seals the open file and starts another
        io.kiln.runtime.ModelMetadata other = new io.kiln.runtime.ModelMetadata(m.metadata().format(), "flowers",
                io.kiln.dsl.Task.SCALAR_REGRESSION, null, null, m.metadata().features(),
                new io.kiln.runtime.LabelSchema("width", io.kiln.runtime.LabelCoding.VALUES, List.of("width"),
                        List.of()), null, null, m.metadata().numInputs(), null, null, null, null, null, List.of(), 0.5,
                null, null, null);
        first.add("flowers", other, ServingFixtures.row(lines, 2), JSON.readTree("1.5"));
        assertThat(files(root.resolve("flowers"), "outcomes-*.csv")).hasSize(1);
        first.close();
        List<Path> sealed = files(root.resolve("flowers"), "outcomes-*.csv");
        assertThat(sealed).hasSize(2);
        assertThat(Files.readAllLines(sealed.get(1)).get(0)).endsWith(",width");
        assertThat(Files.readAllLines(sealed.get(1)).get(1)).endsWith(",1.5");
    }

    @Test
    void aKilledServersPartFileIsCompletedByTheNext() throws Exception {
        Path model = dir.resolve("flowers");
        Files.createDirectories(model);
        Path part = model.resolve(".outcomes-20261206-000000-000-1-1.part");
        Files.writeString(part, "a,b,label\n1,2,0\n3,4,1\n5,"); // killed in the middle of a line
        Files.writeString(model.resolve(".outcomes-20261206-000000-000-1-2.part"), "a,b,label\n"); // header only
        new OutcomeInbox(dir, 10).close();
        try (Stream<Path> left = Files.list(model)) {
            assertThat(left.map(p -> p.getFileName().toString()).toList())
                    .containsExactly("outcomes-20261206-000000-000-1-1.csv");
        }
        assertThat(Files.readString(model.resolve("outcomes-20261206-000000-000-1-1.csv")))
                .isEqualTo("a,b,label\n1,2,0\n3,4,1\n");
    }

    @Test
    void anOutcomeInboxThatCannotBeWrittenIsA503AndTheServerStaysUp() throws Exception {
        Path csv = ServingFixtures.writeCsv(dir.resolve("flowers.csv"));
        List<String> lines = Files.readAllLines(csv);
        Path model = ServingFixtures.train(csv, 7, 5, dir.resolve("flowers.kiln"));
        Path inbox = dir.resolve("inbox");
        Files.createDirectories(inbox);
        Files.writeString(inbox.resolve("flowers"), "a file where the model's folder goes");
        KilnServer server = KilnServer.start(ServerConfig.builder().port(0).shutdownSeconds(5).inbox(inbox, 10).build(),
                null, List.of(model), line -> { });
        try {
            String base = "http://127.0.0.1:" + server.port();
            var predicted = post(base, "/kiln/models/flowers/predict",
                    ServerTest.recordOf(ServingFixtures.row(lines, 1)));
            String id = JSON.readTree(predicted.body()).get("id").asText();
            var failed = post(base, "/kiln/models/flowers/outcomes",
                    "[{\"id\":\"" + id + "\",\"label\":\"setosa\"}]");
            assertThat(failed.statusCode()).isEqualTo(503);
            assertThat(failed.body()).contains("could not be written to the outcome inbox");
            assertThat(post(base, "/kiln/models/flowers/predict",
                    ServerTest.recordOf(ServingFixtures.row(lines, 2))).statusCode())
                    .isEqualTo(200);
        } finally {
            server.close();
        }
    }
}
