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
        AugmentModel augment) {

    /**
     * Whether the network is a graph rather than a stack of layers: some layer takes the output of
     * one other than the layer before it (a residual connection). DL4J: {@code ComputationGraph}.
     */
    boolean isGraph() {
        return layers.stream().anyMatch(l -> l.kind() == LayerKind.RESIDUAL);
    }

    /** Number of output units the task and label call for. */
    int outputUnits() {
        return label.outputUnits(task);
    }

    enum FeatureKind { NUMERIC, BOOLEAN, CATEGORICAL, TEXT }

    /** {@code text}: the settings of a {@code @Text} feature, null for the others. */
    record FeatureModel(String name, String column, FeatureKind kind, TypeMirror type, List<String> levels,
            Encoding encoding, Scaling scaling, Missing missing, String constant, TextModel text) {

        FeatureModel(String name, String column, FeatureKind kind, TypeMirror type, List<String> levels,
                Encoding encoding, Scaling scaling, Missing missing, String constant) {
            this(name, column, kind, type, levels, encoding, scaling, missing, constant, null);
        }

        /** Network inputs this feature takes, or -1 when only the fitted levels tell (one-hot). */
        long width() {
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

    enum LayerKind {
        DENSE, DROPOUT, BATCH_NORM, OUTPUT, CONV2D, SEPARABLE_CONV2D, POOL2D, GLOBAL_POOL, LSTM, SIMPLE_RNN, LAST_TIME_STEP, CONV1D,
        POOL1D, EMBEDDING, RESIDUAL, SELF_ATTENTION;

        /** Recurrent layers, which {@code @LastTimeStep} can follow. */
        boolean recurrent() {
            return this == LSTM || this == SIMPLE_RNN;
        }
    }

    /** The image the features form ({@code @Image}). */
    record ImageModel(int height, int width, int channels) {}

    /** The windows over an ordered series ({@code @Series}): {@code window} steps, the target {@code horizon} later. */
    record SeriesModel(int window, int horizon) {}

    /**
     * The window of a convolution or pooling layer, per dimension (height, width); {@code same}
     * pads so that the output is {@code ceil(in / stride)}; {@code causal} (1-D only) pads at the
     * start alone, with the same output length. Pooling has dilation 1. A 1-D window uses the
     * height values; its width values are 1.
     */
    record Window(int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int padHeight, int padWidth,
            int dilationHeight, int dilationWidth, boolean same, io.kiln.dsl.Pooling pooling, boolean causal) {

        Window(int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int padHeight, int padWidth,
                int dilationHeight, int dilationWidth, boolean same, io.kiln.dsl.Pooling pooling) {
            this(kernelHeight, kernelWidth, strideHeight, strideWidth, padHeight, padWidth, dilationHeight,
                    dilationWidth, same, pooling, false);
        }

        /** An output as long as {@code ceil(in / stride)}: {@code same} or {@code causal} padding. */
        boolean keepsLength() {
            return same || causal;
        }
    }

    /**
     * A layer as declared. {@code l1} and {@code l2} are the layer's own penalties, negative when it
     * inherits {@link RegularizationModel}'s; {@code labelSmoothing} is the output layer's;
     * {@code bidirectional} is a recurrent layer's; {@code depthMultiplier} a separable convolution's;
     * {@code from} the layer (or {@value #INPUT}) whose output a residual connection adds;
     * {@code attention} a self-attention layer's heads ({@code units} 0: as many as its input has).
     */
    record LayerModel(String name, LayerKind kind, int units, Activation activation, Loss loss, double rate,
            double decay, double epsilon, double l1, double l2, double labelSmoothing, Window window,
            boolean bidirectional, int depthMultiplier, String from, AttentionModel attention) {

        /** The input of the network, as a residual connection's {@code from} names it. */
        static final String INPUT = "input";

        LayerModel(String name, LayerKind kind, int units, Activation activation, Loss loss, double rate,
                double decay, double epsilon, double l1, double l2, double labelSmoothing, Window window,
                boolean bidirectional, int depthMultiplier, String from) {
            this(name, kind, units, activation, loss, rate, decay, epsilon, l1, l2, labelSmoothing, window,
                    bidirectional, depthMultiplier, from, null);
        }

        LayerModel(String name, LayerKind kind, int units, Activation activation, Loss loss, double rate,
                double decay, double epsilon, double l1, double l2, double labelSmoothing, Window window,
                boolean bidirectional, int depthMultiplier) {
            this(name, kind, units, activation, loss, rate, decay, epsilon, l1, l2, labelSmoothing, window,
                    bidirectional, depthMultiplier, null);
        }

        LayerModel(String name, LayerKind kind, int units, Activation activation, Loss loss, double rate,
                double decay, double epsilon, double l1, double l2, double labelSmoothing, Window window,
                boolean bidirectional) {
            this(name, kind, units, activation, loss, rate, decay, epsilon, l1, l2, labelSmoothing, window,
                    bidirectional, 1);
        }

        LayerModel(String name, LayerKind kind, int units, Activation activation, Loss loss, double rate,
                double decay, double epsilon, double l1, double l2, double labelSmoothing) {
            this(name, kind, units, activation, loss, rate, decay, epsilon, l1, l2, labelSmoothing, null, false);
        }

        LayerModel(String name, LayerKind kind, int units, Activation activation, Loss loss, double rate,
                double decay, double epsilon, double l1, double l2, double labelSmoothing, Window window) {
            this(name, kind, units, activation, loss, rate, decay, epsilon, l1, l2, labelSmoothing, window, false);
        }

        /** The heads of a self-attention layer; {@code headSize} 0: units / heads. */
        record AttentionModel(int heads, int headSize) {}

        /** Layers with weights that l1 and l2 penalize. */
        boolean hasWeights() {
            return switch (kind) {
                case DENSE, OUTPUT, CONV2D, SEPARABLE_CONV2D, CONV1D, LSTM, SIMPLE_RNN, EMBEDDING -> true;
                default -> false;
            };
        }
    }

    enum OptimizerKind { SGD, MOMENTUM, NESTEROV, ADAM, ADAMW, RMSPROP, ADAGRAD }

    record OptimizerModel(OptimizerKind kind, double learningRate, double momentum, double beta1, double beta2,
            double epsilon, double decay, double weightDecay) {}

    record FitModel(int epochs, int batchSize, long seed) {}

    /** The evaluation protocol: one of {@link HoldoutModel}, {@link KFoldModel}, {@link TemporalModel}. */
    sealed interface ProtocolModel permits HoldoutModel, KFoldModel, TemporalModel {
        /** Whether rows are set aside for validation during training. */
        boolean hasValidation();
    }

    record HoldoutModel(double validation, double test, boolean stratified, boolean shuffle, boolean retrain)
            implements ProtocolModel {
        @Override
        public boolean hasValidation() {
            return validation > 0;
        }
    }

    record KFoldModel(int k, int repeats, boolean stratified, boolean shuffle, double test) implements ProtocolModel {
        @Override
        public boolean hasValidation() {
            return true;
        }
    }

    record TemporalModel(String orderBy, double validation, double test) implements ProtocolModel {
        @Override
        public boolean hasValidation() {
            return validation > 0;
        }
    }

    /**
     * Global weight penalties. {@code weightDecay} is the decoupled decay in effect, from
     * {@code @Regularization} or {@code @AdamW}; 0 for none.
     */
    record RegularizationModel(double l1, double l2, double weightDecay) {}

    /** Gradient clipping: exactly one of {@code norm} and {@code value} is positive. */
    record ClippingModel(double norm, double value) {}

    record EarlyStoppingModel(Metric monitor, int patience, double minDelta, boolean restoreBest) {}

    enum ScheduleKind { CONSTANT, STEP, EXPONENTIAL, COSINE, ONE_CYCLE }

    /**
     * The learning-rate schedule, starting at the optimizer's learning rate; CONSTANT when only
     * {@code @Warmup} is declared. {@code warmupEpochs} is 0 without warm-up.
     */
    record ScheduleModel(ScheduleKind kind, int every, double factor, double minimum, double maximum, double rise,
            int warmupEpochs) {}

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
            String testFile) {}
}
