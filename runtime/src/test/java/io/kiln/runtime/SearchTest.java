package io.kiln.runtime;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kiln.dsl.SearchStrategy;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The search: trials scored on validation rows only (a poisoned test split changes nothing until the
 * winner is tested), the winner the best of them, retrained and tested once beside the declared spec,
 * the ablation's effects, the trial table, successive halving's rungs, and a restart that trains only
 * what was not finished.
 */
class SearchTest {
    @TempDir
    Path dir;

    static final HoldoutProtocol HOLDOUT = new HoldoutProtocol(0.2, 0.2, true, true);
    static final KFoldProtocol KFOLD = new KFoldProtocol(3, 1, true, true, 0.2);

    private Path irisCsv() throws IOException {
        return SearchFixtures.irisCsv(dir.resolve("iris.csv"));
    }

    /** A copy of the iris file whose test rows (of {@code protocol}'s split, seed 3) have absurd features. */
    private Path poisoned(Path clean, EvaluationProtocol protocol) throws IOException {
        ModelDefinition d = SearchFixtures.iris(CsvSource.file(clean), protocol, 16, 0.01, 5);
        int[] test = Trainer.prepare(d, TrainingFixtures.quiet()).split().test();
        assertThat(test.length).isGreaterThan(0);
        List<String> lines = new ArrayList<>(Files.readAllLines(clean));
        for (int row : test) {
            String[] cells = lines.get(row + 1).split(",");
            for (int c = 0; c < 4; c++) {
                cells[c] = Double.toString(-1000 * (1 + Double.parseDouble(cells[c])));
            }
            lines.set(row + 1, String.join(",", cells));
        }
        return TrainingFixtures.write(dir.resolve("poisoned-" + protocol.getClass().getSimpleName() + ".csv"), lines);
    }

    private static Search.Options options(Path work) {
        return Search.Options.of(work).references(false);
    }

    /** The table's rows without their timings: what must not change. */
    private static List<String> rows(Search.Outcome o) {
        return o.trials().stream().map(t -> t.stage() + " " + t.configuration() + " " + t.rung() + " " + t.epochs()
                + " " + t.seed() + " " + t.metric() + " " + t.epochsTrained() + " " + t.curve()).toList();
    }

    @Test
    void theWinnerIsTheBestOnValidationAndIsTestedOnceBesideTheDeclaredSpec() throws IOException {
        Path csv = irisCsv();
        SearchSpace space = SearchFixtures.space(CsvSource.file(csv), HOLDOUT, SearchStrategy.GRID, 40, 2);
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        Search.Outcome o = Search.run(space, options(dir.resolve("work")).progress(new PrintStream(progress, true,
                StandardCharsets.UTF_8)));
        List<Search.Trial> search = o.trials().stream().filter(t -> t.stage().equals("search")).toList();
        assertThat(search).hasSize(6);
        double best = search.stream().mapToDouble(Search.Trial::metric).max().orElseThrow();
        assertThat(o.winnerValidation()).isEqualTo(best);
        assertThat(o.declaredValidation()).isEqualTo(search.get(0).metric());
        // 2 units learn far worse than 16 at the same rate: the search sees it
        assertThat(search.get(2).metric()).isLessThan(search.get(0).metric());
        assertThat(o.winnerValidation()).isAtLeast(o.declaredValidation());
        // the ablation: the winner and its two one-value changes, 2 seeds each
        assertThat(o.ablation()).hasSize(2);
        assertThat(o.trials().stream().filter(t -> t.stage().equals("ablation")).count()).isEqualTo(6);
        assertThat(o.configurationsOnValidation()).isEqualTo(6);
        // tested once: the winner's and the declared spec's test metrics; the report says what chose the winner
        assertThat(o.winnerResult().report().evaluatedOn()).isEqualTo("test");
        assertThat(o.winnerResult().metrics().get("accuracy")).isGreaterThan(0.8);
        assertThat(o.declaredResult().metrics().get("accuracy")).isGreaterThan(0.8);
        assertThat(o.winnerResult().report().warnings().stream().map(Report.Warning::code).toList())
                .contains("search-validation");
        assertThat(o.winnerResult().report().warnings().stream().filter(w -> w.code().equals("search-validation"))
                .findFirst().orElseThrow().message()).contains("6 configurations (12 trainings) were scored on the 30 "
                        + "validation rows");
        String printed = progress.toString(StandardCharsets.UTF_8);
        assertThat(printed).contains("trial 6/6 done");
        assertThat(printed).contains("ETA");
        // the ablation's lines do not carry the search's best so far
        assertThat(printed.lines().filter(l -> l.startsWith("ablation trial")).toList()).hasSize(6);
        assertThat(printed.lines().filter(l -> l.startsWith("ablation trial")).noneMatch(l -> l.contains("best")))
                .isTrue();
        JsonNode table = new ObjectMapper().readTree(dir.resolve("work").resolve(Search.TABLE_JSON).toFile());
        assertThat(table.path("winner").path("configuration").asInt()).isEqualTo(o.winner());
        assertThat(table.path("trials").size()).isEqualTo(12);
        assertThat(table.path("test").path("declared").path("accuracy").isNumber()).isTrue();
        String page = Files.readString(dir.resolve("work").resolve(Search.TABLE_HTML));
        assertThat(page).contains("<svg id=\"parameter-0\"");
        assertThat(page).contains("<svg id=\"curves\"");
        assertThat(page).contains("Ablation");
    }

    @Test
    void theTestRowsAreNeverReadDuringTheSearch() throws IOException {
        Path clean = irisCsv();
        for (EvaluationProtocol protocol : List.of(HOLDOUT, KFOLD)) {
            Path bad = poisoned(clean, protocol);
            String name = protocol.getClass().getSimpleName();
            Search.Outcome a = Search.run(SearchFixtures.space(CsvSource.file(clean), protocol, SearchStrategy.GRID,
                    20, 2), options(dir.resolve("clean-" + name)).retrain(false));
            Search.Outcome b = Search.run(SearchFixtures.space(CsvSource.file(bad), protocol, SearchStrategy.GRID,
                    20, 2), options(dir.resolve("poisoned-" + name)).retrain(false));
            assertWithMessage(name).that(rows(b)).isEqualTo(rows(a));
            assertThat(b.winner()).isEqualTo(a.winner());
        }
        // the poison is real: the same winner tested on the poisoned test rows scores worse
        Search.Outcome clean2 = Search.run(SearchFixtures.space(CsvSource.file(clean), HOLDOUT, SearchStrategy.GRID,
                20, 0), options(dir.resolve("clean-tested")));
        Search.Outcome bad2 = Search.run(SearchFixtures.space(CsvSource.file(poisoned(clean, HOLDOUT)), HOLDOUT,
                SearchStrategy.GRID, 20, 0), options(dir.resolve("poisoned-tested")));
        assertThat(rows(bad2)).isEqualTo(rows(clean2));
        assertThat(bad2.winnerResult().metrics().get("accuracy"))
                .isLessThan(clean2.winnerResult().metrics().get("accuracy") - 0.2);
    }

    @Test
    void theAblationTrainsEachConfigurationWithItsOwnEpochs() throws IOException {
        // epochs searched: 3 (declared) or 30; the winner's change back to 3 epochs trains 3 epochs, not the winner's
        CsvSource data = CsvSource.file(irisCsv());
        SearchSpace space = SearchSpace.builder(SearchFixtures.iris(data, HOLDOUT, 16, 0.01, 3), SearchStrategy.GRID, 1,
                3, 3, 2).parameter("Fit.epochs", true, false)
                .configuration(0, List.of("3"), "", () -> SearchFixtures.iris(data, HOLDOUT, 16, 0.01, 3))
                .configuration(1, List.of("30"), "class: @Fit(epochs = 30)\n",
                        () -> SearchFixtures.iris(data, HOLDOUT, 16, 0.01, 30))
                .trials(0, 1).ablation(0, 0, 1).ablation(1, 0, 0).build();
        Search.Outcome o = Search.run(space, options(dir.resolve("epochs")).retrain(false));
        assertThat(o.winner()).isEqualTo(1);
        List<Search.Trial> ablation = o.trials().stream().filter(t -> t.stage().equals("ablation")).toList();
        assertThat(ablation.stream().map(t -> t.configuration() + "@" + t.epochs() + "/" + t.seed()).toList())
                .containsExactly("1@30/3", "1@30/4", "0@3/3", "0@3/4").inOrder();
        assertThat(o.ablation().get(0).effect()).isLessThan(-0.05); // 3 epochs learn far less than 30
    }

    @Test
    void aSearchScoredByLogLossPicksTheLowest() throws IOException {
        Search.Outcome o = Search.run(SearchFixtures.space(CsvSource.file(irisCsv()), HOLDOUT, SearchStrategy.GRID,
                20, 0, "log_loss"), options(dir.resolve("loss")).retrain(false));
        assertThat(o.metric()).isEqualTo("log_loss");
        assertThat(o.higherIsBetter()).isFalse();
        double lowest = o.trials().stream().mapToDouble(Search.Trial::metric).min().orElseThrow();
        assertThat(o.winnerValidation()).isEqualTo(lowest);
        // log losses differ where accuracies tie
        assertThat(o.trials().stream().mapToDouble(Search.Trial::metric).distinct().count()).isEqualTo(6);
    }

    @Test
    void successiveHalvingKeepsTheBestThirdAtEachRung() throws IOException {
        assertThat(Search.rungs(5, 3, 45, 9).stream().map(r -> r[0] + "x" + r[1]).toList())
                .containsExactly("5x9", "15x3", "45x1").inOrder();
        assertThat(Search.rungs(5, 3, 30, 6).stream().map(r -> r[0] + "x" + r[1]).toList())
                .containsExactly("5x6", "15x2", "30x1").inOrder();
        Search.Outcome o = Search.run(SearchFixtures.space(CsvSource.file(irisCsv()), HOLDOUT, SearchStrategy.HALVING,
                27, 0), options(dir.resolve("halving")).retrain(false));
        // 6 configurations at 3 epochs, the best 2 at 9, the best at 27
        assertThat(o.trials().stream().map(t -> t.rung() + ":" + t.epochs()).distinct().toList())
                .containsExactly("0:3", "1:9", "2:27").inOrder();
        assertThat(o.trials().stream().filter(t -> t.rung() == 1).count()).isEqualTo(2);
        List<Search.Trial> first = o.trials().stream().filter(t -> t.rung() == 0).toList();
        List<Integer> kept = o.trials().stream().filter(t -> t.rung() == 1).map(Search.Trial::configuration).toList();
        double worstKept = first.stream().filter(t -> kept.contains(t.configuration()))
                .mapToDouble(Search.Trial::metric).min().orElseThrow();
        assertThat(first.stream().filter(t -> !kept.contains(t.configuration())).allMatch(t -> t.metric() <= worstKept))
                .isTrue();
        assertThat(o.epochsSpent()).isAtMost(6 * 3 + 2 * 9 + 27);
        assertThat(o.winner()).isEqualTo(o.trials().get(o.trials().size() - 1).configuration());
    }

    @Test
    void aRestartTrainsOnlyWhatWasNotFinished() throws IOException {
        Path csv = irisCsv();
        Path work = dir.resolve("work");
        Search.Outcome whole = Search.run(SearchFixtures.space(CsvSource.file(csv), HOLDOUT, SearchStrategy.GRID, 20,
                2), options(work).retrain(false));
        // as a kill would leave it: the header, three finished trials and half a line
        Path journal = work.resolve(Search.JOURNAL);
        List<String> lines = Files.readAllLines(journal);
        Files.writeString(journal, String.join("\n", lines.subList(0, 4)) + "\n" + lines.get(4).substring(0, 30));
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        Search.Outcome resumed = Search.run(SearchFixtures.space(CsvSource.file(csv), HOLDOUT, SearchStrategy.GRID, 20,
                2), options(work).retrain(false).progress(new PrintStream(progress, true, StandardCharsets.UTF_8)));
        assertThat(rows(resumed)).isEqualTo(rows(whole));
        String printed = progress.toString(StandardCharsets.UTF_8);
        assertThat(printed).contains("resumed  3 trainings already finished");
        // 12 trainings in all, 3 not run again
        assertThat(printed.lines().filter(l -> l.contains("trial ") && l.contains("configuration ")).count())
                .isEqualTo(9);
        assertThat(Files.readAllLines(journal)).hasSize(13);
    }

    @Test
    void aJournalOfAnotherSearchIsRefused() throws IOException {
        Path csv = irisCsv();
        Path work = dir.resolve("work");
        Search.run(SearchFixtures.space(CsvSource.file(csv), HOLDOUT, SearchStrategy.GRID, 5, 0),
                options(work).retrain(false));
        // other configurations (trained 6 epochs, not 5): refused
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Search.run(SearchFixtures.space(CsvSource.file(csv), HOLDOUT, SearchStrategy.GRID, 6, 0),
                        options(work).retrain(false)));
        assertThat(e).hasMessageThat().contains("[kiln.search-journal]");
        assertThat(e).hasMessageThat().contains("Pass --restart");
        Search.Outcome o = Search.run(SearchFixtures.space(CsvSource.file(csv), HOLDOUT, SearchStrategy.GRID, 6, 0),
                options(work).retrain(false).restart(true));
        assertThat(o.trials()).hasSize(6);
        // the same configurations searched another way share the finished trainings: halving's last rung is new
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        Search.run(SearchFixtures.space(CsvSource.file(csv), HOLDOUT, SearchStrategy.GRID, 6, 0).withTrials(
                List.of(0, 1, 2), 0), options(work).retrain(false).progress(new PrintStream(progress, true,
                        StandardCharsets.UTF_8)));
        assertThat(progress.toString(StandardCharsets.UTF_8)).contains("resumed  6 trainings already finished");
        assertThat(progress.toString(StandardCharsets.UTF_8)).doesNotContain("trial 1/3");
    }
}
