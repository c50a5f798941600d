package io.kiln.runtime.internal.preprocess;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import io.kiln.dsl.Encoding;
import io.kiln.dsl.Missing;
import io.kiln.dsl.Scaling;
import io.kiln.dsl.Task;
import io.kiln.runtime.CsvSource;
import io.kiln.runtime.FeatureSchema;
import io.kiln.runtime.LabelCoding;
import io.kiln.runtime.LabelSchema;
import io.kiln.runtime.internal.data.CsvTable;
import io.kiln.runtime.internal.data.LabeledData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The preprocessing a streaming pass learns is the in-memory fit's, on the real digits pixels with
 * a tenth of some cells blanked: every scaling, every missing-value strategy, one-hot and ordinal
 * categoricals (pixel intensities read as levels), booleans.
 */
class StreamedStatsTest {
    static final Path DIGITS_CSV = Path.of("../examples/src/main/resources/io/kiln/examples/digits/digits.csv");

    @Test
    void aStreamingPassFitsWhatTheInMemoryFitDoes(@TempDir Path dir) throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(DIGITS_CSV));
        for (int i = 1; i < lines.size(); i++) { // blank columns 10..19 on every tenth row (shifted per column)
            String[] cells = lines.get(i).split(",", -1);
            for (int c = 10; c < 20; c++) {
                if ((i + c) % 10 == 0) {
                    cells[c] = "";
                }
            }
            lines.set(i, String.join(",", cells));
        }
        Path csv = Files.write(dir.resolve("digits-gaps.csv"), lines, StandardCharsets.UTF_8);
        List<String> header = List.of(lines.get(0).split(","));
        List<FeatureSchema> features = new ArrayList<>();
        Missing[] strategies = {Missing.MEAN, Missing.MEDIAN, Missing.MOST_FREQUENT, Missing.CONSTANT};
        Scaling[] scalings = {Scaling.STANDARDIZE, Scaling.MIN_MAX, Scaling.NONE};
        for (int c = 0; c < 20; c++) {
            String name = header.get(c);
            if (c >= 14 && c < 18) { // intensities as levels: ordinal (with each scaling) or one-hot
                Missing missing = c % 2 == 0 ? Missing.MOST_FREQUENT : Missing.MISSING_CATEGORY;
                features.add(FeatureSchema.categorical(name, name, List.of(), c == 17 ? Encoding.ONE_HOT
                        : Encoding.ORDINAL, scalings[c % 3], missing == Missing.MISSING_CATEGORY && c != 17
                                ? Missing.CONSTANT : missing, "3"));
            } else if (c == 18 || c == 19) {
                // booleans would need 0/1 cells; digits has intensities, so the last two are numeric CONSTANT fills
                features.add(FeatureSchema.numeric(name, name, Scaling.STANDARDIZE, Missing.CONSTANT, "-1"));
            } else {
                features.add(FeatureSchema.numeric(name, name, scalings[c % 3], strategies[c % 4], "0.5"));
            }
        }
        LabelSchema label = new LabelSchema("digit", LabelCoding.INDEX, List.of("label"),
                IntStream.range(0, 10).mapToObj(Integer::toString).toList());
        CsvSource source = CsvSource.file(csv);
        LabeledData data = LabeledData.read(CsvTable.read(source), source, features, label,
                Task.MULTICLASS_CLASSIFICATION);
        int[] train = IntStream.range(0, data.size()).filter(i -> i % 5 != 0).toArray();

        Preprocessor inMemory = Preprocessor.fit(features, data.features(), train);
        StreamedStats stats = new StreamedStats(features, 1);
        for (int r : train) {
            stats.add(data.features().get(r));
        }
        Preprocessor streamed = stats.preprocessor();

        assertThat(streamed.width()).isEqualTo(inMemory.width());
        for (int f = 0; f < features.size(); f++) {
            FeatureTransform a = inMemory.transforms().get(f);
            FeatureTransform b = streamed.transforms().get(f);
            String what = a.name() + " " + a.kind() + " " + a.scaling() + " " + a.missing();
            assertWithMessage(what).that(b.levels()).isEqualTo(a.levels());
            assertWithMessage(what).that(b.fillLevel()).isEqualTo(a.fillLevel());
            assertWithMessage(what).that(b.fillNumber()).isWithin(1e-12).of(a.fillNumber());
            assertWithMessage(what).that(b.center()).isWithin(1e-12).of(a.center());
            assertWithMessage(what).that(b.scale()).isWithin(1e-12).of(a.scale());
            assertThat(b.declaredLevels()).isEqualTo(a.declaredLevels());
        }
        // and they encode a row alike, to float precision
        float[] x = new float[inMemory.width()];
        float[] y = new float[streamed.width()];
        for (int r = 0; r < data.size(); r += 97) {
            inMemory.encode(data.features().get(r), x, 0);
            streamed.encode(data.features().get(r), y, 0);
            for (int j = 0; j < x.length; j++) {
                assertThat(y[j]).isWithin(1e-5f).of(x[j]);
            }
        }
    }

    @Test
    void aMedianFromMoreValuesThanTheSampleKeepsIsTheSamplesMedian() {
        FeatureSchema f = FeatureSchema.numeric("x", "x", Scaling.NONE, Missing.MEDIAN, "");
        StreamedStats stats = new StreamedStats(List.of(f), 5);
        assertThat(stats.sampleSize()).isEqualTo(StreamedStats.MAX_SAMPLE);
        int n = 3 * StreamedStats.MAX_SAMPLE;
        for (int i = 0; i < n; i++) { // 0, 1, ..., n - 1 in a scrambled order: median (n - 1) / 2
            stats.add(new Object[] {(double) ((i * 7919L) % n)});
        }
        stats.add(new Object[] {null});
        double fill = stats.preprocessor().transforms().get(0).fillNumber();
        // a uniform sample of 100,000 of them: its median is within 1% of the range of the true one
        assertThat(fill).isWithin(0.01 * n).of((n - 1) / 2.0);
        assertThat(fill).isNotEqualTo((n - 1) / 2.0);
    }
}
