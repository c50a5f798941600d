package io.kiln.examples.sunspots;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kiln.runtime.DataException;
import io.kiln.runtime.TrainOptions;
import io.kiln.runtime.batch.BatchScorer;
import io.kiln.runtime.cli.KilnCli;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code score} of a series model over the raw series: the yearly sunspot file, as the model was
 * trained on it, streamed into one forecast per window (the window ending on each row from the
 * 20th on, the last ones too), the same forecasts {@code predict} writes; resumable after a crash;
 * rows out of time order and bad rows named by line and column.
 */
class SeriesScoreTest {
    private static final int WINDOW = 20;
    /** 309 years, 1700-2008, on lines 2-310. */
    private static final int YEARS = 309;

    @TempDir static Path shared;
    @TempDir Path dir;
    static Path model;
    static Path series;
    static List<String> lines;

    @BeforeAll
    static void train() throws IOException {
        model = shared.resolve("pooled.kiln");
        SunspotsPooledTrainer.train(TrainOptions.defaults().quiet()).model().save(model);
        series = shared.resolve("sunspots_yearly.csv");
        try (InputStream in = SunspotsPooled.class.getResourceAsStream("sunspots_yearly.csv")) {
            Files.write(series, in.readAllBytes());
        }
        lines = Files.readAllLines(series);
        assertThat(lines).hasSize(YEARS + 1);
        assertThat(lines.get(0)).isEqualTo("year,activity");
    }

    private static String run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = KilnCli.run(SunspotsPooledTrainer.DEFINITION, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), args);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(exit).isEqualTo(0);
        return out.toString(StandardCharsets.UTF_8);
    }

    private static double[] lastValues(int lastLine) {
        double[] window = new double[WINDOW];
        for (int k = 0; k < WINDOW; k++) {
            window[k] = Double.parseDouble(lines.get(lastLine - WINDOW + k).split(",")[1]);
        }
        return window;
    }

    @Test
    void scoreForecastsFromEveryWindowOfTheRawSeriesAsPredictDoes() throws IOException {
        Path scores = dir.resolve("scores.csv");
        String summary = run("score", "--model", model.toString(), "--input", series.toString(), "--output",
                scores.toString(), "--batch-size", "64", "-q");
        assertThat(summary).contains("scored 290 rows, skipped 0");
        List<String> scored = Files.readAllLines(scores);
        // a window ends on every row from the 20th (line 21, 1719) to the last (line 310, 2008)
        assertThat(scored).hasSize(1 + YEARS - WINDOW + 1);
        assertThat(scored.get(0)).isEqualTo("line,next");
        assertThat(scored.get(1)).startsWith("21,");
        assertThat(scored.get(scored.size() - 1)).startsWith("310,");

        Path predicted = dir.resolve("predicted.csv");
        run("predict", "--model", model.toString(), "--input", series.toString(), "--output", predicted.toString());
        assertThat(Files.readAllLines(predicted)).isEqualTo(scored);

        // the forecast after the data's last year, and one in the middle, from the typed predictor
        SunspotsPooledPredictor predictor = SunspotsPooledPredictor.load(model);
        for (int line : new int[] {310, 150}) {
            double expected = predictor.predict(new SunspotsPooledPredictor.Input(lastValues(line))).next();
            String row = scored.get(line - WINDOW);
            assertThat(row).startsWith(line + ",");
            assertThat(Double.parseDouble(row.split(",")[1])).isWithin(5e-6).of(expected);
        }
    }

    @Test
    void aFileOfWindowsIsScoredRowByRowToTheSameForecasts() throws IOException {
        // a column per step, as the model file names the inputs: activity[t-19] ... activity[t]
        List<String> header = new ArrayList<>();
        for (int k = WINDOW - 1; k >= 0; k--) {
            header.add(k == 0 ? "activity[t]" : "activity[t-" + k + "]");
        }
        List<String> windows = new ArrayList<>(List.of(String.join(",", header)));
        for (int last = 21; last <= 30; last++) {
            windows.add(String.join(",", lines.subList(last - WINDOW, last).stream().map(l -> l.split(",")[1])
                    .toList()));
        }
        Path input = Files.write(dir.resolve("windows.csv"), windows);
        Path scores = dir.resolve("scores.csv");
        run("score", "--model", model.toString(), "--input", input.toString(), "--output", scores.toString(), "-q");
        Path predicted = dir.resolve("predicted.csv");
        run("predict", "--model", model.toString(), "--input", input.toString(), "--output", predicted.toString());
        List<String> scored = Files.readAllLines(scores);
        assertThat(Files.readAllLines(predicted)).isEqualTo(scored);

        Path fromSeries = dir.resolve("series-scores.csv");
        run("score", "--model", model.toString(), "--input", series.toString(), "--output", fromSeries.toString(),
                "-q");
        List<String> seriesScored = Files.readAllLines(fromSeries);
        assertThat(scored).hasSize(11);
        for (int i = 1; i <= 10; i++) {
            // window-file line i + 1 is the window ending on series line 20 + i
            assertThat(scored.get(i)).isEqualTo((i + 1) + seriesScored.get(i).substring(seriesScored.get(i).indexOf(',')));
        }
    }

    @Test
    void aCrashedRunResumesWithTheSameForecasts() throws IOException {
        Path reference = dir.resolve("reference.csv");
        new BatchScorer(SunspotsPooledTrainer.DEFINITION, model, BatchScorer.Options.defaults().batchSize(16))
                .score(series, reference);
        Path output = dir.resolve("scores.csv");
        BatchScorer.Options crashing = BatchScorer.Options.defaults().batchSize(16).checkpointInterval(Duration.ZERO)
                .listener((o, done) -> {
            if (done >= 100) {
                throw new IllegalStateException("simulated crash");
            }
        });
        assertThrows(IllegalStateException.class,
                () -> new BatchScorer(SunspotsPooledTrainer.DEFINITION, model, crashing).score(series, output));
        // the resumed run reads the 19 rows before its first window again
        BatchScorer.Summary s = new BatchScorer(SunspotsPooledTrainer.DEFINITION, model,
                BatchScorer.Options.defaults().batchSize(16)).score(series, output);
        assertThat(s.resumedRows()).isAtLeast(100L);
        assertThat(s.resumedRows()).isLessThan(290L);
        assertThat(s.resumedRows() + s.rowsThisRun()).isEqualTo(290);
        assertThat(Files.readAllLines(output)).isEqualTo(Files.readAllLines(reference));
    }

    @Test
    void aRowOutOfTimeOrderFailsNamingItsLineAndTheOrderColumn() throws IOException {
        List<String> swapped = new ArrayList<>(lines);
        swapped.set(99, lines.get(100)); // line 100: 1799
        swapped.set(100, lines.get(99)); // line 101: 1798
        Path input = Files.write(dir.resolve("swapped.csv"), swapped);
        DataException e = assertThrows(DataException.class, () -> new BatchScorer(SunspotsPooledTrainer.DEFINITION,
                model, BatchScorer.Options.defaults()).score(input, dir.resolve("out.csv")));
        assertThat(e).hasMessageThat().startsWith(input + ":101: column 'year' (1): '1798' comes before the value on line "
                + "100: score reads a series in file order, so sort the file by this column first.");
    }

    @Test
    void skipRejectsABadRowAndStartsTheNextWindowAfterIt() throws IOException {
        List<String> broken = new ArrayList<>(lines);
        broken.set(199, broken.get(199).split(",")[0] + ",lots"); // line 200: not a number
        broken.set(249, broken.get(249).split(",")[0] + ",1e300"); // line 250: beyond 32-bit floats once scaled
        Path input = Files.write(dir.resolve("broken.csv"), broken);
        Path output = dir.resolve("out.csv");
        BatchScorer.Summary s = new BatchScorer(SunspotsPooledTrainer.DEFINITION, model,
                BatchScorer.Options.defaults().onError(BatchScorer.OnError.SKIP)).score(input, output);
        assertThat(s.rejected()).isEqualTo(2);
        List<String> rejects = Files.readAllLines(dir.resolve("out.csv.rejects.csv"));
        assertThat(rejects).hasSize(3);
        assertThat(rejects.get(1)).startsWith("200,'activity' (2),");
        assertThat(rejects.get(2)).startsWith("250,'activity' (2),");
        // the 20 windows holding line 200 (ending on lines 200-219) and the 20 holding 250 are not scored
        List<String> scored = Files.readAllLines(output);
        assertThat(scored).hasSize(1 + 290 - 40);
        List<String> firstColumn = scored.stream().skip(1).map(l -> l.split(",")[0]).toList();
        assertThat(firstColumn).contains("199");
        assertThat(firstColumn).doesNotContain("219");
        assertThat(firstColumn).contains("220");
        assertThat(firstColumn).contains("249");
        assertThat(firstColumn).doesNotContain("269");
        assertThat(firstColumn).contains("270");
        // the windows before the bad row are those of the clean file
        Path clean = dir.resolve("clean.csv");
        new BatchScorer(SunspotsPooledTrainer.DEFINITION, model, BatchScorer.Options.defaults()).score(series, clean);
        assertThat(scored.subList(0, 180)).isEqualTo(Files.readAllLines(clean).subList(0, 180));
    }
}
