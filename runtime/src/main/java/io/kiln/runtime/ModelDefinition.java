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
    private final NetworkFactory network;
    private final GraphFactory graph;

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
        this.series = b.series;
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
        if (image != null && (long) image[0] * image[1] * image[2] != declaredFeatures.size()) {
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
        if ((b.network == null) == (b.graph == null)) {
            throw new IllegalArgumentException("A model definition takes either a network or a graph factory");
        }
        this.network = b.network;
        this.graph = b.graph;
        if (features.isEmpty()) {
            throw new IllegalArgumentException("[kiln.no-features] Model '" + name + "' declares no features. Give it "
                    + "at least one feature.");
        }
    }

    /**
     * This definition evaluated by another protocol (e.g. to cross-validate a spec declared with a
     * holdout). Early stopping and reduce-on-plateau need the protocol to have validation data.
     */
    public ModelDefinition withProtocol(EvaluationProtocol other) {
        Builder b = new Builder(name, task);
        b.specClass = specClass;
        b.specText = specText;
        b.layerTable = layerTable;
        b.data = data;
        b.testData = testData;
        b.features.addAll(declaredFeatures);
        b.series = series;
        b.image = image;
        b.augmentation = augmentation;
        b.label = label;
        b.protocol = Objects.requireNonNull(other);
        b.fit = fit;
        b.earlyStopping = earlyStopping;
        b.learningRate = learningRate;
        b.plateau = plateau;
        b.labelSmoothing = labelSmoothing;
        b.threshold = threshold;
        b.perCases = perCases;
        b.outputIsIdentity = standardizeTargets;
        b.network = network;
        b.graph = graph;
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
        b.label = base.label;
        b.protocol = base.protocol;
        b.fit = base.fit;
        b.earlyStopping = stopping;
        b.threshold = base.threshold;
        b.perCases = base.perCases;
        b.outputIsIdentity = true;
        b.network = Objects.requireNonNull(other);
        return b.build();
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
        return features;
    }

    /** The features as the spec declares them (for a series, one per channel of each time step). */
    public List<FeatureSchema> declaredFeatures() {
        return declaredFeatures;
    }

    /** The windows over an ordered series, or null when each row is a sample. */
    public SeriesWindow series() {
        return series;
    }

    /** The image the features form, {@code {height, width, channels}}, or null when they are no image. */
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

    /** A new network with freshly initialized weights, for {@code numInputs} encoded inputs. */
    public Network newNetwork(int numInputs, long seed) {
        return network != null ? Network.create(network.configuration(numInputs, seed))
                : Network.create(graph.configuration(numInputs, seed));
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
        private NetworkFactory network;
        private GraphFactory graph;

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

        public ModelDefinition build() {
            return new ModelDefinition(this);
        }
    }
}
