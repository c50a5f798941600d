package io.kiln.processor;

import io.kiln.dsl.LayerRate;
import io.kiln.dsl.Reuse;
import io.kiln.dsl.Task;
import io.kiln.dsl.Transfer;
import io.kiln.processor.SpecModel.FeatureModel;
import io.kiln.processor.SpecModel.FitModel;
import io.kiln.processor.SpecModel.ImageModel;
import io.kiln.processor.SpecModel.LabelModel;
import io.kiln.processor.SpecModel.SeriesModel;
import io.kiln.processor.SpecModel.TransferModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;

/**
 * Reads {@code @Transfer} (and {@code @Regularization(l2sp)}, which needs one). A spec source is read
 * like any spec, silently (its own errors are its own compile's): its layers up to the cut come first
 * in the network, so the shape walk, the layer table and the generated code see them; its input must
 * be this spec's. A file source is read when training starts; the processor checks what it can
 * without it.
 */
final class TransferReader {
    static final Attr<Class<?>> FROM = Attr.of(Transfer.class, Transfer::from);
    static final Attr<String> FILE = Attr.of(Transfer.class, Transfer::file);
    static final Attr<String> UP_TO = Attr.of(Transfer.class, Transfer::upTo);
    static final Attr<Reuse> REUSE = Attr.of(Transfer.class, Transfer::reuse);
    static final Attr<Integer> UNFREEZE_EVERY = Attr.of(Transfer.class, Transfer::unfreezeEvery);
    static final Attr<Double> LEARNING_RATE = Attr.of(Transfer.class, Transfer::learningRate);
    static final Attr<Double> RATE_FACTOR = Attr.of(Transfer.class, Transfer::rateFactor);
    static final Attr<LayerRate[]> RATES = Attr.of(Transfer.class, Transfer::rates);
    static final Attr<Boolean> KEEP_OUTPUT = Attr.of(Transfer.class, Transfer::keepOutput);
    static final Attr<Boolean> REFIT = Attr.of(Transfer.class, Transfer::refitPreprocessing);
    static final Attr<String> RATE_LAYER = Attr.of(LayerRate.class, LayerRate::layer);
    static final Attr<Double> RATE_VALUE = Attr.of(LayerRate.class, LayerRate::learningRate);
    static final Attr<Double> L2SP = Attr.of(io.kiln.dsl.Regularization.class, io.kiln.dsl.Regularization::l2sp);

    private final ReadContext c;

    TransferReader(ReadContext c) {
        this.c = c;
    }

    /** Whether the spec declares {@code @Transfer(keepOutput = true)}: then it declares no layers of its own. */
    boolean keepsOutput() {
        Annotation t = c.annotation(Transfer.class);
        return t != null && t.get(KEEP_OUTPUT);
    }

    /**
     * The transfer, or null when there is none or it has errors (reported). {@code declared} are the
     * spec's own layers.
     */
    TransferModel read(Task task, LabelModel label, List<FeatureModel> features, ImageModel image, SeriesModel series,
            List<SpecReader.ReadLayer> declared, FitModel fit) {
        Annotation t = c.annotation(Transfer.class);
        Annotation regularization = c.annotation(io.kiln.dsl.Regularization.class);
        double l2sp = regularization == null ? 0 : c.notNegative(regularization, L2SP);
        if (t == null) {
            if (l2sp > 0) {
                c.reporter.error(regularization, L2SP, Message.L2SP_NEEDS_TRANSFER.format());
            }
            return null;
        }
        int errors = errorsSoFar();
        Reuse reuse = t.get(REUSE);
        boolean keepOutput = t.get(KEEP_OUTPUT);
        String upTo = t.get(UP_TO);
        String file = t.get(FILE);
        checkSettings(t, reuse, keepOutput, upTo, fit);
        if (l2sp > 0 && reuse == Reuse.FREEZE) {
            c.reporter.error(regularization, L2SP, Message.L2SP_FROZEN.format());
        }
        for (SpecReader.ReadLayer l : declared) {
            if (l.model().needsGraph()) {
                c.reporter.error(l.annotation(), Message.TRANSFER_GRAPH.format("Layer '" + l.model().name()
                        + "' is a residual connection"));
            }
        }
        if (keepOutput && !declared.isEmpty()) {
            c.reporter.error(declared.get(0).annotation(), Message.TRANSFER_KEEP_OUTPUT_LAYERS.format(
                    declared.get(0).model().name()));
        }
        if (!file.isEmpty()) {
            String lower = file.toLowerCase(Locale.ROOT);
            if (lower.endsWith(".keras")) {
                c.reporter.error(t, FILE, Message.TRANSFER_KERAS3.format(file));
            } else if (!lower.endsWith(".kiln") && !lower.endsWith(".h5") && !lower.endsWith(".hdf5")) {
                c.reporter.error(t, FILE, Message.TRANSFER_FILE_KIND.format(file));
            }
        }

        TypeMirror from = t.type(FROM);
        List<LayerModel> reused = new ArrayList<>();
        String sourceSpec = null;
        String sourceSimple = null;
        String sourceName = null;
        List<String> reusedNames = new ArrayList<>();
        if (from.getKind() == TypeKind.VOID) {
            if (file.isEmpty()) {
                c.reporter.error(t, Message.TRANSFER_SOURCE.format());
            } else if (keepOutput) {
                c.reporter.error(t, KEEP_OUTPUT, Message.TRANSFER_KEEP_OUTPUT_FILE.format());
            }
            // a file source: its layers are known when training reads it
            if (!keepOutput && !declared.isEmpty() && !takesVectors(declared.get(0).model())) {
                c.reporter.error(declared.get(0).annotation(), Message.TRANSFER_FILE_HEAD.format(
                        declared.get(0).model().annotation()));
            }
        } else {
            TypeElement source = (TypeElement) ((DeclaredType) from).asElement();
            sourceSpec = c.elements.getBinaryName(source).toString(); // as Class.getName() writes it: Outer$Inner
            sourceSimple = source.getSimpleName().toString();
            SpecModel spec = c.readNamedSpec(t, FROM, source, Transfer.class, Message.TRANSFER_FROM_SELF,
                    Message.TRANSFER_FROM_NOT_SPEC, Message.TRANSFER_CYCLE, Message.TRANSFER_SOURCE_ERRORS);
            if (spec != null) {
                sourceName = spec.modelName();
                List<String> names = spec.layers().stream().map(LayerModel::name).toList();
                List<String> below = names.subList(0, names.size() - 1);
                int count = -1;
                if (spec.isGraph()) {
                    c.reporter.error(t, FROM, Message.TRANSFER_GRAPH.format("The source " + sourceSimple
                            + " has residual connections"));
                } else if (keepOutput) {
                    count = names.size();
                    if (spec.task() != task || label != null && !spec.label().classes().equals(label.classes())
                            || label != null && spec.outputUnits() != label.outputUnits(task)) {
                        c.reporter.error(t, KEEP_OUTPUT, Message.TRANSFER_KEEP_OUTPUT_TASK.format(sourceSimple,
                                predicts(spec.task(), spec.label()), label == null ? task.toString()
                                        : predicts(task, label)));
                    }
                } else if (upTo.isEmpty()) {
                    count = names.size() - 1;
                    if (count == 0) {
                        c.reporter.error(t, FROM, Message.TRANSFER_NO_HIDDEN.format(sourceSimple));
                    }
                } else if (upTo.equals(names.get(names.size() - 1))) {
                    c.reporter.error(t, UP_TO, Message.TRANSFER_UP_TO_OUTPUT.format(upTo, sourceSimple, below));
                } else if (!below.contains(upTo)) {
                    c.reporter.error(t, UP_TO, Message.TRANSFER_LAYER.format(sourceSimple, upTo, below));
                } else {
                    count = below.indexOf(upTo) + 1;
                    if (spec.layers().get(count) instanceof LastTimeStepLayer wrapper) {
                        c.reporter.error(t, UP_TO, Message.TRANSFER_UP_TO_WRAPPED.format(upTo, sourceSimple,
                                wrapper.name(), wrapper.name()));
                        count = -1;
                    } else if (spec.layers().get(count - 1) instanceof LastTimeStepLayer) {
                        // the network names the wrapped layer after the recurrent layer it wraps
                        upTo = spec.layers().get(count - 2).name();
                    }
                }
                String theirs = inputOf(spec.features(), spec.image(), spec.series());
                String ours = inputOf(features, image, series);
                if (!sameInput(spec, features, image, series)) {
                    c.reporter.error(t, FROM, Message.TRANSFER_SCHEMA.format(sourceSimple, theirs, ours,
                            sourceSimple));
                }
                if (count > 0) {
                    reused.addAll(spec.layers().subList(0, count));
                    reusedNames.addAll(networkNames(spec.layers().subList(0, count)));
                    for (SpecReader.ReadLayer l : declared) {
                        if (reusedNames.contains(l.model().name())) {
                            c.reporter.error(l.annotation(), Message.TRANSFER_NAME_CLASH.format(l.model().name(),
                                    sourceSimple));
                        }
                    }
                    checkUnfreezing(t, reuse, spec, count, fit);
                }
            }
        }
        Map<String, Double> rates = readRates(t, reuse, from.getKind() == TypeKind.VOID ? null : reusedNames,
                declared, sourceSimple);
        if (errorsSoFar() > errors) {
            return null;
        }
        return new TransferModel(sourceSpec, sourceSimple, sourceName, file, upTo, reuse, t.get(UNFREEZE_EVERY),
                t.get(LEARNING_RATE), t.get(RATE_FACTOR), rates, keepOutput, t.get(REFIT), l2sp, List.copyOf(reused));
    }

    private int errorsSoFar() {
        return c.reporter.errorCount();
    }

    private void checkSettings(Annotation t, Reuse reuse, boolean keepOutput, String upTo, FitModel fit) {
        int every = t.get(UNFREEZE_EVERY);
        if (reuse == Reuse.GRADUAL && every <= 0) {
            c.reporter.error(t, t.isSet(UNFREEZE_EVERY) ? UNFREEZE_EVERY : REUSE, Message.TRANSFER_UNFREEZE.format(
                    "Gradual unfreezing needs unfreezeEvery, the epochs between two unfreezings (positive), was "
                            + every + ". Set e.g. unfreezeEvery = 10."));
        } else if (reuse != Reuse.GRADUAL && every != 0) {
            c.reporter.error(t, UNFREEZE_EVERY, Message.TRANSFER_UNFREEZE.format("unfreezeEvery is the schedule of "
                    + "gradual unfreezing, but reuse is " + reuse + ". Set reuse = Reuse.GRADUAL, or remove "
                    + "unfreezeEvery."));
        } else if (reuse == Reuse.GRADUAL && fit != null && every >= fit.epochs()) {
            c.reporter.error(t, UNFREEZE_EVERY, Message.TRANSFER_UNFREEZE_EPOCHS.format(every, every, fit.epochs(),
                    fit.epochs()));
        }
        double factor = t.get(RATE_FACTOR);
        if (!(factor > 0 && factor <= 1)) {
            c.reporter.error(t, RATE_FACTOR, Message.TRANSFER_RATE_FACTOR.format(ReadContext.number(factor)));
        }
        double rate = t.get(LEARNING_RATE);
        if (t.isSet(LEARNING_RATE) && !(rate > 0) && rate >= 0) {
            c.reporter.error(t, LEARNING_RATE, Message.POSITIVE.format("learningRate", ReadContext.number(rate),
                    "learningRate = 1e-4"));
        }
        if (reuse == Reuse.FREEZE) {
            if (t.isSet(LEARNING_RATE)) {
                c.reporter.error(t, LEARNING_RATE, Message.TRANSFER_FROZEN_RATE.format("learningRate"));
            } else if (t.isSet(RATE_FACTOR)) {
                c.reporter.error(t, RATE_FACTOR, Message.TRANSFER_FROZEN_RATE.format("rateFactor"));
            }
        }
        if (keepOutput && !upTo.isEmpty()) {
            c.reporter.error(t, UP_TO, Message.TRANSFER_KEEP_OUTPUT_UP_TO.format(upTo));
        }
        if (keepOutput && reuse == Reuse.FREEZE) {
            c.reporter.error(t, KEEP_OUTPUT, Message.TRANSFER_NOTHING_TRAINS.format());
        }
    }

    /** Gradual unfreezing reaches every reused layer with weights within the epochs. */
    private void checkUnfreezing(Annotation t, Reuse reuse, SpecModel source, int count, FitModel fit) {
        int every = t.get(UNFREEZE_EVERY);
        if (reuse != Reuse.GRADUAL || every <= 0 || fit == null || every >= fit.epochs()) {
            return;
        }
        List<String> weighted = new ArrayList<>();
        // a kept output layer always trains: it is not unfrozen
        for (int i = 0; i < (t.get(KEEP_OUTPUT) ? count - 1 : count); i++) {
            if (source.shapes().rows().get(i).params() != 0) {
                weighted.add(source.layers().get(i).name());
            }
        }
        int stages = weighted.size();
        if ((long) stages * every >= fit.epochs()) {
            List<String> epochs = new ArrayList<>();
            List<String> never = new ArrayList<>();
            for (int s = 1; s <= stages; s++) {
                epochs.add(Integer.toString(s * every));
                if ((long) s * every >= fit.epochs()) {
                    never.add("'" + weighted.get(stages - s) + "'");
                }
            }
            c.reporter.error(t, UNFREEZE_EVERY, Message.TRANSFER_UNFREEZE_PARTLY.format(every, stages,
                    String.join(", ", epochs), fit.epochs(), String.join(", ", never), (fit.epochs() - 1) / stages));
        }
    }

    private Map<String, Double> readRates(Annotation t, Reuse reuse, List<String> reusedNames,
            List<SpecReader.ReadLayer> declared, String sourceSimple) {
        Map<String, Double> rates = new LinkedHashMap<>();
        List<String> known = new ArrayList<>(reusedNames == null ? List.of() : reusedNames);
        known.addAll(networkNames(declared.stream().map(SpecReader.ReadLayer::model).toList()));
        for (Annotation r : t.nested(RATES, c.elements)) {
            String layer = r.get(RATE_LAYER);
            double rate = r.get(RATE_VALUE);
            if (!(rate > 0) || Double.isInfinite(rate)) {
                c.reporter.error(r, RATE_VALUE, Message.POSITIVE.format("learningRate", ReadContext.number(rate),
                        "learningRate = 1e-4"));
            }
            if (rates.containsKey(layer)) {
                c.reporter.error(r, RATE_LAYER, Message.TRANSFER_RATE_DUPLICATE.format(layer));
            }
            // a file source's layers are checked when it is read
            if (reusedNames != null && !known.contains(layer)) {
                c.reporter.error(r, RATE_LAYER, Message.TRANSFER_RATE_LAYER.format(layer, sourceSimple, known));
            } else if (reuse == Reuse.FREEZE && reusedNames != null && reusedNames.contains(layer)) {
                c.reporter.error(r, RATE_LAYER, Message.TRANSFER_FROZEN_RATE.format("rates for layer '" + layer
                        + "'"));
            }
            rates.put(layer, rate);
        }
        return rates;
    }

    /**
     * The network's layer names: a {@code @LastTimeStep} is no layer of its own, but wraps the recurrent
     * layer before it, under that layer's name.
     */
    static List<String> networkNames(List<LayerModel> layers) {
        return layers.stream().filter(l -> !(l instanceof LastTimeStepLayer)).map(LayerModel::name).toList();
    }

    /** Layers the reused part's output can feed without knowing its shape: they take any vector (flattened). */
    private static boolean takesVectors(LayerModel layer) {
        return layer instanceof DenseLayer || layer instanceof DropoutLayer || layer instanceof BatchNormLayer
                || layer instanceof OutputLayer;
    }

    private static String predicts(Task task, LabelModel label) {
        return task + (label.classes().isEmpty() ? "" : " of " + label.classes());
    }

    /** The input in words: an image, series windows, or the features. */
    static String inputOf(List<FeatureModel> features, ImageModel image, SeriesModel series) {
        if (image != null) {
            return "a " + image.height() + "x" + image.width() + "x" + image.channels() + " image";
        }
        String list = String.join(", ", features.stream().limit(5).map(f -> f.name() + (f.isGroup() ? "[]" : "")
                + " " + f.kind().name().toLowerCase(Locale.ROOT)).toList()) + (features.size() > 5 ? ", ..." : "");
        if (series != null) {
            return "windows of " + series.window() + " steps of " + features.size() + " features (" + list + ")";
        }
        return features.size() + " features (" + list + ")";
    }

    /**
     * The same input: an image of the same size, series windows of the same length and features, or
     * the same features by name (in any order) or by position (the same kinds in the same order).
     */
    private static boolean sameInput(SpecModel source, List<FeatureModel> features, ImageModel image,
            SeriesModel series) {
        if (source.image() != null || image != null) {
            return Objects.equals(source.image(), image);
        }
        if (!Objects.equals(source.series(), series) || source.features().size() != features.size()) {
            return false;
        }
        Map<String, FeatureModel> byName = new LinkedHashMap<>();
        source.features().forEach(f -> byName.put(f.name(), f));
        boolean named = features.stream().allMatch(f -> byName.containsKey(f.name())
                && same(byName.get(f.name()), f));
        if (named) {
            return true;
        }
        for (int i = 0; i < features.size(); i++) {
            if (!same(source.features().get(i), features.get(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean same(FeatureModel a, FeatureModel b) {
        return a.kind() == b.kind() && a.isGroup() == b.isGroup() && Objects.equals(a.text(), b.text())
                && a.width() == b.width();
    }
}
