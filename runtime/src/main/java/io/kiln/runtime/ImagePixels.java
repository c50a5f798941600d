package io.kiln.runtime;

import io.kiln.dsl.Missing;
import io.kiln.dsl.Scaling;
import java.util.ArrayList;
import java.util.List;

/**
 * <b>Public API</b>. The pixel features of an image read from IDX files ({@code @IdxData}): one numeric feature per
 * pixel, channel by channel and each channel row by row, named {@code pixel_<row>_<column>} (with
 * more than one channel, {@code pixel_<channel>_<row>_<column>}). A pixel is an intensity in
 * [0, 1] and is fed unscaled.
 */
public final class ImagePixels {
    /** The 256 intensities a byte can hold, boxed once: rows of pixels share them. */
    private static final Double[] INTENSITY = new Double[256];

    static {
        for (int b = 0; b < INTENSITY.length; b++) {
            INTENSITY[b] = b / 255.0;
        }
    }

    private ImagePixels() {}

    /** The features of a {@code height × width × channels} image, in input order. */
    public static List<FeatureSchema> features(int height, int width, int channels) {
        List<FeatureSchema> features = new ArrayList<>(height * width * channels);
        for (int c = 0; c < channels; c++) {
            for (int r = 0; r < height; r++) {
                for (int x = 0; x < width; x++) {
                    String name = channels == 1 ? "pixel_" + r + "_" + x : "pixel_" + c + "_" + r + "_" + x;
                    features.add(FeatureSchema.numeric(name, name, Scaling.NONE, Missing.ERROR, ""));
                }
            }
        }
        return features;
    }

    /** The intensity of a pixel byte (0-255), boxed. */
    public static Double intensity(int unsignedByte) {
        return INTENSITY[unsignedByte];
    }

    /**
     * One image's pixels as a row of feature values, for prediction.
     *
     * @throws IllegalArgumentException when the image has another number of pixels
     */
    public static Object[] row(double[] pixels, int expected) {
        if (pixels == null || pixels.length != expected) {
            throw new IllegalArgumentException("The image has " + (pixels == null ? "no" : pixels.length)
                    + " pixels; the model takes " + expected + " (channel by channel, row by row)");
        }
        return FeatureRow.boxed(pixels);
    }
}
