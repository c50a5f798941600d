package io.kiln.processor;

import io.kiln.dsl.Activation;
import io.kiln.dsl.Encoding;
import io.kiln.dsl.Loss;
import io.kiln.dsl.Metric;
import io.kiln.dsl.Missing;
import io.kiln.dsl.Scaling;
import io.kiln.dsl.Task;
import io.kiln.processor.SpecModel.AugmentModel;
import io.kiln.processor.SpecModel.ClippingModel;
import io.kiln.processor.SpecModel.DataModel;
import io.kiln.processor.SpecModel.EarlyStoppingModel;
import io.kiln.processor.SpecModel.FeatureKind;
import io.kiln.processor.SpecModel.FeatureModel;
import io.kiln.processor.SpecModel.FitModel;
import io.kiln.processor.SpecModel.HoldoutModel;
import io.kiln.processor.SpecModel.IdxModel;
import io.kiln.processor.SpecModel.ImageModel;
import io.kiln.processor.SpecModel.KFoldModel;
import io.kiln.processor.SpecModel.LabelCoding;
import io.kiln.processor.SpecModel.LabelModel;
import io.kiln.processor.SpecModel.LayerKind;
import io.kiln.processor.SpecModel.LayerModel;
import io.kiln.processor.SpecModel.OptimizerKind;
import io.kiln.processor.SpecModel.OptimizerModel;
import io.kiln.processor.SpecModel.PlateauModel;
import io.kiln.processor.SpecModel.ProtocolModel;
import io.kiln.processor.SpecModel.RegularizationModel;
import io.kiln.processor.SpecModel.ScheduleKind;
import io.kiln.processor.SpecModel.ScheduleModel;
import io.kiln.processor.SpecModel.SeriesModel;
import io.kiln.processor.SpecModel.TemporalModel;
import io.kiln.processor.SpecModel.Window;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * Reads a spec class into a {@link SpecModel}, reporting every problem it finds on the annotation
 * value at fault. Returns null when the spec has errors: nothing is generated for it.
 */
final class SpecReader {
    static final String DSL = "io.kiln.dsl.";
    private static final List<String> LAYER_ANNOTATIONS = List.of("Dense", "Dropout", "BatchNorm", "Conv2D", "SeparableConv2D", "Pool2D",
            "GlobalPool", "Conv1D", "Pool1D", "Lstm", "SimpleRnn", "LastTimeStep", "Embedding", "SelfAttention", "Residual", "Output");
    private static final List<String> OPTIMIZER_ANNOTATIONS = List.of("Sgd", "Adam", "AdamW", "RmsProp", "AdaGrad");
    private static final List<String> PROTOCOL_ANNOTATIONS = List.of("Holdout", "KFold", "TemporalSplit");
    private static final List<String> SCHEDULE_ANNOTATIONS =
            List.of("StepDecay", "ExponentialDecay", "CosineDecay", "OneCycle");

    private final Elements elements;
    private final Types types;
    private final Reporter reporter;
    private final Resources resources;

    SpecReader(Elements elements, Types types, Reporter reporter) {
        this(elements, types, reporter, Resources.UNKNOWN);
    }

    SpecReader(Elements elements, Types types, Reporter reporter, Resources resources) {
        this.elements = elements;
        this.types = types;
        this.reporter = reporter;
        this.resources = resources;
    }

    SpecModel read(Element element) {
        Annotation model = annotation(element, "Model");
        if (element.getKind() != ElementKind.CLASS) {
            reporter.error(element, model.mirror, null,
                    Message.SPEC_KIND.format(element.getKind().toString().toLowerCase(Locale.ROOT).replace('_', ' ')));
            return null;
        }
        TypeElement type = (TypeElement) element;
        checkClassShape(type, model);

        Task task = model.enumValue("task", Task.class);
        String modelName = model.string("name").isEmpty()
                ? type.getSimpleName().toString().toLowerCase(Locale.ROOT)
                : model.string("name");
        if (!modelName.matches("[A-Za-z0-9._-]+")) {
            reporter.error(type, model.mirror, "name", Message.MODEL_NAME.format(modelName));
        }

        Preprocessing defaults = readPreprocessing(type);
        List<FeatureModel> features = new ArrayList<>();
        List<LayerModel> layers = new ArrayList<>();
        LabelModel label = null;
        VariableElement labelField = null;
        Map<String, String> columnOwners = new HashMap<>();
        // a series label may read a feature's column: the target is a later step of the same series
        Map<String, String> labelOwners = annotation(type, "Series") != null ? new HashMap<>() : columnOwners;
        VariableElement outputField = null;
        List<Annotation> weightLayers = new ArrayList<>(); // @Dense and @Output, for checks against class annotations
        List<Annotation> layerRoles = new ArrayList<>(); // each layer's annotation, for shape errors

        for (Element member : type.getEnclosedElements()) {
            if (member.getKind() != ElementKind.FIELD) {
                continue;
            }
            VariableElement field = (VariableElement) member;
            List<Annotation> roles = roles(field);
            if (roles.isEmpty()) {
                continue;
            }
            if (roles.size() > 1) {
                reporter.error(field, roles.get(1).mirror, null, Message.LAYER_CONFLICT.format(
                        field.getSimpleName(), roles.get(0).display(), roles.get(1).display()));
                continue;
            }
            Annotation role = roles.get(0);
            switch (role.simpleName) {
                case "Feature" -> {
                    FeatureModel feature = readFeature(field, role, defaults);
                    if (feature != null) {
                        claimColumn(columnOwners, feature.column(), field, role, "column");
                        features.add(feature);
                    }
                }
                case "Text" -> {
                    FeatureModel feature = readText(field, role);
                    if (feature != null) {
                        claimColumn(columnOwners, feature.column(), field, role, "column");
                        features.add(feature);
                    }
                }
                case "Label" -> {
                    if (labelField != null) {
                        reporter.error(field, role.mirror, null,
                                Message.MULTIPLE_LABELS.format("'" + labelField.getSimpleName() + "'"));
                        continue;
                    }
                    labelField = field;
                    label = readLabel(field, role, task);
                    if (label != null) {
                        String attribute = label.columns().size() == 1 ? "column" : "columns";
                        for (String column : label.columns()) {
                            claimColumn(labelOwners, column, field, role, attribute);
                        }
                    }
                }
                default -> {
                    if (!isLayerType(field.asType())) {
                        reporter.error(field, role.mirror, null,
                                Message.LAYER_FIELD_TYPE.format(field.getSimpleName(), field.asType()));
                    }
                    if (outputField != null) {
                        if (role.simpleName.equals("Output")) {
                            reporter.error(field, role.mirror, null, Message.MULTIPLE_OUTPUTS.format(
                                    type.getSimpleName(), outputField.getSimpleName()));
                        } else {
                            reporter.error(field, role.mirror, null, Message.OUTPUT_NOT_LAST.format(
                                    field.getSimpleName(), outputField.getSimpleName()));
                        }
                        continue;
                    }
                    LayerModel layer = readLayer(field, role);
                    if (layer != null) {
                        layers.add(layer);
                        layerRoles.add(role);
                        if (layer.hasWeights()) {
                            weightLayers.add(role);
                        }
                    }
                    if (role.simpleName.equals("Output")) {
                        outputField = field;
                    }
                }
            }
        }

        FeatureModel tokens = features.stream().filter(f -> f.kind() == FeatureKind.TEXT
                && f.text().encoding() == io.kiln.dsl.TextEncoding.TOKENS).findFirst().orElse(null);
        if (tokens != null) {
            for (FeatureModel other : features) {
                if (other != tokens) {
                    VariableElement at = field(type, tokens.name());
                    reporter.error(at, annotation(at, "Text").mirror, "encoding",
                            Message.TEXT_TOKENS_ALONE.format(tokens.name(), other.name()));
                    break;
                }
            }
        }
        for (FeatureModel f : features) {
            checkComponentName(type, f.name(), "Input", Set.of());
        }
        if (label != null) {
            // the second component of Prediction: a boolean label's probability, the classes' probabilities
            Set<String> taken = label.coding() == LabelCoding.BOOLEAN ? Set.of("probability")
                    : task.isClassification() ? Set.of("probabilities") : Set.of();
            checkComponentName(type, label.name(), "Prediction", taken);
        }
        IdxModel idx = readIdx(type, task, features);
        boolean idxDeclared = annotation(type, "IdxData") != null;
        if (idxDeclared && annotation(type, "Image") != null) {
            features = pixelFeatures(type); // the only features of IDX data (declared ones are reported)
        }
        if (annotation(type, "IdxData") == null && features.isEmpty() && !hasAnnotatedField(type, "Feature")
                && !hasAnnotatedField(type, "Text")) {
            reporter.error(type, model.mirror, null, Message.NO_FEATURES.format(type.getSimpleName()));
        }
        if (labelField == null) {
            reporter.error(type, model.mirror, null, Message.NO_LABEL.format(type.getSimpleName()));
        }
        if (outputField == null) {
            reporter.error(type, model.mirror, null, Message.NO_OUTPUT.format(type.getSimpleName()));
        }
        // The output layer's units, activation and loss depend on the label, which may be declared after it.
        if (label != null && outputField != null) {
            checkOutput(outputField, annotation(outputField, "Output"), task, label);
        }

        ImageModel image = readImage(type, features);
        SeriesModel series = readSeries(type, features);
        if (image != null && series != null) {
            Annotation a = annotation(type, "Series");
            reporter.error(type, a.mirror, null, Message.INPUT_CONFLICT.format());
        }
        // a broken @Image or @Series is reported already; walking without it would only add "needs an image" errors
        // (IDX data without @Image is reported already)
        if ((image != null || annotation(type, "Image") == null) && (series != null || annotation(type, "Series") == null)
                && (image == null || series == null) && (image != null || !idxDeclared)) {
            Shapes.Shape input = Shapes.input(image, series, features);
            for (Shapes.Problem problem : Shapes.infer(input, layers).problems()) {
                Annotation role = layerRoles.get(problem.index());
                reporter.error(role.element, role.mirror, problem.attribute(), problem.message());
            }
        }

        DataModel data = readData(type);
        OptimizerModel optimizer = readOptimizer(type);
        FitModel fit = readFit(type);
        ProtocolModel protocol = readProtocol(type);
        if (data != null && !data.testFile().isEmpty()) {
            checkTestSetProtocol(type, annotation(type, "CsvData"), "testFile");
        }
        if (idx != null && !idx.testImages().isEmpty()) {
            checkTestSetProtocol(type, annotation(type, "IdxData"), "testImages");
        }
        if (idxDeclared && protocol instanceof TemporalModel t) {
            reporter.error(type, annotation(type, "TemporalSplit").mirror, "orderBy",
                    Message.IDX_TEMPORAL.format(t.orderBy()));
        }
        if (series != null && !(protocol instanceof TemporalModel)) {
            List<Annotation> declared = classAnnotations(type, PROTOCOL_ANNOTATIONS);
            reporter.error(type, annotation(type, "Series").mirror, null, Message.SERIES_NEEDS_TEMPORAL.format(
                    declared.isEmpty() ? "the default shuffled holdout" : declared.get(0).display()));
        }
        RegularizationModel regularization = readRegularization(type, optimizer, weightLayers);
        ClippingModel clipping = readClipping(type);
        LearningRateContext lr = learningRateContext(type, optimizer, fit);
        EarlyStoppingModel earlyStopping = readEarlyStopping(type, task, protocol);
        ScheduleModel schedule = readSchedule(type, lr);
        PlateauModel plateau = readPlateau(type, task, protocol, lr);
        int perCases = readReport(type, task);
        AugmentModel augment = readAugment(type);

        if (reporter.hasErrors()) {
            return null;
        }
        List<LayerModel> resolved = new ArrayList<>();
        for (LayerModel layer : layers) {
            resolved.add(layer.kind() == LayerKind.OUTPUT ? resolveOutput(layer, task, label) : layer);
        }
        PackageElement pkg = elements.getPackageOf(type);
        return new SpecModel(type, pkg.isUnnamed() ? "" : pkg.getQualifiedName().toString(),
                generatedPrefix(type), modelName, task, data, features, label, resolved, optimizer, fit, protocol,
                regularization, clipping, earlyStopping, schedule, plateau, perCases, image, series, idx, augment);
    }

    /** Methods every record has: a record component may not take their names. */
    private static final Set<String> RECORD_METHODS =
            Set.of("clone", "finalize", "getClass", "hashCode", "notify", "notifyAll", "toString", "wait");

    /**
     * A feature or label field becomes a component of the generated predictor's {@code record}
     * ({@code Input} or {@code Prediction}): its name must not be a method every record has, nor
     * a component the predictor adds ({@code taken}).
     */
    private void checkComponentName(TypeElement type, String name, String record, Set<String> taken) {
        String clash = RECORD_METHODS.contains(name) ? "a method every Java record has"
                : taken.contains(name) ? "the component that holds the predicted " + name : null;
        if (clash == null) {
            return;
        }
        VariableElement at = field(type, name);
        Annotation role = roles(at).get(0);
        reporter.error(at, role.mirror, null, Message.RESERVED_NAME.format(name, record, clash,
                role.isSet("column") ? role.string("column") : name));
    }

    /** {@code @Augment}: with @Image, at least one transform, each in its range. */
    private AugmentModel readAugment(TypeElement type) {
        Annotation a = annotation(type, "Augment");
        if (a == null) {
            return null;
        }
        if (annotation(type, "Image") == null) {
            reporter.error(type, a.mirror, null, Message.AUGMENT_NEEDS_IMAGE.format());
            return null;
        }
        double shift = a.doubleValue("shift");
        double rotation = a.doubleValue("rotation");
        boolean valid = true;
        if (!(shift >= 0 && shift <= 0.5)) {
            reporter.error(type, a.mirror, "shift", Message.FRACTION.format("shift", "[0, 0.5] (of the height and "
                    + "width)", number(shift), "shift = 0.1"));
            valid = false;
        }
        if (!(rotation >= 0 && rotation <= 180)) {
            reporter.error(type, a.mirror, "rotation", Message.FRACTION.format("rotation", "[0, 180] degrees",
                    number(rotation), "rotation = 10"));
            valid = false;
        }
        valid &= isNotNegative(a.doubleValue("noise"));
        double noise = notNegative(type, a, "noise");
        AugmentModel augment = new AugmentModel(a.bool("flipHorizontal"), a.bool("flipVertical"), shift, rotation,
                noise);
        if (valid && !augment.flipHorizontal() && !augment.flipVertical() && shift == 0 && rotation == 0
                && noise == 0) {
            reporter.error(type, a.mirror, null, Message.AUGMENT_NOTHING.format());
        }
        return valid ? augment : null;
    }

    /** An official test set ({@code source.attribute}) needs a holdout that sets only validation rows aside. */
    private void checkTestSetProtocol(TypeElement type, Annotation source, String attribute) {
        Annotation declared = classAnnotations(type, PROTOCOL_ANNOTATIONS).stream().findFirst().orElse(null);
        String what = "@" + source.simpleName + "(" + attribute + ")";
        if (declared == null || !declared.simpleName.equals("Holdout")) {
            reporter.error(type, source.mirror, attribute, Message.TEST_FILE_PROTOCOL.format(what,
                    "the protocol must be @Holdout (which then only sets validation rows aside), not "
                            + (declared == null ? "the default holdout" : declared.display())
                            + ": declare @Holdout(validation = 0.2) instead"));
        } else if (declared.isSet("test")) {
            reporter.error(type, declared.mirror, "test", Message.TEST_FILE_PROTOCOL.format(what,
                    "@Holdout must not set a test fraction of its own; remove test = .."));
        }
    }

    /**
     * {@code @IdxData}: two named files (and a test pair or none), with @Image, no declared features
     * and a single-label classification task. Null when absent or invalid.
     */
    private IdxModel readIdx(TypeElement type, Task task, List<FeatureModel> declared) {
        Annotation a = annotation(type, "IdxData");
        if (a == null) {
            return null;
        }
        boolean valid = true;
        Annotation csv = annotation(type, "CsvData");
        if (csv != null) {
            reporter.error(type, csv.mirror, null, Message.DATA_SOURCE.format(
                    "@CsvData and @IdxData both declare the training data. Keep one."));
            valid = false;
        }
        for (String attribute : List.of("images", "labels")) {
            if (a.string(attribute).isBlank()) {
                reporter.error(type, a.mirror, attribute, Message.DATA_SOURCE.format(
                        "@IdxData(" + attribute + ") is empty. Give the path of the IDX file."));
                valid = false;
            }
        }
        String testImages = a.string("testImages");
        String testLabels = a.string("testLabels");
        if (testImages.isEmpty() != testLabels.isEmpty()) {
            boolean images = !testImages.isEmpty();
            reporter.error(type, a.mirror, images ? "testImages" : "testLabels", Message.IDX_TEST_PAIR.format(
                    images ? "testImages" : "testLabels", images ? "testLabels" : "testImages"));
            valid = false;
        }
        if (annotation(type, "Image") == null) {
            reporter.error(type, a.mirror, null, Message.IDX_NEEDS_IMAGE.format());
            valid = false;
        }
        if (!declared.isEmpty()) {
            VariableElement at = field(type, declared.get(0).name());
            Annotation role = annotation(at, "Feature") != null ? annotation(at, "Feature") : annotation(at, "Text");
            reporter.error(at, role.mirror, null, Message.IDX_FEATURES.format(declared.get(0).name()));
            valid = false;
        }
        if (task != Task.BINARY_CLASSIFICATION && task != Task.MULTICLASS_CLASSIFICATION) {
            reporter.error(type, annotation(type, "Model").mirror, "task", Message.IDX_TASK.format(task));
            valid = false;
        }
        return valid ? new IdxModel(a.string("images"), a.string("labels"), testImages, testLabels) : null;
    }

    /** The pixels of the spec's @Image as numeric features, fed unscaled (IDX intensities are in [0, 1]). */
    /**
     * The most input values per sample (pixels of an image, steps times features of a window): the
     * runtime keeps a named feature for each, and DL4J a column.
     */
    static final long MAX_INPUT_VALUES = 1L << 20;

    private List<FeatureModel> pixelFeatures(TypeElement type) {
        Annotation image = annotation(type, "Image");
        int height = image.intValue("height");
        int width = image.intValue("width");
        int channels = image.intValue("channels");
        List<FeatureModel> pixels = new ArrayList<>();
        if (height <= 0 || width <= 0 || channels <= 0
                || (long) height * width * channels > MAX_INPUT_VALUES) {
            return pixels; // readImage reports the bad size
        }
        TypeMirror doubleType = types.getPrimitiveType(TypeKind.DOUBLE);
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
    private ImageModel readImage(TypeElement type, List<FeatureModel> features) {
        Annotation a = annotation(type, "Image");
        if (a == null) {
            return null;
        }
        boolean valid = true;
        for (String attribute : List.of("height", "width", "channels")) {
            int v = a.intValue(attribute);
            if (v <= 0) {
                reporter.error(type, a.mirror, attribute, Message.IMAGE_DIMENSION.format(attribute, v));
                valid = false;
            }
        }
        for (FeatureModel f : features) {
            if (f.kind() != FeatureKind.NUMERIC) {
                reporter.error(type, a.mirror, null, Message.IMAGE_FEATURE.format(f.name(),
                        f.kind().name().toLowerCase(java.util.Locale.ROOT)));
                valid = false;
            }
        }
        if (!valid) {
            return null;
        }
        ImageModel image = new ImageModel(a.intValue("height"), a.intValue("width"), a.intValue("channels"));
        long pixels = (long) image.height() * image.width() * image.channels();
        if (pixels > MAX_INPUT_VALUES) {
            reporter.error(type, a.mirror, null, Message.IMAGE_TOO_LARGE.format(image.height(), image.width(),
                    image.channels(), pixels, MAX_INPUT_VALUES));
            return null;
        }
        if (pixels != features.size()) {
            reporter.error(type, a.mirror, null, Message.IMAGE_SIZE.format(image.height(), image.width(),
                    image.channels(), pixels, features.size()));
            return null;
        }
        return image;
    }

    /** {@code @Series}: a positive window and horizon over numeric features. */
    private SeriesModel readSeries(TypeElement type, List<FeatureModel> features) {
        Annotation a = annotation(type, "Series");
        if (a == null) {
            return null;
        }
        boolean valid = true;
        for (String attribute : List.of("window", "horizon")) {
            int v = a.intValue(attribute);
            if (v <= 0) {
                reporter.error(type, a.mirror, attribute, Message.SERIES_WINDOW.format(attribute, v,
                        example(a, attribute, x -> x > 0, attribute.equals("window") ? "20" : "1")));
                valid = false;
            }
        }
        for (FeatureModel f : features) {
            if (f.kind() != FeatureKind.NUMERIC) {
                VariableElement at = field(type, f.name());
                reporter.error(at, roles(at).get(0).mirror, null, Message.SERIES_FEATURE.format(f.name(),
                        f.kind().name().toLowerCase(java.util.Locale.ROOT)));
                valid = false;
            }
        }
        long values = (long) a.intValue("window") * Math.max(1, features.size());
        if (valid && values > MAX_INPUT_VALUES) {
            reporter.error(type, a.mirror, "window", Message.SERIES_TOO_LONG.format(a.intValue("window"),
                    features.size() == 1 ? "1 feature" : features.size() + " features", values, MAX_INPUT_VALUES));
            valid = false;
        }
        return valid ? new SeriesModel(a.intValue("window"), a.intValue("horizon")) : null;
    }

    // ---------------------------------------------------------------- the class itself

    private void checkClassShape(TypeElement type, Annotation model) {
        if (type.getModifiers().contains(Modifier.PRIVATE)) {
            reporter.error(type, model.mirror, null, Message.SPEC_PRIVATE.format(type.getSimpleName()));
        }
        NestingKind nesting = type.getNestingKind();
        if (nesting == NestingKind.LOCAL || nesting == NestingKind.ANONYMOUS) {
            reporter.error(type, model.mirror, null, Message.SPEC_LOCAL.format(type.getSimpleName()));
        } else if (nesting == NestingKind.MEMBER && !type.getModifiers().contains(Modifier.STATIC)) {
            reporter.error(type, model.mirror, null, Message.SPEC_INNER.format(type.getSimpleName()));
        }
        Element enclosing = type.getEnclosingElement();
        while (enclosing instanceof TypeElement outer) {
            if (outer.getModifiers().contains(Modifier.PRIVATE)) {
                reporter.error(type, model.mirror, null, Message.SPEC_PRIVATE.format(outer.getSimpleName()));
            }
            enclosing = outer.getEnclosingElement();
        }
    }

    /** {@code Outer_Inner} for nested specs, so generated top-level names never clash. */
    private static String generatedPrefix(TypeElement type) {
        StringBuilder name = new StringBuilder(type.getSimpleName());
        Element enclosing = type.getEnclosingElement();
        while (enclosing instanceof TypeElement outer) {
            name.insert(0, outer.getSimpleName() + "_");
            enclosing = outer.getEnclosingElement();
        }
        return name.toString();
    }

    // ---------------------------------------------------------------- schema

    private record Preprocessing(Annotation annotation, Scaling scaling, Missing numeric, Missing categorical,
            Missing bool) {}

    private static final Set<Missing> NUMERIC_MISSING =
            EnumSet.of(Missing.ERROR, Missing.MEAN, Missing.MEDIAN, Missing.MOST_FREQUENT, Missing.CONSTANT);
    private static final Set<Missing> BOOLEAN_MISSING =
            EnumSet.of(Missing.ERROR, Missing.MOST_FREQUENT, Missing.CONSTANT);
    private static final Set<Missing> CATEGORICAL_MISSING =
            EnumSet.of(Missing.ERROR, Missing.MOST_FREQUENT, Missing.CONSTANT, Missing.MISSING_CATEGORY);
    private static final Set<Missing> ORDINAL_MISSING =
            EnumSet.of(Missing.ERROR, Missing.MOST_FREQUENT, Missing.CONSTANT);

    private Preprocessing readPreprocessing(TypeElement type) {
        Annotation p = annotation(type, "Preprocessing");
        if (p == null) {
            return new Preprocessing(null, Scaling.STANDARDIZE, Missing.MEAN, Missing.MISSING_CATEGORY,
                    Missing.MOST_FREQUENT);
        }
        Scaling scaling = p.enumValue("scaling", Scaling.class);
        if (scaling == Scaling.DEFAULT) {
            scaling = Scaling.STANDARDIZE;
        }
        Missing numeric = defaultMissing(p, "numericMissing", NUMERIC_MISSING, "numeric", Missing.MEAN);
        Missing categorical = defaultMissing(p, "categoricalMissing", CATEGORICAL_MISSING, "categorical",
                Missing.MISSING_CATEGORY);
        Missing bool = defaultMissing(p, "booleanMissing", BOOLEAN_MISSING, "boolean", Missing.MOST_FREQUENT);
        return new Preprocessing(p, scaling, numeric, categorical, bool);
    }

    private Missing defaultMissing(Annotation p, String attribute, Set<Missing> allowed, String kind,
            Missing fallback) {
        Missing m = p.enumValue(attribute, Missing.class);
        if (m == Missing.DEFAULT) {
            return fallback;
        }
        if (m == Missing.CONSTANT || !allowed.contains(m)) {
            Set<Missing> defaults = EnumSet.copyOf(allowed);
            defaults.remove(Missing.CONSTANT);
            reporter.error(p.element, p.mirror, attribute,
                    Message.MISSING_DEFAULT.format(attribute, m, kind, names(defaults)));
            return fallback;
        }
        return m;
    }

    /** {@code @Text}: a String field, positive sizes. */
    private FeatureModel readText(VariableElement field, Annotation t) {
        String name = field.getSimpleName().toString();
        if (!isString(field.asType())) {
            reporter.error(field, t.mirror, null, Message.TEXT_FIELD_TYPE.format(name, field.asType()));
            return null;
        }
        for (String attribute : List.of("maxTokens", "vocabulary")) {
            if (t.intValue(attribute) <= 0) {
                reporter.error(field, t.mirror, attribute, Message.POSITIVE.format(attribute,
                        Integer.toString(t.intValue(attribute)), example(t, attribute, x -> x > 0, "100")));
            }
        }
        String column = t.string("column").isEmpty() ? name : t.string("column");
        return new FeatureModel(name, column, FeatureKind.TEXT, field.asType(), List.of(), Encoding.ONE_HOT,
                Scaling.NONE, Missing.CONSTANT, "", new SpecModel.TextModel(Math.max(1, t.intValue("maxTokens")),
                        Math.max(1, t.intValue("vocabulary")), t.bool("lowercase"),
                        t.enumValue("encoding", io.kiln.dsl.TextEncoding.class)));
    }

    private VariableElement field(TypeElement type, String name) {
        for (Element e : type.getEnclosedElements()) {
            if (e.getKind() == ElementKind.FIELD && e.getSimpleName().contentEquals(name)) {
                return (VariableElement) e;
            }
        }
        throw new IllegalStateException(name);
    }

    private FeatureModel readFeature(VariableElement field, Annotation f, Preprocessing defaults) {
        String name = field.getSimpleName().toString();
        String column = f.string("column").isEmpty() ? name : f.string("column");
        TypeMirror type = field.asType();
        FeatureKind kind;
        List<String> levels = new ArrayList<>(f.strings("levels"));
        if (isNumeric(type)) {
            kind = FeatureKind.NUMERIC;
        } else if (isBoolean(type)) {
            kind = FeatureKind.BOOLEAN;
        } else if (isString(type)) {
            kind = FeatureKind.CATEGORICAL;
        } else if (isEnum(type)) {
            kind = FeatureKind.CATEGORICAL;
            if (f.isSet("levels")) {
                reporter.error(field, f.mirror, "levels",
                        Message.LEVELS_NOT_CATEGORICAL.format(name, "an enum, whose constants are its levels"));
            }
            levels = enumConstants(type);
        } else {
            reporter.error(field, f.mirror, null, Message.FEATURE_TYPE.format(name, type));
            return null;
        }
        String kindName = kind.name().toLowerCase(Locale.ROOT);
        if (kind != FeatureKind.CATEGORICAL && f.isSet("levels")) {
            reporter.error(field, f.mirror, "levels", Message.LEVELS_NOT_CATEGORICAL.format(name, kindName));
        }
        Set<String> seen = new LinkedHashSet<>();
        if (f.isSet("levels") && levels.stream().anyMatch(String::isBlank)) {
            reporter.error(field, f.mirror, "levels", Message.EMPTY_NAME.format("levels", name, "level"));
        }
        if (kind == FeatureKind.CATEGORICAL) {
            checkMissingTokens(field, f, f.isSet("levels") ? "levels" : null, levels, name, "level");
        }
        for (String level : levels) {
            if (!seen.add(level)) {
                reporter.error(field, f.mirror, "levels", Message.DUPLICATE_LEVEL.format(level, name));
            }
        }
        Encoding encoding = f.enumValue("encoding", Encoding.class);
        if (kind != FeatureKind.CATEGORICAL && f.isSet("encoding")) {
            reporter.error(field, f.mirror, "encoding", Message.ENCODING_NOT_CATEGORICAL.format(name, kindName));
        }
        boolean ordinal = kind == FeatureKind.CATEGORICAL && encoding == Encoding.ORDINAL;
        if (ordinal && levels.isEmpty()) {
            reporter.error(field, f.mirror, "encoding", Message.ORDINAL_NEEDS_LEVELS.format(name));
        }
        Scaling scaling = f.enumValue("scaling", Scaling.class);
        if (f.isSet("scaling") && kind != FeatureKind.NUMERIC && !ordinal) {
            reporter.error(field, f.mirror, "scaling", Message.SCALING_NOT_NUMERIC.format(name,
                    kind == FeatureKind.CATEGORICAL ? "one-hot encoded" : kindName));
        }
        if (scaling == Scaling.DEFAULT) {
            scaling = (kind == FeatureKind.NUMERIC || ordinal) ? defaults.scaling() : Scaling.NONE;
        }

        Missing missing = f.enumValue("missing", Missing.class);
        Set<Missing> allowed = switch (kind) {
            case NUMERIC -> NUMERIC_MISSING;
            case BOOLEAN -> BOOLEAN_MISSING;
            case CATEGORICAL, TEXT -> ordinal ? ORDINAL_MISSING : CATEGORICAL_MISSING; // @Feature is never TEXT
        };
        if (missing == Missing.DEFAULT) {
            missing = switch (kind) {
                case NUMERIC -> defaults.numeric();
                case BOOLEAN -> defaults.bool();
                case CATEGORICAL, TEXT -> defaults.categorical();
            };
            if (!allowed.contains(missing)) {
                missing = Missing.MOST_FREQUENT; // e.g. an ordinal feature under a MISSING_CATEGORY default
            }
        } else if (!allowed.contains(missing)) {
            reporter.error(field, f.mirror, "missing", Message.MISSING_STRATEGY.format(missing,
                    ordinal ? "ordinal" : kindName, name, names(allowed)));
        }
        String constant = f.string("constant");
        if (missing == Missing.CONSTANT) {
            if (constant.isEmpty()) {
                reporter.error(field, f.mirror, "missing", Message.CONSTANT_REQUIRED.format(name));
            } else {
                checkConstant(field, f, kind, constant, levels);
            }
        } else if (!constant.isEmpty()) {
            reporter.error(field, f.mirror, "constant", Message.CONSTANT_UNUSED.format(name, constant, missing));
        }
        return new FeatureModel(name, column, kind, type, List.copyOf(levels), encoding, scaling, missing, constant);
    }

    private void checkConstant(VariableElement field, Annotation f, FeatureKind kind, String constant,
            List<String> levels) {
        String name = field.getSimpleName().toString();
        switch (kind) {
            case NUMERIC -> {
                try {
                    double v = Double.parseDouble(constant.trim());
                    if (!Double.isFinite(v)) {
                        throw new NumberFormatException();
                    }
                } catch (NumberFormatException e) {
                    reporter.error(field, f.mirror, "constant", Message.CONSTANT_INVALID.format(constant, name,
                            "a finite number", "Write e.g. constant = \"0\"."));
                }
            }
            case BOOLEAN -> {
                if (!constant.matches("(?i)true|false|yes|no|1|0|1\\.0|0\\.0|t|f|y|n")) {
                    reporter.error(field, f.mirror, "constant", Message.CONSTANT_INVALID.format(constant, name,
                            "a boolean", "Write constant = \"true\" or \"false\"."));
                }
            }
            case CATEGORICAL -> {
                if (!levels.isEmpty() && !levels.contains(constant)) {
                    reporter.error(field, f.mirror, "constant", Message.CONSTANT_INVALID.format(constant, name,
                            "one of its levels " + levels, "Use a declared level."));
                }
            }
        }
    }

    private LabelModel readLabel(VariableElement field, Annotation l, Task task) {
        String name = field.getSimpleName().toString();
        TypeMirror type = field.asType();
        List<String> classes = l.strings("classes");
        List<String> columns = l.strings("columns");
        String column = l.string("column");
        double threshold = l.doubleValue("threshold");
        if (!(threshold > 0 && threshold < 1)) {
            reporter.error(field, l.mirror, "threshold", Message.FRACTION.format("threshold", "(0, 1)", number(threshold),
                    "threshold = 0.5"));
        } else if (l.isSet("threshold") && task != Task.BINARY_CLASSIFICATION) {
            reporter.error(field, l.mirror, "threshold", Message.THRESHOLD_TASK.format(task, switch (task) {
                case MULTICLASS_CLASSIFICATION -> "decides for the most probable class";
                case MULTILABEL_CLASSIFICATION -> "decides each label at probability 0.5";
                default -> "predicts values, not classes";
            }));
        }
        LabelCoding coding;
        switch (task) {
            case BINARY_CLASSIFICATION, MULTICLASS_CLASSIFICATION -> {
                if (isBoolean(type) && task == Task.BINARY_CLASSIFICATION) {
                    coding = LabelCoding.BOOLEAN;
                    if (!classes.isEmpty()) {
                        reporter.error(field, l.mirror, "classes",
                                Message.CLASSES_NOT_ALLOWED.format("A boolean", name, "its values (false, true)"));
                    }
                    classes = List.of("false", "true");
                } else if (isEnum(type)) {
                    coding = LabelCoding.NAME;
                    if (!classes.isEmpty()) {
                        reporter.error(field, l.mirror, "classes",
                                Message.CLASSES_NOT_ALLOWED.format("An enum", name, "its constants"));
                    }
                    classes = enumConstants(type);
                } else if (isIntegral(type) || isString(type)) {
                    coding = isString(type) ? LabelCoding.NAME : LabelCoding.INDEX;
                    if (classes.isEmpty()) {
                        reporter.error(field, l.mirror, null, Message.CLASSES_REQUIRED.format(task, name));
                        return null;
                    }
                } else {
                    reporter.error(field, l.mirror, null, Message.LABEL_TYPE.format(task, type,
                            task == Task.BINARY_CLASSIFICATION
                                    ? "Use boolean, or int or String with two classes, or an enum of two constants."
                                    : "Use int (class indices) or String (class names) with classes = {...}, or an enum."));
                    return null;
                }
                if (!columns.isEmpty()) {
                    reporter.error(field, l.mirror, "columns", Message.LABEL_COLUMNS.format(
                            "A single-column label takes 'column', not 'columns'; write column = \"...\"."));
                }
                columns = List.of(column.isEmpty() ? name : column);
                if (task == Task.BINARY_CLASSIFICATION && classes.size() != 2) {
                    reporter.error(field, l.mirror, isEnum(type) ? null : "classes", Message.CLASSES_COUNT.format(task,
                            "exactly 2 classes", name, classes.size(),
                            classes.size() > 2 ? "Use MULTICLASS_CLASSIFICATION for more than two." : "Add the other class."));
                } else if (task == Task.MULTICLASS_CLASSIFICATION && classes.size() < 2) {
                    reporter.error(field, l.mirror, isEnum(type) ? null : "classes", Message.CLASSES_COUNT.format(task,
                            "at least 2 classes", name, classes.size(), "Add the other classes."));
                } else if (task == Task.MULTICLASS_CLASSIFICATION && classes.size() == 2) {
                    reporter.warning(field, l.mirror, "classes", Message.MULTICLASS_TWO_CLASSES.format());
                }
            }
            case MULTILABEL_CLASSIFICATION -> {
                if (!isArrayOf(type, TypeKind.BOOLEAN)) {
                    reporter.error(field, l.mirror, null, Message.LABEL_TYPE.format(task, type,
                            "Use boolean[] with classes = {...}, one 0/1 column per label."));
                    return null;
                }
                coding = LabelCoding.MULTI_HOT;
                if (classes.isEmpty()) {
                    reporter.error(field, l.mirror, null, Message.CLASSES_REQUIRED.format(task, name));
                    return null;
                }
                if (!column.isEmpty()) {
                    reporter.error(field, l.mirror, "column", Message.LABEL_COLUMNS.format(
                            "A multilabel label reads one column per class: use 'columns' (or omit it to use the class names)."));
                }
                if (columns.isEmpty()) {
                    columns = classes;
                } else if (columns.size() != classes.size()) {
                    reporter.error(field, l.mirror, "columns", Message.LABEL_COLUMNS.format(String.format(
                            "Label '%s' names %d columns for %d classes. Give one column per class, in the same order.",
                            name, columns.size(), classes.size())));
                }
            }
            default -> {
                boolean vector = task == Task.VECTOR_REGRESSION;
                boolean typeOk = vector ? isArrayOf(type, TypeKind.DOUBLE) : isFloating(type);
                if (!typeOk) {
                    reporter.error(field, l.mirror, null, Message.LABEL_TYPE.format(task, type, vector
                            ? "Use double[] with columns = {...}, one per target."
                            : "Use double (or float); for several targets use double[] with VECTOR_REGRESSION."));
                    return null;
                }
                coding = LabelCoding.VALUES;
                if (!classes.isEmpty()) {
                    reporter.error(field, l.mirror, "classes",
                            Message.CLASSES_NOT_ALLOWED.format("A regression", name, "nowhere: it predicts values, not classes"));
                }
                if (vector) {
                    if (!column.isEmpty()) {
                        reporter.error(field, l.mirror, "column", Message.LABEL_COLUMNS.format(
                                "A vector target reads several columns: use columns = {...}."));
                    }
                    if (columns.size() < 2) {
                        reporter.error(field, l.mirror, columns.isEmpty() ? null : "columns",
                                Message.TARGETS_COUNT.format(String.format(
                                        "VECTOR_REGRESSION needs at least 2 target columns, label '%s' names %d. "
                                                + "List them in columns = {...}, or use SCALAR_REGRESSION for one.",
                                        name, columns.size())));
                    }
                } else {
                    if (!columns.isEmpty()) {
                        reporter.error(field, l.mirror, "columns", Message.LABEL_COLUMNS.format(
                                "A scalar target reads one column: use column = \"...\", or VECTOR_REGRESSION with double[]."));
                    }
                    columns = List.of(column.isEmpty() ? name : column);
                }
            }
        }
        Set<String> seen = new LinkedHashSet<>();
        if (l.isSet("classes") && classes.stream().anyMatch(String::isBlank)) {
            reporter.error(field, l.mirror, "classes", Message.EMPTY_NAME.format("classes", name, "class"));
        }
        if (coding == LabelCoding.NAME) { // the cells hold the class names
            checkMissingTokens(field, l, l.isSet("classes") ? "classes" : null, classes, name, "class");
        }
        for (String c : classes) {
            if (!seen.add(c)) {
                reporter.error(field, l.mirror, "classes", Message.DUPLICATE_CLASS.format(c, name));
            }
        }
        return new LabelModel(name, type, coding, List.copyOf(columns), List.copyOf(classes), threshold);
    }

    /**
     * A level or class name that is one of {@code @CsvData}'s missing-value tokens could never be
     * read: every cell holding it is a missing value.
     */
    private void checkMissingTokens(VariableElement field, Annotation a, String attribute, List<String> names,
            String name, String what) {
        Annotation csv = annotation((TypeElement) field.getEnclosingElement(), "CsvData");
        if (csv == null) {
            return;
        }
        List<String> tokens = csv.strings("missingValues");
        for (String n : names) {
            if (tokens.contains(n)) {
                reporter.error(field, a.mirror, attribute, Message.MISSING_TOKEN_NAME.format(
                        attribute == null ? "The enum" : attribute, name, n, tokens, what));
                return;
            }
        }
    }

    private void claimColumn(Map<String, String> owners, String column, VariableElement field, Annotation a,
            String attribute) {
        String previous = owners.putIfAbsent(column, field.getSimpleName().toString());
        if (previous != null) {
            reporter.error(field, a.mirror, a.isSet(attribute) ? attribute : null,
                    Message.DUPLICATE_COLUMN.format(column, previous));
        }
    }

    // ---------------------------------------------------------------- layers

    private LayerModel readLayer(VariableElement field, Annotation a) {
        String name = field.getSimpleName().toString();
        switch (a.simpleName) {
            case "Dense" -> {
                int units = a.intValue("units");
                if (units <= 0) {
                    reporter.error(field, a.mirror, "units", Message.UNITS_POSITIVE.format(units));
                }
                Activation activation = a.enumValue("activation", Activation.class);
                return new LayerModel(name, LayerKind.DENSE, units,
                        activation == Activation.DEFAULT ? Activation.RELU : activation, Loss.DEFAULT, 0, 0, 0,
                        layerPenalty(field, a, "l1"), layerPenalty(field, a, "l2"), 0);
            }
            case "Dropout" -> {
                double rate = a.doubleValue("rate");
                if (!(rate >= 0 && rate < 1)) {
                    reporter.error(field, a.mirror, "rate", Message.DROPOUT_RATE.format(rate));
                }
                return new LayerModel(name, LayerKind.DROPOUT, 0, Activation.DEFAULT, Loss.DEFAULT, rate, 0, 0, -1, -1,
                        0);
            }
            case "Conv2D" -> {
                int filters = a.intValue("filters");
                if (filters <= 0) {
                    reporter.error(field, a.mirror, "filters", Message.FILTERS_POSITIVE.format(filters));
                }
                Activation activation = a.enumValue("activation", Activation.class);
                return new LayerModel(name, LayerKind.CONV2D, filters,
                        activation == Activation.DEFAULT ? Activation.RELU : activation, Loss.DEFAULT, 0, 0, 0, -1, -1,
                        0, window(field, a, true));
            }
            case "SeparableConv2D" -> {
                int filters = a.intValue("filters");
                if (filters <= 0) {
                    reporter.error(field, a.mirror, "filters", Message.FILTERS_POSITIVE.format(filters));
                }
                int multiplier = a.intValue("depthMultiplier");
                if (multiplier <= 0) {
                    reporter.error(field, a.mirror, "depthMultiplier",
                            Message.POSITIVE.format("depthMultiplier", multiplier,
                                    example(a, "depthMultiplier", x -> x > 0, "1")));
                }
                Activation activation = a.enumValue("activation", Activation.class);
                return new LayerModel(name, LayerKind.SEPARABLE_CONV2D, filters,
                        activation == Activation.DEFAULT ? Activation.RELU : activation, Loss.DEFAULT, 0, 0, 0, -1, -1,
                        0, window(field, a, true), false, Math.max(1, multiplier));
            }
            case "Pool2D" -> {
                return new LayerModel(name, LayerKind.POOL2D, 0, Activation.DEFAULT, Loss.DEFAULT, 0, 0, 0, -1, -1, 0,
                        window(field, a, false));
            }
            case "GlobalPool" -> {
                return new LayerModel(name, LayerKind.GLOBAL_POOL, 0, Activation.DEFAULT, Loss.DEFAULT, 0, 0, 0, -1,
                        -1, 0, new Window(1, 1, 1, 1, 0, 0, 1, 1, false,
                                a.enumValue("type", io.kiln.dsl.Pooling.class)));
            }
            case "Lstm", "SimpleRnn" -> {
                int units = a.intValue("units");
                if (units <= 0) {
                    reporter.error(field, a.mirror, "units", Message.UNITS_POSITIVE.format(units));
                }
                Activation activation = a.enumValue("activation", Activation.class);
                // DL4J's recurrent layers would inherit the global sigmoid: tanh is the usual cell activation
                return new LayerModel(name, a.simpleName.equals("Lstm") ? LayerKind.LSTM : LayerKind.SIMPLE_RNN, units,
                        activation == Activation.DEFAULT ? Activation.TANH : activation, Loss.DEFAULT, 0, 0, 0, -1, -1,
                        0, null, a.bool("bidirectional"));
            }
            case "Embedding" -> {
                int units = a.intValue("units");
                if (units <= 0) {
                    reporter.error(field, a.mirror, "units", Message.UNITS_POSITIVE.format(units));
                }
                return new LayerModel(name, LayerKind.EMBEDDING, units, Activation.IDENTITY, Loss.DEFAULT, 0, 0, 0, -1,
                        -1, 0);
            }
            case "LastTimeStep" -> {
                return new LayerModel(name, LayerKind.LAST_TIME_STEP, 0, Activation.DEFAULT, Loss.DEFAULT, 0, 0, 0, -1,
                        -1, 0);
            }
            case "Conv1D" -> {
                int filters = a.intValue("filters");
                if (filters <= 0) {
                    reporter.error(field, a.mirror, "filters", Message.FILTERS_POSITIVE.format(filters));
                }
                int kernel = atLeast(field, a, "kernel", 1);
                int stride = atLeast(field, a, "stride", 1);
                int padding = atLeast(field, a, "padding", 0);
                int dilation = atLeast(field, a, "dilation", 1);
                boolean same = a.bool("same");
                boolean causal = a.bool("causal");
                if ((same || causal) && padding != 0) {
                    reporter.error(field, a.mirror, "padding",
                            Message.SAME_WITH_PADDING.format(a.simpleName, causal ? "causal" : "same"));
                }
                if (same && causal) {
                    reporter.error(field, a.mirror, "same", Message.CAUSAL_WITH_SAME.format(name));
                }
                Activation activation = a.enumValue("activation", Activation.class);
                return new LayerModel(name, LayerKind.CONV1D, filters,
                        activation == Activation.DEFAULT ? Activation.RELU : activation, Loss.DEFAULT, 0, 0, 0, -1, -1,
                        0, new Window(kernel, 1, stride, 1, padding, 0, dilation, 1, same, null, causal));
            }
            case "Pool1D" -> {
                int kernel = atLeast(field, a, "kernel", 1);
                int stride = a.intValue("stride") == 0 ? kernel : atLeast(field, a, "stride", 1);
                return new LayerModel(name, LayerKind.POOL1D, 0, Activation.DEFAULT, Loss.DEFAULT, 0, 0, 0, -1, -1, 0,
                        new Window(kernel, 1, stride, 1, 0, 0, 1, 1, a.bool("same"),
                                a.enumValue("type", io.kiln.dsl.Pooling.class), false));
            }
            case "SelfAttention" -> {
                int heads = a.intValue("heads");
                if (heads <= 0) {
                    reporter.error(field, a.mirror, "heads", Message.POSITIVE.format("heads", heads,
                            example(a, "heads", x -> x > 0, "2")));
                }
                int headSize = a.intValue("headSize");
                if (headSize < 0) {
                    reporter.error(field, a.mirror, "headSize", Message.NOT_NEGATIVE.format("headSize", headSize,
                            "headSize = 0 (inferred from the width and the heads)"));
                }
                int units = a.intValue("units");
                if (units < 0) {
                    reporter.error(field, a.mirror, "units", Message.NOT_NEGATIVE.format("units", units,
                            "units = 0 (the input's width)"));
                }
                // units 0 (the input's width) and the head size are resolved by the shape walk
                return new LayerModel(name, LayerKind.SELF_ATTENTION, Math.max(0, units), Activation.IDENTITY,
                        Loss.DEFAULT, 0, 0, 0, -1, -1, 0, null, false, 1, null,
                        new LayerModel.AttentionModel(Math.max(1, heads), Math.max(0, headSize)));
            }
            case "Residual" -> {
                Activation activation = a.enumValue("activation", Activation.class);
                // which layer 'from' names, and whether the shapes agree, is the shape walk's to check
                return new LayerModel(name, LayerKind.RESIDUAL, 0,
                        activation == Activation.DEFAULT ? Activation.IDENTITY : activation, Loss.DEFAULT, 0, 0, 0,
                        -1, -1, 0, null, false, 1, a.string("from"));
            }
            case "BatchNorm" -> {
                double decay = a.doubleValue("decay");
                double epsilon = a.doubleValue("epsilon");
                if (!(decay > 0 && decay < 1)) {
                    reporter.error(field, a.mirror, "decay", Message.BATCH_NORM_DECAY.format(decay));
                }
                positive(field, a, "epsilon");
                return new LayerModel(name, LayerKind.BATCH_NORM, 0, Activation.DEFAULT, Loss.DEFAULT, 0, decay,
                        epsilon, -1, -1, 0);
            }
            default -> {
                double smoothing = a.doubleValue("labelSmoothing");
                if (!(smoothing >= 0 && smoothing < 1)) {
                    reporter.error(field, a.mirror, "labelSmoothing",
                            Message.FRACTION.format("labelSmoothing", "[0, 1)", number(smoothing),
                                    "labelSmoothing = 0.1"));
                }
                return new LayerModel(name, LayerKind.OUTPUT, a.intValue("units"),
                        a.enumValue("activation", Activation.class), a.enumValue("loss", Loss.class), 0, 0, 0,
                        layerPenalty(field, a, "l1"), layerPenalty(field, a, "l2"), smoothing);
            }
        }
    }

    /** The window of @Conv2D ({@code convolution}) or @Pool2D, each size checked. */
    private Window window(VariableElement field, Annotation a, boolean convolution) {
        int[] kernel = pair(field, a, "kernel", 1, null);
        int[] stride = pair(field, a, "stride", 1, convolution ? null : kernel); // pooling: empty = the window
        int[] padding = pair(field, a, "padding", 0, null);
        int[] dilation = convolution ? pair(field, a, "dilation", 1, null) : new int[] {1, 1};
        boolean same = a.bool("same");
        if (same && (padding[0] != 0 || padding[1] != 0)) {
            reporter.error(field, a.mirror, "padding", Message.SAME_WITH_PADDING.format(a.simpleName, "same"));
        }
        io.kiln.dsl.Pooling pooling = convolution ? null : a.enumValue("type", io.kiln.dsl.Pooling.class);
        return new Window(kernel[0], kernel[1], stride[0], stride[1], padding[0], padding[1], dilation[0],
                dilation[1], same, pooling);
    }

    /** A 1-D size attribute: below {@code minimum} is an error, read as the minimum so the shape walk goes on. */
    private int atLeast(VariableElement field, Annotation a, String attribute, int minimum) {
        int v = a.intValue(attribute);
        if (v < minimum) {
            reporter.error(field, a.mirror, attribute, Message.WINDOW_VALUE.format(attribute, a.simpleName,
                    minimum == 0 ? "0 or more" : "positive", v, example(a, attribute, x -> x >= minimum,
                            Integer.toString(Math.max(1, minimum)))));
            return minimum;
        }
        return v;
    }

    /**
     * One size attribute as {height, width}: one number is both. Values below {@code minimum} are
     * errors (and read as the minimum, so the shape walk goes on); an empty array is {@code empty}.
     */
    private int[] pair(VariableElement field, Annotation a, String attribute, int minimum, int[] empty) {
        int[] v = a.ints(attribute);
        if (v.length == 0 && empty != null) {
            return empty.clone();
        }
        if (v.length < 1 || v.length > 2) {
            reporter.error(field, a.mirror, attribute, Message.WINDOW_SIZE_COUNT.format(attribute, a.simpleName,
                    v.length));
            return new int[] {Math.max(minimum, 1), Math.max(minimum, 1)};
        }
        int[] hw = {v[0], v[v.length - 1]};
        boolean reported = false;
        for (int i = 0; i < 2; i++) {
            if (hw[i] < minimum) {
                if (!reported) { // one message per attribute, for its first bad number
                    reporter.error(field, a.mirror, attribute, Message.WINDOW_VALUE.format(attribute, a.simpleName,
                            minimum == 0 ? "0 or more" : "positive", hw[i], example(a, attribute,
                                    x -> x >= minimum, Integer.toString(Math.max(1, minimum)))));
                    reported = true;
                }
                hw[i] = minimum;
            }
        }
        return hw;
    }

    /** A layer's own l1 or l2: any negative value inherits @Regularization's (returned as -1). */
    private double layerPenalty(VariableElement field, Annotation a, String attribute) {
        double v = a.doubleValue(attribute);
        if (Double.isNaN(v) || v == Double.POSITIVE_INFINITY) {
            reporter.error(field, a.mirror, attribute, Message.NOT_NEGATIVE.format(attribute, number(v),
                    attribute + " = 0.0001, or a negative value to inherit @Regularization's"));
            return -1;
        }
        return v < 0 ? -1 : v;
    }

    /** Units, activation and loss of the output layer against the task table of seed 001. */
    private void checkOutput(VariableElement field, Annotation a, Task task, LabelModel label) {
        int units = a.intValue("units");
        int needed = label.outputUnits(task);
        if (units < 0) {
            reporter.error(field, a.mirror, "units", Message.UNITS_POSITIVE.format(units));
        } else if (units != 0 && units != needed) {
            String why = switch (task) {
                // The label may declare fewer than two classes here (already reported as classes-count).
                case BINARY_CLASSIFICATION -> label.classes().size() == 2
                        ? "one sigmoid unit gives the probability of class \"" + label.classes().get(1) + "\""
                        : "one sigmoid unit gives the probability of the second class";
                case MULTICLASS_CLASSIFICATION, MULTILABEL_CLASSIFICATION -> "one unit per class of label '"
                        + label.name() + "'";
                default -> "one unit per target of label '" + label.name() + "'";
            };
            reporter.error(field, a.mirror, "units", Message.OUTPUT_UNITS.format(units, task, needed, why, needed));
        }
        Activation activation = a.enumValue("activation", Activation.class);
        Activation defaultActivation = defaultActivation(task);
        String activationProblem = activationProblem(task, activation);
        if (activationProblem != null) {
            reporter.error(field, a.mirror, "activation", Message.ACTIVATION_TASK.format(task, activation,
                    activationProblem, defaultActivation));
        }
        double smoothing = a.doubleValue("labelSmoothing");
        if (smoothing > 0 && smoothing < 1 && !task.isClassification()) {
            reporter.error(field, a.mirror, "labelSmoothing", Message.LABEL_SMOOTHING_TASK.format(task));
        }
        Loss loss = a.enumValue("loss", Loss.class);
        String lossProblem = lossProblem(task, loss,
                activation == Activation.DEFAULT ? defaultActivation : activation);
        if (lossProblem != null) {
            reporter.error(field, a.mirror, "loss", Message.LOSS_TASK.format(task, loss, lossProblem,
                    defaultLoss(task)));
        }
    }

    static Activation defaultActivation(Task task) {
        return switch (task) {
            case BINARY_CLASSIFICATION, MULTILABEL_CLASSIFICATION -> Activation.SIGMOID;
            case MULTICLASS_CLASSIFICATION -> Activation.SOFTMAX;
            case SCALAR_REGRESSION, VECTOR_REGRESSION -> Activation.IDENTITY;
        };
    }

    static Loss defaultLoss(Task task) {
        return switch (task) {
            case BINARY_CLASSIFICATION, MULTILABEL_CLASSIFICATION -> Loss.BINARY_CROSS_ENTROPY;
            case MULTICLASS_CLASSIFICATION -> Loss.CATEGORICAL_CROSS_ENTROPY;
            case SCALAR_REGRESSION, VECTOR_REGRESSION -> Loss.MEAN_SQUARED_ERROR;
        };
    }

    private static String activationProblem(Task task, Activation activation) {
        if (activation == Activation.DEFAULT) {
            return null;
        }
        return switch (task) {
            case BINARY_CLASSIFICATION -> activation == Activation.SIGMOID ? null : activation == Activation.SOFTMAX
                    ? "a softmax over one unit is always 1; two exclusive classes use one sigmoid unit "
                            + "(or declare MULTICLASS_CLASSIFICATION for a softmax)"
                    : "binary classification outputs a probability, which only SIGMOID gives";
            case MULTILABEL_CLASSIFICATION -> activation == Activation.SIGMOID ? null : activation == Activation.SOFTMAX
                    ? "softmax makes the labels compete for one unit of probability, but multilabel labels are "
                            + "independent; each needs its own sigmoid"
                    : "each label needs an independent probability, which only SIGMOID gives";
            case MULTICLASS_CLASSIFICATION -> activation == Activation.SOFTMAX ? null : activation == Activation.SIGMOID
                    ? "independent sigmoids do not sum to 1 over exclusive classes (that is MULTILABEL_CLASSIFICATION); "
                            + "single-label multiclass needs SOFTMAX"
                    : "exclusive classes need a probability distribution, which only SOFTMAX gives";
            case SCALAR_REGRESSION, VECTOR_REGRESSION -> activation == Activation.SOFTMAX
                    ? "softmax turns the outputs into class probabilities summing to 1, not values"
                    : null;
        };
    }

    private static final Set<Activation> NON_NEGATIVE = EnumSet.of(Activation.SOFTPLUS, Activation.RELU);

    private static String lossProblem(Task task, Loss loss, Activation activation) {
        if (loss == Loss.DEFAULT) {
            return null;
        }
        boolean regressionLoss = EnumSet.of(Loss.MEAN_SQUARED_ERROR, Loss.MEAN_ABSOLUTE_ERROR,
                Loss.MEAN_SQUARED_LOGARITHMIC_ERROR, Loss.POISSON).contains(loss);
        return switch (task) {
            case BINARY_CLASSIFICATION, MULTILABEL_CLASSIFICATION -> loss == Loss.BINARY_CROSS_ENTROPY ? null
                    : regressionLoss
                            ? "it is a regression loss; classification is trained on the log loss of its probabilities"
                            : "categorical losses assume one softmax distribution over exclusive classes; independent "
                                    + "sigmoid outputs use BINARY_CROSS_ENTROPY";
            case MULTICLASS_CLASSIFICATION -> loss == Loss.CATEGORICAL_CROSS_ENTROPY || loss == Loss.KL_DIVERGENCE
                    ? null
                    : regressionLoss
                            ? "it is a regression loss; classification is trained on the log loss of its probabilities"
                            : "binary cross-entropy treats each class as an independent yes/no label; exclusive "
                                    + "classes use CATEGORICAL_CROSS_ENTROPY";
            case SCALAR_REGRESSION, VECTOR_REGRESSION -> {
                if (!regressionLoss) {
                    yield "cross-entropy and divergence losses compare probabilities; regression compares values";
                }
                if ((loss == Loss.POISSON || loss == Loss.MEAN_SQUARED_LOGARITHMIC_ERROR)
                        && !NON_NEGATIVE.contains(activation)) {
                    yield "it needs non-negative predictions, which a " + activation
                            + " output does not guarantee; set activation = SOFTPLUS";
                }
                yield null;
            }
        };
    }

    private LayerModel resolveOutput(LayerModel layer, Task task, LabelModel label) {
        return new LayerModel(layer.name(), LayerKind.OUTPUT, label.outputUnits(task),
                layer.activation() == Activation.DEFAULT ? defaultActivation(task) : layer.activation(),
                layer.loss() == Loss.DEFAULT ? defaultLoss(task) : layer.loss(), 0, 0, 0, layer.l1(), layer.l2(),
                layer.labelSmoothing());
    }

    // ---------------------------------------------------------------- class annotations

    private DataModel readData(TypeElement type) {
        Annotation d = annotation(type, "CsvData");
        if (d == null) {
            return null;
        }
        String resource = d.string("resource");
        String file = d.string("file");
        if (resource.isEmpty() == file.isEmpty()) {
            reporter.error(type, d.mirror, resource.isEmpty() ? null : "file", Message.DATA_SOURCE.format(
                    resource.isEmpty()
                            ? "@CsvData names no data. Give resource = \"...\" (on the class path) or file = \"...\"."
                            : "@CsvData gives both a resource and a file. Keep one."));
        }
        if (!resource.isEmpty() && file.isEmpty() && resources.exists(type, resource).equals(Optional.of(false))) {
            reporter.error(type, d.mirror, "resource", Message.RESOURCE_MISSING.format(resource,
                    resource.startsWith("/") ? "the root of the class path"
                            : "package " + elements.getPackageOf(type).getQualifiedName() + " of the class path"));
        }
        char delimiter = d.charValue("delimiter");
        if (delimiter == '"' || delimiter == '\n' || delimiter == '\r') {
            reporter.error(type, d.mirror, "delimiter",
                    Message.DELIMITER.format(delimiter == '"' ? "\"" : delimiter == '\n' ? "\\n" : "\\r"));
        }
        return new DataModel(resource, file, d.bool("header"), delimiter, d.strings("missingValues"),
                d.string("testFile"));
    }

    private OptimizerModel readOptimizer(TypeElement type) {
        Annotation chosen = null;
        for (AnnotationMirror mirror : type.getAnnotationMirrors()) { // source order: the second one is at fault
            String qualified = ((TypeElement) mirror.getAnnotationType().asElement()).getQualifiedName().toString();
            if (!qualified.startsWith(DSL) || !OPTIMIZER_ANNOTATIONS.contains(qualified.substring(DSL.length()))) {
                continue;
            }
            Annotation a = new Annotation(type, mirror, elements);
            if (chosen != null) {
                reporter.error(type, a.mirror, null,
                        Message.MULTIPLE_OPTIMIZERS.format(type.getSimpleName(), chosen.display(), a.display()));
                continue;
            }
            chosen = a;
        }
        if (chosen == null) {
            return new OptimizerModel(OptimizerKind.ADAM, 0.001, 0, 0.9, 0.999, 1e-8, 0, 0);
        }
        Annotation a = chosen;
        positive(type, a, "learningRate");
        double lr = a.doubleValue("learningRate");
        switch (a.simpleName) {
            case "Sgd" -> {
                double momentum = a.doubleValue("momentum");
                fraction(type, a, "momentum");
                boolean nesterov = a.bool("nesterov");
                if (nesterov && momentum == 0) {
                    reporter.error(type, a.mirror, "nesterov", Message.NESTEROV_NEEDS_MOMENTUM.format());
                }
                OptimizerKind kind = momentum == 0 ? OptimizerKind.SGD
                        : nesterov ? OptimizerKind.NESTEROV : OptimizerKind.MOMENTUM;
                return new OptimizerModel(kind, lr, momentum, 0, 0, 0, 0, 0);
            }
            case "Adam", "AdamW" -> {
                fraction(type, a, "beta1");
                fraction(type, a, "beta2");
                positive(type, a, "epsilon");
                double weightDecay = 0;
                if (a.simpleName.equals("AdamW")) {
                    weightDecay = a.doubleValue("weightDecay");
                    if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
                        reporter.error(type, a.mirror, "weightDecay",
                                Message.NOT_NEGATIVE.format("weightDecay", number(weightDecay),
                                        example(a, "weightDecay", x -> x >= 0, "0.01")));
                    }
                }
                return new OptimizerModel(a.simpleName.equals("Adam") ? OptimizerKind.ADAM : OptimizerKind.ADAMW, lr, 0,
                        a.doubleValue("beta1"), a.doubleValue("beta2"), a.doubleValue("epsilon"), 0, weightDecay);
            }
            case "RmsProp" -> {
                fraction(type, a, "decay");
                positive(type, a, "epsilon");
                return new OptimizerModel(OptimizerKind.RMSPROP, lr, 0, 0, 0, a.doubleValue("epsilon"),
                        a.doubleValue("decay"), 0);
            }
            default -> {
                positive(type, a, "epsilon");
                return new OptimizerModel(OptimizerKind.ADAGRAD, lr, 0, 0, 0, a.doubleValue("epsilon"), 0, 0);
            }
        }
    }

    private FitModel readFit(TypeElement type) {
        Annotation a = annotation(type, "Fit");
        if (a == null) {
            return new FitModel(100, 32, 42);
        }
        positive(type, a, "epochs");
        positive(type, a, "batchSize");
        return new FitModel(a.intValue("epochs"), a.intValue("batchSize"), a.longValue("seed"));
    }

    // ---------------------------------------------------------------- evaluation protocol

    private ProtocolModel readProtocol(TypeElement type) {
        Annotation chosen = null;
        for (Annotation a : classAnnotations(type, PROTOCOL_ANNOTATIONS)) { // source order: the second is at fault
            if (chosen != null) {
                reporter.error(type, a.mirror, null, Message.PROTOCOL_CONFLICT.format(type.getSimpleName(),
                        chosen.display(), a.display(), protocolConflict(chosen.simpleName, a.simpleName)));
                continue;
            }
            chosen = a;
        }
        if (chosen == null) {
            return new HoldoutModel(0.2, 0.2, true, true, false);
        }
        return switch (chosen.simpleName) {
            case "Holdout" -> readHoldout(type, chosen);
            case "KFold" -> readKFold(type, chosen);
            default -> readTemporal(type, chosen);
        };
    }

    private static String protocolConflict(String first, String second) {
        Set<String> pair = Set.of(first, second);
        if (pair.equals(Set.of("Holdout", "TemporalSplit"))) {
            return "They contradict: a temporal split never shuffles and trains on the earliest rows, validates and "
                    + "tests on the latest. Keep @TemporalSplit and give it the validation and test fractions.";
        }
        if (pair.equals(Set.of("Holdout", "KFold"))) {
            return "@KFold validates on every fold in turn and holds out its own final test set (test = ...).";
        }
        return "k-fold validates on folds drawn from the whole time range, so the model would be validated on the "
                + "past after training on the future; for time-ordered data keep @TemporalSplit.";
    }

    private HoldoutModel readHoldout(TypeElement type, Annotation a) {
        double validation = a.doubleValue("validation");
        double test = a.doubleValue("test");
        checkSplit(type, a, validation, test);
        boolean retrain = a.bool("retrain");
        if (retrain && validation == 0) {
            reporter.error(type, a.mirror, "retrain", Message.RETRAIN_NO_VALIDATION.format());
        }
        return new HoldoutModel(validation, test, a.bool("stratified"), a.bool("shuffle"), retrain);
    }

    /** Validation in [0, 1), test in (0, 1), and some rows left for training. */
    private void checkSplit(TypeElement type, Annotation a, double validation, double test) {
        boolean ok = true;
        if (!(validation >= 0 && validation < 1)) {
            reporter.error(type, a.mirror, "validation", Message.FRACTION.format("validation", "[0, 1)", validation,
                    "validation = 0.2"));
            ok = false;
        }
        if (!(test > 0 && test < 1)) {
            reporter.error(type, a.mirror, "test", Message.FRACTION.format("test", "(0, 1)", test, "test = 0.2"));
            ok = false;
        }
        if (ok && validation + test >= 1) {
            reporter.error(type, a.mirror, a.isSet("test") ? "test" : "validation",
                    Message.SPLIT_NO_TRAINING.format(validation, test));
        }
    }

    private KFoldModel readKFold(TypeElement type, Annotation a) {
        int k = a.intValue("k");
        if (k < 2) {
            reporter.error(type, a.mirror, "k", Message.KFOLD_K.format(k));
        }
        int repeats = a.intValue("repeats");
        boolean shuffle = a.bool("shuffle");
        if (repeats < 1) {
            reporter.error(type, a.mirror, "repeats", Message.POSITIVE.format("repeats", repeats, "repeats = 1"));
        } else if (repeats > 1 && !shuffle) {
            reporter.error(type, a.mirror, "shuffle", Message.KFOLD_REPEATS_UNSHUFFLED.format(repeats, repeats));
        }
        double test = a.doubleValue("test");
        if (!(test >= 0 && test < 1)) {
            reporter.error(type, a.mirror, "test", Message.FRACTION.format("test", "[0, 1)", test, "test = 0.2"));
        }
        return new KFoldModel(k, repeats, a.bool("stratified"), shuffle, test);
    }

    private TemporalModel readTemporal(TypeElement type, Annotation a) {
        String orderBy = a.string("orderBy");
        if (orderBy.isBlank()) {
            reporter.error(type, a.mirror, "orderBy", Message.TEMPORAL_NO_ORDER.format());
        }
        Annotation csv = annotation(type, "CsvData");
        if (csv != null && !csv.bool("header") && !orderBy.isBlank()) {
            reporter.error(type, csv.mirror, "header", Message.HEADER_REQUIRED.format(orderBy));
        }
        double validation = a.doubleValue("validation");
        double test = a.doubleValue("test");
        checkSplit(type, a, validation, test);
        return new TemporalModel(orderBy, validation, test);
    }

    /** The protocol's validation = 0, if it declares one: what a validation-watching feature cannot work with. */
    private static String noValidation(ProtocolModel protocol) {
        if (protocol instanceof HoldoutModel h && h.validation() == 0) {
            return "@Holdout(validation = 0)";
        }
        if (protocol instanceof TemporalModel t && t.validation() == 0) {
            return "@TemporalSplit(validation = 0)";
        }
        return null;
    }

    private void checkValidationData(TypeElement type, Annotation a, ProtocolModel protocol) {
        String protocolText = noValidation(protocol);
        if (protocolText != null) {
            reporter.error(type, a.mirror, null,
                    Message.NEEDS_VALIDATION.format(a.display(), protocolText, a.display()));
        }
    }

    private void checkMonitor(TypeElement type, Annotation a, Task task, Metric monitor) {
        if (!monitor.appliesTo(task)) {
            String metrics = Metric.of(task).stream().map(Metric::key).collect(Collectors.joining(", "));
            reporter.error(type, a.mirror, "monitor", Message.MONITOR_METRIC.format(a.display(), monitor.key(), task,
                    Metric.LOSS.key() + ", " + metrics));
        }
    }

    // ---------------------------------------------------------------- regularization

    private RegularizationModel readRegularization(TypeElement type, OptimizerModel optimizer,
            List<Annotation> weightLayers) {
        Annotation a = annotation(type, "Regularization");
        double l1 = 0;
        double l2 = 0;
        double weightDecay = 0;
        if (a != null) {
            l1 = notNegative(type, a, "l1");
            l2 = notNegative(type, a, "l2");
            weightDecay = notNegative(type, a, "weightDecay");
            if (weightDecay > 0 && optimizer.kind() == OptimizerKind.ADAMW) {
                reporter.error(type, a.mirror, "weightDecay", Message.WEIGHT_DECAY_CONFLICT.format(
                        number(weightDecay), number(optimizer.weightDecay())));
            }
        }
        String decaySource = weightDecay > 0 ? "@Regularization" : "@AdamW";
        double decay = weightDecay > 0 ? weightDecay : optimizer.weightDecay();
        if (decay > 0) {
            // DL4J's builders treat L2 and weight decay as alternatives: adding one removes the other.
            if (l2 > 0) {
                reporter.error(type, a.mirror, "l2", Message.L2_WEIGHT_DECAY.format(number(l2), "@Regularization",
                        number(decay), decaySource));
            }
            for (Annotation layer : weightLayers) {
                if (!layer.has("l2")) {
                    continue; // convolution, recurrent and embedding layers take the global penalties only
                }
                double layerL2 = layer.doubleValue("l2");
                if (layerL2 > 0 && layerL2 != Double.POSITIVE_INFINITY) {
                    reporter.error(layer.element, layer.mirror, "l2", Message.L2_WEIGHT_DECAY.format(number(layerL2),
                            "layer '" + layer.element.getSimpleName() + "'", number(decay), decaySource));
                }
            }
        }
        return new RegularizationModel(l1, l2, decay);
    }

    private ClippingModel readClipping(TypeElement type) {
        Annotation a = annotation(type, "GradientClipping");
        if (a == null) {
            return null;
        }
        double norm = a.doubleValue("norm");
        double value = a.doubleValue("value");
        boolean ok = isNotNegative(norm) & isNotNegative(value);
        notNegative(type, a, "norm");
        notNegative(type, a, "value");
        if (ok && norm > 0 && value > 0) {
            reporter.error(type, a.mirror, "value", Message.CLIPPING_CONFLICT.format(number(norm), number(value)));
        } else if (ok && norm == 0 && value == 0) {
            reporter.error(type, a.mirror, null, Message.CLIPPING_MISSING.format());
        }
        return new ClippingModel(norm, value);
    }

    private EarlyStoppingModel readEarlyStopping(TypeElement type, Task task, ProtocolModel protocol) {
        Annotation a = annotation(type, "EarlyStopping");
        if (a == null) {
            return null;
        }
        Metric monitor = a.enumValue("monitor", Metric.class);
        checkMonitor(type, a, task, monitor);
        positive(type, a, "patience");
        double minDelta = notNegative(type, a, "minDelta");
        checkValidationData(type, a, protocol);
        return new EarlyStoppingModel(monitor, a.intValue("patience"), minDelta, a.bool("restoreBest"));
    }

    // ---------------------------------------------------------------- learning rate

    /**
     * What learning-rate bounds are checked against: the optimizer's rate and the training epochs,
     * each with the words that say where it comes from. {@code lrValid} / {@code epochsValid} are
     * false when that value is itself invalid (already reported).
     */
    private record LearningRateContext(double lr, String lrText, boolean lrValid, int epochs, String epochsText,
            boolean epochsValid) {
        /** " and below the optimizer's learning rate ...", or nothing when that rate is itself invalid. */
        String below() {
            return lrValid ? " and below " + lrText : "";
        }
    }

    private LearningRateContext learningRateContext(TypeElement type, OptimizerModel optimizer, FitModel fit) {
        List<Annotation> optimizers = classAnnotations(type, OPTIMIZER_ANNOTATIONS);
        double lr = optimizer.learningRate();
        String source;
        if (optimizers.isEmpty()) {
            source = "the default optimizer, Adam";
        } else if (optimizers.get(0).isSet("learningRate")) {
            source = optimizers.get(0).display();
        } else {
            source = optimizers.get(0).display() + "'s default";
        }
        Annotation f = annotation(type, "Fit");
        String epochsText = f != null && f.isSet("epochs")
                ? "the " + fit.epochs() + " training epochs of @Fit"
                : "the " + fit.epochs() + " training epochs (the @Fit default)";
        return new LearningRateContext(lr, "the optimizer's learning rate " + number(lr) + " (" + source + ")",
                lr > 0 && Double.isFinite(lr), fit.epochs(), epochsText, fit.epochs() > 0);
    }

    private ScheduleModel readSchedule(TypeElement type, LearningRateContext lr) {
        Annotation chosen = null;
        for (Annotation a : classAnnotations(type, SCHEDULE_ANNOTATIONS)) { // source order: the second is at fault
            if (chosen != null) {
                reporter.error(type, a.mirror, null,
                        Message.SCHEDULE_CONFLICT.format(type.getSimpleName(), chosen.display(), a.display()));
                continue;
            }
            chosen = a;
        }
        int warmupEpochs = readWarmup(type, chosen, lr);
        if (chosen == null) {
            return warmupEpochs == 0 ? null : new ScheduleModel(ScheduleKind.CONSTANT, 0, 1, 0, 0, 0, warmupEpochs);
        }
        Annotation a = chosen;
        switch (a.simpleName) {
            case "StepDecay" -> {
                int every = a.intValue("every");
                if (every < 1) {
                    bounds(type, a, "every", every, "the rate decays every 'every' epochs, at least 1; use e.g. "
                            + "every = 10");
                } else if (lr.epochsValid() && every >= lr.epochs()) {
                    reporter.warning(type, a.mirror, "every",
                            Message.STEP_NEVER_DECAYS.format(every, every, lr.epochsText()));
                }
                double factor = decayFactor(type, a);
                return new ScheduleModel(ScheduleKind.STEP, every, factor, 0, 0, 0, warmupEpochs);
            }
            case "ExponentialDecay" -> {
                double factor = decayFactor(type, a);
                return new ScheduleModel(ScheduleKind.EXPONENTIAL, 0, factor, 0, 0, 0, warmupEpochs);
            }
            case "CosineDecay" -> {
                double minimum = a.doubleValue("minLearningRate");
                if (!(minimum >= 0) || lr.lrValid() && minimum >= lr.lr()) {
                    bounds(type, a, "minLearningRate", minimum, "the rate anneals down to minLearningRate, which "
                            + "must be zero or positive" + lr.below() + "; use e.g. minLearningRate = "
                            + shifted(lr.lr(), -2));
                }
                return new ScheduleModel(ScheduleKind.COSINE, 0, 1, minimum, 0, 0, warmupEpochs);
            }
            default -> {
                double maximum = a.doubleValue("maxLearningRate");
                if (!(maximum > 0) || Double.isInfinite(maximum) || lr.lrValid() && maximum <= lr.lr()) {
                    bounds(type, a, "maxLearningRate", maximum, lr.lrValid()
                            ? "the cycle rises from " + lr.lrText() + " to maxLearningRate, which must be above it; "
                                    + "use e.g. maxLearningRate = " + shifted(lr.lr(), 1)
                            : "maxLearningRate is the peak of the cycle and must be positive");
                }
                double rise = a.doubleValue("rise");
                if (!(rise > 0 && rise < 1)) {
                    bounds(type, a, "rise", rise, "rise is the fraction of the run spent rising to the peak, in "
                            + "(0, 1); use e.g. rise = 0.3");
                }
                return new ScheduleModel(ScheduleKind.ONE_CYCLE, 0, 1, 0, maximum, rise, warmupEpochs);
            }
        }
    }

    /** The @Warmup epochs, or 0 without @Warmup. */
    private int readWarmup(TypeElement type, Annotation schedule, LearningRateContext lr) {
        Annotation w = annotation(type, "Warmup");
        if (w == null) {
            return 0;
        }
        int epochs = w.intValue("epochs");
        if (schedule != null && schedule.simpleName.equals("OneCycle")) {
            reporter.error(type, w.mirror, null, Message.WARMUP_ONE_CYCLE.format());
        } else if (epochs < 1 || lr.epochsValid() && epochs >= lr.epochs()) {
            bounds(type, w, "epochs", epochs, lr.epochsValid() && lr.epochs() < 2
                    ? "warm-up needs at least 1 epoch and fewer than " + lr.epochsText()
                            + ", so there is no room for one; remove @Warmup or train longer"
                    : "warm-up needs at least 1 epoch and fewer than " + lr.epochsText() + "; use e.g. epochs = "
                            + Math.max(1, Math.min(5, lr.epochs() / 10)));
        }
        return Math.max(epochs, 0);
    }

    private PlateauModel readPlateau(TypeElement type, Task task, ProtocolModel protocol, LearningRateContext lr) {
        Annotation a = annotation(type, "ReduceOnPlateau");
        if (a == null) {
            return null;
        }
        List<Annotation> schedules = classAnnotations(type, SCHEDULE_ANNOTATIONS);
        if (!schedules.isEmpty()) {
            reporter.error(type, a.mirror, null, Message.PLATEAU_SCHEDULE.format(schedules.get(0).display()));
        }
        Metric monitor = a.enumValue("monitor", Metric.class);
        checkMonitor(type, a, task, monitor);
        double factor = decayFactor(type, a);
        positive(type, a, "patience");
        double minDelta = notNegative(type, a, "minDelta");
        double minimum = a.doubleValue("minLearningRate");
        if (!(minimum >= 0) || lr.lrValid() && minimum >= lr.lr()) {
            bounds(type, a, "minLearningRate", minimum, "the rate is never reduced below minLearningRate, which "
                    + "must be zero or positive" + lr.below() + "; use e.g. minLearningRate = " + shifted(lr.lr(), -2));
        }
        checkValidationData(type, a, protocol);
        return new PlateauModel(monitor, factor, a.intValue("patience"), minDelta, minimum);
    }

    private double decayFactor(TypeElement type, Annotation a) {
        double factor = a.doubleValue("factor");
        if (!(factor > 0 && factor < 1)) {
            bounds(type, a, "factor", factor, "the rate is multiplied by factor, which must be in (0, 1) to lower "
                    + "it; use e.g. factor = " + (a.simpleName.equals("ExponentialDecay") ? "0.95" : "0.5"));
        }
        return factor;
    }

    private void bounds(TypeElement type, Annotation a, String attribute, double value, String why) {
        reporter.error(type, a.mirror, attribute,
                Message.SCHEDULE_BOUNDS.format(a.simpleName, attribute, number(value), why));
    }

    /** {@code v} times 10^{@code places}, printed without binary noise (0.001 × 10 is 0.01). */
    private static String shifted(double v, int places) {
        if (!(v > 0) || Double.isInfinite(v)) {
            return places < 0 ? "0" : "0.01";
        }
        return number(new java.math.BigDecimal(Double.toString(v)).movePointRight(places).doubleValue());
    }

    private int readReport(TypeElement type, Task task) {
        Annotation a = annotation(type, "Report");
        if (a == null) {
            return 1000;
        }
        if (task != Task.BINARY_CLASSIFICATION) {
            reporter.error(type, a.mirror, null, Message.REPORT_TASK.format(task));
        }
        positive(type, a, "perCases");
        return a.intValue("perCases");
    }

    /** A value that must be finite and zero or positive; 0 when it is not (after reporting it). */
    private double notNegative(Element element, Annotation a, String attribute) {
        double v = a.doubleValue(attribute);
        if (!isNotNegative(v)) {
            reporter.error(element, a.mirror, attribute, Message.NOT_NEGATIVE.format(attribute, number(v),
                    example(a, attribute, x -> x >= 0 && !Double.isInfinite(x), "0")));
            return 0;
        }
        return v;
    }

    private static boolean isNotNegative(double v) {
        return v >= 0 && !Double.isInfinite(v);
    }

    private void positive(Element element, Annotation a, String attribute) {
        double v = a.doubleValue(attribute);
        if (!(v > 0) || Double.isInfinite(v)) {
            reporter.error(element, a.mirror, attribute, Message.POSITIVE.format(attribute, number(v),
                    example(a, attribute, x -> x > 0 && !Double.isInfinite(x), "1")));
        }
    }

    private void fraction(Element element, Annotation a, String attribute) {
        double v = a.doubleValue(attribute);
        if (!(v >= 0 && v < 1)) {
            reporter.error(element, a.mirror, attribute, Message.FRACTION.format(attribute, "[0, 1)", number(v),
                    example(a, attribute, x -> x >= 0 && x < 1, "0.1")));
        }
    }

    /**
     * {@code attribute = value} for a message's fix: the annotation's default when {@code valid}
     * accepts it, else {@code fallback}.
     */
    private static String example(Annotation a, String attribute, java.util.function.DoublePredicate valid,
            String fallback) {
        Object d = a.defaultValue(attribute);
        if (d instanceof List<?> list && list.size() == 1
                && list.get(0) instanceof javax.lang.model.element.AnnotationValue v) {
            d = v.getValue();
        }
        if (d instanceof Number n && valid.test(n.doubleValue())) {
            return attribute + " = " + java.math.BigDecimal.valueOf(n.doubleValue()).stripTrailingZeros().toPlainString()
                    + " (the default)";
        }
        return attribute + " = " + fallback;
    }

    private static String number(double v) {
        // Whole numbers print without ".0", but only where a long holds them exactly (not -1e300).
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    // ---------------------------------------------------------------- helpers

    private Annotation annotation(Element element, String simpleName) {
        AnnotationMirror m = Reporter.find(element, DSL + simpleName);
        return m == null ? null : new Annotation(element, m, elements);
    }

    /** The Kiln class annotations of {@code type} among {@code simpleNames}, in source order. */
    private List<Annotation> classAnnotations(TypeElement type, List<String> simpleNames) {
        List<Annotation> result = new ArrayList<>();
        for (AnnotationMirror mirror : type.getAnnotationMirrors()) {
            String qualified = ((TypeElement) mirror.getAnnotationType().asElement()).getQualifiedName().toString();
            if (qualified.startsWith(DSL) && simpleNames.contains(qualified.substring(DSL.length()))) {
                result.add(new Annotation(type, mirror, elements));
            }
        }
        return result;
    }

    /** The Kiln role annotations on a field (feature, label, layers), in source order. */
    private List<Annotation> roles(VariableElement field) {
        List<Annotation> result = new ArrayList<>();
        for (AnnotationMirror m : field.getAnnotationMirrors()) {
            String qualified = ((TypeElement) m.getAnnotationType().asElement()).getQualifiedName().toString();
            if (!qualified.startsWith(DSL)) {
                continue;
            }
            String simple = qualified.substring(DSL.length());
            if (simple.equals("Feature") || simple.equals("Text") || simple.equals("Label")
                    || LAYER_ANNOTATIONS.contains(simple)) {
                result.add(new Annotation(field, m, elements));
            }
        }
        return result;
    }

    private boolean hasAnnotatedField(TypeElement type, String simpleName) {
        return type.getEnclosedElements().stream()
                .anyMatch(e -> e.getKind() == ElementKind.FIELD && Reporter.find(e, DSL + simpleName) != null);
    }

    private boolean isLayerType(TypeMirror type) {
        return type.getKind() == TypeKind.DECLARED
                && ((TypeElement) ((DeclaredType) type).asElement()).getQualifiedName().contentEquals(DSL + "Layer");
    }

    private static final Set<String> BOXED_INTEGRAL = Set.of("java.lang.Integer", "java.lang.Long");
    private static final Set<String> BOXED_FLOATING = Set.of("java.lang.Double", "java.lang.Float");

    private static String declaredName(TypeMirror type) {
        return type.getKind() == TypeKind.DECLARED
                ? ((TypeElement) ((DeclaredType) type).asElement()).getQualifiedName().toString()
                : "";
    }

    static boolean isNumeric(TypeMirror type) {
        return isIntegral(type) || isFloating(type);
    }

    static boolean isIntegral(TypeMirror type) {
        TypeKind k = type.getKind();
        return k == TypeKind.INT || k == TypeKind.LONG || BOXED_INTEGRAL.contains(declaredName(type));
    }

    static boolean isFloating(TypeMirror type) {
        TypeKind k = type.getKind();
        return k == TypeKind.DOUBLE || k == TypeKind.FLOAT || BOXED_FLOATING.contains(declaredName(type));
    }

    static boolean isBoolean(TypeMirror type) {
        return type.getKind() == TypeKind.BOOLEAN || declaredName(type).equals("java.lang.Boolean");
    }

    static boolean isString(TypeMirror type) {
        return declaredName(type).equals("java.lang.String");
    }

    static boolean isEnum(TypeMirror type) {
        return type.getKind() == TypeKind.DECLARED && ((DeclaredType) type).asElement().getKind() == ElementKind.ENUM;
    }

    private static boolean isArrayOf(TypeMirror type, TypeKind component) {
        return type.getKind() == TypeKind.ARRAY && ((ArrayType) type).getComponentType().getKind() == component;
    }

    private static List<String> enumConstants(TypeMirror type) {
        return ((DeclaredType) type).asElement().getEnclosedElements().stream()
                .filter(e -> e.getKind() == ElementKind.ENUM_CONSTANT)
                .map(e -> e.getSimpleName().toString())
                .collect(Collectors.toList());
    }

    private static String names(Set<Missing> allowed) {
        return allowed.stream().map(Enum::name).collect(Collectors.joining(", "));
    }
}
