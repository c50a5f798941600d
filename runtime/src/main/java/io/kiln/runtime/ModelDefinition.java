package io.kiln.runtime;

import io.kiln.runtime.internal.data.CsvTable;
import io.kiln.runtime.internal.data.IdxReader;
import io.kiln.runtime.internal.data.LabeledData;

import io.kiln.dsl.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * <b>Public API</b>. A model spec as the runtime reads it: generated as {@code <Name>Trainer.DEFINITION} from the
 * annotated class, or built by hand with {@link #builder}.
 */
public final class ModelDefinition {
    private final String name;
    private final Task task;
    private final Class<?> specClass;
    private final String specText;
    private final String layerTable;
    private final CsvSource data;
    private final CsvSource testData;
    private final List<FeatureSchema> features;
    private final List<FeatureSchema> declaredFeatures;
    /** {@code @Features} groups not yet resolved against a header, each after the features declared before it. */
    private final List<Placed> groups;
    private final SeriesWindow series;
    private final int[] image;
    private final ImageAugmentation augmentation;
    private final LabelSchema label;
    private final EvaluationProtocol protocol;
    private final FitSettings fit;
    private final EarlyStopping earlyStopping;
    private final LearningRate learningRate;
    private final ReduceOnPlateau plateau;
    private final double labelSmoothing;
    private final double threshold;
    private final int perCases;
    private final boolean standardizeTargets;
    private final ClassWeights classWeights;
    private final ThresholdTuning tuneThreshold;
    private final NetworkFactory network;
    private final GraphFactory graph;
    private final Transfer transfer;
    private final TransferFactory transferFactory;
    private final WordVectors wordVectors;
    private final Ensemble ensemble;
    private final Distillation distillation;
    private final RetrainPolicy retrain;
    private final java.util.function.Supplier<SearchSpace> search;
    private final WarmStart warmStart;

    private ModelDefinition(Builder b) {
        this.name = b.name;
        this.task = b.task;
        this.specClass = b.specClass;
        this.specText = b.specText;
        this.layerTable = b.layerTable;
        this.data = b.data;
        this.testData = b.testData;
        if (testData != null && !b.protocol.acceptsTestFile()) {
            throw new IllegalArgumentException("[kiln.test-file-protocol] A separate test file is the test set, so the "
                    + "protocol must be a holdout (which then only sets validation rows aside), not "
                    + b.protocol.describe());
        }
        this.declaredFeatures = List.copyOf(b.features);
        this.groups = List.copyOf(b.groups);
        this.series = b.series;
        if (!groups.isEmpty() && (series != null || data != null && data.isIdx())) {
            throw new IllegalArgumentException("[kiln.features-input] A group of columns (@Features) reads a table's "
                    + "columns; " + (series != null ? "a series" : "IDX data") + " has none. Declare its features one "
                    + "by one.");
        }

        this.image = b.image;
        this.augmentation = b.augmentation;
        if (augmentation != null && image == null) {
            throw new IllegalArgumentException("[kiln.augment-needs-image] Augmentation flips, shifts and rotates "
                    + "images, but the definition declares no image. Declare the image's size, or remove the augmentation.");
        }
        if (data != null && data.isIdx() && image == null) {
            throw new IllegalArgumentException("[kiln.idx-needs-image] IDX data holds images, so the definition needs "
                    + "their size. Declare the image's size.");
        }
        this.features = series == null ? declaredFeatures : series.expand(declaredFeatures);
        if (image != null && groups.isEmpty() && (long) image[0] * image[1] * image[2] != declaredFeatures.size()) {
            throw new IllegalArgumentException("[kiln.image-size] A " + image[0] + "x" + image[1] + "x" + image[2]
                    + " image has " + (long) image[0] * image[1] * image[2] + " pixels, but the definition declares "
                    + declaredFeatures.size() + " features. Declare one numeric feature per pixel, in order.");
        }
        this.label = Objects.requireNonNull(b.label, "label");
        this.protocol = b.protocol;
        this.fit = b.fit;
        this.earlyStopping = b.earlyStopping;
        this.learningRate = b.learningRate;
        this.plateau = b.plateau;
        this.labelSmoothing = b.labelSmoothing;
        this.threshold = b.threshold;
        this.perCases = b.perCases;
        if (series != null && protocol.orderColumn() == null) {
            throw new IllegalArgumentException("[kiln.series-needs-temporal] A series is evaluated by a temporal split "
                    + "(windows of the test period must come after the training ones); " + protocol.describe()
                    + " would mix windows of the test period into training. Use a temporal split.");
        }
        if ((earlyStopping != null || plateau != null) && !protocol.hasValidation()) {
            throw new IllegalArgumentException("[kiln.needs-validation] Early stopping and reduce-on-plateau watch the "
                    + "validation data, but " + protocol.describe() + " has none. Set e.g. validation = 0.2, use "
                    + "k-fold, or remove them.");
        }
        for (io.kiln.dsl.Metric m : new io.kiln.dsl.Metric[] {
                earlyStopping == null ? null : earlyStopping.monitor(), plateau == null ? null : plateau.monitor()}) {
            if (m != null && !m.appliesTo(task)) {
                throw new IllegalArgumentException("[kiln.monitor-metric] Task " + task + " has no metric '" + m.key()
                        + "' to monitor. Monitor loss or one of " + io.kiln.dsl.Metric.of(task) + ".");
            }
        }
        if (labelSmoothing < 0 || labelSmoothing >= 1) {
            throw new IllegalArgumentException("[kiln.fraction] labelSmoothing must be in [0, 1), was " + labelSmoothing
                    + ". Set e.g. labelSmoothing = 0.1.");
        }
        if (labelSmoothing != 0 && !task.isClassification()) {
            throw new IllegalArgumentException("[kiln.label-smoothing-task] labelSmoothing softens class targets; task "
                    + task + " predicts values, not classes. Remove the label smoothing.");
        }
        if (threshold <= 0 || threshold >= 1) {
            throw new IllegalArgumentException("[kiln.fraction] threshold must be in (0, 1), was " + threshold
                    + ". Set e.g. threshold = 0.5.");
        }
        this.standardizeTargets = !task.isClassification() && b.outputIsIdentity;
        this.classWeights = b.classWeights;
        if (classWeights != null && task != Task.BINARY_CLASSIFICATION && task != Task.MULTICLASS_CLASSIFICATION) {
            throw new IllegalArgumentException("[kiln.class-weights-task] Class weights weigh the rows of each class "
                    + "of a binary or multiclass label; task " + task + " has no such classes. Remove them.");
        }
        this.tuneThreshold = b.tuneThreshold;
        if (tuneThreshold != null && task != Task.BINARY_CLASSIFICATION) {
            throw new IllegalArgumentException("[kiln.tune-threshold-task] A decision threshold is tuned for binary "
                    + "classification; task " + task + " makes no such decision. Remove the tuning.");
        }
        if (tuneThreshold != null && !protocol.hasValidation()) {
            throw new IllegalArgumentException("[kiln.needs-validation] The decision threshold is chosen on "
                    + "validation data, but " + protocol.describe() + " has none. Set e.g. validation = 0.2, use "
                    + "k-fold, or remove the tuning.");
        }
        if ((b.network != null ? 1 : 0) + (b.graph != null ? 1 : 0) + (b.transferFactory != null ? 1 : 0) != 1) {
            throw new IllegalArgumentException("A model definition takes one network factory: a network, a graph or "
                    + "a transfer");
        }
        this.network = b.network;
        this.graph = b.graph;
        this.transfer = b.transfer;
        this.transferFactory = b.transferFactory;
        this.wordVectors = b.wordVectors;
        this.ensemble = b.ensemble;
        if (ensemble != null && ensemble.members() == io.kiln.dsl.Members.FOLDS) {
            if (!(protocol instanceof KFoldProtocol k)) {
                throw new IllegalArgumentException("[kiln.ensemble-one-model] An ensemble of the fold models needs "
                        + "k-fold cross-validation; " + protocol.describe() + " trains one model. Use k-fold, or "
                        + "average seeds.");
            }
            if (k.test() <= 0) {
                throw new IllegalArgumentException("[kiln.ensemble-folds-test] An ensemble of the fold models is "
                        + "scored on a test set no member trained on, but " + protocol.describe() + " keeps none. "
                        + "Set e.g. test = 0.2.");
            }
        }
        this.distillation = b.distillation;
        this.retrain = b.retrain;
        this.search = b.search;
        this.warmStart = b.warmStart;
        if (distillation != null && distillation.teacher() != null) {
            Distillation.checkTeacher(this, distillation.teacher().task(), distillation.teacher().label(),
                    distillation.teacher().name());
        }
        if (features.isEmpty() && groups.isEmpty()) {
            throw new IllegalArgumentException("[kiln.no-features] Model '" + name + "' declares no features. Give it "
                    + "at least one feature.");
        }
    }

    /**
     * This definition evaluated by another protocol (e.g. to cross-validate a spec declared with a
     * holdout). Early stopping and reduce-on-plateau need the protocol to have validation data.
     */
    public ModelDefinition withProtocol(EvaluationProtocol other) {
        Builder b = copy();
        b.protocol = Objects.requireNonNull(other);
        return b.build();
    }

    /**
     * This definition reading other data: {@code data}, and {@code testData} as the official test set
     * (null for none, when the protocol splits the test rows from the data).
     */
    public ModelDefinition withData(CsvSource data, CsvSource testData) {
        Builder b = copy();
        b.data = Objects.requireNonNull(data);
        b.testData = testData;
        return b.build();
    }

    /** This definition deciding binary classes at {@code other} (a threshold chosen on validation data). */
    public ModelDefinition withThreshold(double other) {
        Builder b = copy();
        b.threshold = other;
        return b.build();
    }

    /** A builder holding everything this definition declares. */
    private Builder copy() {
        Builder b = new Builder(name, task);
        b.specClass = specClass;
        b.specText = specText;
        b.layerTable = layerTable;
        b.data = data;
        b.testData = testData;
        b.features.addAll(declaredFeatures);
        b.groups.addAll(groups);
        b.series = series;
        b.image = image;
        b.augmentation = augmentation;
        b.label = label;
        b.protocol = protocol;
        b.fit = fit;
        b.earlyStopping = earlyStopping;
        b.learningRate = learningRate;
        b.plateau = plateau;
        b.labelSmoothing = labelSmoothing;
        b.threshold = threshold;
        b.perCases = perCases;
        b.outputIsIdentity = standardizeTargets;
        b.classWeights = classWeights;
        b.tuneThreshold = tuneThreshold;
        b.network = network;
        b.graph = graph;
        b.transfer = transfer;
        b.transferFactory = transferFactory;
        b.wordVectors = wordVectors;
        b.ensemble = ensemble;
        b.distillation = distillation;
        b.retrain = retrain;
        b.search = search;
        b.warmStart = warmStart;
        return b;
    }

    /** This definition trained with other epochs, batch size and seed. */
    public ModelDefinition withFit(FitSettings other) {
        Builder b = copy();
        b.fit = Objects.requireNonNull(other);
        return b.build();
    }

    /** This definition trained on the labels alone (the hard-only student beside a distilled one). */
    public ModelDefinition withoutDistillation() {
        return withDistillation(null);
    }

    /** This definition distilled as {@code other} says (null: trained on the labels alone). */
    public ModelDefinition withDistillation(Distillation other) {
        Builder b = copy();
        b.distillation = other;
        return b.build();
    }

    /** This definition distilled from the teacher model file {@code file} (the {@code --teacher} option). */
    public ModelDefinition withTeacherFile(java.nio.file.Path file) {
        if (distillation == null) {
            throw new IllegalArgumentException("Model '" + name + "' declares no @Distillation, so --teacher has "
                    + "nothing to name. Remove --teacher.");
        }
        Builder b = copy();
        b.distillation = new Distillation(null, file, distillation.temperature(), distillation.alpha(),
                distillation.compare());
        return b.build();
    }

    /**
     * This definition continuing from a saved model of the spec (null: from random weights). The warm
     * start must be of this spec and not an ensemble.
     */
    public ModelDefinition withWarmStart(WarmStart other) {
        if (other != null) {
            other.check(this);
        }
        Builder b = copy();
        b.warmStart = other;
        return b.build();
    }

    /** This definition retraining by {@code other} in continuous learning. */
    public ModelDefinition withRetrain(RetrainPolicy other) {
        Builder b = copy();
        b.retrain = other;
        return b.build();
    }

    /** A group of columns and the number of features declared before it. */
    private record Placed(int at, FeatureGroup group) {}

    /** The {@code @Features} groups whose columns are found in the data's header; empty when there are none. */
    public List<FeatureGroup> featureGroups() {
        return groups.stream().map(Placed::group).toList();
    }

    /**
     * Whether some features are groups of columns not yet resolved: {@link #features()} is then
     * known only from {@link #resolveColumns} (training reads the header) or {@link #resolvedFor}
     * (a trained model's columns).
     */
    public boolean hasFeatureGroups() {
        return !groups.isEmpty();
    }

    /**
     * This definition with each group of columns resolved against a data file's header: its
     * features are then each group's columns, in place of the group. Without groups, itself.
     *
     * @param source the file's name, for errors
     * @param header the column names; empty for a file without a header, whose columns are then
     *     taken by position (the features and groups in declaration order, then the label), so every
     *     group but one needs a count
     * @param width fields per row (used without a header)
     */
    public ModelDefinition resolveColumns(String source, List<String> header, int width, char delimiter) {
        if (groups.isEmpty()) {
            return this;
        }
        List<List<String>> columns = header.isEmpty() ? byPosition(source, width) : byName(source, header, delimiter);
        return expanded(columns, source);
    }

    /**
     * This definition with each group of columns resolved as {@code model} resolved them when it was
     * trained (the model file records each feature's group). Without groups, itself.
     */
    public ModelDefinition resolvedFor(KilnModel model) {
        if (groups.isEmpty()) {
            return this;
        }
        // the spec's inputs in declaration order: features declared alone, and groups
        List<String> inputs = new ArrayList<>();
        List<Integer> groupAt = new ArrayList<>();
        int next = 0;
        for (Placed p : groups) {
            declaredFeatures.subList(next, p.at()).forEach(f -> inputs.add(f.name()));
            next = p.at();
            groupAt.add(inputs.size());
            inputs.add(p.group().name());
        }
        declaredFeatures.subList(next, declaredFeatures.size()).forEach(f -> inputs.add(f.name()));
        int[][] layout = model.inputLayout(inputs);
        List<io.kiln.runtime.internal.preprocess.FeatureTransform> trained = model.metadata().features();
        List<List<String>> columns = new ArrayList<>();
        for (int at : groupAt) {
            columns.add(java.util.Arrays.stream(layout[at]).mapToObj(i -> trained.get(i).column()).toList());
        }
        return expanded(columns, model.metadata().name());
    }

    private List<List<String>> byName(String source, List<String> header, char delimiter) {
        List<String> rest = groups.stream().map(Placed::group).filter(FeatureGroup::takesTheRest)
                .map(FeatureGroup::name).toList();
        if (rest.size() > 1) {
            throw new DataException(source, 1, null, "@Features '" + rest.get(0) + "' and '" + rest.get(1) + "' both "
                    + "take every column no other declaration reads. Give one of them a selection (matching, from, to).");
        }
        // the columns the other features and the label read (a missing one is reported when the rows are read)
        java.util.Set<Integer> taken = new java.util.HashSet<>();
        java.util.stream.Stream.concat(declaredFeatures.stream().map(FeatureSchema::column), label.columns().stream())
                .map(column -> LabeledData.headerPosition(source, header, column)).filter(Objects::nonNull)
                .forEach(taken::add);
        List<List<Integer>> selected = new ArrayList<>(java.util.Collections.nCopies(groups.size(), null));
        java.util.Map<Integer, String> owner = new java.util.HashMap<>();
        for (int pass = 0; pass < 2; pass++) { // the groups with a selection first, then the one taking the rest
            for (int g = 0; g < groups.size(); g++) {
                FeatureGroup group = groups.get(g).group();
                if (pass == 0 == group.takesTheRest()) {
                    continue;
                }
                java.util.Set<Integer> unavailable = new java.util.HashSet<>(taken);
                if (pass == 1) {
                    unavailable.addAll(owner.keySet());
                }
                List<Integer> positions = group.select(source, header, unavailable, delimiter);
                for (int i : positions) {
                    String other = owner.putIfAbsent(i, group.name());
                    if (other != null) {
                        throw new DataException(source, 1, "'" + header.get(i) + "'", "@Features '" + other
                                + "' and '" + group.name() + "' both select column '" + header.get(i)
                                + "'. Narrow one of the selections.");
                    }
                }
                selected.set(g, positions);
            }
        }
        List<List<String>> columns = new ArrayList<>();
        for (List<Integer> positions : selected) {
            columns.add(positions.stream().map(header::get).toList());
        }
        return columns;
    }

    private List<List<String>> byPosition(String source, int width) {
        int known = declaredFeatures.size() + label.columns().size();
        FeatureGroup open = null;
        for (Placed p : groups) {
            FeatureGroup g = p.group();
            if (!g.takesTheRest()) {
                throw new DataException(source, 1, null, "@Features '" + g.name() + "' selects " + g.describe()
                        + ", but the file has no header to find them by name. Declare header = true and give the "
                        + "file a header line, or select by count alone.");
            }
            if (g.count() > 0) {
                known += g.count();
            } else if (open != null) {
                throw new DataException(source, 1, null, "the file has no header, so its columns are taken by "
                        + "position, and @Features '" + open.name() + "' and '" + g.name() + "' do not say how many "
                        + "each takes. Declare count on one of them.");
            } else {
                open = g;
            }
        }
        int rest = width - known;
        if (open != null && rest < 1 || open == null && rest != 0) {
            throw new DataException(source, 1, null, "the file has no header, so its " + width + " columns are "
                    + "taken by position: the declared features, the groups' counts and the label make " + known
                    + (open != null ? ", which leaves no column for @Features '" + open.name() + "'"
                            : ", not " + width) + ". Check the file, or the counts.");
        }
        List<List<String>> columns = new ArrayList<>();
        for (Placed p : groups) {
            int n = p.group().count() > 0 ? p.group().count() : rest;
            List<String> names = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                names.add(p.group().name() + "[" + i + "]");
            }
            columns.add(names);
        }
        return columns;
    }

    /** The definition with group {@code g}'s columns {@code columns.get(g)} in its place. */
    private ModelDefinition expanded(List<List<String>> columns, String source) {
        List<FeatureSchema> all = new ArrayList<>();
        int next = 0;
        for (int g = 0; g < groups.size(); g++) {
            Placed p = groups.get(g);
            all.addAll(declaredFeatures.subList(next, p.at()));
            next = p.at();
            p.group().requireCount(source, columns.get(g).size(), "'" + source + "'");
            all.addAll(p.group().features(columns.get(g)));
        }
        all.addAll(declaredFeatures.subList(next, declaredFeatures.size()));
        java.util.Map<String, String> names = new java.util.HashMap<>();
        for (FeatureSchema f : all) {
            String before = names.put(f.name(), f.group() == null ? "feature" : "@Features '" + f.group() + "'");
            if (before != null) {
                throw new DataException(source, 1, "'" + f.name() + "'", "a column of " + (f.group() == null
                        ? "feature" : "@Features '" + f.group() + "'") + " is named '" + f.name() + "', as a " + before
                        + " is. Rename the field, or narrow the selection.");
            }
        }
        Builder b = copy();
        b.features.clear();
        b.features.addAll(all);
        b.groups.clear();
        return b.build();
    }

    /**
     * This definition's data, features, label, protocol and threshold with another network (whose
     * output layer is linear for regression): a reference model trained by the same loop. It has no
     * learning-rate schedule, plateau, label smoothing or augmentation, and {@code stopping} (may be null)
     * as its early stopping.
     */
    public ModelDefinition withNetwork(NetworkFactory other, EarlyStopping stopping) {
        ModelDefinition base = this;
        Builder b = new Builder(name, task);
        b.specClass = base.specClass;
        b.specText = base.specText;
        b.data = base.data;
        b.testData = base.testData;
        b.features.addAll(base.declaredFeatures);
        b.groups.addAll(base.groups);
        b.label = base.label;
        b.classWeights = base.classWeights; // a reference weighs the classes as the network does
        b.protocol = base.protocol;
        b.fit = base.fit;
        b.earlyStopping = stopping;
        b.threshold = base.threshold;
        b.perCases = base.perCases;
        b.outputIsIdentity = true;
        b.network = Objects.requireNonNull(other);
        return b.build();
    }

    /** How each class's training rows are weighed in the loss, or null when every row weighs 1. */
    public ClassWeights classWeights() {
        return classWeights;
    }

    /** How the binary decision threshold is chosen on validation data, or null for {@link #threshold()}. */
    public ThresholdTuning tuneThreshold() {
        return tuneThreshold;
    }

    public static Builder builder(String name, Task task) {
        return new Builder(name, task);
    }

    public String name() {
        return name;
    }

    public Task task() {
        return task;
    }

    public Class<?> specClass() {
        return specClass;
    }

    public String specText() {
        return specText;
    }

    /**
     * The layers with their output shapes and parameter counts, as the processor inferred them at
     * compile time (the {@code summary} command prints it); empty for a definition built by hand.
     */
    public String layerTable() {
        return layerTable;
    }

    /** The declared data source, or null if the spec declares none. */
    public CsvSource data() {
        return data;
    }

    /** The official test set declared beside the data ({@code @CsvData(testFile)}), or null. */
    public CsvSource testData() {
        return testData;
    }

    /**
     * The model's inputs: the declared features, or for a series ({@link #series()}) each step of
     * each declared feature, named {@code feature[t-k]}.
     */
    public List<FeatureSchema> features() {
        requireResolved();
        return features;
    }

    private void requireResolved() {
        if (!groups.isEmpty()) {
            throw new IllegalStateException("Model '" + name + "' declares @Features '" + groups.get(0).group().name()
                    + "', whose columns are known once a data file's header is read: resolve the definition first "
                    + "(resolveColumns, or resolvedFor a trained model).");
        }
    }

    /** The features as the spec declares them (for a series, one per channel of each time step). */
    public List<FeatureSchema> declaredFeatures() {
        requireResolved();
        return declaredFeatures;
    }

    /** The windows over an ordered series, or null when each row is a sample. */
    public SeriesWindow series() {
        return series;
    }

    /** The image the features form, {@code {height, width, channels}}, or null when they are no image. */
    /**
     * Whether a feature is text: a declared one, or a {@code @Features} group's (known before the
     * groups are resolved against a header).
     */
    public boolean hasTextFeatures() {
        return declaredFeatures.stream().anyMatch(f -> f.kind() == FeatureKind.TEXT)
                || groups.stream().anyMatch(g -> g.group().template().kind() == FeatureKind.TEXT);
    }

    /** Whether the network is a computation graph ({@code @Residual}, attention, several inputs), not a stack. */
    public boolean isGraph() {
        return graph != null;
    }

    public int[] image() {
        return image == null ? null : image.clone();
    }

    /** The random transforms of training images, or null for none. */
    public ImageAugmentation augmentation() {
        return augmentation;
    }

    /**
     * The samples of a data source, typed: a table's rows (or a series' windows, see
     * {@link #readTable}), or the images of IDX files.
     *
     * @param requireLabel whether the label must be present and is read. Without it (a table to
     *     predict on), label columns are not read at all, present or not: the data has no labels,
     *     and a series gives every window to forecast from, the last ones too, each at the line of
     *     its last row.
     */
    public LabeledData readData(CsvSource source, boolean requireLabel) throws java.io.IOException {
        if (source.isIdx()) {
            if (image == null) {
                throw new IllegalArgumentException("IDX data holds images, but model '" + name + "' declares no image");
            }
            return IdxReader.read(source, features, label, task, image, requireLabel);
        }
        CsvTable table = readTable(source, !requireLabel);
        return requireLabel ? LabeledData.read(table, source, features, label, task)
                : LabeledData.readFeatures(table, source, features, label, task);
    }

    /**
     * Whether a series model's input file with this header holds windows already (a column for
     * every step, {@code activity[t-1]}, {@code activity[t]}) rather than the series itself.
     */
    public boolean isWindowTable(List<String> header) {
        return series != null && features.stream().allMatch(f -> header.contains(f.column()));
    }

    /**
     * The samples of a data source as a table: its rows, or for a series its windows (columns
     * named as {@link #features()}, the label of each window's target row).
     */
    public CsvTable readTable(CsvSource source) throws java.io.IOException {
        return readTable(source, false);
    }

    /**
     * @param forecast for a series, every window to forecast from ({@link SeriesWindow#forecasts})
     *     instead of the labelled ones; a file that holds windows already is taken as it is
     */
    private CsvTable readTable(CsvSource source, boolean forecast) throws java.io.IOException {
        CsvTable table = CsvTable.read(source);
        if (series == null || forecast && isWindowTable(table.header())) {
            return table;
        }
        // the declared columns are parsed first, so a bad cell is reported at its own line
        if (forecast) {
            LabeledData.readFeatures(table, source, declaredFeatures, label, task);
        } else {
            LabeledData.read(table, source, declaredFeatures, label, task, false);
        }
        String orderBy = protocol.orderColumn();
        return forecast ? series.forecasts(table, orderBy, declaredFeatures)
                : series.apply(table, orderBy, declaredFeatures, label);
    }


    public LabelSchema label() {
        return label;
    }

    /** The evaluation protocol. */
    public EvaluationProtocol protocol() {
        return protocol;
    }

    public FitSettings fit() {
        return fit;
    }

    /** Early stopping, or null for none. */
    public EarlyStopping earlyStopping() {
        return earlyStopping;
    }

    /** The learning-rate schedule, or null to keep the optimizer's constant rate. */
    public LearningRate learningRate() {
        return learningRate;
    }

    /** Reduce-on-plateau, or null for none. */
    public ReduceOnPlateau plateau() {
        return plateau;
    }

    /** Label smoothing of classification training targets (0 for none). */
    public double labelSmoothing() {
        return labelSmoothing;
    }

    /** Binary classification: the positive-class probability at or above which the model says positive. */
    public double threshold() {
        return threshold;
    }

    /** Cases per which outcome counts are reported (false positives per 1000 cases, ...). */
    public int perCases() {
        return perCases;
    }

    /** Regression targets are standardized for training when the output is linear, and mapped back on prediction. */
    public boolean standardizeTargets() {
        return standardizeTargets;
    }

    /**
     * A new network with freshly initialized weights, for {@code numInputs} encoded inputs. A
     * definition with a {@link #transfer()} builds its network from the source (the training loop does).
     */
    public Network newNetwork(int numInputs, long seed) {
        if (transferFactory != null) {
            throw new IllegalStateException("Model '" + name + "' starts from a transfer source: its network is built "
                    + "with the source's weights by the trainer");
        }
        if (network != null) {
            var conf = network.configuration(numInputs, seed);
            if (wordVectors != null && wordVectors.freeze()) {
                io.kiln.runtime.internal.transfer.Frozen.wrap(conf, wordVectors.layer());
            }
            return Network.create(conf);
        }
        var conf = graph.configuration(numInputs, seed);
        if (wordVectors != null && wordVectors.freeze()) {
            io.kiln.runtime.internal.transfer.Frozen.wrap(conf, wordVectors.layer());
        }
        return Network.create(conf);
    }

    /** The pretrained word vectors an embedding layer starts from ({@code @Embedding(vectors)}), or null. */
    public WordVectors wordVectors() {
        return wordVectors;
    }

    /** The ensemble the deployed model is ({@code @Ensemble}), or null for one network. */
    public Ensemble ensemble() {
        return ensemble;
    }

    /** The teacher this model is distilled from ({@code @Distillation}), or null. */
    public Distillation distillation() {
        return distillation;
    }

    /** The search space declared by {@code @Search} (built when first asked for), or null when none is declared. */
    public SearchSpace search() {
        return search == null ? null : search.get();
    }

    /** The retraining policy of continuous learning ({@code @Retrain}), or null when none is declared. */
    public RetrainPolicy retrain() {
        return retrain;
    }

    /** The saved model training continues from, or null for random weights. */
    public WarmStart warmStart() {
        return warmStart;
    }

    /** The transfer the network starts from ({@code @Transfer}), or null for random weights. */
    public Transfer transfer() {
        return transfer;
    }

    /** The network of a transfer: the reused layers, then the declared ones. Null without a transfer. */
    public TransferFactory transferFactory() {
        return transferFactory;
    }

    /** The transfer source's model file (the declared one, or the source spec's under {@code models/}). */
    public java.nio.file.Path transferSourceFile() {
        return transfer.sourceFile(null);
    }

    /** This definition with its transfer source read from {@code file} (the {@code --source} option). */
    public ModelDefinition withTransferSource(java.nio.file.Path file) {
        if (transfer == null) {
            throw new IllegalArgumentException("Model '" + name + "' declares no @Transfer, so --source has nothing "
                    + "to name. Remove --source.");
        }
        Transfer.checkFileKind(file.toString());
        Builder b = copy();
        b.transfer = transfer.withFile(file);
        return b.build();
    }

    /** Number of output units. */
    public int numOutputs() {
        return switch (task) {
            case BINARY_CLASSIFICATION -> 1;
            case MULTICLASS_CLASSIFICATION, MULTILABEL_CLASSIFICATION -> label.classes().size();
            case SCALAR_REGRESSION, VECTOR_REGRESSION -> label.columns().size();
        };
    }

    public static final class Builder {
        private final String name;
        private final Task task;
        private Class<?> specClass;
        private String specText = "";
        private String layerTable = "";
        private CsvSource data;
        private CsvSource testData;
        private final List<FeatureSchema> features = new ArrayList<>();
        private final List<Placed> groups = new ArrayList<>();
        private SeriesWindow series;
        private int[] image;
        private ImageAugmentation augmentation;
        private LabelSchema label;
        private EvaluationProtocol protocol = new HoldoutProtocol(0.2, 0.2, true, true, false);
        private FitSettings fit = new FitSettings(100, 32, 42);
        private EarlyStopping earlyStopping;
        private LearningRate learningRate;
        private ReduceOnPlateau plateau;
        private double labelSmoothing;
        private double threshold = 0.5;
        private int perCases = 1000;
        private boolean outputIsIdentity = true;
        private ClassWeights classWeights;
        private ThresholdTuning tuneThreshold;
        private NetworkFactory network;
        private GraphFactory graph;
        private Transfer transfer;
        private TransferFactory transferFactory;
        private WordVectors wordVectors;
        private Ensemble ensemble;
        private Distillation distillation;
        private RetrainPolicy retrain;
        private java.util.function.Supplier<SearchSpace> search;
        private WarmStart warmStart;

        private Builder(String name, Task task) {
            this.name = Objects.requireNonNull(name);
            this.task = Objects.requireNonNull(task);
        }

        public Builder spec(Class<?> specClass, String specText) {
            this.specClass = specClass;
            this.specText = specText;
            return this;
        }

        public Builder layerTable(String table) {
            this.layerTable = Objects.requireNonNull(table);
            return this;
        }

        public Builder data(CsvSource data) {
            this.data = data;
            return this;
        }

        /** An official test set with the data's columns: the test rows, instead of a split of the data. */
        public Builder testData(CsvSource testData) {
            this.testData = testData;
            return this;
        }

        public Builder feature(FeatureSchema feature) {
            features.add(feature);
            return this;
        }

        /** Several features, in order (e.g. {@link ImagePixels#features}). */
        public Builder features(List<FeatureSchema> list) {
            features.addAll(list);
            return this;
        }

        /**
         * Many columns at once, found in the data's header when training reads it ({@link
         * #resolveColumns}); their features come after the features added so far.
         */
        public Builder features(FeatureGroup group) {
            groups.add(new Placed(features.size(), Objects.requireNonNull(group)));
            return this;
        }

        /** The features are the pixels of a {@code height × width × channels} image, channel by channel. */
        public Builder image(int height, int width, int channels) {
            this.image = new int[] {height, width, channels};
            return this;
        }

        /** Training batches of images are randomly transformed (needs {@link #image}). */
        public Builder augmentation(ImageAugmentation augmentation) {
            this.augmentation = augmentation;
            return this;
        }

        /** Samples are windows over the rows, ordered by the temporal split's column. */
        public Builder series(SeriesWindow series) {
            this.series = series;
            return this;
        }

        public Builder label(LabelSchema label) {
            this.label = label;
            return this;
        }

        public Builder protocol(EvaluationProtocol protocol) {
            this.protocol = Objects.requireNonNull(protocol);
            return this;
        }

        public Builder earlyStopping(EarlyStopping earlyStopping) {
            this.earlyStopping = earlyStopping;
            return this;
        }

        public Builder learningRate(LearningRate learningRate) {
            this.learningRate = learningRate;
            return this;
        }

        public Builder plateau(ReduceOnPlateau plateau) {
            this.plateau = plateau;
            return this;
        }

        public Builder labelSmoothing(double labelSmoothing) {
            this.labelSmoothing = labelSmoothing;
            return this;
        }

        public Builder threshold(double threshold) {
            this.threshold = threshold;
            return this;
        }

        public Builder perCases(int perCases) {
            this.perCases = perCases;
            return this;
        }

        public Builder fit(FitSettings fit) {
            this.fit = fit;
            return this;
        }

        /** Weighs each training row's loss by its class (null: every row weighs 1). */
        public Builder classWeights(ClassWeights weights) {
            this.classWeights = weights;
            return this;
        }

        /** Chooses the binary decision threshold on validation data (null: the declared threshold). */
        public Builder tuneThreshold(ThresholdTuning tuning) {
            this.tuneThreshold = tuning;
            return this;
        }

        public Builder outputActivationIsIdentity(boolean identity) {
            this.outputIsIdentity = identity;
            return this;
        }

        /** The network, a stack of layers. */
        public Builder network(NetworkFactory network) {
            this.network = network;
            return this;
        }

        /** The network, a graph (a spec with residual connections). */
        public Builder graph(GraphFactory graph) {
            this.graph = graph;
            return this;
        }

        /** Pretrained word vectors for an embedding layer (null: none). */
        public Builder wordVectors(WordVectors vectors) {
            this.wordVectors = vectors;
            return this;
        }

        /** The network, started from a trained source ({@code @Transfer}). */
        public Builder transfer(Transfer transfer, TransferFactory network) {
            this.transfer = java.util.Objects.requireNonNull(transfer);
            this.transferFactory = java.util.Objects.requireNonNull(network);
            return this;
        }

        /** The deployed model averages several networks ({@code @Ensemble}; null: one network). */
        public Builder ensemble(Ensemble ensemble) {
            this.ensemble = ensemble;
            return this;
        }

        /** Continuous learning retrains by this policy ({@code @Retrain}; null: none declared). */
        public Builder retrain(RetrainPolicy policy) {
            this.retrain = policy;
            return this;
        }

        /** The hyperparameter search of {@code @Search} (null: none declared). */
        public Builder search(java.util.function.Supplier<SearchSpace> space) {
            this.search = space;
            return this;
        }

        /** The student learns from a teacher too ({@code @Distillation}; null: from the labels alone). */
        public Builder distillation(Distillation distillation) {
            this.distillation = distillation;
            return this;
        }

        public ModelDefinition build() {
            return new ModelDefinition(this);
        }
    }
}
