package io.kiln.processor;

import io.kiln.dsl.Activation;
import io.kiln.dsl.Encoding;
import io.kiln.dsl.Loss;
import io.kiln.dsl.Metric;
import io.kiln.dsl.Missing;
import io.kiln.dsl.Scaling;
import io.kiln.dsl.Task;
import io.kiln.dsl.TextEncoding;
import java.util.List;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.TypeMirror;

/** A validated spec, with every default resolved. Generators read only this. */
record SpecModel(
        TypeElement type,
        String packageName,
        String simpleName,
        String modelName,
        Task task,
        DataModel data,
        List<FeatureModel> features,
        LabelModel label,
        List<LayerModel> layers,
        Shapes.Result shapes,
        OptimizerModel optimizer,
        FitModel fit,
        ProtocolModel protocol,
        RegularizationModel regularization,
        ClippingModel clipping,
        EarlyStoppingModel earlyStopping,
        ScheduleModel schedule,
        PlateauModel plateau,
        int perCases,
        ImageModel image,
        SeriesModel series,
        IdxModel idx,
        AugmentModel augment,
        double[] classWeights,
        ThresholdModel tuneThreshold,
        TransferModel transfer,
        EnsembleModel ensemble,
        DistillationModel distillation,
        RetrainModel retrain) {

    /**
     * Whether the network is a graph rather than a stack of layers: some layer takes the output of
     * one other than the layer before it (a residual connection). DL4J: {@code ComputationGraph}.
     */
    boolean isGraph() {
        return layers.stream().anyMatch(LayerModel::needsGraph);
    }

    /** How many of {@link #layers()} come from a transfer source (0 without one, or for a file source). */
    int reusedCount() {
        return transfer == null ? 0 : transfer.reused().size();
    }

    /** The output layer, the last one. */
    OutputLayer output() {
        return (OutputLayer) layers.get(layers.size() - 1);
    }

    /** Number of output units the task and label call for. */
    int outputUnits() {
        return label.outputUnits(task);
    }

    enum FeatureKind { NUMERIC, BOOLEAN, CATEGORICAL, TEXT }

    /**
     * A feature, or with {@code columns} a group of them ({@code @Features}: {@code type} is then the
     * field's array type, {@code kind} and the settings are every column's, {@code column} is empty).
     * {@code text}: the settings of a {@code @Text} feature, null for the others.
     */
    record FeatureModel(String name, String column, FeatureKind kind, TypeMirror type, List<String> levels,
            Encoding encoding, Scaling scaling, Missing missing, String constant, TextModel text,
            ColumnsModel columns) {

        FeatureModel(String name, String column, FeatureKind kind, TypeMirror type, List<String> levels,
                Encoding encoding, Scaling scaling, Missing missing, String constant) {
            this(name, column, kind, type, levels, encoding, scaling, missing, constant, null, null);
        }

        boolean isGroup() {
            return columns != null;
        }

        /** This group with a count fixed (by an image's pixel count). */
        FeatureModel withCount(int count) {
            return new FeatureModel(name, column, kind, type, levels, encoding, scaling, missing, constant, text,
                    new ColumnsModel(columns.matching(), columns.from(), columns.to(), columns.every(), count));
        }

        /**
         * Network inputs this feature takes (a group: all its columns), or -1 when only the data
         * tell (one-hot levels learnt, or a group's column count found in the header).
         */
        long width() {
            if (columns != null) {
                long each = columnWidth();
                return columns.count() == 0 || each < 0 ? -1 : columns.count() * each;
            }
            return columnWidth();
        }

        private long columnWidth() {
            if (kind == FeatureKind.TEXT) {
                return text.encoding() == TextEncoding.TOKENS ? text.maxTokens() : text.vocabulary();
            }
            if (kind != FeatureKind.CATEGORICAL || encoding != Encoding.ONE_HOT) {
                return 1;
            }
            if (levels.isEmpty()) {
                return -1; // learnt from the training rows
            }
            // as the runtime's Preprocessor lays the columns out: the levels, then a constant fill that is
            // not one of them, then the "missing" category
            long width = levels.size();
            if (missing == Missing.CONSTANT && !levels.contains(constant)) {
                width++;
            }
            return missing == Missing.MISSING_CATEGORY ? width + 1 : width;
        }
    }

    /**
     * The selection of a {@code @Features} group: a name pattern, a range of the header, a step and
     * the columns expected (0: any number). Resolved against the data's header at run time.
     */
    record ColumnsModel(String matching, String from, String to, int every, int count) {
        boolean takesTheRest() {
            return matching.isEmpty() && from.isEmpty() && to.isEmpty();
        }
    }

    /** A {@code @Text} feature: tokens kept, vocabulary size, case folding, encoding. */
    record TextModel(int maxTokens, int vocabulary, boolean lowercase, TextEncoding encoding) {}

    /** How label values are written in the data. */
    enum LabelCoding { BOOLEAN, INDEX, NAME, MULTI_HOT, VALUES }

    /** {@code threshold}: the binary decision threshold (0.5 unless declared). */
    record LabelModel(String name, TypeMirror type, LabelCoding coding, List<String> columns,
            List<String> classes, double threshold) {
        int outputUnits(Task task) {
            return switch (task) {
                case BINARY_CLASSIFICATION -> 1;
                case MULTICLASS_CLASSIFICATION, MULTILABEL_CLASSIFICATION -> classes.size();
                case SCALAR_REGRESSION, VECTOR_REGRESSION -> columns.size();
            };
        }
    }

    /** The image the features form ({@code @Image}). */
    record ImageModel(int height, int width, int channels) {}

    /** The windows over an ordered series ({@code @Series}): {@code window} steps, the target {@code horizon} later. */
    record SeriesModel(int window, int horizon) {}

    record FitModel(int epochs, int batchSize, long seed) {}

    /**
     * {@code @TuneThreshold}: the metric to maximize, or (metric null) the two costs whose total is
     * minimized.
     */
    record ThresholdModel(Metric metric, double falsePositiveCost, double falseNegativeCost) {}

    /**
     * Global weight penalties. {@code weightDecay} is the decoupled decay in effect, from
     * {@code @Regularization} or {@code @AdamW}; 0 for none.
     */
    record RegularizationModel(double l1, double l2, double weightDecay) {}

    /** Gradient clipping: exactly one of {@code norm} and {@code value} is positive. */
    record ClippingModel(double norm, double value) {}

    record EarlyStoppingModel(Metric monitor, int patience, double minDelta, boolean restoreBest) {}

    record PlateauModel(Metric monitor, double factor, int patience, double minDelta, double minLearningRate) {}

    /** Training-time image transforms ({@code @Augment}): rotation in degrees, shift as a fraction. */
    record AugmentModel(boolean flipHorizontal, boolean flipVertical, double shift, double rotation, double noise) {}

    /**
     * IDX files of images and labels ({@code @IdxData}); the test pair is empty when not declared.
     * The spec's features are then the image's pixels.
     */
    record IdxModel(String images, String labels, String testImages, String testLabels) {}

    /** The declared data source, or null when the program must be given one at run time. */
    record DataModel(String resource, String file, boolean header, char delimiter, List<String> missingValues,
            String testFile, String testResource) {
        /** Whether an official test set is declared (a file or a resource). */
        boolean hasTestSet() {
            return !testFile.isEmpty() || !testResource.isEmpty();
        }
    }

    /** {@code @Ensemble}: the networks averaged, and (seeds) how many. */
    record EnsembleModel(io.kiln.dsl.Members members, int seeds) {}

    /** {@code @Retrain}, every attribute resolved. */
    record RetrainModel(int everyRows, double driftPsi, int driftRows, double metricDrop, io.kiln.dsl.RetrainData data,
            int window, String span, double halfLife, double replay, io.kiln.dsl.RetrainLevel level, int trainTop, double l2sp,
            int epochs, int accept, double margin, int retain, boolean refitPreprocessing) {}

    /**
     * {@code @Distillation}: a teacher spec (its package and generated name prefix, whose trainer's
     * definition the generated code names) or a teacher file, and the loss's temperature and blend.
     */
    record DistillationModel(String teacherClass, String teacherPackage, String teacherPrefix, String file, double temperature,
            double alpha, boolean compare) {}

    /**
     * {@code @Transfer}: the source (a spec: {@code sourceSpec} its class, {@code sourceName} its model
     * name; or a {@code file}), and how the reused layers train. {@code reused} are a spec source's
     * reused layers, which come first in {@link SpecModel#layers()}; empty for a file source, whose
     * layers the runtime reads.
     */
    record TransferModel(String sourceSpec, String sourceSimpleName, String sourceName, String file, String upTo,
            io.kiln.dsl.Reuse reuse, int unfreezeEvery, double learningRate, double rateFactor,
            java.util.Map<String, Double> rates, boolean keepOutput, boolean refitPreprocessing, double l2sp,
            List<LayerModel> reused) {

        /** The source in words. */
        String describe() {
            return sourceSpec != null ? sourceSimpleName : "file " + file;
        }

        /** Whether reused layer {@code i} is frozen when training starts. */
        boolean frozenAtStart() {
            return reuse != io.kiln.dsl.Reuse.FINE_TUNE;
        }
    }
}
