package io.kiln.processor;

import io.kiln.dsl.Task;
import io.kiln.processor.SpecModel.AugmentModel;
import io.kiln.processor.SpecModel.ClippingModel;
import io.kiln.processor.SpecModel.DataModel;
import io.kiln.processor.SpecModel.EarlyStoppingModel;
import io.kiln.processor.SpecModel.FeatureModel;
import io.kiln.processor.SpecModel.IdxModel;
import io.kiln.processor.SpecModel.ImageModel;
import io.kiln.processor.SpecModel.LabelModel;
import io.kiln.processor.SpecModel.PlateauModel;
import io.kiln.processor.SpecModel.RegularizationModel;
import io.kiln.processor.SpecModel.SeriesModel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * Reads a spec class into a {@link SpecModel}, reporting every problem it finds on the annotation
 * value at fault. Returns null when the spec has errors: nothing is generated for it.
 *
 * <p>This class walks the spec: the class itself, its fields in source order (features, the label,
 * the layers), the shape walk over the layers, then the class annotations. Each concern is read
 * by its own class: {@link SchemaReader} (features, label, preprocessing), {@link InputReader}
 * (data source, image, series, augmentation), {@link LayerKinds} and the layer records (layers),
 * {@link TrainingReader} (fit, optimizer, penalties, stopping, schedules, report),
 * {@link ProtocolModel} (the evaluation protocol) and {@link CrossChecks} (rules across them).
 */
final class SpecReader {
    static final Attr<Task> MODEL_TASK = Attr.of(io.kiln.dsl.Model.class, io.kiln.dsl.Model::task);
    static final Attr<String> MODEL_NAME = Attr.of(io.kiln.dsl.Model.class, io.kiln.dsl.Model::name);

    /**
     * The most input values per sample (pixels of an image, steps times features of a window): the
     * runtime keeps a named feature for each, and DL4J a column.
     */
    static final long MAX_INPUT_VALUES = InputReader.MAX_INPUT_VALUES;

    /** A layer as read, with its annotation (for errors found later). */
    record ReadLayer(LayerModel model, Annotation annotation) {
        /** The layer annotation's own {@code l2}, for a layer that has one. */
        Attr<Double> ownL2() {
            return model instanceof OutputLayer ? OutputLayer.L2 : DenseLayer.L2;
        }
    }

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
        Annotation model = new Annotation(element, Reporter.find(element, io.kiln.dsl.Model.class.getName()),
                elements);
        if (element.getKind() != ElementKind.CLASS) {
            reporter.error(model, Message.SPEC_KIND.format(
                    element.getKind().toString().toLowerCase(Locale.ROOT).replace('_', ' ')));
            return null;
        }
        TypeElement type = (TypeElement) element;
        ReadContext c = new ReadContext(elements, types, reporter, resources, type);
        checkClassShape(type, model);

        Task task = model.get(MODEL_TASK);
        String modelName = model.get(MODEL_NAME).isEmpty()
                ? type.getSimpleName().toString().toLowerCase(Locale.ROOT)
                : model.get(MODEL_NAME);
        if (!modelName.matches("[A-Za-z0-9._-]+")) {
            reporter.error(model, MODEL_NAME, Message.MODEL_NAME.format(modelName));
        }

        SchemaReader schema = new SchemaReader(c);
        SchemaReader.Preprocessing defaults = schema.readPreprocessing();
        List<FeatureModel> features = new ArrayList<>();
        List<ReadLayer> layers = new ArrayList<>();
        LabelModel label = null;
        VariableElement labelField = null;
        Map<String, String> columnOwners = new HashMap<>();
        // a series label may read a feature's column: the target is a later step of the same series
        Map<String, String> labelOwners = c.has(io.kiln.dsl.Series.class) ? new HashMap<>() : columnOwners;
        VariableElement outputField = null;

        for (Element member : type.getEnclosedElements()) {
            if (member.getKind() != ElementKind.FIELD) {
                continue;
            }
            VariableElement field = (VariableElement) member;
            List<Annotation> roles = c.roles(field);
            if (roles.isEmpty()) {
                continue;
            }
            if (roles.size() > 1) {
                reporter.error(roles.get(1), Message.LAYER_CONFLICT.format(
                        field.getSimpleName(), roles.get(0).display(), roles.get(1).display()));
                continue;
            }
            Annotation role = roles.get(0);
            switch (role.simpleName) {
                case "Feature", "Text" -> {
                    FeatureModel feature = role.simpleName.equals("Feature") ? schema.readFeature(field, role, defaults)
                            : schema.readText(field, role);
                    if (feature != null) {
                        schema.claimColumn(columnOwners, feature.column(), field, role, SchemaReader.columnOf(role));
                        features.add(feature);
                    }
                }
                case "Features" -> {
                    FeatureModel group = schema.readFeatures(field, role, defaults);
                    if (group == null) {
                        continue;
                    }
                    features.add(group);
                }
                case "Label" -> {
                    if (labelField != null) {
                        reporter.error(role, Message.MULTIPLE_LABELS.format("'" + labelField.getSimpleName() + "'"));
                        continue;
                    }
                    labelField = field;
                    label = schema.readLabel(field, role, task);
                    if (label != null) {
                        Attr<?> attribute = label.columns().size() == 1 ? SchemaReader.LABEL_COLUMN
                                : SchemaReader.LABEL_COLUMNS;
                        for (String column : label.columns()) {
                            schema.claimColumn(labelOwners, column, field, role, attribute);
                        }
                    }
                }
                default -> { // a layer: LayerKinds knows every layer annotation
                    if (!isLayerType(field.asType())) {
                        reporter.error(role, Message.LAYER_FIELD_TYPE.format(field.getSimpleName(), field.asType()));
                    }
                    boolean output = role.simpleName.equals("Output");
                    if (outputField != null) {
                        reporter.error(role, output
                                ? Message.MULTIPLE_OUTPUTS.format(type.getSimpleName(), outputField.getSimpleName())
                                : Message.OUTPUT_NOT_LAST.format(field.getSimpleName(), outputField.getSimpleName()));
                        continue;
                    }
                    layers.add(new ReadLayer(LayerKinds.read(c, field, role), role));
                    if (output) {
                        outputField = field;
                    }
                }
            }
        }

        CrossChecks cross = new CrossChecks(c);
        cross.tokensAlone(features);
        cross.componentNames(task, features, label);
        InputReader inputs = new InputReader(c);
        IdxModel idx = inputs.readIdx(task, features);
        boolean idxDeclared = c.has(io.kiln.dsl.IdxData.class);
        if (idxDeclared && c.has(io.kiln.dsl.Image.class)) {
            features = inputs.pixelFeatures(); // the only features of IDX data (declared ones are reported)
        }
        if (!idxDeclared && features.isEmpty() && !c.hasAnnotatedField(io.kiln.dsl.Feature.class)
                && !c.hasAnnotatedField(io.kiln.dsl.Features.class) && !c.hasAnnotatedField(io.kiln.dsl.Text.class)) {
            reporter.error(model, Message.NO_FEATURES.format(type.getSimpleName()));
        }
        if (labelField == null) {
            reporter.error(model, Message.NO_LABEL.format(type.getSimpleName()));
        }
        TransferReader transferReader = new TransferReader(c);
        if (outputField == null && !transferReader.keepsOutput()) {
            reporter.error(model, Message.NO_OUTPUT.format(type.getSimpleName()));
        }
        // The output layer's units, activation and loss depend on the label, which may be declared after it.
        if (label != null && outputField != null) {
            OutputLayer.check(c, c.annotation(outputField, io.kiln.dsl.Output.class), task, label);
        }

        ImageModel image = inputs.readImage(features);
        if (image != null) {
            features = InputReader.countGroupPixels(features, image); // a group's count the image implies
        }
        SeriesModel series = inputs.readSeries(features);
        if (image != null && series != null) {
            reporter.error(c.annotation(io.kiln.dsl.Series.class), Message.INPUT_CONFLICT.format());
        }
        // the output layer takes the units, activation and loss the task and the label give it
        LabelModel target = label;
        List<LayerModel> resolved = layers.stream().map(ReadLayer::model)
                .map(l -> l instanceof OutputLayer out && target != null ? out.resolve(task, target) : l).toList();
        TrainingReader training = new TrainingReader(c, task);
        // a transfer's reused layers come first; a file source's are known only when training reads it
        SpecModel.TransferModel transfer = transferReader.read(task, label, features, image, series, layers,
                training.fit);
        int reused = transfer == null ? 0 : transfer.reused().size();
        if (reused > 0) {
            List<LayerModel> all = new ArrayList<>(transfer.reused());
            all.addAll(resolved);
            resolved = List.copyOf(all);
        }
        boolean fromFile = c.has(io.kiln.dsl.Transfer.class) && (transfer == null || transfer.sourceSpec() == null);
        Shapes.Result shapes = null;
        // a broken @Image or @Series is reported already; walking without it would only add "needs an image" errors
        // (IDX data without @Image is reported already)
        if ((transfer != null || !c.has(io.kiln.dsl.Transfer.class))
                && (image != null || !c.has(io.kiln.dsl.Image.class)) && (series != null || !c.has(io.kiln.dsl.Series.class))
                && (image == null || series == null) && (image != null || !idxDeclared)) {
            // after a file source, the new layers start from a vector of a width known at run time
            shapes = Shapes.infer(fromFile ? new Shapes.Flat(-1) : Shapes.input(image, series, features), resolved);
            for (Shapes.Problem problem : shapes.problems()) {
                if (problem.index() < reused) { // cannot happen for a source of the same input, checked above
                    reporter.error(c.annotation(io.kiln.dsl.Transfer.class), problem.message());
                } else {
                    reporter.error(layers.get(problem.index() - reused).annotation(), problem.attribute(),
                            problem.message());
                }
            }
        }

        DataModel data = inputs.readData();
        if (data != null && !data.header()) {
            schema.checkHeaderless(features); // columns by position
        } else {
            schema.checkRest(features); // columns by name
        }
        ProtocolModel protocol = ProtocolModel.read(c);
        cross.protocol(protocol, data, idx, series);
        RegularizationModel regularization = training.readRegularization(layers);
        ClippingModel clipping = training.readClipping();
        EarlyStoppingModel earlyStopping = training.readEarlyStopping(protocol);
        ScheduleModel schedule = training.readSchedule();
        PlateauModel plateau = training.readPlateau(protocol);
        int perCases = training.readReport();
        AugmentModel augment = inputs.readAugment();
        double[] classWeights = training.readClassWeights(label);
        SpecModel.ThresholdModel tuneThreshold = training.readTuneThreshold(protocol,
                labelField == null ? null : c.annotation(labelField, io.kiln.dsl.Label.class));

        DistillationReader knowledge = new DistillationReader(c);
        SpecModel.EnsembleModel ensemble = knowledge.readEnsemble(protocol);
        SpecModel.DistillationModel distillation = knowledge.readDistillation(task, label, features, image, series);
        SpecModel.RetrainModel retrain = new RetrainReader(c).read(task, fromFile ? null : resolved,
                c.has(io.kiln.dsl.Series.class));

        if (reporter.hasErrors()) {
            return null;
        }
        PackageElement pkg = elements.getPackageOf(type);
        return new SpecModel(type, pkg.isUnnamed() ? "" : pkg.getQualifiedName().toString(),
                generatedPrefix(type), modelName, task, data, features, label, resolved, shapes,
                training.optimizer, training.fit, protocol, regularization, clipping, earlyStopping, schedule, plateau,
                perCases, image, series, idx, augment, classWeights, tuneThreshold, transfer, ensemble, distillation,
                retrain);
    }

    // ---------------------------------------------------------------- the class itself

    private void checkClassShape(TypeElement type, Annotation model) {
        if (type.getModifiers().contains(Modifier.PRIVATE)) {
            reporter.error(model, Message.SPEC_PRIVATE.format(type.getSimpleName()));
        }
        NestingKind nesting = type.getNestingKind();
        if (nesting == NestingKind.LOCAL || nesting == NestingKind.ANONYMOUS) {
            reporter.error(model, Message.SPEC_LOCAL.format(type.getSimpleName()));
        } else if (nesting == NestingKind.MEMBER && !type.getModifiers().contains(Modifier.STATIC)) {
            reporter.error(model, Message.SPEC_INNER.format(type.getSimpleName()));
        }
        Element enclosing = type.getEnclosingElement();
        while (enclosing instanceof TypeElement outer) {
            if (outer.getModifiers().contains(Modifier.PRIVATE)) {
                reporter.error(model, Message.SPEC_PRIVATE.format(outer.getSimpleName()));
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

    private static boolean isLayerType(TypeMirror type) {
        return type.getKind() == TypeKind.DECLARED && ((TypeElement) ((DeclaredType) type).asElement())
                .getQualifiedName().contentEquals(io.kiln.dsl.Layer.class.getName());
    }
}
