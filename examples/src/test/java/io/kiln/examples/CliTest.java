package io.kiln.examples;

import static com.google.common.truth.Truth.assertThat;

import io.kiln.examples.iris.IrisTrainer;
import io.kiln.runtime.cli.KilnCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generated command line, driven as a user would: train, evaluate, predict, info, and bad input. */
class CliTest {
    @TempDir static Path dir;
    static Path model;

    record Run(int exit, String out, String err) {}

    static Run cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = KilnCli.run(IrisTrainer.DEFINITION, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), args);
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @BeforeAll
    static void train() {
        model = dir.resolve("iris.kiln");
        Run r = cli("train", "--model", model.toString(), "--epochs", "40");
        assertThat(r.err()).doesNotContain("error");
        assertThat(r.exit()).isEqualTo(0);
        // k-fold with a final test: the folds' metrics come first, then the final model's under its own heading
        assertThat(r.out()).contains("cross-validated metrics, then the final model's on the test split (30 rows):");
        assertThat(r.out().indexOf("final model on the test split:"))
                .isGreaterThan(r.out().indexOf("cross-validated metrics, then"));
        assertThat(r.out()).containsMatch("accuracy\\s+0\\.[89]\\d+\\s+0\\.3333");
        assertThat(r.out()).contains("confusion matrix");
        assertThat(r.err()).contains("epoch 40/40");
        assertThat(Files.exists(model)).isTrue();
        // iris declares @KFold(k = 5, repeats = 3, test = 0.2): 15 folds, then the final model
        assertThat(r.err()).contains("fold 15/15");
        assertThat(r.out()).contains("3 x 5-fold cross-validation, stratified, shuffled, final test 0.20, 15 models:");
        assertThat(r.out()).contains("report   " + dir.resolve("iris.report.json"));
        assertThat(Files.exists(dir.resolve("iris.report.json"))).isTrue();
        assertThat(Files.exists(dir.resolve("iris.report.html"))).isTrue();
    }

    @Test
    void sanityChecksThatTheModelCanOverfitAFewRows() {
        Run r = cli("sanity", "--rows", "16", "--epochs", "200");
        assertThat(r.exit()).isEqualTo(0);
        assertThat(r.out()).contains("trained 200 epochs on 16 rows");
        assertThat(r.out()).contains("PASS");
    }

    @Test
    void sanityFailsWhenTooFewEpochsToFit() {
        Run r = cli("sanity", "--rows", "32", "--epochs", "1");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("FAIL: the model cannot even fit 32 rows");
    }

    @Test
    void evaluateRebuildsTheTestSplitOfTheTrainingData() {
        Run r = cli("evaluate", "--model", model.toString());
        assertThat(r.exit()).isEqualTo(0);
        assertThat(r.out()).contains("the 30-row test split of classpath:iris.csv");
        assertThat(r.out()).containsMatch("accuracy\\s+0\\.[89]\\d+\\s+0\\.3333");
    }

    @Test
    void predictOneSampleFromNameValuePairs() {
        Run r = cli("predict", "--model", model.toString(), "sepalLength=5.1", "sepalWidth=3.5", "petalLength=1.4",
                "petalWidth=0.2");
        assertThat(r.exit()).isEqualTo(0);
        assertThat(r.out()).startsWith("line,species,p_setosa,p_versicolor,p_virginica\n0,setosa,");
    }

    @Test
    void predictAFileWritesOneRowPerInputLine() throws Exception {
        Path input = dir.resolve("in.csv");
        Files.writeString(input, "sepal_length_cm,sepal_width_cm,petal_length_cm,petal_width_cm\n"
                + "5.1,3.5,1.4,0.2\n6.3,3.3,6.0,2.5\n");
        Path output = dir.resolve("out.csv");
        Run r = cli("predict", "--model", model.toString(), "--input", input.toString(), "--output", output.toString());
        assertThat(r.exit()).isEqualTo(0);
        String csv = Files.readString(output);
        assertThat(csv).containsMatch("\n2,setosa,");
        assertThat(csv).containsMatch("\n3,virginica,");
    }

    @Test
    void infoPrintsSpecMetricsAndProvenance() {
        Run r = cli("info", "--model", model.toString());
        assertThat(r.exit()).isEqualTo(0);
        assertThat(r.out()).contains("dl4j 1.0.0-M2.1");
        assertThat(r.out()).contains("@Output(units = 3, activation = SOFTMAX, loss = CATEGORICAL_CROSS_ENTROPY)");
        assertThat(r.out()).containsMatch("test +accuracy +0\\.\\d+ \\(baseline 0\\.3333\\)");
    }

    private static Path csv(String name, String body) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, "sepal_length_cm,sepal_width_cm,petal_length_cm,petal_width_cm,label\n" + body);
        return p;
    }

    @Test
    void aNonNumericCellNamesFileLineAndColumn() throws Exception {
        Path bad = csv("bad-number.csv", "5.1,3.5,1.4,0.2,0\n4.9,3.0,abc,0.2,0\n");
        Run r = cli("train", "--data", bad.toString(), "--model", dir.resolve("x.kiln").toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains(bad + ":3: column 'petal_length_cm' (3): \"abc\" is not a finite number");
    }

    @Test
    void anUnknownClassNamesFileLineAndColumn() throws Exception {
        Path bad = csv("bad-class.csv", "5.1,3.5,1.4,0.2,0\n4.9,3.0,1.4,0.2,7\n");
        Run r = cli("train", "--data", bad.toString(), "--model", dir.resolve("x.kiln").toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains(bad + ":3: column 'label' (5): unknown class \"7\"");
    }

    @Test
    void aRaggedRowNamesItsLine() throws Exception {
        Path bad = csv("ragged.csv", "5.1,3.5,1.4,0.2,0\n5.1,3.5,1.4,0\n");
        Run r = cli("train", "--data", bad.toString(), "--model", dir.resolve("x.kiln").toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains(bad + ":3: expected 5 fields (as in the header), found 4");
    }

    @Test
    void aMissingColumnIsNamedWithTheClosestHeader() throws Exception {
        Path bad = dir.resolve("missing-col.csv");
        Files.writeString(bad, "sepal_length_cm,sepal_width_cm,petal_length,petal_width_cm,label\n5.1,3.5,1.4,0.2,0\n");
        Run r = cli("train", "--data", bad.toString(), "--model", dir.resolve("x.kiln").toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains(bad + ":1: column 'petal_length_cm': missing column");
        assertThat(r.err()).contains("Did you mean 'petal_length'?");
    }

    @Test
    void aFailedRunLeavesTheLastGoodModelIntact() throws Exception {
        byte[] before = Files.readAllBytes(model);
        Path bad = csv("bad-again.csv", "5.1,3.5,1.4,0.2,0\n4.9,3.0,,0.2,x\n");
        Run r = cli("train", "--data", bad.toString(), "--model", model.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(Files.readAllBytes(model)).isEqualTo(before);
        try (var files = Files.list(dir)) {
            assertThat(files.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList()).isEmpty();
        }
    }

    @Test
    void aMissingModelFileIsAClearError() {
        Run r = cli("evaluate", "--model", dir.resolve("nope.kiln").toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("Model file not found");
    }

    @Test
    void anUnknownOptionIsAUsageError() {
        Run r = cli("train", "--epochz", "3");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("'--epochz'");
        assertThat(r.err()).contains("Possible solutions: --epochs");
    }
}
