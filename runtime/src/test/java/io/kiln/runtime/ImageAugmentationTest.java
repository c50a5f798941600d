package io.kiln.runtime;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ImageAugmentationTest {
    private static final double[] ZERO = new double[12];
    private static final double[] ONE = new double[12];

    static {
        Arrays.fill(ONE, 1);
    }

    /** A 3x4 one-channel image whose pixel (y, x) is 10y + x. */
    private static float[] ramp() {
        float[] image = new float[12];
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 4; x++) {
                image[y * 4 + x] = 10 * y + x;
            }
        }
        return image;
    }

    @Test
    void aHorizontalFlipMirrorsEachRowAndHappensToAboutHalfTheImages() {
        ImageAugmentation flip = new ImageAugmentation(true, false, 0, 0, 0);
        int rows = 400;
        float[] batch = new float[rows * 12];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(ramp(), 0, batch, r * 12, 12);
        }
        flip.apply(batch, rows, 3, 4, 1, ZERO, ONE, new Random(1));
        float[] mirrored = {3, 2, 1, 0, 13, 12, 11, 10, 23, 22, 21, 20};
        int flipped = 0;
        for (int r = 0; r < rows; r++) {
            float[] image = Arrays.copyOfRange(batch, r * 12, r * 12 + 12);
            if (Arrays.equals(image, mirrored)) {
                flipped++;
            } else {
                assertThat(image).isEqualTo(ramp());
            }
        }
        assertThat(flipped).isIn(com.google.common.collect.Range.closed(160, 240));
    }

    @Test
    void aShiftMovesPixelsAndRepeatsTheEdge() {
        // shift 0.5 of width 4 draws tx in [-2, 2]; whatever it drew, each row stays a run of its own values
        ImageAugmentation shift = new ImageAugmentation(false, false, 0.5, 0, 0);
        float[] image = ramp();
        shift.apply(image, 1, 3, 4, 1, ZERO, ONE, new Random(7));
        assertThat(image).isNotEqualTo(ramp());
        for (float v : image) {
            assertThat(v).isAtLeast(0f);
            assertThat(v).isAtMost(23f); // sampled inside the image: edges repeat, nothing new appears
        }
        // values along a row still rise (a shift and its bilinear sampling keep the order)
        for (int y = 0; y < 3; y++) {
            for (int x = 1; x < 4; x++) {
                assertThat(image[y * 4 + x]).isAtLeast(image[y * 4 + x - 1]);
            }
        }
    }

    @Test
    void geometryActsOnRawPixelsSoEachPlaceKeepsItsScaling() {
        // inputs are (pixel - center) / scale with a different center and scale per place
        double[] centers = new double[12];
        double[] scales = new double[12];
        float[] raw = ramp();
        float[] encoded = new float[12];
        for (int i = 0; i < 12; i++) {
            centers[i] = i * 0.5;
            scales[i] = 1 + i;
            encoded[i] = (float) ((raw[i] - centers[i]) / scales[i]);
        }
        new ImageAugmentation(true, false, 0, 0, 0).apply(encoded, 1, 3, 4, 1, centers, scales, new Random(3));
        float[] back = new float[12];
        for (int i = 0; i < 12; i++) {
            back[i] = (float) (encoded[i] * scales[i] + centers[i]);
        }
        float[] mirrored = {3, 2, 1, 0, 13, 12, 11, 10, 23, 22, 21, 20};
        // seed 3 flips the first image (asserted, so a change of draws shows here)
        for (int i = 0; i < 12; i++) {
            assertThat((double) back[i]).isWithin(1e-4).of(mirrored[i]);
        }
    }

    @Test
    void aRotationByHalfATurnTurnsTheImageUpsideDown() {
        // rotation 180 draws an angle in [-180, 180]; find a seed that draws nearly 180 and check the result
        ImageAugmentation rotate = new ImageAugmentation(false, false, 0, 180, 0);
        for (long seed = 0; seed < 10_000; seed++) {
            double angle = (new Random(seed).nextDouble() * 2 - 1) * 180;
            if (Math.abs(Math.abs(angle) - 180) < 0.05) {
                float[] image = ramp();
                rotate.apply(image, 1, 3, 4, 1, ZERO, ONE, new Random(seed));
                float[] expected = {23, 22, 21, 20, 13, 12, 11, 10, 3, 2, 1, 0};
                for (int i = 0; i < 12; i++) {
                    assertThat((double) image[i]).isWithin(0.1).of(expected[i]);
                }
                return;
            }
        }
        throw new AssertionError("no seed drew a half turn");
    }

    @Test
    void noiseHasTheDeclaredSpread() {
        ImageAugmentation noise = new ImageAugmentation(false, false, 0, 0, 0.2);
        int rows = 2000;
        float[] batch = new float[rows * 12];
        noise.apply(batch, rows, 3, 4, 1, ZERO, ONE, new Random(5));
        double sum = 0;
        double squares = 0;
        for (float v : batch) {
            sum += v;
            squares += v * v;
        }
        double mean = sum / batch.length;
        assertThat(mean).isWithin(0.01).of(0);
        assertThat(Math.sqrt(squares / batch.length - mean * mean)).isWithin(0.01).of(0.2);
    }

    @Test
    void channelsMoveTogether() {
        float[] image = new float[24];
        float[] ramp = ramp();
        for (int i = 0; i < 12; i++) {
            image[i] = ramp[i];
            image[12 + i] = 100 + ramp[i];
        }
        double[] centers = new double[24];
        double[] scales = new double[24];
        Arrays.fill(scales, 1);
        new ImageAugmentation(false, false, 0.25, 30, 0).apply(image, 1, 3, 4, 2, centers, scales, new Random(11));
        for (int i = 0; i < 12; i++) {
            assertThat((double) image[12 + i]).isWithin(1e-3).of(image[i] + 100);
        }
    }

    @Test
    void rangesAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> new ImageAugmentation(false, false, 0.6, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new ImageAugmentation(false, false, 0, 200, 0));
        assertThrows(IllegalArgumentException.class, () -> new ImageAugmentation(false, false, 0, 0, -1));
        assertThat(new ImageAugmentation(false, false, 0, 0, 0).isActive()).isFalse();
    }
}
