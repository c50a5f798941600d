package io.kiln.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static io.kiln.processor.KilnTesting.assertAccepted;
import static io.kiln.processor.KilnTesting.assertOnlyError;
import static io.kiln.processor.KilnTesting.assertOnlyErrorAt;
import static io.kiln.processor.KilnTesting.compile;
import static io.kiln.processor.KilnTesting.generated;
import static io.kiln.processor.KilnTesting.kilnErrors;
import static io.kiln.processor.KilnTesting.spec;

import com.google.testing.compile.Compilation;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Series inputs, recurrent and 1-D layers: compile-time shape inference rejects each impossible
 * network at the layer that breaks it. DL4J builds most of these and then applies a dense layer
 * to every time step, reads tabular rows as sequences of length 1, or fails at the first batch.
 */
class SequenceValidationTest {

    /** A forecaster over {@code window} steps of two series, with the class annotations and layer lines. */
    private static JavaFileObject series(String classAnnotations, String... layers) {
        List<String> lines = new ArrayList<>();
        lines.add("@Model(task = Task.SCALAR_REGRESSION)");
        lines.addAll(List.of(classAnnotations.split("\n")));
        lines.add("class Forecast {");
        lines.add("    @Feature double level;");
        lines.add("    @Feature double rate;");
        lines.add("    @Label(column = \"level\") double next;");
        lines.addAll(List.of(layers));
        lines.add("    @Output Layer out;");
        lines.add("}");
        return spec("Forecast", lines.toArray(String[]::new));
    }

    private static final String SERIES = "@Series(window = 12)\n@TemporalSplit(orderBy = \"day\")";

    // ------------------------------------------------------------------ impossible networks

    @Test
    void denseAfterARecurrentLayerWithoutLastStepIsRejectedAtTheDenseLayer() {
        JavaFileObject spec = series(SERIES, "    @Lstm(units = 16) Layer lstm;", "    @Dense(units = 8) Layer hidden;");
        assertOnlyErrorAt(spec, Message.SEQUENCE_BEFORE_VECTOR_LAYER.format("Dense", "hidden",
                "the output of 'lstm' before it (@Lstm)", 12, 16, "hidden"), "Layer hidden");
    }

    @Test
    void outputDirectlyAfterARecurrentLayerIsRejectedAtTheOutput() {
        JavaFileObject spec = series(SERIES, "    @SimpleRnn(units = 4, bidirectional = true) Layer rnn;");
        assertOnlyErrorAt(spec, Message.SEQUENCE_BEFORE_VECTOR_LAYER.format("Output", "out",
                "the output of 'rnn' before it (@SimpleRnn)", 12, 8, "out"), "Layer out");
    }

    @Test
    void denseOnTheSeriesInputItselfIsRejected() {
        JavaFileObject spec = series(SERIES, "    @Dense(units = 8) Layer hidden;");
        assertOnlyErrorAt(spec, Message.SEQUENCE_BEFORE_VECTOR_LAYER.format("Dense", "hidden", "its input (@Series)",
                12, 2, "hidden"), "Layer hidden");
    }

    @Test
    void batchNormAfterAnLstmIsRejected() {
        // DL4J M2.1 fails at the first forward pass: "input.size(1) does not match"
        JavaFileObject spec = series(SERIES, "    @Lstm(units = 16) Layer lstm;", "    @BatchNorm Layer norm;",
                "    @LastTimeStep Layer last;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining(Message.SEQUENCE_BEFORE_VECTOR_LAYER.format("BatchNorm", "norm",
                "the output of 'lstm' before it (@Lstm)", 12, 16, "norm")).inFile(spec).onLineContaining("Layer norm");
        // and the step after it is no longer a recurrent layer's
        assertThat(c).hadErrorContaining(Message.LAST_STEP_NEEDS_RECURRENT.format("last",
                "'norm' before it is @BatchNorm")).inFile(spec).onLineContaining("Layer last");
        assertThat(kilnErrors(c)).hasSize(2);
    }

    @Test
    void aRecurrentLayerOnTabularFeaturesIsRejected() {
        // DL4J would read each row as a sequence of length 1 and train without complaint
        JavaFileObject spec = spec("Tabular", "@Model(task = Task.SCALAR_REGRESSION)", "class Tabular {",
                "    @Feature double level;", "    @Feature double rate;", "    @Label double next;",
                "    @Lstm(units = 16) Layer lstm;", "    @LastTimeStep Layer last;", "    @Output Layer out;", "}");
        assertOnlyErrorAt(spec, Message.NEEDS_SEQUENCE.format("Lstm", "lstm", "a flat vector"), "Layer lstm");
    }

    @Test
    void aRecurrentLayerAfterTheSequenceIsCollapsedIsRejected() {
        JavaFileObject spec = series(SERIES, "    @Lstm(units = 16) Layer lstm;", "    @LastTimeStep Layer last;",
                "    @Lstm(units = 8) Layer second;", "    @GlobalPool Layer pool;");
        // one mistake, one error: the pooling after it is checked as if 'second' had output a sequence
        assertOnlyErrorAt(spec, Message.VECTOR_BEFORE_SEQUENCE_LAYER.format("Lstm", "second", "last", "LastTimeStep",
                "16"), "Layer second");
    }

    @Test
    void lastTimeStepAfterAConvolutionIsRejected() {
        JavaFileObject spec = series(SERIES, "    @Conv1D(filters = 8) Layer conv;", "    @LastTimeStep Layer last;");
        assertOnlyErrorAt(spec, Message.LAST_STEP_NEEDS_RECURRENT.format("last", "'conv' before it is @Conv1D"),
                "Layer last");
    }

    @Test
    void globalPoolingOnAVectorIsRejected() {
        JavaFileObject spec = series(SERIES, "    @Lstm(units = 16) Layer lstm;", "    @LastTimeStep Layer last;",
                "    @GlobalPool Layer pool;");
        assertOnlyErrorAt(spec, Message.GLOBAL_POOL_FLAT.format("pool", " of 16 values"), "Layer pool");
    }

    @Test
    void lastTimeStepAsTheFirstLayerIsRejected() {
        JavaFileObject spec = series(SERIES, "    @LastTimeStep Layer last;");
        assertOnlyErrorAt(spec, Message.LAST_STEP_NEEDS_RECURRENT.format("last", "it is the first layer"),
                "Layer last");
    }

    @Test
    void aConvolutionKernelLongerThanTheWindowIsRejected() {
        JavaFileObject spec = series(SERIES, "    @Conv1D(filters = 8, kernel = 13) Layer conv;",
                "    @GlobalPool Layer pool;");
        assertOnlyErrorAt(spec, Message.KERNEL_TOO_LARGE.format("Conv1D", "conv", "12 x 2", "kernel of 13", "length",
                12, 0, "Use a kernel at most 12, padding = 1, or same = true (output 12). Earlier layers' strides and "
                        + "pooling may have shortened the sequence, or the @Series window is too short."),
                "kernel = 13");
    }

    @Test
    void poolingThatShortensTheSequenceTooFarIsRejectedAtTheLayerThatNoLongerFits() {
        // 12 steps: conv k3 -> 10, pool 2 -> 5, pool 2 -> 2, then a dilated kernel spanning 5
        JavaFileObject spec = series(SERIES, "    @Conv1D(filters = 8) Layer conv;", "    @Pool1D Layer pool1;",
                "    @Pool1D Layer pool2;", "    @Conv1D(filters = 8, dilation = 2) Layer wide;",
                "    @GlobalPool Layer pool;");
        Compilation c = compile(spec);
        assertThat(c).hadErrorContaining("@Conv1D 'wide' cannot run on its 2 x 8 input: its kernel of 3 with "
                + "dilation 2 (5 wide) is larger than the length of 2").inFile(spec).onLineContaining("Layer wide");
        assertOnlyError(c);
    }

    @Test
    void imageLayersOnASeriesAndSequenceLayersOnAnImageAreRejected() {
        assertOnlyErrorAt(series(SERIES, "    @Conv2D(filters = 4) Layer conv;", "    @GlobalPool Layer pool;"),
                Message.NEEDS_IMAGE.format("Conv2D", "conv", "a sequence (@Series)"), "Layer conv");
        List<String> lines = new ArrayList<>(List.of("@Model(task = Task.SCALAR_REGRESSION)",
                "@Image(height = 2, width = 2)", "class Pixels {"));
        for (int i = 0; i < 4; i++) {
            lines.add("    @Feature double p" + i + ";");
        }
        lines.addAll(List.of("    @Label double y;", "    @Conv1D(filters = 4) Layer conv;", "    @GlobalPool Layer pool;",
                "    @Output Layer out;", "}"));
        JavaFileObject image = spec("Pixels", lines.toArray(String[]::new));
        assertOnlyErrorAt(image, Message.NEEDS_SEQUENCE.format("Conv1D", "conv", "an image (@Image)"), "Layer conv");
    }

    // ------------------------------------------------------------------ the declarations themselves

    @Test
    void aSeriesNeedsATemporalSplit() {
        JavaFileObject holdout = series("@Series(window = 12)\n@Holdout(test = 0.2)", "    @Lstm(units = 4) Layer lstm;",
                "    @LastTimeStep Layer last;");
        assertOnlyErrorAt(holdout, Message.SERIES_NEEDS_TEMPORAL.format("@Holdout"), "@Series");
        JavaFileObject none = series("@Series(window = 12)", "    @Lstm(units = 4) Layer lstm;",
                "    @LastTimeStep Layer last;");
        assertOnlyErrorAt(none, Message.SERIES_NEEDS_TEMPORAL.format("the default shuffled holdout"), "@Series");
    }

    @Test
    void seriesWindowAndHorizonMustBePositive() {
        assertOnlyErrorAt(series("@Series(window = 0)\n@TemporalSplit(orderBy = \"day\")",
                "    @Lstm(units = 4) Layer lstm;", "    @LastTimeStep Layer last;"),
                Message.SERIES_WINDOW.format("window", 0, "window = 20"), "@Series");
        assertOnlyErrorAt(series("@Series(window = 4, horizon = -1)\n@TemporalSplit(orderBy = \"day\")",
                "    @Lstm(units = 4) Layer lstm;", "    @LastTimeStep Layer last;"),
                Message.SERIES_WINDOW.format("horizon", -1, "horizon = 1 (the default)"), "@Series");
    }

    @Test
    void seriesFeaturesMustBeNumeric() {
        JavaFileObject spec = spec("Weather", "@Model(task = Task.SCALAR_REGRESSION)", "@Series(window = 7)",
                "@TemporalSplit(orderBy = \"day\")", "class Weather {", "    @Feature double temperature;",
                "    @Feature String sky;", "    @Label(column = \"temperature\") double next;",
                "    @Lstm(units = 4) Layer lstm;", "    @LastTimeStep Layer last;", "    @Output Layer out;", "}");
        assertOnlyErrorAt(spec, Message.SERIES_FEATURE.format("sky", "categorical"), "String sky");
    }

    @Test
    void seriesAndImageCannotBothDeclareTheInput() {
        JavaFileObject spec = spec("Both", "@Model(task = Task.SCALAR_REGRESSION)", "@Image(height = 1, width = 2)",
                "@Series(window = 3)", "@TemporalSplit(orderBy = \"day\")", "class Both {", "    @Feature double a;",
                "    @Feature double b;", "    @Label(column = \"a\") double next;", "    @Output Layer out;", "}");
        assertOnlyErrorAt(spec, Message.INPUT_CONFLICT.format(), "@Series");
    }

    @Test
    void causalConvolutionTakesNeitherPaddingNorSame() {
        assertOnlyErrorAt(series(SERIES, "    @Conv1D(filters = 4, causal = true, padding = 1) Layer conv;",
                "    @GlobalPool Layer pool;"), Message.SAME_WITH_PADDING.format("Conv1D", "causal"), "padding = 1");
        assertOnlyErrorAt(series(SERIES, "    @Conv1D(filters = 4, causal = true, same = true) Layer conv;",
                "    @GlobalPool Layer pool;"), Message.CAUSAL_WITH_SAME.format("conv"), "same = true");
    }

    @Test
    void recurrentUnitsAndWindowSizesMustBePositive() {
        assertOnlyErrorAt(series(SERIES, "    @Lstm(units = 0) Layer lstm;", "    @LastTimeStep Layer last;"),
                Message.UNITS_POSITIVE.format(0), "units = 0");
        assertOnlyErrorAt(series(SERIES, "    @Conv1D(filters = 4, stride = 0) Layer conv;", "    @GlobalPool Layer pool;"),
                Message.WINDOW_VALUE.format("stride", "Conv1D", "positive", 0, "stride = 1 (the default)"), "stride = 0");
        assertOnlyErrorAt(series(SERIES, "    @Pool1D(kernel = -2) Layer pool1;", "    @GlobalPool Layer pool;"),
                Message.WINDOW_VALUE.format("kernel", "Pool1D", "positive", -2, "kernel = 2 (the default)"), "kernel = -2");
    }

    @Test
    void withoutSeriesALabelCannotReadAFeaturesColumn() {
        JavaFileObject spec = spec("Same", "@Model(task = Task.SCALAR_REGRESSION)", "class Same {",
                "    @Feature double level;", "    @Label(column = \"level\") double next;", "    @Output Layer out;", "}");
        assertOnlyErrorAt(spec, Message.DUPLICATE_COLUMN.format("level", "level"), "double next");
    }

    // ------------------------------------------------------------------ what is generated

    @Test
    void aRecurrentAndConvolutionalSeriesNetworkIsGeneratedWithItsLayerTable() {
        JavaFileObject spec = series(SERIES, "    @Conv1D(filters = 8, kernel = 3, causal = true) Layer conv;",
                "    @Pool1D Layer pool1;", "    @Lstm(units = 16, bidirectional = true) Layer lstm;",
                "    @SimpleRnn(units = 4) Layer rnn;", "    @LastTimeStep Layer last;", "    @Dense(units = 8) Layer hidden;");
        Compilation c = compile(spec);
        assertAccepted(c, "test.Forecast");
        String network = generated(c, "test.ForecastNetwork");
        assertThat(network).contains(".inputPreProcessor(0, new SequenceInput(2, 12))");
        assertThat(network).contains(".setInputType(InputType.feedForward(24))");
        assertThat(network).contains("new Convolution1DLayer.Builder(3, 1, 0).name(\"conv\").nOut(8).dilation(1)"
                + ".convolutionMode(ConvolutionMode.Causal).activation(Activation.RELU)");
        assertThat(network).contains("new Subsampling1DLayer.Builder(PoolingType.MAX).kernelSize(2).stride(2).name(\"pool1\")");
        assertThat(network).contains("new Bidirectional(Bidirectional.Mode.CONCAT, new LSTM.Builder().name(\"lstm\")"
                + ".nOut(16).activation(Activation.TANH).build())");
        // the last-step wrapper is written around the recurrent layer it follows
        assertThat(network).contains(".layer(new LastTimeStep(new SimpleRnn.Builder().name(\"rnn\").nOut(4)"
                + ".activation(Activation.TANH).build()))");
        // conv (3*2+1)*8 = 56; 12 -> 6 steps; BiLSTM 2*4*(8*16+16*16+16) = 3200; SimpleRnn 32*4+16+4 = 148;
        // dense 4*8+8 = 40; output 8+1 = 9
        assertThat(network).contains("(input) Series 12 x 2");
        assertThat(network).contains("conv Conv1D 12 x 8 56 3, stride 1, causal, RELU");
        assertThat(network).contains("pool1 Pool1D 6 x 8 0 MAX 2, stride 2");
        assertThat(network).contains("lstm Lstm 6 x 32 3,200 TANH, bidirectional");
        assertThat(network).contains("rnn SimpleRnn 6 x 4 148 TANH");
        assertThat(network).contains("last LastTimeStep 4 0");
        assertThat(network).contains("total params: 3,453");
        String predictor = generated(c, "test.ForecastPredictor");
        assertThat(predictor).contains("public record Input(double[] level, double[] rate)");
        // the step names (level[t-11] ... rate[t]) are the runtime's SeriesWindow.names, tested there
        assertThat(predictor).contains("FEATURES = SERIES.names(SERIES_FEATURES)");
        assertThat(predictor).contains("SERIES_FEATURES = List.of(\"level\", \"rate\")");
        assertThat(generated(c, "test.ForecastTrainer")).contains(".series(new SeriesWindow(12, 1))");
    }
}
