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

/** Image augmentation: declared on an image, with a transform, each in its range. */
class AugmentValidationTest {

    private static JavaFileObject photos(String classAnnotations) {
        List<String> lines = new ArrayList<>();
        lines.add("@Model(task = Task.BINARY_CLASSIFICATION)");
        lines.addAll(List.of(classAnnotations.split("\n")));
        lines.add("class Photos {");
        for (int r = 0; r < 3; r++) {
            lines.add("    @Feature double p" + r + "0; @Feature double p" + r + "1; @Feature double p" + r + "2;");
        }
        lines.add("    @Label boolean cat;");
        lines.add("    @Conv2D(filters = 2, kernel = 2) Layer conv;");
        lines.add("    @Output Layer out;");
        lines.add("}");
        return spec("Photos", lines.toArray(String[]::new));
    }

    @Test
    void augmentationTransformsImagesSoItNeedsOne() {
        JavaFileObject spec = spec("Table", "@Model(task = Task.BINARY_CLASSIFICATION)", "@Augment(noise = 0.1)",
                "class Table {", "    @Feature double a;", "    @Label boolean y;", "    @Output Layer out;", "}");
        assertOnlyErrorAt(spec, Message.AUGMENT_NEEDS_IMAGE.format(), "@Augment");
    }

    @Test
    void anAugmentationWithoutATransformIsRejected() {
        assertOnlyErrorAt(photos("@Image(height = 3, width = 3)\n@Augment"), Message.AUGMENT_NOTHING.format(),
                "@Augment");
    }

    @Test
    void eachTransformIsInItsRange() {
        assertOnlyErrorAt(photos("@Image(height = 3, width = 3)\n@Augment(shift = 0.7)"),
                Message.FRACTION.format("shift", "[0, 0.5] (of the height and width)", "0.7", "shift = 0.1"), "shift = 0.7");
        assertOnlyErrorAt(photos("@Image(height = 3, width = 3)\n@Augment(rotation = 270)"),
                Message.FRACTION.format("rotation", "[0, 180] degrees", "270", "rotation = 10"), "rotation = 270");
        assertOnlyErrorAt(photos("@Image(height = 3, width = 3)\n@Augment(flipHorizontal = true, noise = -0.1)"),
                Message.NOT_NEGATIVE.format("noise", "-0.1", "noise = 0 (the default)"), "noise = -0.1");
    }

    @Test
    void theTrainerCarriesTheTransforms() {
        Compilation c = compile(photos("@Image(height = 3, width = 3)\n"
                + "@Augment(flipHorizontal = true, shift = 0.1, rotation = 15, noise = 0.05)"));
        assertAccepted(c, "test.Photos");
        String trainer = generated(c, "test.PhotosTrainer");
        assertThat(trainer).contains(".augmentation(new ImageAugmentation(true, false, 0.1, 15.0, 0.05))");
        assertThat(trainer).contains(".image(3, 3, 1)");
        assertThat(trainer).contains("@Augment(flipHorizontal = true, flipVertical = false, shift = 0.1, "
                + "rotation = 15.0, noise = 0.05)");
    }
}
