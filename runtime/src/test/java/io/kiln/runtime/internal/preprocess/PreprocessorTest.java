package io.kiln.runtime.internal.preprocess;

import io.kiln.runtime.FeatureSchema;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kiln.dsl.Encoding;
import io.kiln.dsl.Missing;
import io.kiln.dsl.Scaling;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Preprocessing is fitted on the training rows only and applied identically afterwards. */
class PreprocessorTest {
    private static List<Object[]> rows(Object... values) {
        return Arrays.stream(values).map(v -> new Object[] {v}).toList();
    }

    private static float[] encode(Preprocessor p, Object v) {
        float[] out = new float[p.width()];
        p.encode(new Object[] {v}, out, 0);
        return out;
    }

    @Test
    void standardizationUsesTrainingRowsOnly() {
        FeatureSchema f = FeatureSchema.numeric("x", "x", Scaling.STANDARDIZE, Missing.MEAN, "");
        // rows 0..3 train (mean 2.5, std sqrt(1.25)); row 4 is a huge test value that must not leak
        Preprocessor p = Preprocessor.fit(List.of(f), rows(1.0, 2.0, 3.0, 4.0, 1000.0), new int[] {0, 1, 2, 3});
        FeatureTransform t = p.transforms().get(0);
        assertThat(t.center()).isWithin(1e-12).of(2.5);
        assertThat(t.scale()).isWithin(1e-12).of(Math.sqrt(1.25));
        assertThat(encode(p, 2.5)[0]).isWithin(1e-6f).of(0f);
        assertThat(encode(p, null)[0]).isWithin(1e-6f).of(0f); // mean imputation lands on the center
    }

    @Test
    void minMaxAndMedianImputation() {
        FeatureSchema f = FeatureSchema.numeric("x", "x", Scaling.MIN_MAX, Missing.MEDIAN, "");
        Preprocessor p = Preprocessor.fit(List.of(f), rows(0.0, 10.0, 4.0, null), new int[] {0, 1, 2, 3});
        assertThat(encode(p, 5.0)[0]).isWithin(1e-6f).of(0.5f);
        assertThat(encode(p, null)[0]).isWithin(1e-6f).of(0.4f); // median of 0, 4, 10
    }

    @Test
    void constantImputation() {
        FeatureSchema f = FeatureSchema.numeric("x", "x", Scaling.NONE, Missing.CONSTANT, "-1");
        Preprocessor p = Preprocessor.fit(List.of(f), rows(3.0, null), new int[] {0, 1});
        assertThat(encode(p, null)[0]).isEqualTo(-1f);
    }

    @Test
    void oneHotWithLearntLevelsAndAMissingCategory() {
        FeatureSchema f = FeatureSchema.categorical("c", "c", List.of(), Encoding.ONE_HOT, Scaling.NONE,
                Missing.MISSING_CATEGORY, "");
        Preprocessor p = Preprocessor.fit(List.of(f), rows("b", "a", "b", "z"), new int[] {0, 1, 2});
        assertThat(p.transforms().get(0).levels()).containsExactly("a", "b", FeatureTransform.MISSING_LEVEL).inOrder();
        assertThat(encode(p, "b")).isEqualTo(new float[] {0, 1, 0});
        assertThat(encode(p, null)).isEqualTo(new float[] {0, 0, 1});
        // "z" appears only outside the training rows: unknown, encoded as all zeros
        assertThat(encode(p, "z")).isEqualTo(new float[] {0, 0, 0});
    }

    @Test
    void declaredLevelsRejectUnknownLevelsAndMostFrequentFillsMissing() {
        FeatureSchema f = FeatureSchema.categorical("c", "c", List.of("s", "m", "l"), Encoding.ONE_HOT, Scaling.NONE,
                Missing.MOST_FREQUENT, "");
        Preprocessor p = Preprocessor.fit(List.of(f), rows("m", "m", "l"), new int[] {0, 1, 2});
        assertThat(encode(p, null)).isEqualTo(new float[] {0, 1, 0});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> encode(p, "xl"));
        assertThat(e).hasMessageThat().contains("'c': unknown level \"xl\"; expected one of [s, m, l]");
    }

    @Test
    void ordinalEncodingIsScaledLikeANumber() {
        FeatureSchema f = FeatureSchema.categorical("size", "size", List.of("s", "m", "l"), Encoding.ORDINAL,
                Scaling.MIN_MAX, Missing.MOST_FREQUENT, "");
        Preprocessor p = Preprocessor.fit(List.of(f), rows("s", "m", "l"), new int[] {0, 1, 2});
        assertThat(p.width()).isEqualTo(1);
        assertThat(encode(p, "m")[0]).isWithin(1e-6f).of(0.5f);
        assertThat(encode(p, "l")[0]).isWithin(1e-6f).of(1f);
    }

    @Test
    void booleansAreZeroOne() {
        FeatureSchema f = FeatureSchema.bool("b", "b", Missing.MOST_FREQUENT, "");
        Preprocessor p = Preprocessor.fit(List.of(f), rows(true, true, false), new int[] {0, 1, 2});
        assertThat(encode(p, true)[0]).isEqualTo(1f);
        assertThat(encode(p, null)[0]).isEqualTo(1f);
    }

    @Test
    void nanFromTypedInputIsRejected() {
        FeatureSchema f = FeatureSchema.numeric("x", "x", Scaling.NONE, Missing.MEAN, "");
        Preprocessor p = Preprocessor.fit(List.of(f), rows(1.0), new int[] {0});
        assertThat(assertThrows(IllegalArgumentException.class, () -> encode(p, Double.NaN))).hasMessageThat()
                .contains("'x' is NaN");
    }
}
