package io.kiln.runtime.internal.data;

import io.kiln.runtime.CsvSource;
import io.kiln.runtime.DataException;
import io.kiln.runtime.FeatureSchema;
import io.kiln.runtime.ImagePixels;
import io.kiln.runtime.LabelSchema;

import io.kiln.dsl.Task;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Reads images and labels from IDX files (the format of MNIST and Fashion-MNIST), plain or
 * gzip-compressed. Only unsigned-byte data is accepted: images {@code [count, height, width]} or
 * {@code [count, height, width, channels]}, labels {@code [count]}. Errors name the file and, for
 * a bad label, the image.
 */
public final class IdxReader {
    private static final int UNSIGNED_BYTE = 0x08;

    private IdxReader() {}

    /** A decoded IDX file: its dimensions and its bytes, in order. */
    record Idx(int[] dims, byte[] data) {}

    /**
     * The images of {@code source} (its {@code file}) with their labels (its {@code labels} file),
     * as rows of pixel intensities in the order of {@code features} (channel-major).
     *
     * @param shape the declared {@code height, width, channels}
     * @param requireLabel whether the labels must be there: images to predict on may come without
     *     (their labels file absent, or {@link CsvSource#NO_LABELS})
     */
    public static LabeledData read(CsvSource source, List<FeatureSchema> features, LabelSchema label, Task task,
            int[] shape, boolean requireLabel) throws IOException {
        MessageDigest digest = sha256();
        String imagesName = source.file().toString();
        String labelsName = source.labels().toString();
        boolean labelled = !source.labels().equals(CsvSource.NO_LABELS) && Files.isRegularFile(source.labels());
        if (!labelled && requireLabel) {
            throw new DataException(imagesName, 0, null, source.labels().equals(CsvSource.NO_LABELS)
                    ? "these IDX images have no labels file: it is found beside them by MNIST's naming "
                            + "(train-images-idx3-ubyte.gz goes with train-labels-idx1-ubyte.gz)"
                    : "the labels file " + labelsName + " does not exist");
        }
        Idx images = decode(imagesName, bytes(source.file(), digest));
        Idx labels = labelled ? decode(labelsName, bytes(source.labels(), digest)) : null;
        int[] d = images.dims();
        if (d.length != 3 && d.length != 4) {
            throw new DataException(imagesName, 0, null, "IDX images have 3 dimensions [count, height, width] or 4 "
                    + "[count, height, width, channels]; this file has " + d.length + " " + Arrays.toString(d));
        }
        int height = d[1];
        int width = d[2];
        int channels = d.length == 4 ? d[3] : 1;
        if (height != shape[0] || width != shape[1] || channels != shape[2]) {
            throw new DataException(imagesName, 0, null, String.format("the images are %dx%dx%d (height x width x "
                    + "channels) but the spec's @Image is %dx%dx%d", height, width, channels, shape[0], shape[1],
                    shape[2]));
        }
        if (labels != null && labels.dims().length != 1) {
            throw new DataException(labelsName, 0, null, "IDX labels have 1 dimension [count]; this file has "
                    + labels.dims().length + " " + Arrays.toString(labels.dims()));
        }
        int n = d[0];
        if (labels != null && labels.dims()[0] != n) {
            throw new DataException(labelsName, 0, null, "the file has " + labels.dims()[0] + " labels for the "
                    + n + " images of " + imagesName);
        }
        if (n == 0) {
            throw new DataException(imagesName, 0, null, "the data has no images");
        }
        int classCount = label.classes().size();
        boolean binary = task == Task.BINARY_CLASSIFICATION;
        int pixels = height * width * channels;
        List<Object[]> rows = new ArrayList<>(n);
        int[] classes = new int[n];
        double[][] targets = new double[n][];
        long[] lines = new long[n];
        byte[] data = images.data();
        for (int i = 0; i < n; i++) {
            Object[] row = new Object[pixels];
            int base = i * pixels;
            // stored row by row with the channels of a pixel together; features are channel by channel
            for (int c = 0, f = 0; c < channels; c++) {
                for (int p = 0; p < height * width; p++, f++) {
                    row[f] = ImagePixels.intensity(data[base + p * channels + c] & 0xff);
                }
            }
            rows.add(row);
            lines[i] = i + 1;
            if (labels == null) {
                continue;
            }
            int cls = labels.data()[i] & 0xff;
            if (cls >= classCount) {
                throw new DataException(labelsName, 0, null, "image " + (i + 1) + " has class index " + cls
                        + "; the label '" + label.name() + "' has " + classCount + " classes " + label.classes()
                        + " (indices 0.." + (classCount - 1) + ")");
            }
            classes[i] = cls;
            if (binary) {
                targets[i] = new double[] {cls};
            } else {
                targets[i] = new double[classCount];
                targets[i][cls] = 1;
            }
        }
        String sha = HexFormat.of().formatHex(digest.digest());
        return labels == null ? LabeledData.of(rows, null, null, lines, imagesName, sha)
                : LabeledData.of(rows, classes, targets, lines, imagesName, sha);
    }

    private static byte[] bytes(Path file, MessageDigest digest) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new FileNotFoundException("Data file not found: " + file.toAbsolutePath());
        }
        byte[] raw = Files.readAllBytes(file);
        digest.update(raw);
        return raw;
    }

    /** Decodes an IDX file's bytes, gunzipping them first when they start with the gzip magic. */
    static Idx decode(String name, byte[] raw) throws IOException {
        boolean gzip = raw.length >= 2 && (raw[0] & 0xff) == 0x1f && (raw[1] & 0xff) == 0x8b;
        try (InputStream in = gzip ? new GZIPInputStream(new ByteArrayInputStream(raw), 1 << 16)
                : new ByteArrayInputStream(raw);
                DataInputStream data = new DataInputStream(new BufferedInputStream(in, 1 << 16))) {
            int magic;
            try {
                magic = data.readInt();
            } catch (EOFException e) {
                throw new DataException(name, 0, null, "not an IDX file: it is shorter than the 4-byte header");
            }
            int type = (magic >> 8) & 0xff;
            int rank = magic & 0xff;
            if ((magic >>> 16) != 0 || rank == 0) {
                throw new DataException(name, 0, null, String.format("not an IDX file: it starts with 0x%08x, not "
                        + "0x0000 followed by a type and a number of dimensions", magic));
            }
            if (type != UNSIGNED_BYTE) {
                throw new DataException(name, 0, null, String.format("IDX data of type 0x%02x; only unsigned bytes "
                        + "(0x08) are read", type));
            }
            int[] dims = new int[rank];
            long size = 1;
            for (int i = 0; i < rank; i++) {
                dims[i] = data.readInt();
                if (dims[i] < 0) {
                    throw new DataException(name, 0, null, "dimension " + (i + 1) + " is negative: " + dims[i]);
                }
                size *= dims[i];
            }
            if (size > Integer.MAX_VALUE - 8) {
                throw new DataException(name, 0, null, "the data of " + Arrays.toString(dims) + " is too large");
            }
            byte[] values = new byte[(int) size];
            int read = data.readNBytes(values, 0, values.length);
            if (read < values.length) {
                long per = size / Math.max(1, dims[0]);
                throw new DataException(name, 0, null, String.format("the file ends after %d of the %d bytes its "
                        + "header %s announces (record %d of %d is incomplete)", read, size, Arrays.toString(dims),
                        per == 0 ? 0 : read / per + 1, dims[0]));
            }
            return new Idx(dims, values);
        } catch (java.util.zip.ZipException e) {
            throw new DataException(name, 0, null, "a broken gzip stream: " + e.getMessage());
        } catch (EOFException e) {
            throw new DataException(name, 0, null, "the file ends inside its header");
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
