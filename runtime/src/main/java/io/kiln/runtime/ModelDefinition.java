package io.kiln.runtime;

import io.kiln.dsl.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A model spec as the runtime reads it: generated as {@code <Name>Trainer.DEFINITION} from the
 * annotated class, or built by hand with {@link #builder}.
 */
public final class ModelDefinition {
    private final String name;
    private final Task task;
    private final Class<?> specClass;
    private final String specText;
    private final CsvSource data;
    private final List<FeatureSchema> features;
    private final LabelSchema label;
    private final HoldoutProtocol holdout;
    private final FitSettings fit;
    private final boolean standardizeTargets;
    private final NetworkFactory network;

    private ModelDefinition(Builder b) {
        this.name = b.name;
        this.task = b.task;
        this.specClass = b.specClass;
        this.specText = b.specText;
        this.data = b.data;
        this.features = List.copyOf(b.features);
        this.label = Objects.requireNonNull(b.label, "label");
        this.holdout = b.holdout;
        this.fit = b.fit;
        this.standardizeTargets = !task.isClassification() && b.outputIsIdentity;
        this.network = Objects.requireNonNull(b.network, "network");
        if (features.isEmpty()) {
            throw new IllegalArgumentException("A model needs at least one feature");
        }
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

    /** The declared data source, or null if the spec declares none. */
    public CsvSource data() {
        return data;
    }

    public List<FeatureSchema> features() {
        return features;
    }

    public LabelSchema label() {
        return label;
    }

    public HoldoutProtocol holdout() {
        return holdout;
    }

    public FitSettings fit() {
        return fit;
    }

    /** Regression targets are standardized for training when the output is linear, and mapped back on prediction. */
    public boolean standardizeTargets() {
        return standardizeTargets;
    }

    public NetworkFactory network() {
        return network;
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
        private CsvSource data;
        private final List<FeatureSchema> features = new ArrayList<>();
        private LabelSchema label;
        private HoldoutProtocol holdout = new HoldoutProtocol(0.2, 0.2, true, true);
        private FitSettings fit = new FitSettings(100, 32, 42);
        private boolean outputIsIdentity = true;
        private NetworkFactory network;

        private Builder(String name, Task task) {
            this.name = Objects.requireNonNull(name);
            this.task = Objects.requireNonNull(task);
        }

        public Builder spec(Class<?> specClass, String specText) {
            this.specClass = specClass;
            this.specText = specText;
            return this;
        }

        public Builder data(CsvSource data) {
            this.data = data;
            return this;
        }

        public Builder feature(FeatureSchema feature) {
            features.add(feature);
            return this;
        }

        public Builder label(LabelSchema label) {
            this.label = label;
            return this;
        }

        public Builder holdout(HoldoutProtocol holdout) {
            this.holdout = holdout;
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

        public Builder network(NetworkFactory network) {
            this.network = network;
            return this;
        }

        public ModelDefinition build() {
            return new ModelDefinition(this);
        }
    }
}
