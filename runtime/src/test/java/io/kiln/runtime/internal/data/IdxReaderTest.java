package io.kiln.runtime.internal.data;

import io.kiln.runtime.CsvSource;
import io.kiln.runtime.DataException;
import io.kiln.runtime.FeatureSchema;
import io.kiln.runtime.ImagePixels;
import io.kiln.runtime.LabelCoding;
import io.kiln.runtime.LabelSchema;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kiln.dsl.Task;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** IDX images and labels (MNIST's format), plain or gzipped; bad files name the file and what is wrong. */
class IdxReaderTest {
    static final LabelSchema CLOTHES = new LabelSchema("item", LabelCoding.INDEX, List.of("item"),
            List.of("shirt", "trouser", "bag"));

    @TempDir
    Path dir;

    /** An IDX file of unsigned bytes with these dimensions, gzipped when the name ends in .gz. */
    static Path idx(Path file, int[] dims, byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream raw = file.toString().endsWith(".gz") ? new GZIPOutputStream(bytes) : bytes;
                DataOutputStream out = new DataOutputStream(raw)) {
            out.writeInt(0x0800 | dims.length);
            for (int d : dims) {
                out.writeInt(d);
            }
            out.write(data);
        }
        Files.write(file, bytes.toByteArray());
        return file;
    }

    /** Three 2x3 images: image i has pixel bytes 10i + p (p = 0..5); labels 2, 0, 1. */
    private CsvSource threeImages(String suffix) throws IOException {
        byte[] pixels = new byte[18];
        for (int i = 0; i < 3; i++) {
            for (int p = 0; p < 6; p++) {
                pixels[i * 6 + p] = (byte) (10 * i + p);
            }
        }
        pixels[17] = (byte) 255; // unsigned: the brightest pixel is 1.0, not a negative byte
        Path images = idx(dir.resolve("train-images-idx3-ubyte" + suffix), new int[] {3, 2, 3}, pixels);
        idx(dir.resolve("train-labels-idx1-ubyte" + suffix), new int[] {3}, new byte[] {2, 0, 1});
        return CsvSource.idx(images.toString(), dir.resolve("train-labels-idx1-ubyte" + suffix).toString());
    }

    private static LabeledData read(CsvSource source, int h, int w, int c) throws IOException {
        return read(source, h, w, c, true);
    }

    private static LabeledData read(CsvSource source, int h, int w, int c, boolean requireLabel) throws IOException {
        return IdxReader.read(source, ImagePixels.features(h, w, c), CLOTHES, Task.MULTICLASS_CLASSIFICATION,
                new int[] {h, w, c}, requireLabel);
    }

    @Test
    void readsPixelsAsIntensitiesAndLabelsAsClassIndices() throws IOException {
        for (String suffix : List.of("", ".gz")) {
            LabeledData d = read(threeImages(suffix), 2, 3, 1);
            assertThat(d.size()).isEqualTo(3);
            assertThat(d.features().get(1)).asList()
                    .containsExactly(10 / 255.0, 11 / 255.0, 12 / 255.0, 13 / 255.0, 14 / 255.0, 15 / 255.0).inOrder();
            assertThat(d.features().get(2)[5]).isEqualTo(1.0);
            assertThat(d.classes()).asList().containsExactly(2, 0, 1).inOrder();
            assertThat(d.targets()[0]).usingExactEquality().containsExactly(0.0, 0.0, 1.0).inOrder();
            assertThat(d.lines()).asList().containsExactly(1L, 2L, 3L).inOrder();
            assertThat(d.sha256()).hasLength(64);
        }
        // the checksum covers the bytes as stored: the gzipped pair differs from the plain one
        assertThat(read(threeImages(""), 2, 3, 1).sha256()).isNotEqualTo(read(threeImages(".gz"), 2, 3, 1).sha256());
    }

    @Test
    void pixelFeaturesAreNamedByRowAndColumnAndChannelComesFirst() throws IOException {
        assertThat(ImagePixels.features(2, 3, 1).stream().map(FeatureSchema::name).toList())
                .containsExactly("pixel_0_0", "pixel_0_1", "pixel_0_2", "pixel_1_0", "pixel_1_1", "pixel_1_2").inOrder();
        // [count, height, width, channels] is stored channels last; features go channel by channel
        byte[] rgb = {1, 2, 3, 4, 5, 6}; // one 1x2 image: pixel 0 = (1, 2, 3), pixel 1 = (4, 5, 6)
        Path images = idx(dir.resolve("c-images-idx3-ubyte"), new int[] {1, 1, 2, 3}, rgb);
        Path labels = idx(dir.resolve("c-labels-idx1-ubyte"), new int[] {1}, new byte[] {0});
        LabeledData d = read(CsvSource.idx(images.toString(), labels.toString()), 1, 2, 3);
        assertThat(d.features().get(0)).asList()
                .containsExactly(1 / 255.0, 4 / 255.0, 2 / 255.0, 5 / 255.0, 3 / 255.0, 6 / 255.0).inOrder();
        assertThat(ImagePixels.features(1, 2, 3).get(2).name()).isEqualTo("pixel_1_0_0");
    }

    @Test
    void badFilesNameTheFileAndTheProblem() throws IOException {
        CsvSource ok = threeImages("");
        String images = ok.file().toString();
        String labels = ok.labels().toString();

        DataException size = assertThrows(DataException.class, () -> read(ok, 3, 2, 1));
        assertThat(size).hasMessageThat().isEqualTo(images + ": the images are 2x3x1 (height x width x channels) "
                + "but the spec's @Image is 3x2x1");

        idx(Path.of(labels), new int[] {3}, new byte[] {2, 7, 1});
        DataException cls = assertThrows(DataException.class, () -> read(ok, 2, 3, 1));
        assertThat(cls).hasMessageThat().isEqualTo(labels + ": image 2 has class index 7; the label 'item' has 3 "
                + "classes [shirt, trouser, bag] (indices 0..2)");

        idx(Path.of(labels), new int[] {2}, new byte[] {2, 0});
        assertThat(assertThrows(DataException.class, () -> read(ok, 2, 3, 1))).hasMessageThat()
                .isEqualTo(labels + ": the file has 2 labels for the 3 images of " + images);

        Files.write(Path.of(images), new byte[] {0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0});
        assertThat(assertThrows(DataException.class, () -> read(ok, 2, 3, 1))).hasMessageThat()
                .isEqualTo(images + ": not an IDX file: it starts with 0x504b0304, not 0x0000 followed by a type and "
                        + "a number of dimensions");

        byte[] truncated = new byte[10];
        idx(Path.of(images), new int[] {3, 2, 3}, truncated);
        assertThat(assertThrows(DataException.class, () -> read(ok, 2, 3, 1))).hasMessageThat()
                .isEqualTo(images + ": the file ends after 10 of the 18 bytes its header [3, 2, 3] announces "
                        + "(record 2 of 3 is incomplete)");

        Files.delete(Path.of(images));
        assertThat(assertThrows(java.io.FileNotFoundException.class, () -> read(ok, 2, 3, 1))).hasMessageThat()
                .contains("Data file not found");
    }

    @Test
    void anotherImagesFileFindsItsLabelsByName() {
        CsvSource declared = CsvSource.idx("/data/train-images-idx3-ubyte.gz", "/data/train-labels-idx1-ubyte.gz");
        CsvSource other = declared.withFile(Path.of("/tmp/t10k-images-idx3-ubyte.gz"));
        assertThat(other.labels()).isEqualTo(Path.of("/tmp/t10k-labels-idx1-ubyte.gz"));
        CsvSource unnamed = declared.withFile(Path.of("pics.gz"));
        assertThat(unnamed.isIdx()).isTrue();
        assertThat(unnamed.labels()).isEqualTo(CsvSource.NO_LABELS);
    }

    @Test
    void imagesWithoutLabelsAreReadToPredictOnButNotToTrain() throws IOException {
        CsvSource labelled = threeImages("");
        // images under another name have no labels beside them; MNIST-named ones whose labels are missing neither
        Path renamed = Files.copy(labelled.file(), dir.resolve("new-photos.idx"));
        CsvSource unnamed = labelled.withFile(renamed);
        LabeledData d = read(unnamed, 2, 3, 1, false);
        assertThat(d.hasLabels()).isFalse();
        assertThat(d.size()).isEqualTo(3);
        assertThat(d.features().get(1)[0]).isEqualTo(10 / 255.0);
        assertThat(assertThrows(DataException.class, () -> read(unnamed, 2, 3, 1, true))).hasMessageThat()
                .isEqualTo(renamed + ": these IDX images have no labels file: it is found beside them by MNIST's "
                        + "naming (train-images-idx3-ubyte.gz goes with train-labels-idx1-ubyte.gz)");
        Files.delete(labelled.labels());
        assertThat(read(labelled, 2, 3, 1, false).hasLabels()).isFalse();
        assertThat(assertThrows(DataException.class, () -> read(labelled, 2, 3, 1, true))).hasMessageThat()
                .isEqualTo(labelled.file() + ": the labels file " + labelled.labels() + " does not exist");
    }

    @Test
    void aPredictorRowChecksTheImageSize() {
        assertThat(ImagePixels.row(new double[] {0.5, 1}, 2)).asList().containsExactly(0.5, 1.0).inOrder();
        assertThat(assertThrows(IllegalArgumentException.class, () -> ImagePixels.row(new double[3], 784)))
                .hasMessageThat().isEqualTo("The image has 3 pixels; the model takes 784 (channel by channel, row by row)");
    }
}
