package io.kiln.runtime.internal.batch;

import io.kiln.runtime.batch.BatchScorer;
import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kiln.runtime.CsvSource;
import io.kiln.runtime.DataException;
import io.kiln.runtime.ModelDefinition;
import io.kiln.runtime.cli.KilnCli;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Batch scoring on real models trained on iris: the same CSV as {@code predict}, folders, bad rows,
 * and resuming after a crash (a real one: a child JVM killed with SIGKILL) without losing or
 * repeating a row.
 */
class BatchScorerTest {
    @TempDir static Path shared;
    @TempDir Path dir;

    static Path trainingCsv;
    static ModelDefinition species;
    static Path speciesModel;
    static Path virginicaModel;
    static Path petalModel;

    @BeforeAll
    static void trainModels() throws IOException {
        trainingCsv = BatchFixtures.writeTrainingCsv(shared.resolve("train.csv"));
        species = BatchFixtures.species(trainingCsv);
        speciesModel = BatchFixtures.train(species, shared.resolve("species.kiln"));
        virginicaModel = BatchFixtures.train(BatchFixtures.virginica(trainingCsv), shared.resolve("virginica.kiln"));
        petalModel = BatchFixtures.train(BatchFixtures.petalWidth(trainingCsv), shared.resolve("petal.kiln"));
    }

    record Run(int exit, String out, String err) {}

    static Run cli(ModelDefinition definition, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = KilnCli.run(definition, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), args);
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /**
     * The iris rows in another column order, with what real files have: missing values (NA, ?, empty),
     * quoted and padded numbers, an exponent, a plus sign, booleans as yes/1/TRUE, an unseen level,
     * CRLF line breaks and blank lines.
     */
    static Path awkwardInput(Path file) throws IOException {
        StringBuilder text = new StringBuilder(
                "label,petal_size, sepal_width_cm ,sepal_length_cm,wide_sepal,petal_width_cm,petal_length_cm,virginica\n");
        List<String[]> iris = BatchFixtures.irisRows();
        for (int i = 0; i < iris.size(); i++) {
            String[] c = BatchFixtures.row(iris.get(i)).split(",");
            // c: sepal_length, sepal_width, petal_length, petal_width, petal_size, wide_sepal, label, virginica
            String sepalWidth = i % 7 == 0 ? "NA" : i % 9 == 0 ? "\" " + c[1] + "\"" : c[1];
            String size = i % 11 == 0 ? "" : i % 23 == 0 ? "huge" : c[4];
            String wide = i % 13 == 0 ? "?" : i % 29 == 0 ? (c[5].equals("true") ? "yes" : "0")
                    : i % 31 == 0 ? c[5].toUpperCase() : c[5];
            String sepalLength = i % 5 == 0 ? "\"" + c[0] + "\"" : i % 37 == 0 ? c[0] + "e0" : i % 41 == 0
                    ? "+" + c[0] : i % 43 == 0 ? "  " + c[0] + " " : c[0];
            String petalLength = i % 47 == 0 ? "" : c[2];
            text.append(String.join(",", c[6], size, sepalWidth, sepalLength, wide, c[3], petalLength, c[7]))
                    .append(i % 17 == 0 ? "\r\n" : "\n").append(i % 19 == 0 ? "\n" : "");
        }
        return Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    @Test
    void scoreWritesWhatPredictWritesForEveryTask() throws IOException {
        Path input = awkwardInput(dir.resolve("awkward.csv"));
        List<Object[]> tasks = List.of(new Object[] {species, speciesModel},
                new Object[] {BatchFixtures.virginica(trainingCsv), virginicaModel},
                new Object[] {BatchFixtures.petalWidth(trainingCsv), petalModel});
        for (Object[] t : tasks) {
            ModelDefinition d = (ModelDefinition) t[0];
            Path model = (Path) t[1];
            Path predicted = dir.resolve(d.name() + ".predict.csv");
            Run p = cli(d, "predict", "--model", model.toString(), "--input", input.toString(), "--output",
                    predicted.toString());
            assertWithMessage(p.err()).that(p.exit()).isEqualTo(0);
            for (String batch : new String[] {"4096", "7"}) {
                Path scored = dir.resolve(d.name() + "." + batch + ".score.csv");
                Run s = cli(d, "score", "--model", model.toString(), "--input", input.toString(), "--output",
                        scored.toString(), "--batch-size", batch);
                assertWithMessage(s.err()).that(s.exit()).isEqualTo(0);
                assertThat(s.out()).startsWith("scored 150 rows, skipped 0 in ");
                if (batch.equals("4096")) { // one forward pass over all rows, like predict: the same bytes
                    assertWithMessage("%s, batch size %s", d.name(), batch).that(read(scored))
                            .isEqualTo(read(predicted));
                } else { // other batches: the same up to the last decimal (floating-point sums depend on the batch)
                    assertSameUpToRounding(Files.readAllLines(scored), Files.readAllLines(predicted));
                }
            }
        }
        assertThat(read(dir.resolve("species.4096.score.csv"))).startsWith(
                "line,species,p_setosa,p_versicolor,p_virginica\n2,setosa,");
        assertThat(read(dir.resolve("petal.7.score.csv"))).startsWith("line,petal_width\n2,");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString()).filter(n -> n.contains(".partial")
                    || n.contains(".checkpoint") || n.contains("rejects")).toList()).isEmpty();
        }
    }

    /** The same lines and labels, and each number within 1e-6 (a rounding of the sixth decimal either way). */
    private static void assertSameUpToRounding(List<String> actual, List<String> expected) {
        assertThat(actual).hasSize(expected.size());
        assertThat(actual.get(0)).isEqualTo(expected.get(0));
        for (int i = 1; i < actual.size(); i++) {
            String[] a = actual.get(i).split(",");
            String[] e = expected.get(i).split(",");
            assertThat(a.length).isEqualTo(e.length);
            for (int j = 0; j < a.length; j++) {
                if (e[j].matches("-?\\d+\\.\\d{6}")) {
                    assertWithMessage("line %s", i + 1).that(Double.parseDouble(a[j])).isWithin(1.5e-6)
                            .of(Double.parseDouble(e[j]));
                } else {
                    assertWithMessage("line %s", i + 1).that(a[j]).isEqualTo(e[j]);
                }
            }
        }
    }

    @Test
    void aMissingValueTokenThatLooksLikeANumberIsMissing() throws IOException {
        ModelDefinition minusOne = BatchFixtures.species(CsvSource.file(trainingCsv).missingValues(List.of("-1")));
        Path input = Files.writeString(dir.resolve("in.csv"), BatchFixtures.HEADER + "\n"
                + "5.1,-1,1.4,0.2,small,true,0,false\n" + "5.1,,1.4,0.2,small,true,0,false\n"
                + "5.1,-1.0,1.4,0.2,small,true,0,false\n");
        Run p = cli(minusOne, "predict", "--model", speciesModel.toString(), "--input", input.toString(), "--output",
                dir.resolve("p.csv").toString());
        Run s = cli(minusOne, "score", "--model", speciesModel.toString(), "--input", input.toString(), "--output",
                dir.resolve("s.csv").toString());
        assertWithMessage(p.err() + s.err()).that(p.exit() + s.exit()).isEqualTo(0);
        List<String> lines = Files.readAllLines(dir.resolve("s.csv"));
        assertThat(lines).isEqualTo(Files.readAllLines(dir.resolve("p.csv")));
        // "-1" is missing like the empty cell; "-1.0" is the number
        assertThat(lines.get(1).substring(2)).isEqualTo(lines.get(2).substring(2));
        assertThat(lines.get(3).substring(2)).isNotEqualTo(lines.get(1).substring(2));
    }

    @Test
    void aFolderIsScoredFileByFileIntoAFolder() throws IOException {
        Path in = Files.createDirectories(dir.resolve("in"));
        BatchFixtures.writeRows(in.resolve("b.csv"), 300, 2);
        BatchFixtures.writeRows(in.resolve("a.csv"), 200, 1);
        Files.writeString(in.resolve("notes.txt"), "not data");
        Path out = dir.resolve("out");
        BatchScorer scorer = new BatchScorer(species, speciesModel, BatchScorer.Options.defaults().batchSize(64));
        BatchScorer.Summary s = scorer.score(in, out);
        assertThat(s.files()).isEqualTo(2);
        assertThat(s.scored()).isEqualTo(500);
        assertThat(s.outputs()).containsExactly(out.resolve("a.csv"), out.resolve("b.csv")).inOrder();
        try (Stream<Path> files = Files.list(out)) {
            assertThat(files.map(f -> f.getFileName().toString()).sorted().toList()).containsExactly("a.csv", "b.csv");
        }
        for (String name : List.of("a.csv", "b.csv")) {
            Path single = scorer.score(in.resolve(name), dir.resolve("single-" + name)).outputs().get(0);
            assertThat(read(out.resolve(name))).isEqualTo(read(single));
        }
        IllegalArgumentException again = assertThrows(IllegalArgumentException.class, () -> scorer.score(in, out));
        assertThat(again).hasMessageThat().contains("Pass --overwrite to replace them");
        assertThat(new BatchScorer(species, speciesModel, BatchScorer.Options.defaults().overwrite(true))
                .score(in, out).scored()).isEqualTo(500);
    }

    @Test
    void aBadCellFailsNamingFileLineAndColumn() throws IOException {
        Path input = BatchFixtures.writeRows(dir.resolve("bad.csv"), 40, 3);
        List<String> lines = new ArrayList<>(Files.readAllLines(input));
        lines.set(33, lines.get(33).replaceFirst("^([^,]*,[^,]*,)[^,]*", "$1abc")); // line 34, petal_length_cm
        Files.write(input, lines);
        BatchScorer scorer = new BatchScorer(species, speciesModel, BatchScorer.Options.defaults().batchSize(8));
        DataException e = assertThrows(DataException.class, () -> scorer.score(input, dir.resolve("scores.csv")));
        assertThat(e).hasMessageThat().startsWith(input + ":34: column 'petal_length_cm' (3): \"abc\" is not a finite "
                + "number. The 32 rows before its chunk are saved in ");
        assertThat(e).hasMessageThat().contains("re-run with --on-error skip");
        Run cli = cli(species, "score", "--model", speciesModel.toString(), "--input", input.toString(), "--output",
                dir.resolve("cli.csv").toString());
        assertThat(cli.exit()).isEqualTo(1);
        assertThat(cli.err()).contains("error: " + input + ":34: column 'petal_length_cm' (3)");

        // the advice works: resuming with --on-error skip gives what skipping from the start gives
        BatchScorer.Summary resumed = new BatchScorer(species, speciesModel,
                BatchScorer.Options.defaults().batchSize(8).onError(BatchScorer.OnError.SKIP))
                .score(input, dir.resolve("scores.csv"));
        assertThat(resumed.resumedRows()).isEqualTo(32);
        BatchScorer.Summary fresh = new BatchScorer(species, speciesModel,
                BatchScorer.Options.defaults().batchSize(8).onError(BatchScorer.OnError.SKIP))
                .score(input, dir.resolve("fresh.csv"));
        assertThat(read(dir.resolve("scores.csv"))).isEqualTo(read(dir.resolve("fresh.csv")));
        assertThat(read(dir.resolve("scores.csv.rejects.csv"))).isEqualTo(read(dir.resolve("fresh.csv.rejects.csv")));
        assertThat(fresh.rejected()).isEqualTo(1);
    }

    @Test
    void skipWritesRejectedRowsWithTheReasonAndGoesOn() throws IOException {
        Path input = BatchFixtures.writeRows(dir.resolve("mixed.csv"), 100, 4);
        List<String> lines = new ArrayList<>(Files.readAllLines(input));
        lines.set(9, lines.get(9).replace(",true,", ",maybe,").replace(",false,", ",maybe,")); // line 10
        lines.set(19, lines.get(19).substring(0, lines.get(19).lastIndexOf(','))); // line 20: a field short
        lines.set(49, "\"x,y\"" + lines.get(49).substring(lines.get(49).indexOf(','))); // line 50
        Files.write(input, lines);
        Path output = dir.resolve("scores.csv");
        Run r = cli(species, "score", "--model", speciesModel.toString(), "--input", input.toString(), "--output",
                output.toString(), "--on-error", "skip", "--batch-size", "16");
        assertWithMessage(r.err()).that(r.exit()).isEqualTo(0);
        assertThat(r.out()).startsWith("scored 97 rows, skipped 3 in ");
        assertThat(r.out()).contains("rejects  " + dir.resolve("scores.csv.rejects.csv"));
        List<String> rejects = Files.readAllLines(dir.resolve("scores.csv.rejects.csv"));
        assertThat(rejects.get(0)).isEqualTo("line,column,error,record");
        assertThat(rejects.get(1)).isEqualTo("10,'wide_sepal' (6),\"\"\"maybe\"\" is not a boolean (true/false, yes/no, "
                + "1/0)\"," + "\"" + lines.get(9) + "\"");
        assertThat(rejects.get(2)).startsWith("20,,\"expected 8 fields (as in the header), found 7.");
        assertThat(rejects.get(3)).startsWith("50,'sepal_length_cm' (1),\"\"\"x,y\"\" is not a finite number\",");
        assertThat(rejects).hasSize(4);
        List<String> scored = Files.readAllLines(output);
        assertThat(scored).hasSize(98);
        assertThat(scored.stream().map(l -> l.substring(0, l.indexOf(','))).toList()).containsNoneOf("10", "20", "50");
    }

    @Test
    void aFailedPredictLeavesNothingBesideItsOutput() throws IOException {
        Path input = withBadRows("predict-bad.csv", 300);
        Path folder = Files.createDirectories(dir.resolve("predict-out"));
        Path output = folder.resolve("predictions.csv");
        Run r = cli(species, "predict", "--model", speciesModel.toString(), "--input", input.toString(), "--output",
                output.toString());
        assertThat(r.exit()).isEqualTo(1);
        // the error alone: no advice to resume from files predict does not keep
        assertThat(r.err()).isEqualTo("error: " + input + ":98: column 'wide_sepal' (6): \"maybe\" is not a boolean "
                + "(true/false, yes/no, 1/0)\n");
        try (Stream<Path> files = Files.list(folder)) {
            assertThat(files.toList()).isEmpty();
        }
        Path good = BatchFixtures.writeRows(dir.resolve("predict-good.csv"), 300, 2);
        r = cli(species, "predict", "--model", speciesModel.toString(), "--input", good.toString(), "--output",
                output.toString());
        assertWithMessage(r.err()).that(r.exit()).isEqualTo(0);
        try (Stream<Path> files = Files.list(folder)) {
            assertThat(files.map(f -> f.getFileName().toString()).toList()).containsExactly("predictions.csv");
        }
        assertThat(Files.readAllLines(output)).hasSize(301);
    }

    @Test
    void aFinishedOutputIsKeptUnlessOverwriteIsGiven() throws IOException {
        Path input = BatchFixtures.writeRows(dir.resolve("in.csv"), 50, 5);
        Path output = dir.resolve("scores.csv");
        String[] args = {"score", "--model", speciesModel.toString(), "--input", input.toString(), "--output",
                output.toString(), "-q"};
        assertThat(cli(species, args).exit()).isEqualTo(0);
        Run again = cli(species, args);
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.err()).contains(output + " exists (a finished output). Pass --overwrite to replace it");
        List<String> withOverwrite = new ArrayList<>(List.of(args));
        withOverwrite.add("--overwrite");
        assertThat(cli(species, withOverwrite.toArray(String[]::new)).exit()).isEqualTo(0);
    }

    @Test
    void aFileWithOnlyAHeaderGivesOnlyTheHeader() throws IOException {
        Path input = Files.writeString(dir.resolve("empty.csv"), BatchFixtures.HEADER + "\n\n");
        BatchScorer.Summary s = new BatchScorer(species, speciesModel, BatchScorer.Options.defaults())
                .score(input, dir.resolve("scores.csv"));
        assertThat(s.rows()).isEqualTo(0);
        assertThat(read(dir.resolve("scores.csv"))).isEqualTo("line,species,p_setosa,p_versicolor,p_virginica\n");
        Path headerless = Files.writeString(dir.resolve("nothing.csv"), "");
        DataException e = assertThrows(DataException.class, () -> new BatchScorer(species, speciesModel,
                BatchScorer.Options.defaults()).score(headerless, dir.resolve("nothing-scores.csv")));
        assertThat(e).hasMessageThat().isEqualTo(headerless + ":1: the file is empty; expected a header line naming "
                + "the columns");
    }

    @Test
    void commitsOncePerCheckpointIntervalAndAfterTheLastChunk() throws IOException {
        Path small = BatchFixtures.writeRows(dir.resolve("small.csv"), 1000, 12);
        // every chunk, then the end of the input (found after the tenth chunk) marks the checkpoint complete
        assertThat(commits(small, 100, Duration.ZERO)).containsExactly(100L, 200L, 300L, 400L, 500L, 600L, 700L,
                800L, 900L, 1000L, 1000L).inOrder();
        assertThat(commits(small, 100, Duration.ofHours(1))).containsExactly(1000L); // only after the last chunk

        Path big = BatchFixtures.writeRows(dir.resolve("big.csv"), 100_000, 13);
        List<long[]> timed = new ArrayList<>(); // {rows, nanoTime}
        BatchScorer.Options options = BatchScorer.Options.defaults().batchSize(500)
                .checkpointInterval(Duration.ofMillis(40)).listener((o, rows) -> timed.add(new long[] {rows,
                        System.nanoTime()}));
        long start = System.nanoTime();
        new BatchScorer(species, speciesModel, options).score(big, dir.resolve("big-scores.csv"));
        long elapsed = System.nanoTime() - start;
        assertThat(timed.get(timed.size() - 1)[0]).isEqualTo(100_000L);
        assertThat(timed.size()).isAtMost((int) (elapsed / 40_000_000L) + 2);
        if (elapsed >= 200_000_000L) { // a run of five intervals or more commits on the way too, not only at the end
            assertThat(timed.size()).isAtLeast(2);
        }
        for (int i = 1; i < timed.size() - 1; i++) { // the last commit ends the run, whenever it comes
            assertThat(timed.get(i)[1] - timed.get(i - 1)[1]).isAtLeast(40_000_000L);
            assertThat(timed.get(i)[0] % 500).isEqualTo(0L); // whole chunks
        }
    }

    /** The rows committed at each commit of a run over {@code input}. */
    private List<Long> commits(Path input, int batch, Duration interval) throws IOException {
        List<Long> commits = new ArrayList<>();
        BatchScorer.Options options = BatchScorer.Options.defaults().batchSize(batch).checkpointInterval(interval)
                .listener((o, rows) -> commits.add(rows));
        new BatchScorer(species, speciesModel, options).score(input, dir.resolve("scores-" + interval.toMillis()
                + ".csv"));
        return commits;
    }

    @Test
    void aNegativeCheckpointIntervalIsRefused() throws IOException {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BatchScorer.Options.defaults().checkpointInterval(Duration.ofSeconds(-1)));
        assertThat(e).hasMessageThat().isEqualTo("--checkpoint-interval must be zero or more seconds, was PT-1S");
        Path input = BatchFixtures.writeRows(dir.resolve("in.csv"), 10, 5);
        Run cli = cli(species, "score", "--model", speciesModel.toString(), "--input", input.toString(), "--output",
                dir.resolve("out.csv").toString(), "--checkpoint-interval", "-1");
        assertThat(cli.exit()).isEqualTo(2);
        assertThat(cli.err()).contains("--checkpoint-interval is seconds from 0 to 86400, not -1.0");
        assertThat(Files.exists(dir.resolve("out.csv.partial"))).isFalse();
    }

    /** Scores with a listener that throws once {@code rows} rows are committed: a crash without killing the JVM. */
    private static void crashAfter(Path input, Path output, long rows) throws IOException {
        BatchScorer.Options crashing = BatchScorer.Options.defaults().batchSize(100).checkpointInterval(Duration.ZERO)
                .listener((o, done) -> {
            if (done >= rows) {
                throw new IllegalStateException("simulated crash");
            }
        });
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new BatchScorer(species, speciesModel, crashing).score(input, output));
        assertThat(e).hasMessageThat().isEqualTo("simulated crash");
    }

    /** {@code rows} rows with a bad boolean on every 97th line, for the skip mode's rejects. */
    private Path withBadRows(String name, int rows) throws IOException {
        Path input = BatchFixtures.writeRows(dir.resolve(name), rows, 6);
        List<String> lines = new ArrayList<>(Files.readAllLines(input));
        for (int i = 97; i < lines.size(); i += 97) {
            lines.set(i, lines.get(i).replace(",true,", ",maybe,").replace(",false,", ",maybe,"));
        }
        Files.write(input, lines);
        return input;
    }

    @Test
    void skippedRowsSurviveTwoCrashesAndResumes() throws IOException {
        Path input = withBadRows("in.csv", 2000);
        BatchScorer.Options skip = BatchScorer.Options.defaults().batchSize(100).onError(BatchScorer.OnError.SKIP);
        Path reference = dir.resolve("reference.csv");
        new BatchScorer(species, speciesModel, skip).score(input, reference);
        List<String> referenceRejects = Files.readAllLines(FileScorer.rejectsOf(reference));
        assertThat(referenceRejects.size()).isGreaterThan(15);

        Path output = dir.resolve("scores.csv");
        for (long crashAt : new long[] {500, 1100}) {
            BatchScorer.Options crashing = skip.checkpointInterval(Duration.ZERO).listener((o, done) -> {
                if (done >= crashAt) {
                    throw new IllegalStateException("simulated crash");
                }
            });
            assertThrows(IllegalStateException.class,
                    () -> new BatchScorer(species, speciesModel, crashing).score(input, output));
        }
        BatchScorer.Summary s = new BatchScorer(species, speciesModel, skip).score(input, output);
        assertThat(s.resumedRows()).isAtLeast(1100L);
        assertThat(read(output)).isEqualTo(read(reference));
        assertThat(Files.readAllLines(FileScorer.rejectsOf(output))).isEqualTo(referenceRejects);
    }

    @Test
    void aTornWriteAfterTheLastCommitIsCutOff() throws IOException {
        Path input = BatchFixtures.writeRows(dir.resolve("in.csv"), 2000, 6);
        Path reference = dir.resolve("reference.csv");
        new BatchScorer(species, speciesModel, BatchScorer.Options.defaults().batchSize(100)).score(input, reference);
        Path output = dir.resolve("scores.csv");
        crashAfter(input, output, 500);
        long committed = Checkpoint.read(FileScorer.checkpointOf(output)).rows();
        assertThat(committed).isAtLeast(500L);
        Files.writeString(FileScorer.partialOf(output), "9999,half a li", StandardOpenOption.APPEND);
        BatchScorer.Summary s = new BatchScorer(species, speciesModel, BatchScorer.Options.defaults())
                .score(input, output);
        assertThat(s.resumedRows()).isEqualTo(committed);
        assertThat(s.rowsThisRun()).isEqualTo(2000 - committed);
        assertThat(read(output)).isEqualTo(read(reference));
        assertThat(Files.exists(FileScorer.partialOf(output))).isFalse();
        assertThat(Files.exists(FileScorer.checkpointOf(output))).isFalse();
    }

    @Test
    void aCheckpointOfAnotherInputOrModelIsRefusedUntilRestart() throws IOException {
        Path input = BatchFixtures.writeRows(dir.resolve("in.csv"), 1000, 7);
        Path output = dir.resolve("scores.csv");
        crashAfter(input, output, 300);

        BatchScorer otherModel = new BatchScorer(species, virginicaModel, BatchScorer.Options.defaults());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> otherModel.score(input, output));
        assertThat(e).hasMessageThat().contains("it was scored with another model (" + speciesModel.toAbsolutePath());

        long size = Files.size(input);
        Files.writeString(input, "5.0,3.0,1.5,0.2,small,false,0,false\n", StandardOpenOption.APPEND);
        Files.setLastModifiedTime(input, FileTime.fromMillis(System.currentTimeMillis() + 5000));
        BatchScorer scorer = new BatchScorer(species, speciesModel, BatchScorer.Options.defaults());
        e = assertThrows(IllegalArgumentException.class, () -> scorer.score(input, output));
        assertThat(e).hasMessageThat().isEqualTo("Cannot resume " + output + ": " + FileScorer.checkpointOf(output)
                + " does not match (the input's size changed from " + size + " to " + (size + 36) + " bytes; the input "
                + "was modified since; the input's first 64 KB changed). Pass --restart to score " + input
                + " from the beginning (the partial output is replaced).");

        BatchScorer.Summary s = new BatchScorer(species, speciesModel, BatchScorer.Options.defaults().restart(true))
                .score(input, output);
        assertThat(s.resumedRows()).isEqualTo(0);
        assertThat(s.scored()).isEqualTo(1001);
        new BatchScorer(species, speciesModel, BatchScorer.Options.defaults()).score(input, dir.resolve("fresh.csv"));
        assertThat(Files.readString(output).split("\n")).hasLength(1002);
        assertThat(read(output)).isEqualTo(read(dir.resolve("fresh.csv")));
    }

    @Test
    void aFolderRunResumesInTheFileItStoppedIn() throws IOException {
        Path in = Files.createDirectories(dir.resolve("in"));
        BatchFixtures.writeRows(in.resolve("a.csv"), 300, 8);
        BatchFixtures.writeRows(in.resolve("b.csv"), 700, 9);
        new BatchScorer(species, speciesModel, BatchScorer.Options.defaults().batchSize(100))
                .score(in, dir.resolve("reference"));
        Path out = dir.resolve("out");
        BatchScorer.Options crashInB = BatchScorer.Options.defaults().batchSize(100).checkpointInterval(Duration.ZERO)
                .listener((o, rows) -> {
            if (o.getFileName().toString().equals("b.csv") && rows >= 400) {
                throw new IllegalStateException("simulated crash");
            }
        });
        assertThrows(IllegalStateException.class, () -> new BatchScorer(species, speciesModel, crashInB).score(in, out));
        assertThat(Files.exists(out.resolve("a.csv"))).isTrue();
        long committedInB = Checkpoint.read(FileScorer.checkpointOf(out.resolve("b.csv"))).rows();
        assertThat(committedInB).isAtLeast(400L);
        BatchScorer.Summary s = new BatchScorer(species, speciesModel, BatchScorer.Options.defaults()).score(in, out);
        assertThat(s.resumedRows()).isEqualTo(300 + committedInB);
        assertThat(s.scored()).isEqualTo(1000);
        for (String name : List.of("a.csv", "b.csv")) {
            assertThat(read(out.resolve(name))).isEqualTo(read(dir.resolve("reference").resolve(name)));
        }
        try (Stream<Path> files = Files.list(out)) {
            assertThat(files.map(f -> f.getFileName().toString()).sorted().toList()).containsExactly("a.csv", "b.csv");
        }
    }

    /**
     * Starts {@link ScoreChild} on {@code input} and kills it (SIGKILL: no shutdown hooks, no
     * flushing) {@code afterMillis} after its first commit past {@code atLeast} rows. Returns the rows
     * committed when it died.
     */
    private long killWhileScoring(Path input, Path output, String onError, long atLeast, long afterMillis)
            throws Exception {
        Path checkpoint = FileScorer.checkpointOf(output);
        Path log = dir.resolve("child.log");
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseParallelGC", "-Dorg.bytedeco.javacpp.maxPhysicalBytes=0",
                "-cp", System.getProperty("java.class.path"), ScoreChild.class.getName(), trainingCsv.toString(),
                speciesModel.toString(), input.toString(), output.toString(), "1000", "40", onError);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("OMP_NUM_THREADS", "1");
        Process child = pb.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (committedRows(checkpoint) <= atLeast) {
                assertWithMessage("the child ended before committing enough:\n%s", Files.exists(log) ? read(log) : "")
                        .that(child.isAlive()).isTrue();
                assertWithMessage("no checkpoint after 60 s").that(System.nanoTime()).isLessThan(deadline);
                Thread.sleep(10);
            }
            Thread.sleep(afterMillis); // a few more commits, and the kill lands wherever the child is
        } finally {
            child.destroyForcibly();
            child.waitFor();
        }
        assertWithMessage("the child finished before it was killed").that(Files.exists(output)).isFalse();
        return committedRows(checkpoint);
    }

    @Test
    void aKilledRunResumesWithoutLosingOrRepeatingARow() throws Exception {
        Path input = BatchFixtures.writeRows(dir.resolve("big.csv"), 100_000, 10);
        Path reference = dir.resolve("reference.csv"); // uninterrupted, in the child's batches of 1000 rows
        new BatchScorer(species, speciesModel, BatchScorer.Options.defaults().batchSize(1000)).score(input, reference);

        Path output = dir.resolve("scores.csv");
        long committed = killWhileScoring(input, output, "FAIL", 0, 150);
        assertThat(committed).isGreaterThan(0L);
        assertThat(committed).isLessThan(100_000L);

        // default options: the resumed run keeps the checkpoint's batches of 1000 rows
        BatchScorer.Summary s = new BatchScorer(species, speciesModel, BatchScorer.Options.defaults())
                .score(input, output);
        assertThat(s.resumedRows()).isEqualTo(committed);
        assertThat(s.rows()).isEqualTo(100_000);
        assertThat(Files.mismatch(output, reference)).isEqualTo(-1L); // byte for byte: nothing lost, nothing twice
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("scores.csv.")
                    || n.startsWith(".scores.csv")).toList()).isEmpty();
        }
    }

    /** Killed twice at random points while skipping bad rows: the output and the rejects are those of one run. */
    @Test
    void aKilledSkippingRunKeepsEveryRejectAcrossTwoKills() throws Exception {
        Path input = withBadRows("bad.csv", 60_000);
        Path reference = dir.resolve("reference-skip.csv");
        new BatchScorer(species, speciesModel, BatchScorer.Options.defaults().batchSize(1000)
                .onError(BatchScorer.OnError.SKIP)).score(input, reference);

        Path output = dir.resolve("skipped.csv");
        java.util.Random random = new java.util.Random(17);
        long first = killWhileScoring(input, output, "SKIP", 0, 40 + random.nextInt(200));
        long second = killWhileScoring(input, output, "SKIP", first, 40 + random.nextInt(200));
        assertThat(second).isGreaterThan(first);

        BatchScorer.Summary s = new BatchScorer(species, speciesModel, BatchScorer.Options.defaults()
                .onError(BatchScorer.OnError.SKIP)).score(input, output);
        assertThat(s.resumedRows()).isEqualTo(second);
        assertThat(Files.mismatch(output, reference)).isEqualTo(-1L);
        assertThat(Files.mismatch(FileScorer.rejectsOf(output), FileScorer.rejectsOf(reference))).isEqualTo(-1L);
    }

    private static long committedRows(Path checkpoint) {
        try {
            Checkpoint c = Checkpoint.read(checkpoint);
            return c == null ? 0 : c.rows();
        } catch (IOException e) {
            return 0; // being replaced right now
        }
    }
}
