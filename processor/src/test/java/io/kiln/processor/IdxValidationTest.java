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

/** Images from IDX files: the declaration mistakes are compile errors at their place. */
class IdxValidationTest {
    private static final String IDX = "@IdxData(images = \"train-images-idx3-ubyte.gz\", "
            + "labels = \"train-labels-idx1-ubyte.gz\"";
    private static final String TEST_PAIR = ", testImages = \"t10k-images-idx3-ubyte.gz\", "
            + "testLabels = \"t10k-labels-idx1-ubyte.gz\"";

    private static JavaFileObject clothes(String task, String classAnnotations, String... fields) {
        List<String> lines = new ArrayList<>();
        lines.add("@Model(task = Task." + task + ")");
        lines.addAll(List.of(classAnnotations.split("\n")));
        lines.add("class Clothes {");
        lines.addAll(List.of(fields));
        lines.add("    @Label(classes = {\"shirt\", \"trouser\", \"bag\"}) int item;");
        lines.add("    @Conv2D(filters = 4) Layer conv;");
        lines.add("    @Pool2D Layer pool;");
        lines.add("    @Output Layer out;");
        lines.add("}");
        return spec("Clothes", lines.toArray(String[]::new));
    }

    private static final String IMAGE = "@Image(height = 8, width = 8)";

    @Test
    void idxDataReadsImagesSoItNeedsAnImage() {
        assertOnlyErrorAt(clothes("MULTICLASS_CLASSIFICATION", IDX + ")"), Message.IDX_NEEDS_IMAGE.format(),
                "@IdxData");
    }

    @Test
    void idxFeaturesAreThePixelsAlone() {
        assertOnlyErrorAt(clothes("MULTICLASS_CLASSIFICATION", IMAGE + "\n" + IDX + ")", "    @Feature double brightness;"),
                Message.IDX_FEATURES.format("brightness"), "double brightness");
    }

    @Test
    void idxLabelsAreClassIndices() {
        JavaFileObject spec = spec("Sizes", "@Model(task = Task.SCALAR_REGRESSION)", IMAGE, IDX + ")",
                "class Sizes {", "    @Label double size;", "    @Conv2D(filters = 4) Layer conv;", "    @Output Layer out;",
                "}");
        assertOnlyErrorAt(spec, Message.IDX_TASK.format("SCALAR_REGRESSION"), "SCALAR_REGRESSION");
    }

    @Test
    void testImagesAndTestLabelsGoTogether() {
        assertOnlyErrorAt(clothes("MULTICLASS_CLASSIFICATION", IMAGE + "\n" + IDX
                        + ", testImages = \"t10k-images-idx3-ubyte.gz\")\n@Holdout(validation = 0.1)"),
                Message.IDX_TEST_PAIR.format("testImages", "testLabels"), "@IdxData");
    }

    @Test
    void anOfficialTestSetNeedsAHoldoutWithoutItsOwnTestFraction() {
        assertOnlyErrorAt(clothes("MULTICLASS_CLASSIFICATION", IMAGE + "\n" + IDX + TEST_PAIR + ")\n@KFold(k = 3)"),
                Message.TEST_FILE_PROTOCOL.format("@IdxData(testImages)", "the protocol must be @Holdout (which "
                        + "then only sets validation rows aside), not @KFold: declare @Holdout(validation = 0.2) instead"), "@IdxData");
        assertOnlyErrorAt(clothes("MULTICLASS_CLASSIFICATION", IMAGE + "\n" + IDX + TEST_PAIR + ")\n@Holdout(test = 0.1)"),
                Message.TEST_FILE_PROTOCOL.format("@IdxData(testImages)", "@Holdout must not set a test fraction of "
                        + "its own; remove test = .."), "test = 0.1");
    }

    @Test
    void oneDataSourceAtATime() {
        assertOnlyErrorAt(clothes("MULTICLASS_CLASSIFICATION", IMAGE + "\n" + IDX + ")\n@CsvData(file = \"c.csv\")"),
                Message.DATA_SOURCE.format("@CsvData and @IdxData both declare the training data. Keep one."),
                "@CsvData");
        assertOnlyErrorAt(clothes("MULTICLASS_CLASSIFICATION", IMAGE + "\n@IdxData(images = \"\", labels = \"l.gz\")"),
                Message.DATA_SOURCE.format("@IdxData(images) is empty. Give the path of the IDX file."), "@IdxData");
    }

    @Test
    void theGeneratedCodeReadsThePixelsOfTheDeclaredImage() {
        Compilation c = compile(clothes("MULTICLASS_CLASSIFICATION", "@Image(height = 8, width = 6, channels = 2)\n"
                + IDX + TEST_PAIR + ")\n@Holdout(validation = 0.1)"));
        assertAccepted(c, "test.Clothes");
        String trainer = generated(c, "test.ClothesTrainer");
        assertThat(trainer).contains(".data(CsvSource.idx(\"train-images-idx3-ubyte.gz\", \"train-labels-idx1-ubyte.gz\"))");
        assertThat(trainer).contains(".testData(CsvSource.idx(\"t10k-images-idx3-ubyte.gz\", \"t10k-labels-idx1-ubyte.gz\"))");
        assertThat(trainer).contains(".image(8, 6, 2)");
        assertThat(trainer).contains(".features(ImagePixels.features(8, 6, 2))");
        assertThat(trainer).doesNotContain("FeatureSchema.numeric");
        // the spec text names the data and not the 96 implied pixels
        assertThat(trainer).contains("@IdxData(images = \\\"train-images-idx3-ubyte.gz\\\"");
        assertThat(trainer).doesNotContain("pixel_0_0_0");
        String predictor = generated(c, "test.ClothesPredictor");
        assertThat(predictor).contains("public record Input(double[] pixels)");
        assertThat(predictor).contains("rows[i] = ImagePixels.row(in.pixels(), FEATURES.size())");
        String network = generated(c, "test.ClothesNetwork");
        assertThat(network).contains("InputType.convolutionalFlat(8, 6, 2)");
        assertThat(network).contains("(input) Image 8x6x2");
    }
}
