package io.kiln.processor;

import static com.google.common.truth.Truth.assertThat;
import static io.kiln.processor.KilnTesting.assertAccepted;
import static io.kiln.processor.KilnTesting.assertOnlyErrorAt;
import static io.kiln.processor.KilnTesting.compile;
import static io.kiln.processor.KilnTesting.generated;
import static io.kiln.processor.KilnTesting.spec;

import com.google.testing.compile.Compilation;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Self-attention: a sequence layer whose output width and parameter count the processor infers
 * (DL4J's SelfAttentionLayer), rejected where there is no sequence or the heads cannot share the
 * width evenly.
 */
class AttentionValidationTest {

    /** A forecaster over 12 steps of two series, with the layer lines. */
    private static JavaFileObject series(String... layers) {
        List<String> lines = new ArrayList<>();
        lines.add("@Model(task = Task.SCALAR_REGRESSION)");
        lines.add("@Series(window = 12)");
        lines.add("@TemporalSplit(orderBy = \"day\")");
        lines.add("class Forecast {");
        lines.add("    @Feature double level;");
        lines.add("    @Feature double rate;");
        lines.add("    @Label(column = \"level\") double next;");
        lines.addAll(List.of(layers));
        lines.add("    @Output Layer out;");
        lines.add("}");
        return spec("Forecast", lines.toArray(String[]::new));
    }

    @Test
    void attentionIsGeneratedWithItsWidthAndParameters() {
        Compilation c = compile(series(
                "    @Lstm(units = 8) Layer lstm;",
                "    @SelfAttention(heads = 2) Layer attention;",
                "    @SelfAttention(heads = 2, headSize = 3, units = 6) Layer narrow;",
                "    @GlobalPool Layer pool;"));
        assertAccepted(c, "test.Forecast");
        String network = generated(c, "test.ForecastNetwork");
        // units 0: the input's 8 values per step, split into 2 heads of 4
        assertThat(network).contains("new SelfAttentionLayer.Builder().name(\"attention\").nOut(8).nHeads(2)"
                + ".headSize(4).projectInput(true).build()");
        assertThat(network).contains("new SelfAttentionLayer.Builder().name(\"narrow\").nOut(6).nHeads(2)"
                + ".headSize(3).projectInput(true).build()");
        // queries, keys, values 3·2·4·8 = 192, output 2·4·8 = 64
        assertThat(network).contains("attention SelfAttention 12 x 8 256 2 heads");
        // 3·2·3·8 = 144 + 2·3·6 = 36
        assertThat(network).contains("narrow SelfAttention 12 x 6 180 2 heads of 3");
    }

    @Test
    void headsThatDoNotDivideTheWidthAreRejected() {
        assertOnlyErrorAt(series("    @Lstm(units = 8) Layer lstm;", "    @SelfAttention(heads = 3) Layer attention;",
                        "    @GlobalPool Layer pool;"),
                Message.ATTENTION_HEADS.format("attention", 8, 3, 8, 3, 8), "heads = 3");
    }

    @Test
    void attentionNeedsASequence() {
        List<String> lines = List.of("@Model(task = Task.SCALAR_REGRESSION)", "class Houses {",
                "    @Feature double a; @Feature double b;", "    @Label double price;",
                "    @SelfAttention Layer attention;", "    @GlobalPool Layer pool;", "    @Output Layer out;", "}");
        assertOnlyErrorAt(spec("Houses", lines.toArray(String[]::new)),
                Message.NEEDS_SEQUENCE.format("SelfAttention", "attention", "a flat vector"), "Layer attention");
    }

    @Test
    void aDenseLayerAfterAttentionNeedsTheSequenceCollapsed() {
        assertOnlyErrorAt(series("    @Lstm(units = 8) Layer lstm;", "    @SelfAttention Layer attention;"),
                Message.SEQUENCE_BEFORE_VECTOR_LAYER.format("Output", "out",
                        "the output of 'attention' before it (@SelfAttention)", 12, 8, "out"), "Layer out");
    }

    @Test
    void headCountsAndSizesAreChecked() {
        assertOnlyErrorAt(series("    @SelfAttention(heads = 0) Layer attention;", "    @GlobalPool Layer pool;"),
                Message.POSITIVE.format("heads", 0, "heads = 1 (the default)"), "heads = 0");
        assertOnlyErrorAt(series("    @SelfAttention(units = -4) Layer attention;", "    @GlobalPool Layer pool;"),
                Message.NOT_NEGATIVE.format("units", -4, "units = 0 (the input's width)"), "units = -4");
    }
}
