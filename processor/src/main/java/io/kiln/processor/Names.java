package io.kiln.processor;

import com.palantir.javapoet.ClassName;

/** Types the generated code refers to. The processor never loads them: they are names only. */
final class Names {
    private Names() {}

    static final String RUNTIME = "io.kiln.runtime";
    static final ClassName MODEL_DEFINITION = ClassName.get(RUNTIME, "ModelDefinition");
    static final ClassName TRANSFER = ClassName.get(RUNTIME, "Transfer");
    static final ClassName ENSEMBLE = ClassName.get(RUNTIME, "Ensemble");
    static final ClassName DISTILLATION = ClassName.get(RUNTIME, "Distillation");
    static final ClassName MEMBERS = ClassName.get("io.kiln.dsl", "Members");
    static final ClassName SEARCH_SPACE = ClassName.get(RUNTIME, "SearchSpace");
    static final ClassName SEARCH_STRATEGY = ClassName.get("io.kiln.dsl", "SearchStrategy");
    static final ClassName RETRAIN_POLICY = ClassName.get(RUNTIME, "RetrainPolicy");
    static final ClassName RETRAIN_DATA = ClassName.get("io.kiln.dsl", "RetrainData");
    static final ClassName RETRAIN_LEVEL = ClassName.get("io.kiln.dsl", "RetrainLevel");
    static final ClassName WORD_VECTORS = ClassName.get(RUNTIME, "WordVectors");
    static final ClassName REUSED_LAYERS = ClassName.get(RUNTIME, "ReusedLayers");
    static final ClassName REUSE = ClassName.get("io.kiln.dsl", "Reuse");
    static final ClassName FEATURE_SCHEMA = ClassName.get(RUNTIME, "FeatureSchema");
    static final ClassName FEATURE_GROUP = ClassName.get(RUNTIME, "FeatureGroup");
    static final ClassName CLASS_WEIGHTS = ClassName.get(RUNTIME, "ClassWeights");
    static final ClassName THRESHOLD_TUNING = ClassName.get(RUNTIME, "ThresholdTuning");
    static final ClassName LABEL_SCHEMA = ClassName.get(RUNTIME, "LabelSchema");
    static final ClassName LABEL_CODING = ClassName.get(RUNTIME, "LabelCoding");
    static final ClassName CSV_SOURCE = ClassName.get(RUNTIME, "CsvSource");
    static final ClassName IMAGE_PIXELS = ClassName.get(RUNTIME, "ImagePixels");
    static final ClassName FEATURE_ROW = ClassName.get(RUNTIME, "FeatureRow");
    static final ClassName IMAGE_AUGMENTATION = ClassName.get(RUNTIME, "ImageAugmentation");
    static final ClassName HOLDOUT_PROTOCOL = ClassName.get(RUNTIME, "HoldoutProtocol");
    static final ClassName KFOLD_PROTOCOL = ClassName.get(RUNTIME, "KFoldProtocol");
    static final ClassName TEMPORAL_PROTOCOL = ClassName.get(RUNTIME, "TemporalProtocol");
    static final ClassName EARLY_STOPPING = ClassName.get(RUNTIME, "EarlyStopping");
    static final ClassName LEARNING_RATE = ClassName.get(RUNTIME, "LearningRate");
    static final ClassName REDUCE_ON_PLATEAU = ClassName.get(RUNTIME, "ReduceOnPlateau");
    static final ClassName FIT_SETTINGS = ClassName.get(RUNTIME, "FitSettings");
    static final ClassName TRAINER = ClassName.get(RUNTIME, "Trainer");
    static final ClassName TRAIN_OPTIONS = ClassName.get(RUNTIME, "TrainOptions");
    static final ClassName TRAINING_RESULT = ClassName.get(RUNTIME, "TrainingResult");
    static final ClassName KILN_MODEL = ClassName.get(RUNTIME, "KilnModel");
    static final ClassName PREDICTIONS = ClassName.get(RUNTIME, "Predictions");
    static final ClassName KILN_CLI = ClassName.get(RUNTIME + ".cli", "KilnCli");
    static final ClassName MOMENTUM = ClassName.get(RUNTIME, "Momentum");

    static final ClassName TASK = ClassName.get("io.kiln.dsl", "Task");
    static final ClassName SCALING = ClassName.get("io.kiln.dsl", "Scaling");
    static final ClassName MISSING = ClassName.get("io.kiln.dsl", "Missing");
    static final ClassName ENCODING = ClassName.get("io.kiln.dsl", "Encoding");
    static final ClassName METRIC = ClassName.get("io.kiln.dsl", "Metric");

    static final ClassName MULTI_LAYER_CONFIGURATION =
            ClassName.get("org.deeplearning4j.nn.conf", "MultiLayerConfiguration");
    static final ClassName COMPUTATION_GRAPH_CONFIGURATION =
            ClassName.get("org.deeplearning4j.nn.conf", "ComputationGraphConfiguration");
    static final ClassName ELEMENT_WISE_VERTEX = ClassName.get("org.deeplearning4j.nn.conf.graph", "ElementWiseVertex");
    static final ClassName PREPROCESSOR_VERTEX = ClassName.get("org.deeplearning4j.nn.conf.graph", "PreprocessorVertex");
    static final ClassName ACTIVATION_LAYER = ClassName.get("org.deeplearning4j.nn.conf.layers", "ActivationLayer");
    static final ClassName FEED_FORWARD_TO_CNN =
            ClassName.get("org.deeplearning4j.nn.conf.preprocessor", "FeedForwardToCnnPreProcessor");
    static final ClassName NEURAL_NET_CONFIGURATION =
            ClassName.get("org.deeplearning4j.nn.conf", "NeuralNetConfiguration");
    static final ClassName INPUT_TYPE = ClassName.get("org.deeplearning4j.nn.conf.inputs", "InputType");
    static final ClassName GRADIENT_NORMALIZATION =
            ClassName.get("org.deeplearning4j.nn.conf", "GradientNormalization");
    static final ClassName WEIGHT_INIT = ClassName.get("org.deeplearning4j.nn.weights", "WeightInit");
    static final ClassName DENSE_LAYER = ClassName.get("org.deeplearning4j.nn.conf.layers", "DenseLayer");
    static final ClassName DROPOUT_LAYER = ClassName.get("org.deeplearning4j.nn.conf.layers", "DropoutLayer");
    static final ClassName BATCH_NORMALIZATION =
            ClassName.get("org.deeplearning4j.nn.conf.layers", "BatchNormalization");
    static final ClassName CONVOLUTION_LAYER = ClassName.get("org.deeplearning4j.nn.conf.layers", "ConvolutionLayer");
    static final ClassName SEPARABLE_CONVOLUTION =
            ClassName.get("org.deeplearning4j.nn.conf.layers", "SeparableConvolution2D");
    static final ClassName SUBSAMPLING_LAYER = ClassName.get("org.deeplearning4j.nn.conf.layers", "SubsamplingLayer");
    static final ClassName GLOBAL_POOLING_LAYER =
            ClassName.get("org.deeplearning4j.nn.conf.layers", "GlobalPoolingLayer");
    static final ClassName POOLING_TYPE = ClassName.get("org.deeplearning4j.nn.conf.layers", "PoolingType");
    static final ClassName CONVOLUTION_MODE = ClassName.get("org.deeplearning4j.nn.conf", "ConvolutionMode");
    static final ClassName OUTPUT_LAYER = ClassName.get("org.deeplearning4j.nn.conf.layers", "OutputLayer");
    static final ClassName LSTM = ClassName.get("org.deeplearning4j.nn.conf.layers", "LSTM");
    static final ClassName SIMPLE_RNN = ClassName.get("org.deeplearning4j.nn.conf.layers.recurrent", "SimpleRnn");
    static final ClassName BIDIRECTIONAL = ClassName.get("org.deeplearning4j.nn.conf.layers.recurrent", "Bidirectional");
    static final ClassName LAST_TIME_STEP = ClassName.get("org.deeplearning4j.nn.conf.layers.recurrent", "LastTimeStep");
    static final ClassName CONVOLUTION_1D = ClassName.get("org.deeplearning4j.nn.conf.layers", "Convolution1DLayer");
    static final ClassName SUBSAMPLING_1D = ClassName.get("org.deeplearning4j.nn.conf.layers", "Subsampling1DLayer");
    static final ClassName SELF_ATTENTION = ClassName.get("org.deeplearning4j.nn.conf.layers", "SelfAttentionLayer");
    static final ClassName SEQUENCE_INPUT = ClassName.get(RUNTIME, "SequenceInput");
    static final ClassName RNN_TO_FEED_FORWARD =
            ClassName.get("org.deeplearning4j.nn.conf.preprocessor", "RnnToFeedForwardPreProcessor");
    static final ClassName TEXT_SETTINGS = ClassName.get(RUNTIME, "TextSettings");
    static final ClassName TEXT_ENCODING = ClassName.get("io.kiln.dsl", "TextEncoding");
    static final ClassName EMBEDDING_SEQUENCE =
            ClassName.get("org.deeplearning4j.nn.conf.layers", "EmbeddingSequenceLayer");
    static final ClassName SERIES_WINDOW = ClassName.get(RUNTIME, "SeriesWindow");
    static final ClassName ND4J_ACTIVATION = ClassName.get("org.nd4j.linalg.activations", "Activation");
    static final ClassName LOSS_FUNCTION =
            ClassName.get("org.nd4j.linalg.lossfunctions", "LossFunctions", "LossFunction");
    static final ClassName UPDATERS = ClassName.get("org.nd4j.linalg.learning.config", "IUpdater");

    static ClassName updater(String simpleName) {
        return ClassName.get("org.nd4j.linalg.learning.config", simpleName);
    }

    static final ClassName GENERATED = ClassName.get("javax.annotation.processing", "Generated");
    static final String DOCS = "Kiln generated code: see docs/generated-code.md";
}
