package io.kiln.processor;

import io.kiln.dsl.Encoding;
import io.kiln.dsl.Missing;
import io.kiln.dsl.Scaling;
import io.kiln.dsl.Task;
import io.kiln.processor.SpecModel.AugmentModel;
import io.kiln.processor.SpecModel.DataModel;
import io.kiln.processor.SpecModel.FeatureKind;
import io.kiln.processor.SpecModel.FeatureModel;
import io.kiln.processor.SpecModel.IdxModel;
import io.kiln.processor.SpecModel.ImageModel;
import io.kiln.processor.SpecModel.SeriesModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;

/**
 * Reads what the network's input is and where the data come from: {@code @CsvData},
 * {@code @IdxData}, {@code @Image}, {@code @Series} and {@code @Augment}.
 */
final class InputReader {
    static final Attr<Boolean> AUGMENT_FLIP_HORIZONTAL = Attr.of(io.kiln.dsl.Augment.class, io.kiln.dsl.Augment::flipHorizontal);
    static final Attr<Boolean> AUGMENT_FLIP_VERTICAL = Attr.of(io.kiln.dsl.Augment.class, io.kiln.dsl.Augment::flipVertical);
    static final Attr<Double> AUGMENT_NOISE = Attr.of(io.kiln.dsl.Augment.class, io.kiln.dsl.Augment::noise);
    static final Attr<Double> AUGMENT_ROTATION = Attr.of(io.kiln.dsl.Augment.class, io.kiln.dsl.Augment::rotation);
    static final Attr<Double> AUGMENT_SHIFT = Attr.of(io.kiln.dsl.Augment.class, io.kiln.dsl.Augment::shift);
    static final Attr<Character> CSVDATA_DELIMITER = Attr.of(io.kiln.dsl.CsvData.class, io.kiln.dsl.CsvData::delimiter);
    static final Attr<String> CSVDATA_FILE = Attr.of(io.kiln.dsl.CsvData.class, io.kiln.dsl.CsvData::file);
    static final Attr<Boolean> HEADER = Attr.of(io.kiln.dsl.CsvData.class, io.kiln.dsl.CsvData::header);
    static final Attr<String[]> CSVDATA_MISSING_VALUES = Attr.of(io.kiln.dsl.CsvData.class, io.kiln.dsl.CsvData::missingValues);
    static final Attr<String> CSVDATA_RESOURCE = Attr.of(io.kiln.dsl.CsvData.class, io.kiln.dsl.CsvData::resource);
    static final Attr<String> CSVDATA_TEST_FILE = Attr.of(io.kiln.dsl.CsvData.class, io.kiln.dsl.CsvData::testFile);
    static final Attr<String> CSVDATA_TEST_RESOURCE = Attr.of(io.kiln.dsl.CsvData.class,
            io.kiln.dsl.CsvData::testResource);
    static final Attr<String> IDXDATA_IMAGES = Attr.of(io.kiln.dsl.IdxData.class, io.kiln.dsl.IdxData::images);
    static final Attr<String> IDXDATA_LABELS = Attr.of(io.kiln.dsl.IdxData.class, io.kiln.dsl.IdxData::labels);
    static final Attr<String> IDXDATA_TEST_IMAGES = Attr.of(io.kiln.dsl.IdxData.class, io.kiln.dsl.IdxData::testImages);
    static final Attr<String> IDXDATA_TEST_LABELS = Attr.of(io.kiln.dsl.IdxData.class, io.kiln.dsl.IdxData::testLabels);
    static final Attr<Integer> IMAGE_CHANNELS = Attr.of(io.kiln.dsl.Image.class, io.kiln.dsl.Image::channels);
    static final Attr<Integer> IMAGE_HEIGHT = Attr.of(io.kiln.dsl.Image.class, io.kiln.dsl.Image::height);
    static final Attr<Integer> IMAGE_WIDTH = Attr.of(io.kiln.dsl.Image.class, io.kiln.dsl.Image::width);
    static final Attr<Integer> SERIES_HORIZON = Attr.of(io.kiln.dsl.Series.class, io.kiln.dsl.Series::horizon);
    static final Attr<Integer> SERIES_WINDOW = Attr.of(io.kiln.dsl.Series.class, io.kiln.dsl.Series::window);

    /**
     * The most input values per sample (pixels of an image, steps times features of a window): the
     * runtime keeps a named feature for each, and DL4J a column.
     */
    static final long MAX_INPUT_VALUES = 1L << 20;

    private final ReadContext c;
    private final Reporter reporter;

    InputReader(ReadContext c) {
        this.c = c;
        this.reporter = c.reporter;
    }

    DataModel readData() {
        Annotation d = c.annotation(io.kiln.dsl.CsvData.class);
        if (d == null) {
            return null;
        }
        String resource = d.get(CSVDATA_RESOURCE);
        String file = d.get(CSVDATA_FILE);
        if (resource.isEmpty() == file.isEmpty()) {
            reporter.error(d, resource.isEmpty() ? null : CSVDATA_FILE, Message.DATA_SOURCE.format(
                    resource.isEmpty()
                            ? "@CsvData names no data. Give resource = \"...\" (on the class path) or file = \"...\"."
                            : "@CsvData gives both a resource and a file. Keep one."));
        }
        if (!resource.isEmpty() && file.isEmpty() && c.resources.exists(c.type, resource).equals(Optional.of(false))) {
            reporter.error(d, CSVDATA_RESOURCE, Message.RESOURCE_MISSING.format(resource,
                    resource.startsWith("/") ? "the root of the class path"
                            : "package " + c.elements.getPackageOf(c.type).getQualifiedName() + " of the class path"));
        }
        String testResource = d.get(CSVDATA_TEST_RESOURCE);
        if (!testResource.isEmpty() && !d.get(CSVDATA_TEST_FILE).isEmpty()) {
            reporter.error(d, CSVDATA_TEST_RESOURCE, Message.DATA_SOURCE.format(
                    "@CsvData gives both a testFile and a testResource. Keep one."));
        } else if (!testResource.isEmpty() && c.resources.exists(c.type, testResource).equals(Optional.of(false))) {
            reporter.error(d, CSVDATA_TEST_RESOURCE, Message.RESOURCE_MISSING.format(testResource,
                    testResource.startsWith("/") ? "the root of the class path"
                            : "package " + c.elements.getPackageOf(c.type).getQualifiedName() + " of the class path"));
        }
        char delimiter = d.get(CSVDATA_DELIMITER);
        if (delimiter == '"' || delimiter == '\n' || delimiter == '\r') {
            reporter.error(d, CSVDATA_DELIMITER,
                    Message.DELIMITER.format(delimiter == '"' ? "\"" : delimiter == '\n' ? "\\n" : "\\r"));
        }
        return new DataModel(resource, file, d.get(HEADER), delimiter, d.list(CSVDATA_MISSING_VALUES),
                d.get(CSVDATA_TEST_FILE), testResource);
    }

    /**
     * {@code @IdxData}: two named files (and a test pair or none), with @Image, no declared features
     * and a single-label classification task. Null when absent or invalid.
     */
    IdxModel readIdx(Task task, List<FeatureModel> declared) {
        Annotation a = c.annotation(io.kiln.dsl.IdxData.class);
        if (a == null) {
            return null;
        }
        boolean valid = true;
        Annotation csv = c.annotation(io.kiln.dsl.CsvData.class);
        if (csv != null) {
            reporter.error(csv, Message.DATA_SOURCE.format(
                    "@CsvData and @IdxData both declare the training data. Keep one."));
            valid = false;
        }
        for (Attr<String> attribute : List.of(IDXDATA_IMAGES, IDXDATA_LABELS)) {
            if (a.get(attribute).isBlank()) {
                reporter.error(a, attribute, Message.DATA_SOURCE.format(
                        "@IdxData(" + attribute.name + ") is empty. Give the path of the IDX file."));
                valid = false;
            }
        }
        String testImages = a.get(IDXDATA_TEST_IMAGES);
        String testLabels = a.get(IDXDATA_TEST_LABELS);
        if (testImages.isEmpty() != testLabels.isEmpty()) {
            boolean images = !testImages.isEmpty();
            reporter.error(a, images ? IDXDATA_TEST_IMAGES : IDXDATA_TEST_LABELS, Message.IDX_TEST_PAIR.format(
                    images ? "testImages" : "testLabels", images ? "testLabels" : "testImages"));
            valid = false;
        }
        if (c.annotation(io.kiln.dsl.Image.class) == null) {
            reporter.error(a, Message.IDX_NEEDS_IMAGE.format());
            valid = false;
        }
        if (!declared.isEmpty()) {
            VariableElement at = c.field(declared.get(0).name());
            Annotation role = c.roles(at).get(0);
            reporter.error(role, Message.IDX_FEATURES.format(declared.get(0).name()));
            valid = false;
        }
        if (task != Task.BINARY_CLASSIFICATION && task != Task.MULTICLASS_CLASSIFICATION) {
            reporter.error(c.annotation(io.kiln.dsl.Model.class), SpecReader.MODEL_TASK, Message.IDX_TASK.format(task));
            valid = false;
        }
        return valid ? new IdxModel(a.get(IDXDATA_IMAGES), a.get(IDXDATA_LABELS), testImages, testLabels) : null;
    }

    /** The pixels of the spec's @Image as numeric features, fed unscaled (IDX intensities are in [0, 1]). */
    List<FeatureModel> pixelFeatures() {
        Annotation image = c.annotation(io.kiln.dsl.Image.class);
        int height = image.get(IMAGE_HEIGHT);
        int width = image.get(IMAGE_WIDTH);
        int channels = image.get(IMAGE_CHANNELS);
        List<FeatureModel> pixels = new ArrayList<>();
        if (height <= 0 || width <= 0 || channels <= 0
                || (long) height * width * channels > MAX_INPUT_VALUES) {
            return pixels; // readImage reports the bad size
        }
        TypeMirror doubleType = c.types.getPrimitiveType(TypeKind.DOUBLE);
        for (int c = 0; c < channels; c++) {
            for (int r = 0; r < height; r++) {
                for (int x = 0; x < width; x++) {
                    // as the runtime's ImagePixels names them
                    String name = channels == 1 ? "pixel_" + r + "_" + x : "pixel_" + c + "_" + r + "_" + x;
                    pixels.add(new FeatureModel(name, name, FeatureKind.NUMERIC, doubleType, List.of(),
                            Encoding.ONE_HOT, Scaling.NONE, Missing.ERROR, ""));
                }
            }
        }
        return pixels;
    }

    /** {@code @Image}: positive sizes, one numeric feature per pixel. */
    ImageModel readImage(List<FeatureModel> features) {
        Annotation a = c.annotation(io.kiln.dsl.Image.class);
        if (a == null) {
            return null;
        }
        boolean valid = true;
        for (Attr<Integer> attribute : List.of(IMAGE_HEIGHT, IMAGE_WIDTH, IMAGE_CHANNELS)) {
            int v = a.get(attribute);
            if (v <= 0) {
                reporter.error(a, attribute, Message.IMAGE_DIMENSION.format(attribute.name, v));
                valid = false;
            }
        }
        for (FeatureModel f : features) {
            if (f.kind() != FeatureKind.NUMERIC) {
                reporter.error(a, Message.IMAGE_FEATURE.format(f.name(),
                        f.kind().name().toLowerCase(java.util.Locale.ROOT)));
                valid = false;
            }
        }
        if (!valid) {
            return null;
        }
        ImageModel image = new ImageModel(a.get(IMAGE_HEIGHT), a.get(IMAGE_WIDTH), a.get(IMAGE_CHANNELS));
        long pixels = (long) image.height() * image.width() * image.channels();
        if (pixels > MAX_INPUT_VALUES) {
            reporter.error(a, Message.IMAGE_TOO_LARGE.format(image.height(), image.width(),
                    image.channels(), pixels, MAX_INPUT_VALUES));
            return null;
        }
        // declared features and groups of columns: a group without a count takes the pixels the others leave
        long declared = 0;
        FeatureModel open = null;
        for (FeatureModel f : features) {
            if (!f.isGroup() || f.columns().count() > 0) {
                declared += f.isGroup() ? f.columns().count() : 1;
            } else if (open != null) {
                reporter.error(c.roles(c.field(f.name())).get(0), Message.FEATURES_IMAGE_OPEN.format(pixels,
                        open.name(), f.name()));
                return null;
            } else {
                open = f;
            }
        }
        if (open == null ? pixels != declared : pixels <= declared) {
            reporter.error(a, Message.IMAGE_SIZE.format(image.height(), image.width(),
                    image.channels(), pixels, open == null ? Long.toString(declared) : "at least " + (declared + 1)));
            return null;
        }
        return image;
    }

    /** The features with a group that declares no count given the pixels the other features leave it. */
    static List<FeatureModel> countGroupPixels(List<FeatureModel> features, ImageModel image) {
        long pixels = (long) image.height() * image.width() * image.channels();
        long declared = features.stream().mapToLong(f -> f.isGroup() ? f.columns().count() : 1).sum();
        return features.stream().map(f -> f.isGroup() && f.columns().count() == 0
                ? f.withCount((int) (pixels - declared)) : f).toList();
    }

    /** {@code @Series}: a positive window and horizon over numeric features. */
    SeriesModel readSeries(List<FeatureModel> features) {
        Annotation a = c.annotation(io.kiln.dsl.Series.class);
        if (a == null) {
            return null;
        }
        boolean valid = true;
        for (Attr<Integer> attribute : List.of(SERIES_WINDOW, SERIES_HORIZON)) {
            int v = a.get(attribute);
            if (v <= 0) {
                reporter.error(a, attribute, Message.SERIES_WINDOW.format(attribute.name, v,
                        ReadContext.example(a, attribute, x -> x > 0, attribute == SERIES_WINDOW ? "20" : "1")));
                valid = false;
            }
        }
        for (FeatureModel f : features) {
            if (f.isGroup()) {
                reporter.error(c.roles(c.field(f.name())).get(0), Message.FEATURES_INPUT.format(f.name(),
                        "@Series reads each feature's column as a series of its own"));
                valid = false;
            } else if (f.kind() != FeatureKind.NUMERIC) {
                VariableElement at = c.field(f.name());
                reporter.error(c.roles(at).get(0), Message.SERIES_FEATURE.format(f.name(),
                        f.kind().name().toLowerCase(java.util.Locale.ROOT)));
                valid = false;
            }
        }
        long values = (long) a.get(SERIES_WINDOW) * Math.max(1, features.size());
        if (valid && values > MAX_INPUT_VALUES) {
            reporter.error(a, SERIES_WINDOW, Message.SERIES_TOO_LONG.format(a.get(SERIES_WINDOW),
                    features.size() == 1 ? "1 feature" : features.size() + " features", values, MAX_INPUT_VALUES));
            valid = false;
        }
        return valid ? new SeriesModel(a.get(SERIES_WINDOW), a.get(SERIES_HORIZON)) : null;
    }

    /** {@code @Augment}: with @Image, at least one transform, each in its range. */
    AugmentModel readAugment() {
        Annotation a = c.annotation(io.kiln.dsl.Augment.class);
        if (a == null) {
            return null;
        }
        if (c.annotation(io.kiln.dsl.Image.class) == null) {
            reporter.error(a, Message.AUGMENT_NEEDS_IMAGE.format());
            return null;
        }
        double shift = a.get(AUGMENT_SHIFT);
        double rotation = a.get(AUGMENT_ROTATION);
        boolean valid = true;
        if (!(shift >= 0 && shift <= 0.5)) {
            reporter.error(a, AUGMENT_SHIFT, Message.FRACTION.format("shift", "[0, 0.5] (of the height and "
                    + "width)", ReadContext.number(shift), "shift = 0.1"));
            valid = false;
        }
        if (!(rotation >= 0 && rotation <= 180)) {
            reporter.error(a, AUGMENT_ROTATION, Message.FRACTION.format("rotation", "[0, 180] degrees",
                    ReadContext.number(rotation), "rotation = 10"));
            valid = false;
        }
        valid &= ReadContext.isNotNegative(a.get(AUGMENT_NOISE));
        double noise = c.notNegative(a, AUGMENT_NOISE);
        AugmentModel augment = new AugmentModel(a.get(AUGMENT_FLIP_HORIZONTAL), a.get(AUGMENT_FLIP_VERTICAL), shift, rotation,
                noise);
        if (valid && !augment.flipHorizontal() && !augment.flipVertical() && shift == 0 && rotation == 0
                && noise == 0) {
            reporter.error(a, Message.AUGMENT_NOTHING.format());
        }
        return valid ? augment : null;
    }

}
