package io.kiln.runtime;

import java.util.Random;

/**
 * <b>Public API</b>. Random transforms of training images ({@code @Augment}): mirror, rotation and shift with bilinear
 * sampling and nearest-edge fill, then Gaussian noise. Images are rows of network inputs,
 * channel by channel and each channel row by row; the geometric part works on the pixels as read
 * ({@code input × scale + center}) and scales them back, so a pixel moved to another place takes
 * that place's scaling.
 *
 * @param flipHorizontal mirror left-right with probability 1/2
 * @param flipVertical mirror top-bottom with probability 1/2
 * @param shift the largest shift, a fraction of the height and of the width
 * @param rotation the largest rotation, in degrees
 * @param noise the standard deviation of the noise added to each input
 */
public record ImageAugmentation(boolean flipHorizontal, boolean flipVertical, double shift, double rotation,
        double noise) {

    public ImageAugmentation {
        if (!(shift >= 0 && shift <= 0.5) || !(rotation >= 0 && rotation <= 180) || !(noise >= 0)) {
            throw new IllegalArgumentException("shift must be in [0, 0.5], rotation in [0, 180] and noise at "
                    + "least 0; were " + shift + ", " + rotation + ", " + noise);
        }
    }

    /** Whether any transform is active. */
    public boolean isActive() {
        return flipHorizontal || flipVertical || shift > 0 || rotation > 0 || noise > 0;
    }

    /**
     * Transforms each image of {@code batch} (rows of {@code height × width × channels} inputs) in
     * place.
     *
     * @param centers each input's scaling center (input = (pixel - center) / scale)
     * @param scales each input's scale
     */
    public void apply(float[] batch, int rows, int height, int width, int channels, double[] centers,
            double[] scales, Random random) {
        int size = height * width * channels;
        if (batch.length < rows * size || centers.length != size || scales.length != size) {
            throw new IllegalArgumentException("a batch of " + rows + " images of " + height + "x" + width + "x"
                    + channels + " needs " + size + " inputs per row");
        }
        float[] pixels = new float[size];
        double cy = (height - 1) / 2.0;
        double cx = (width - 1) / 2.0;
        for (int r = 0; r < rows; r++) {
            int base = r * size;
            boolean mirrorX = flipHorizontal && random.nextBoolean();
            boolean mirrorY = flipVertical && random.nextBoolean();
            double angle = rotation > 0 ? Math.toRadians((random.nextDouble() * 2 - 1) * rotation) : 0;
            double ty = shift > 0 ? (random.nextDouble() * 2 - 1) * shift * height : 0;
            double tx = shift > 0 ? (random.nextDouble() * 2 - 1) * shift * width : 0;
            boolean geometric = mirrorX || mirrorY || angle != 0 || ty != 0 || tx != 0;
            if (geometric) {
                for (int i = 0; i < size; i++) {
                    pixels[i] = (float) (batch[base + i] * scales[i] + centers[i]);
                }
                double cos = Math.cos(angle);
                double sin = Math.sin(angle);
                for (int y = 0; y < height; y++) {
                    for (int x = 0; x < width; x++) {
                        // where this output pixel comes from: undo the mirror, the shift, then the rotation
                        double oy = (mirrorY ? height - 1 - y : y) - cy - ty;
                        double ox = (mirrorX ? width - 1 - x : x) - cx - tx;
                        double sy = cos * oy + sin * ox + cy;
                        double sx = -sin * oy + cos * ox + cx;
                        for (int c = 0; c < channels; c++) {
                            int plane = c * height * width;
                            int at = plane + y * width + x;
                            double value = bilinear(pixels, plane, height, width, sy, sx);
                            batch[base + at] = (float) ((value - centers[at]) / scales[at]);
                        }
                    }
                }
            }
            if (noise > 0) {
                for (int i = 0; i < size; i++) {
                    batch[base + i] += (float) (random.nextGaussian() * noise);
                }
            }
        }
    }

    /** The plane's value at a real position, bilinear, with positions outside clamped to the edge. */
    private static double bilinear(float[] pixels, int plane, int height, int width, double y, double x) {
        y = Math.min(Math.max(y, 0), height - 1);
        x = Math.min(Math.max(x, 0), width - 1);
        int y0 = (int) Math.floor(y);
        int x0 = (int) Math.floor(x);
        int y1 = Math.min(y0 + 1, height - 1);
        int x1 = Math.min(x0 + 1, width - 1);
        double fy = y - y0;
        double fx = x - x0;
        double top = pixels[plane + y0 * width + x0] * (1 - fx) + pixels[plane + y0 * width + x1] * fx;
        double bottom = pixels[plane + y1 * width + x0] * (1 - fx) + pixels[plane + y1 * width + x1] * fx;
        return top * (1 - fy) + bottom * fy;
    }
}
