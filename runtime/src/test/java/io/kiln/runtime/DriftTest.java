package io.kiln.runtime;

import io.kiln.runtime.internal.data.Rows;
import io.kiln.runtime.internal.data.CsvTable;
import io.kiln.runtime.internal.data.LabeledData;
import io.kiln.runtime.internal.data.Splits;
import io.kiln.runtime.internal.drift.DriftProfile;
import io.kiln.runtime.internal.preprocess.Preprocessor;

import static com.google.common.truth.Truth.assertThat;
import static io.kiln.runtime.TrainingFixtures.quiet;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kiln.dsl.Encoding;
import io.kiln.dsl.Missing;
import io.kiln.dsl.Scaling;
import io.kiln.dsl.Task;
import io.kiln.runtime.cli.KilnCli;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.learning.config.Adam;

/**
 * Drift: the profile saved with the model, PSI on real data (digits, iris), the edge conventions,
 * the online monitor, the model file (kiln-model/3 and /2) and the {@code drift} command.
 */
class DriftTest {
    @TempDir Path dir;

    /** The digits data of the examples: 1797 rows of 64 pixel intensities 0..16. */
    static final Path DIGITS_CSV = Path.of("../examples/src/main/resources/io/kiln/examples/digits/digits.csv");

    static LabeledData digits;
    static List<FeatureSchema> digitFeatures;
    /** A seeded 60/40 split of the digits rows: a profile is fitted on the first part, the second is new data. */
    static int[] digitsTrain;
    static int[] digitsNew;
    static DriftProfile digitsProfile;

    @BeforeAll
    static void readDigits() throws IOException {
        digitFeatures = new ArrayList<>();
        for (int r = 0; r < 8; r++) {
            for (int c = 0; c < 8; c++) {
                String name = "pixel_" + r + "_" + c;
                digitFeatures.add(FeatureSchema.numeric(name, name, Scaling.STANDARDIZE, Missing.MEAN, ""));
            }
        }
        List<String> classes = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
        CsvSource source = CsvSource.file(DIGITS_CSV);
        digits = LabeledData.read(CsvTable.read(source), source, digitFeatures,
                new LabelSchema("digit", LabelCoding.INDEX, List.of("label"), classes), Task.MULTICLASS_CLASSIFICATION);
        int[] order = java.util.stream.IntStream.range(0, digits.size()).toArray();
        Splits.shuffle(order, new Random(7));
        int cut = digits.size() * 6 / 10;
        digitsTrain = Arrays.copyOf(order, cut);
        digitsNew = Arrays.copyOfRange(order, cut, order.length);
        digitsProfile = profile(digitFeatures, digits.features(), digitsTrain);
    }

    /** A profile fitted the way the trainer fits it: transforms first, then the raw values of the same rows. */
    static DriftProfile profile(List<FeatureSchema> features, List<Object[]> rows, int[] train) {
        return DriftProfile.fit(Preprocessor.fit(features, rows, train).transforms(), rows, train);
    }

    static List<Object[]> rows(List<Object[]> all, int[] which) {
        List<Object[]> out = new ArrayList<>();
        for (int r : which) {
            out.add(all.get(r));
        }
        return out;
    }

    static int[] all(int n) {
        return java.util.stream.IntStream.range(0, n).toArray();
    }

    // ---------------------------------------------------------------- the profile of a trained model

    @Test
    void kfoldModelProfilesAllCrossValidatedRowsAndTheyDoNotDrift() {
        ModelDefinition def = TrainingFixtures.iris(new Adam(0.02)).protocol(new KFoldProtocol(3, 1, true, true, 0.2))
                .fit(new FitSettings(2, 16, 3)).build();
        TrainingResult r = Trainer.train(def, quiet());
        DriftProfile drift = r.model().metadata().drift();
        int[] cv = Trainer.prepare(def, quiet()).split().train();
        assertThat(drift.rows()).isEqualTo(cv.length);
        assertThat(drift.rows()).isEqualTo(r.model().metadata().provenance().trainRows());
        assertThat(drift.names()).containsExactlyElementsIn(TrainingFixtures.IRIS_FEATURES).inOrder();
        DriftReport self = DriftReport.of(drift, rows(Trainer.prepare(def, quiet()).data().features(), cv));
        for (DriftReport.FeatureDrift d : self.features()) {
            assertThat(d.psi()).isLessThan(0.01);
            assertThat(d.verdict()).isEqualTo("stable");
        }
    }

    @Test
    void retrainedModelProfilesTrainingAndValidationRows() {
        ModelDefinition def = TrainingFixtures.iris(new Adam(0.02)).protocol(new HoldoutProtocol(0.2, 0.2, true, true, true))
                .fit(new FitSettings(2, 16, 3)).build();
        TrainingResult r = Trainer.train(def, quiet());
        Trainer.Prepared p = Trainer.prepare(def, quiet());
        int[] trained = Rows.concat(p.split().train(), p.split().validation());
        DriftProfile drift = r.model().metadata().drift();
        assertThat(drift.rows()).isEqualTo(trained.length);
        assertThat(drift).isEqualTo(DriftProfile.fit(r.model().metadata().features(), p.data().features(), trained));
        DriftReport self = DriftReport.of(drift, rows(p.data().features(), trained));
        assertThat(self.features().stream().mapToDouble(DriftReport.FeatureDrift::psi).max().orElseThrow())
                .isLessThan(0.01);
    }

    // ---------------------------------------------------------------- PSI on real data

    @Test
    void trainingRowsDoNotDriftFromTheirOwnProfile() {
        DriftReport self = DriftReport.of(digitsProfile, rows(digits.features(), digitsTrain));
        assertThat(self.rows()).isEqualTo(digitsTrain.length);
        for (DriftReport.FeatureDrift d : self.features()) {
            assertThat(d.psi()).isLessThan(0.01);
        }
    }

    @Test
    void shiftingOneFeatureByTwoStandardDeviationsIsAMajorShiftOfThatFeatureOnly() {
        int shifted = digitFeatures.indexOf(digitFeatures.stream().filter(f -> f.name().equals("pixel_3_4"))
                .findFirst().orElseThrow());
        double[] train = Arrays.stream(digitsTrain).mapToDouble(r -> (Double) digits.features().get(r)[shifted])
                .toArray();
        double std = Math.sqrt(Arrays.stream(train).map(v -> v * v).average().orElseThrow()
                - Math.pow(Arrays.stream(train).average().orElseThrow(), 2));
        assertThat(std).isGreaterThan(1.0);
        List<Object[]> fresh = new ArrayList<>();
        for (int r : digitsNew) {
            Object[] row = digits.features().get(r).clone();
            row[shifted] = (Double) row[shifted] + 2 * std;
            fresh.add(row);
        }
        DriftReport report = DriftReport.of(digitsProfile, fresh);
        for (int f = 0; f < digitFeatures.size(); f++) {
            DriftReport.FeatureDrift d = report.features().get(f);
            if (f == shifted) {
                assertThat(d.psi()).isGreaterThan(DriftProfile.MAJOR);
                assertThat(d.verdict()).isEqualTo("major");
            } else {
                // other rows than the profile's, so not 0: sampling noise only
                assertThat(d.psi()).isLessThan(0.1);
            }
        }
        assertThat(report.sortedByPsi().get(0).feature()).isEqualTo("pixel_3_4");
        assertThat(report.above(DriftProfile.MAJOR).stream().map(DriftReport.FeatureDrift::feature).toList())
                .containsExactly("pixel_3_4");
        // the most shifted bucket is the top bin, which the shift fills
        DriftReport.FeatureDrift top = report.sortedByPsi().get(0);
        assertThat(top.bucket()).endsWith(", +inf)");
        assertThat(top.actual()).isGreaterThan(top.expected() + 0.3);
    }

    enum Color { red, green, blue, purple }

    @Test
    void aChangedMixOfCategoricalAndBooleanLevelsIsDetected() {
        List<FeatureSchema> features = List.of(
                FeatureSchema.categorical("color", "color", List.of(), Encoding.ONE_HOT, Scaling.NONE,
                        Missing.MISSING_CATEGORY, ""),
                FeatureSchema.bool("member", "member", Missing.MOST_FREQUENT, ""));
        List<Object[]> train = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            train.add(new Object[] {i < 600 ? "red" : i < 900 ? "green" : "blue", i % 4 == 0});
        }
        DriftProfile profile = profile(features, train, all(train.size()));
        DriftProfile.FeatureProfile color = profile.features().get(0);
        // levels as learnt, without the <missing> level: a missing value has its own bucket
        assertThat(color.levels()).containsExactly("blue", "green", "red").inOrder();
        assertThat(color.proportions()).usingTolerance(1e-12).containsExactly(0.1, 0.3, 0.6).inOrder();
        assertThat(color.buckets()).isEqualTo(5);
        assertThat(profile.features().get(1).levels()).containsExactly("false", "true").inOrder();
        assertThat(profile.features().get(1).proportions()).usingTolerance(1e-12).containsExactly(0.75, 0.25).inOrder();

        // the same mix, as enums: no drift
        List<Object[]> same = new ArrayList<>();
        for (Object[] row : train) {
            same.add(new Object[] {Color.valueOf((String) row[0]), row[1]});
        }
        assertThat(DriftReport.of(profile, same).features().get(0).psi()).isEqualTo(0.0);

        List<Object[]> shifted = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            shifted.add(new Object[] {i < 200 ? "red" : i < 500 ? "green" : "blue", i % 4 != 0});
        }
        DriftReport report = DriftReport.of(profile, shifted);
        DriftReport.FeatureDrift c = report.features().get(0);
        assertThat(c.psi()).isGreaterThan(DriftProfile.MAJOR);
        assertThat(c.bucket()).isEqualTo("level 'blue'");
        assertThat(c.expected()).isWithin(1e-12).of(0.1);
        assertThat(c.actual()).isWithin(1e-12).of(0.5);
        assertThat(report.features().get(1).psi()).isGreaterThan(DriftProfile.MAJOR);

        // a level never seen in training goes to the other bucket
        assertThat(profile.bucket(0, Color.purple)).isEqualTo(color.otherBucket());
        assertThat(profile.bucket(0, "mauve")).isEqualTo(3);
        assertThat(profile.bucket(0, null)).isEqualTo(4);
        List<Object[]> unseen = new ArrayList<>(train.subList(0, 700));
        for (int i = 0; i < 300; i++) {
            unseen.add(new Object[] {"purple", true});
        }
        DriftReport.FeatureDrift u = DriftReport.of(profile, unseen).features().get(0);
        assertThat(u.psi()).isGreaterThan(DriftProfile.MAJOR);
        assertThat(u.bucket()).isEqualTo("other levels");
    }

    @Test
    void aRisingRateOfMissingValuesIsDetected() {
        List<FeatureSchema> features = List.of(digitFeatures.get(20), digitFeatures.get(21));
        List<Object[]> train = new ArrayList<>();
        List<Object[]> later = new ArrayList<>();
        for (int i = 0; i < digits.size(); i++) {
            Object[] pixels = digits.features().get(i);
            // 2% missing in training, 30% later, in the first feature only
            train.add(new Object[] {i % 50 == 0 ? null : pixels[20], pixels[21]});
            later.add(new Object[] {i % 10 < 3 ? null : pixels[20], pixels[21]});
        }
        DriftProfile profile = profile(features, train, all(train.size()));
        assertThat(profile.features().get(0).missing()).isWithin(0.001).of(0.02);
        DriftReport report = DriftReport.of(profile, later);
        DriftReport.FeatureDrift d = report.features().get(0);
        assertThat(d.psi()).isGreaterThan(DriftProfile.MAJOR);
        assertThat(d.bucket()).isEqualTo("missing");
        assertThat(d.actual()).isWithin(0.001).of(0.3);
        assertThat(report.features().get(1).psi()).isEqualTo(0.0);
    }

    // ---------------------------------------------------------------- bucket conventions

    static DriftProfile.FeatureProfile numeric(Object... values) {
        return DriftProfile.FeatureProfile.numeric("x", values);
    }

    @Test
    void numericBinsAreCutAtTheDecilesAndAValueOnAnEdgeGoesToTheBinAboveIt() {
        DriftProfile.FeatureProfile p = numeric(1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0);
        assertThat(p.edges()).usingExactEquality().containsExactly(2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0)
                .inOrder();
        assertThat(p.proportions()).usingTolerance(1e-12)
                .containsExactly(0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1);
        assertThat(p.missing()).isEqualTo(0.0);
        assertThat(p.buckets()).isEqualTo(11);
        assertThat(p.bucket(1.0)).isEqualTo(0);
        assertThat(p.bucket(1.999)).isEqualTo(0);
        assertThat(p.bucket(2.0)).isEqualTo(1); // on an edge: the bin above
        assertThat(p.bucket(2)).isEqualTo(1); // any Number
        assertThat(p.bucket(9.5)).isEqualTo(8);
        assertThat(p.bucket(10.0)).isEqualTo(9);
        // open-ended at both extremes
        assertThat(p.bucket(-1e300)).isEqualTo(0);
        assertThat(p.bucket(Double.NEGATIVE_INFINITY)).isEqualTo(0);
        assertThat(p.bucket(1e300)).isEqualTo(9);
        assertThat(p.bucket(null)).isEqualTo(10);
        assertThat(p.bucket(Double.NaN)).isEqualTo(10);
        assertThat(p.describe(0)).isEqualTo("bin (-inf, 2.0)");
        assertThat(p.describe(1)).isEqualTo("bin [2.0, 3.0)");
        assertThat(p.describe(9)).isEqualTo("bin [10.0, +inf)");
        assertThat(p.describe(10)).isEqualTo("missing");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.bucket("3.5"));
        assertThat(e).hasMessageThat().isEqualTo("'x' is numeric, but got String \"3.5\"; pass a number, or null "
                + "for a missing value");
    }

    @Test
    void repeatedDecilesAreDroppedAndMinusZeroIsZero() {
        Object[] values = new Object[100];
        for (int i = 0; i < 100; i++) {
            values[i] = i < 70 ? (i % 2 == 0 ? 0.0 : -0.0) : i < 95 ? 3.5 : 7.0;
        }
        values[99] = null;
        DriftProfile.FeatureProfile p = numeric(values);
        assertThat(p.edges()).usingExactEquality().containsExactly(0.0, 3.5).inOrder();
        // (-inf, 0), [0, 3.5), [3.5, +inf), missing
        assertThat(p.proportions()).usingTolerance(1e-12).containsExactly(0.0, 0.7, 0.29).inOrder();
        assertThat(p.missing()).isWithin(1e-12).of(0.01);
        assertThat(p.bucket(-0.0)).isEqualTo(p.bucket(0.0));
        assertThat(p.bucket(-0.0)).isEqualTo(1);
        assertThat(p.bucket(3.4999)).isEqualTo(1);
        assertThat(p.bucket(3.5)).isEqualTo(2);
        assertThat(p.bucket(-0.5f)).isEqualTo(0);
        assertThat(p.describe(2)).isEqualTo("bin [3.5, +inf)");

        // a constant feature: everything below it, or at it and above
        DriftProfile.FeatureProfile constant = numeric(5, 5, 5);
        assertThat(constant.edges()).usingExactEquality().containsExactly(5.0);
        assertThat(constant.proportions()).usingExactEquality().containsExactly(0.0, 1.0).inOrder();
        // never seen a value: one bin for all numbers
        DriftProfile.FeatureProfile none = numeric(null, null);
        assertThat(none.edges()).isEmpty();
        assertThat(none.missing()).isEqualTo(1.0);
        assertThat(none.bucket(42.0)).isEqualTo(0);
        assertThat(none.describe(0)).isEqualTo("bin (-inf, +inf)");
    }

    @Test
    void psiFloorsEmptyBucketsAndFollowsTheFormula() {
        DriftProfile.FeatureProfile p = numeric(1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0);
        long[] same = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0};
        assertThat(p.psi(same)).isEqualTo(0.0);
        long[] allHigh = {0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0};
        double e = DriftProfile.EPSILON;
        double expected = 9 * (e - 0.1) * Math.log(e / 0.1) + (1 - 0.1) * Math.log(1 / 0.1);
        assertThat(p.psi(allHigh)).isWithin(1e-12).of(expected);
        assertThat(Double.isFinite(p.psi(allHigh))).isTrue();
        assertThat(p.psi(new long[11])).isNaN();
        assertThrows(IllegalArgumentException.class, () -> p.psi(new long[3]));
        assertThat(DriftProfile.verdict(0.05)).isEqualTo("stable");
        assertThat(DriftProfile.verdict(0.1)).isEqualTo("moderate");
        assertThat(DriftProfile.verdict(0.25)).isEqualTo("moderate");
        assertThat(DriftProfile.verdict(0.26)).isEqualTo("major");
        assertThat(DriftProfile.verdict(Double.NaN)).isEqualTo("n/a");
    }

    // ---------------------------------------------------------------- the online monitor

    @Test
    void monitorPsiIsTheReportsPsiOverTheSameWindowAndTheWindowSlides() {
        DriftMonitor monitor = new DriftMonitor(digitsProfile, 300);
        assertThat(monitor.features()).isEqualTo(digitsProfile.names());
        List<Object[]> stream = new ArrayList<>(rows(digits.features(), digitsNew));
        // then 300 rows with every pixel brighter, then normal rows again
        for (int i = 0; i < 300; i++) {
            Object[] row = digits.features().get(digitsNew[i]).clone();
            for (int f = 0; f < row.length; f++) {
                row[f] = (Double) row[f] + 4;
            }
            stream.add(row);
        }
        stream.addAll(rows(digits.features(), Arrays.copyOf(digitsNew, 400)));
        for (int i = 0; i < stream.size(); i++) {
            monitor.observe(stream.get(i));
            int n = i + 1;
            assertThat(monitor.observed()).isEqualTo(n);
            assertThat(monitor.windowRows()).isEqualTo(Math.min(n, 300));
            if (n == 50 || n % 97 == 0 || n == stream.size()) {
                Map<String, Double> psi = monitor.psi();
                assertThat(psi.keySet()).containsExactlyElementsIn(digitsProfile.names()).inOrder();
                if (n < DriftMonitor.DEFAULT_MINIMUM_ROWS) {
                    assertThat(psi.values().stream().allMatch(v -> v.isNaN())).isTrue();
                    continue;
                }
                DriftReport expected = DriftReport.of(digitsProfile, stream.subList(Math.max(0, n - 300), n));
                for (DriftReport.FeatureDrift d : expected.features()) {
                    assertThat(psi.get(d.feature())).isEqualTo(d.psi()); // exactly
                }
                assertThat(monitor.report()).isEqualTo(expected);
            }
            int brightEnd = digitsNew.length + 300;
            if (n == brightEnd) { // the window holds only the brighter rows
                assertThat(monitor.psi().get("pixel_3_4")).isGreaterThan(DriftProfile.MAJOR);
            }
            if (n == brightEnd + 300) { // they have all left it
                assertThat(monitor.psi().values().stream().mapToDouble(Double::doubleValue).max().orElseThrow())
                        .isLessThan(DriftProfile.MAJOR);
            }
        }
    }

    @Test
    void concurrentObserversLoseNoCounts() throws Exception {
        List<Object[]> rows = rows(digits.features(), digitsNew);
        int threads = 8;
        int perThread = 4 * rows.size();
        DriftMonitor all = new DriftMonitor(digitsProfile, threads * perThread);
        DriftMonitor sliding = new DriftMonitor(digitsProfile, 1000);
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < threads; t++) {
            final int offset = t;
            Thread w = new Thread(() -> {
                try {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        Object[] row = rows.get((i + offset * 31) % rows.size());
                        all.observe(row);
                        sliding.observe(row);
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            w.start();
            workers.add(w);
        }
        start.countDown();
        for (Thread w : workers) {
            w.join();
        }
        assertThat(failures).isEmpty();
        assertThat(all.observed()).isEqualTo((long) threads * perThread);
        assertThat(all.windowRows()).isEqualTo(threads * perThread);
        // every row counted once per feature: the counts are those of the 8 × 4 passes over the rows
        List<Object[]> expectedRows = new ArrayList<>();
        for (int i = 0; i < threads * 4; i++) {
            expectedRows.addAll(rows);
        }
        assertThat(all.report()).isEqualTo(DriftReport.of(digitsProfile, expectedRows));
        assertThat(sliding.observed()).isEqualTo((long) threads * perThread);
        assertThat(sliding.windowRows()).isEqualTo(1000);
        for (long[] counts : sliding.counts()) {
            assertThat(Arrays.stream(counts).sum()).isEqualTo(1000);
            assertThat(Arrays.stream(counts).min().orElseThrow()).isAtLeast(0);
        }
    }

    @Test
    void monitorRejectsBadArgumentsWithAdvice() {
        DriftMonitor m = new DriftMonitor(digitsProfile, 100);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.observe(new Object[3]));
        assertThat(e).hasMessageThat().startsWith("The row has 3 values; the model has 64 features [pixel_0_0");
        Object[] bad = digits.features().get(0).clone();
        bad[5] = "bright";
        assertThrows(IllegalArgumentException.class, () -> m.observe(bad));
        assertThat(m.observed()).isEqualTo(0); // nothing counted
        assertThat(assertThrows(IllegalArgumentException.class, () -> new DriftMonitor(digitsProfile, 50)))
                .hasMessageThat().contains("use a window of at least 100 rows");
        assertThat(assertThrows(IllegalArgumentException.class, () -> new DriftMonitor(null, 1000)))
                .hasMessageThat().contains("retrain it");
        assertThat(new DriftMonitor(digitsProfile, 50, 10).minimumRows()).isEqualTo(10);
    }

    // ---------------------------------------------------------------- the model file and the command

    /** A small iris model (holdout, no retrain: 90 training rows), trained for 2 epochs and saved to {@code file}. */
    static TrainingResult trainIris(Path file) throws IOException {
        TrainingResult r = Trainer.train(TrainingFixtures.iris(new Adam(0.02)).fit(new FitSettings(2, 16, 3)).build(),
                quiet());
        r.model().save(file);
        return r;
    }

    @Test
    void theProfileSurvivesSavingAndLoading() throws Exception {
        Path file = dir.resolve("iris.kiln");
        TrainingResult r = trainIris(file);
        KilnModel loaded = KilnModel.load(file);
        assertThat(loaded.metadata().format()).isEqualTo("kiln-model/3");
        assertThat(loaded.metadata().drift()).isEqualTo(r.model().metadata().drift());
        assertThat(loaded.metadata().requireDrift().rows()).isEqualTo(90);
        JsonNode drift = new ObjectMapper().readTree(loaded.metadataJson()).get("drift");
        assertThat(drift.get("features").get(0).get("name").asText()).isEqualTo("sepal_length_cm");
        assertThat(drift.get("features").get(0).get("edges").size()).isAtLeast(5);
    }

    /** Rewrites a model file as an older format (e.g. {@code kiln-model/2}), without the drift profile. */
    static void downgrade(Path from, Path to, String format) throws IOException {
        ObjectMapper json = new ObjectMapper();
        try (InputStream in = Files.newInputStream(from); ZipInputStream zip = new ZipInputStream(in);
                OutputStream out = Files.newOutputStream(to); ZipOutputStream copy = new ZipOutputStream(out)) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                byte[] bytes = zip.readAllBytes();
                if (e.getName().equals("kiln-model.json")) {
                    ObjectNode meta = (ObjectNode) json.readTree(bytes);
                    meta.put("format", format);
                    meta.remove("drift");
                    bytes = json.writeValueAsBytes(meta);
                }
                copy.putNextEntry(new ZipEntry(e.getName()));
                copy.write(bytes);
                copy.closeEntry();
            }
        }
    }

    @Test
    void aModelOfThePreviousFormatLoadsWithoutAProfile() throws Exception {
        Path v3 = dir.resolve("iris.kiln");
        TrainingResult r = trainIris(v3);
        Path v2 = dir.resolve("old.kiln");
        downgrade(v3, v2, "kiln-model/2");
        KilnModel old = KilnModel.load(v2);
        assertThat(old.metadata().format()).isEqualTo("kiln-model/2");
        assertThat(old.metadata().drift()).isNull();
        Object[][] rows = {{5.1, 3.5, 1.4, 0.2}, {5.9, 3.0, 5.1, 1.8}};
        assertThat(old.predict(rows).output(1)).isEqualTo(r.model().predict(rows).output(1));
        assertThat(assertThrows(IllegalArgumentException.class, () -> old.metadata().requireDrift()))
                .hasMessageThat().isEqualTo("Model 'iris' (format kiln-model/2) was saved before drift profiles, so "
                        + "there is no training distribution to compare with; retrain it with this runtime (the "
                        + "'train' command) to monitor drift.");

        Cli cli = Cli.run(TrainingFixtures.iris(new Adam(0.02)).build(), "drift", "--model", v2.toString(), "--data",
                irisCsv(dir.resolve("iris.csv"), null, 0).toString());
        assertThat(cli.code).isEqualTo(1);
        assertThat(cli.err).contains("was saved before drift profiles");
        assertThat(cli.err).contains("retrain it");

        // a format this runtime does not know still fails
        Path v1 = dir.resolve("older.kiln");
        downgrade(v3, v1, "kiln-model/1");
        assertThat(assertThrows(IOException.class, () -> KilnModel.load(v1))).hasMessageThat()
                .isEqualTo(v1 + " has format kiln-model/1; this runtime reads kiln-model/3 and kiln-model/2");
    }

    /** Writes iris rows (all, or the given ones) with {@code shift} added to petal length. */
    static Path irisCsv(Path file, int[] which, double shift) throws IOException {
        List<String[]> all = TrainingFixtures.irisRows();
        List<String> lines = new ArrayList<>();
        lines.add(String.join(",", TrainingFixtures.IRIS_FEATURES) + ",label");
        for (int i : which == null ? all(all.size()) : which) {
            String[] row = all.get(i).clone();
            row[2] = Double.toString(Double.parseDouble(row[2]) + shift);
            lines.add(String.join(",", row));
        }
        return TrainingFixtures.write(file, lines);
    }

    /** A run of the command line, with what it printed. */
    record Cli(int code, String out, String err) {
        static Cli run(ModelDefinition def, String... args) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = KilnCli.run(def, new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8), args);
            return new Cli(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    void driftCommandPrintsTheFeaturesMostShiftedFirstAndFailsAboveTheThreshold() throws Exception {
        ModelDefinition def = TrainingFixtures.iris(new Adam(0.02)).fit(new FitSettings(2, 16, 3)).build();
        Path model = dir.resolve("models/iris.kiln");
        trainIris(model);
        int[] trained = Trainer.prepare(def, quiet()).split().train();
        double std = Math.sqrt(Arrays.stream(trained).mapToDouble(i -> TrainingFixtures.irisColumn(2)[i])
                .map(v -> v * v).average().orElseThrow() - Math.pow(TrainingFixtures.mean(TrainingFixtures.irisColumn(2),
                trained), 2));

        // the training rows themselves: no drift
        Path same = irisCsv(dir.resolve("same.csv"), trained, 0);
        Cli ok = Cli.run(def, "drift", "--model", model.toString(), "--data", same.toString(), "--fail-above", "0.1");
        assertThat(ok.code).isEqualTo(0);
        assertThat(ok.out).contains("drift of 90 rows of " + same + " against the 90 training rows of " + model);
        assertThat(ok.out).contains("0 of 4 features shifted (0 major, 0 moderate)");
        assertThat(ok.out).contains("OK: no feature has a PSI above 0.1");
        assertThat(ok.err).contains("warning: only 90 rows; PSI over fewer than 100 rows is noisy");

        // petal length 2 standard deviations longer
        Path shifted = irisCsv(dir.resolve("shifted.csv"), trained, 2 * std);
        Cli fail = Cli.run(def, "drift", "--model", model.toString(), "--data", shifted.toString(), "--fail-above",
                "0.25");
        assertThat(fail.code).isEqualTo(1);
        String[] lines = fail.out.split("\n");
        assertThat(lines[2]).matches("feature +PSI  verdict   most shifted bucket \\(training -> data\\)");
        assertThat(lines[3]).matches("petal_length_cm +\\d+\\.\\d{4}  major     bin \\[[0-9.]+, \\+inf\\): "
                + "\\d+\\.\\d% -> \\d+\\.\\d%");
        assertThat(lines[4]).matches("\\w+ +0\\.0000  stable    bin .*: (\\d+\\.\\d)% -> \\1%");
        assertThat(fail.out).contains("1 of 4 features shifted (1 major, 0 moderate); largest PSI");
        assertThat(fail.out).contains("FAIL: 1 feature has a PSI above 0.25: petal_length_cm");
        // without --fail-above: a report, not a check
        assertThat(Cli.run(def, "drift", "--model", model.toString(), "--data", shifted.toString()).code).isEqualTo(0);

        // --json: standard output is one JSON document, the verdict on standard error
        Cli json = Cli.run(def, "drift", "--model", model.toString(), "--data", shifted.toString(), "--json",
                "--fail-above", "0.25");
        assertThat(json.code).isEqualTo(1);
        JsonNode root = ReportJsonTest.STRICT.readTree(json.out);
        assertThat(root.get("rows").asInt()).isEqualTo(90);
        assertThat(root.get("trainingRows").asInt()).isEqualTo(90);
        assertThat(root.get("features")).hasSize(4);
        JsonNode petal = root.get("features").get(2);
        assertThat(petal.get("feature").asText()).isEqualTo("petal_length_cm");
        assertThat(petal.get("psi").asDouble()).isGreaterThan(0.25);
        assertThat(petal.get("verdict").asText()).isEqualTo("major");
        assertThat(json.err).contains("FAIL: 1 feature has a PSI above 0.25: petal_length_cm");

        // usage: --data is required (exit 2); a negative threshold is refused (exit 1)
        assertThat(Cli.run(def, "drift", "--model", model.toString()).code).isEqualTo(2);
        Cli negative = Cli.run(def, "drift", "--model", model.toString(), "--data", same.toString(), "--fail-above",
                "-1");
        assertThat(negative.code).isEqualTo(1);
        assertThat(negative.err).contains("--fail-above must be a PSI of 0 or more");
    }
}
