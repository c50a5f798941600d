package io.kiln.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static io.kiln.processor.KilnTesting.compile;
import static io.kiln.processor.KilnTesting.generated;
import static io.kiln.processor.KilnTesting.generatedFiles;
import static io.kiln.processor.KilnTesting.kilnErrors;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.CompilationSubject;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * {@code @Transfer}: a spec source's layers, shapes and input checked at compile time, a file
 * source's kind, and the rules of freezing, unfreezing, learning rates and L2-SP; each error on
 * its value.
 */
class TransferValidationTest {

    /** The source: three numeric features, hidden1 (8) and hidden2 (4), three classes. */
    static JavaFileObject source(String... extra) {
        List<String> lines = new ArrayList<>(List.of("@Model(task = Task.MULTICLASS_CLASSIFICATION)",
                "@CsvData(file = \"s.csv\")"));
        lines.addAll(List.of(extra));
        lines.addAll(List.of("@Fit(epochs = 20, batchSize = 16, seed = 1)", "class Source {",
                "    @Feature double a;", "    @Feature double b;", "    @Feature double c;",
                "    @Label(classes = {\"x\", \"y\", \"z\"}) String kind;",
                "    @Dense(units = 8) Layer hidden1;", "    @Dense(units = 4) Layer hidden2;",
                "    @Output Layer out;", "}"));
        return KilnTesting.spec("Source", lines.toArray(String[]::new));
    }

    /** A binary target over the source's features; {@code body} are its class annotations and then its layers. */
    static JavaFileObject target(List<String> annotations, String... layers) {
        return target(annotations, List.of("    @Feature double a;", "    @Feature double b;",
                "    @Feature double c;"), layers);
    }

    static JavaFileObject target(List<String> annotations, List<String> features, String... layers) {
        List<String> lines = new ArrayList<>(List.of("@Model(task = Task.BINARY_CLASSIFICATION)",
                "@CsvData(file = \"t.csv\")", "@Fit(epochs = 20, batchSize = 16, seed = 1)"));
        lines.addAll(annotations);
        lines.add("class Target {");
        lines.addAll(features);
        lines.add("    @Label boolean yes;");
        lines.addAll(List.of(layers));
        lines.add("}");
        return KilnTesting.spec("Target", lines.toArray(String[]::new));
    }

    static final String OUT = "    @Output Layer head;";

    /** Compiling the source beside {@code target} gives exactly one Kiln error, {@code message}, on the target's line. */
    static void assertTargetError(JavaFileObject target, String message, String line, JavaFileObject... others) {
        List<JavaFileObject> all = new ArrayList<>(List.of(others));
        all.add(target);
        Compilation c = compile(all.toArray(JavaFileObject[]::new));
        CompilationSubject.assertThat(c).hadErrorContaining(message).inFile(target).onLineContaining(line);
        assertWithMessage("Kiln errors").that(kilnErrors(c)).containsExactly(message);
        String name = target.getName().replaceAll(".*/", "").replace(".java", "");
        assertWithMessage("the spec with the error generates nothing").that(generatedFiles(c).keySet().stream()
                .anyMatch(n -> n.startsWith("test." + name))).isFalse();
    }

    static void assertTargetError(JavaFileObject target, String message, String line) {
        assertTargetError(target, message, line, source());
    }

    @Test
    void aSpecSourceIsCutAndItsLayersComeFirst() {
        Compilation c = compile(source(), target(List.of("@Transfer(from = Source.class, upTo = \"hidden2\")"),
                "    @Dense(units = 3) Layer extra;", OUT));
        assertThat(kilnErrors(c)).isEmpty();
        String network = generated(c, "test.TargetNetwork");
        assertThat(network).contains("configuration(ReusedLayers reused, int numInputs, long seed)");
        assertThat(network).contains("return reused.prepend(new NeuralNetConfiguration.Builder()");
        assertThat(network).contains("hidden1 Dense 8 32 RELU, reused from Source, frozen");
        assertThat(network).contains("hidden2 Dense 4 36 RELU, reused from Source, frozen");
        // 32 + 36 reused, frozen; extra 15 and head 4 train
        assertThat(network).contains("total params: 87");
        assertThat(network).contains("trainable params: 19, frozen: 68");
        assertThat(network).doesNotContain("name(\"hidden1\")"); // the reused layers come from the source
        String trainer = generated(c, "test.TargetTrainer");
        assertThat(trainer).contains(".transfer(new Transfer(\"test.Source\", \"source\", \"\", "
                + "List.of(\"hidden1\", \"hidden2\"), \"hidden2\", Reuse.FREEZE, 0, -1.0, 1.0, Map.of(), false, "
                + "false, 0.0, 0.0), TargetNetwork::configuration)");
    }

    @Test
    void aNestedSourceIsNamedAsTheRuntimeNamesItsClass() {
        JavaFileObject outer = KilnTesting.spec("Outer", "@Model(task = Task.BINARY_CLASSIFICATION)",
                "@CsvData(file = \"t.csv\")", "@Transfer(from = Outer.Inner.class)", "public class Outer {",
                "    @Feature double a;", "    @Label boolean yes;", "    @Output Layer head;", "",
                "    @Model(task = Task.BINARY_CLASSIFICATION)", "    @CsvData(file = \"t.csv\")",
                "    public static class Inner {", "        @Feature double a;", "        @Label boolean yes;",
                "        @Dense(units = 2) Layer hidden;", "        @Output Layer out;", "    }", "}");
        Compilation c = compile(outer);
        assertThat(kilnErrors(c)).isEmpty();
        // the model file records Class.getName(), test.Outer$Inner, which the runtime compares with this
        assertThat(generated(c, "test.OuterTrainer")).contains("new Transfer(\"test.Outer$Inner\", \"inner\"");
    }

    @Test
    void aFileSourceTakesAnyVectorIntoTheNewLayers() {
        Compilation c = compile(target(List.of("@Transfer(file = \"models/base.kiln\", reuse = Reuse.FINE_TUNE, "
                + "learningRate = 1e-4, rateFactor = 0.5, rates = @LayerRate(layer = \"head\", learningRate = 0.01))",
                "@Regularization(l2sp = 0.1)"), "    @Dense(units = 3) Layer extra;", OUT));
        assertThat(kilnErrors(c)).isEmpty();
        String network = generated(c, "test.TargetNetwork");
        assertThat(network).contains("(reused) Transfer n ? the layers of models/base.kiln below its output, "
                + "fine-tuned");
        assertThat(generated(c, "test.TargetTrainer")).contains("new Transfer(null, null, \"models/base.kiln\", "
                + "List.of(), \"\", Reuse.FINE_TUNE, 0, 1.0E-4, 0.5, Map.ofEntries(Map.entry(\"head\", 0.01)), "
                + "false, false, 0.1, 0.0)");
    }

    @Test
    void noSourceIsAnError() {
        assertTargetError(target(List.of("@Transfer(reuse = Reuse.FREEZE)"), OUT), Message.TRANSFER_SOURCE.format(),
                "@Transfer(reuse");
    }

    @Test
    void aClassThatIsNotASpecIsNamed() {
        assertTargetError(target(List.of("@Transfer(from = String.class)"), OUT),
                Message.TRANSFER_FROM_NOT_SPEC.format("String"), "@Transfer(from = String.class)");
    }

    @Test
    void aSpecCannotReuseItself() {
        assertTargetError(target(List.of("@Transfer(from = Target.class)"), OUT),
                Message.TRANSFER_FROM_SELF.format("Target"), "@Transfer(from = Target.class)");
    }

    @Test
    void aMissingLayerIsNamedWithTheLayersThereAre() {
        assertTargetError(target(List.of("@Transfer(from = Source.class, upTo = \"hiden2\")"), OUT),
                Message.TRANSFER_LAYER.format("Source", "hiden2", "[hidden1, hidden2]"), "upTo = \"hiden2\"");
    }

    @Test
    void aSourceWithoutHiddenLayersHasNothingToReuse() {
        JavaFileObject linear = KilnTesting.spec("Linear", "@Model(task = Task.BINARY_CLASSIFICATION)",
                "@CsvData(file = \"l.csv\")", "class Linear {", "    @Feature double a;", "    @Feature double b;",
                "    @Feature double c;", "    @Label boolean yes;", "    @Output Layer out;", "}");
        assertTargetError(target(List.of("@Transfer(from = Linear.class)"), OUT),
                Message.TRANSFER_NO_HIDDEN.format("Linear"), "@Transfer(from = Linear.class)", linear);
    }

    @Test
    void theOutputLayerIsNotACut() {
        assertTargetError(target(List.of("@Transfer(from = Source.class, upTo = \"out\")"), OUT),
                Message.TRANSFER_UP_TO_OUTPUT.format("out", "Source", "[hidden1, hidden2]"), "upTo = \"out\"");
    }

    @Test
    void anotherInputIsRejectedWithBothInputs() {
        assertTargetError(target(List.of("@Transfer(from = Source.class)"), List.of("    @Feature double a;",
                        "    @Feature String colour;"), OUT),
                Message.TRANSFER_SCHEMA.format("Source", "3 features (a numeric, b numeric, c numeric)",
                        "2 features (a numeric, colour categorical)", "Source"), "@Transfer(from = Source.class)");
    }

    @Test
    void theFirstNewLayerMustFitTheReusedOutput() {
        // hidden2 gives a vector of 4; an LSTM needs a sequence
        Compilation c = compile(source(), target(List.of("@Transfer(from = Source.class)"),
                "    @Lstm(units = 4) Layer memory;", "    @LastTimeStep Layer last;", OUT));
        assertThat(kilnErrors(c)).hasSize(1);
        assertThat(kilnErrors(c).get(0)).contains("@Lstm");
        CompilationSubject.assertThat(c).hadErrorContaining("@Lstm").inFile(c.sourceFiles().get(1))
                .onLineContaining("@Lstm(units = 4) Layer memory;");
    }

    @Test
    void aLayerNamedLikeAReusedOneIsRejected() {
        assertTargetError(target(List.of("@Transfer(from = Source.class)"), "    @Dense(units = 2) Layer hidden2;",
                OUT), Message.TRANSFER_NAME_CLASH.format("hidden2", "Source"), "Layer hidden2;");
    }

    @Test
    void aConvolutionAfterAFileSourceNeedsItsShape() {
        assertTargetError(target(List.of("@Transfer(file = \"base.kiln\")"), "    @Conv1D(filters = 2) Layer conv;",
                OUT), Message.TRANSFER_FILE_HEAD.format("Conv1D"), "Layer conv;");
    }

    @Test
    void keras3AndOtherFilesAreRefused() {
        assertTargetError(target(List.of("@Transfer(file = \"base.keras\")"), OUT),
                Message.TRANSFER_KERAS3.format("base.keras"), "@Transfer(file");
        assertTargetError(target(List.of("@Transfer(file = \"base.onnx\")"), OUT),
                Message.TRANSFER_FILE_KIND.format("base.onnx"), "@Transfer(file");
    }

    @Test
    void gradualUnfreezingNeedsItsScheduleWithinTheEpochs() {
        assertTargetError(target(List.of("@Transfer(from = Source.class, reuse = Reuse.GRADUAL)"), OUT),
                Message.TRANSFER_UNFREEZE.format("Gradual unfreezing needs unfreezeEvery, the epochs between two "
                        + "unfreezings (positive), was 0. Set e.g. unfreezeEvery = 10."), "reuse = Reuse.GRADUAL");
        assertTargetError(target(List.of("@Transfer(from = Source.class, unfreezeEvery = 5)"), OUT),
                Message.TRANSFER_UNFREEZE.format("unfreezeEvery is the schedule of gradual unfreezing, but reuse is "
                        + "FREEZE. Set reuse = Reuse.GRADUAL, or remove unfreezeEvery."), "unfreezeEvery = 5");
        assertTargetError(target(List.of("@Transfer(from = Source.class, reuse = Reuse.GRADUAL, unfreezeEvery = 20)"),
                OUT), Message.TRANSFER_UNFREEZE_EPOCHS.format(20, 20, 20, 20), "unfreezeEvery = 20");
        assertTargetError(target(List.of("@Transfer(from = Source.class, reuse = Reuse.GRADUAL, unfreezeEvery = 12)"),
                OUT), Message.TRANSFER_UNFREEZE_PARTLY.format(12, 2, "12, 24", 20, "'hidden1'", 9),
                "unfreezeEvery = 12");
    }

    @Test
    void ratesAreCheckedAgainstTheLayersAndTheFreezing() {
        assertTargetError(target(List.of("@Transfer(from = Source.class, reuse = Reuse.FINE_TUNE, rateFactor = 1.5)"),
                OUT), Message.TRANSFER_RATE_FACTOR.format("1.5"), "rateFactor = 1.5");
        assertTargetError(target(List.of("@Transfer(from = Source.class, learningRate = 1e-4)"), OUT),
                Message.TRANSFER_FROZEN_RATE.format("learningRate"), "learningRate = 1e-4");
        assertTargetError(target(List.of("@Transfer(from = Source.class, reuse = Reuse.FINE_TUNE,",
                        "    rates = @LayerRate(layer = \"hiden1\", learningRate = 1e-4))"), OUT),
                Message.TRANSFER_RATE_LAYER.format("hiden1", "Source", "[hidden1, hidden2, head]"),
                "@LayerRate(layer = \"hiden1\"");
        assertTargetError(target(List.of("@Transfer(from = Source.class, reuse = Reuse.FINE_TUNE, rates = {",
                        "    @LayerRate(layer = \"hidden1\", learningRate = 1e-4),",
                        "    @LayerRate(layer = \"hidden1\", learningRate = 1e-3)})"), OUT),
                Message.TRANSFER_RATE_DUPLICATE.format("hidden1"), "learningRate = 1e-3)}");
    }

    @Test
    void l2spNeedsATransferWhoseLayersTrain() {
        assertTargetError(target(List.of("@Regularization(l2sp = 0.01)"), "    @Dense(units = 2) Layer hidden;", OUT),
                Message.L2SP_NEEDS_TRANSFER.format(), "l2sp = 0.01");
        assertTargetError(target(List.of("@Transfer(from = Source.class)", "@Regularization(l2sp = 0.01)"), OUT),
                Message.L2SP_FROZEN.format(), "l2sp = 0.01");
    }

    /** A spec of the source's task and classes that keeps its output, with {@code layers}. */
    static JavaFileObject again(String... layers) {
        return keeping("@Transfer(from = Source.class, keepOutput = true, reuse = Reuse.FINE_TUNE)", layers);
    }

    static JavaFileObject keeping(String transfer, String... layers) {
        List<String> lines = new ArrayList<>(List.of("@Model(task = Task.MULTICLASS_CLASSIFICATION)",
                "@CsvData(file = \"new.csv\")", transfer, "class Again {", "    @Feature double a;",
                "    @Feature double b;", "    @Feature double c;",
                "    @Label(classes = {\"x\", \"y\", \"z\"}) String kind;"));
        lines.addAll(List.of(layers));
        lines.add("}");
        return KilnTesting.spec("Again", lines.toArray(String[]::new));
    }

    @Test
    void keepingTheOutputReusesEveryLayerOfTheSameTask() {
        Compilation c = compile(source(), again());
        assertThat(kilnErrors(c)).isEmpty();
        assertThat(generated(c, "test.AgainNetwork")).contains("out Output 3 15 SOFTMAX, loss "
                + "CATEGORICAL_CROSS_ENTROPY, reused from Source, fine-tuned");
        assertTargetError(target(List.of("@Transfer(from = Source.class, keepOutput = true, reuse = Reuse.FINE_TUNE)")),
                Message.TRANSFER_KEEP_OUTPUT_TASK.format("Source", "MULTICLASS_CLASSIFICATION of [x, y, z]",
                        "BINARY_CLASSIFICATION of [false, true]"), "keepOutput = true");
        Compilation layers = compile(source(), again(OUT));
        assertThat(kilnErrors(layers)).containsExactly(Message.TRANSFER_KEEP_OUTPUT_LAYERS.format("head"));
        CompilationSubject.assertThat(layers).hadErrorContaining(Message.TRANSFER_KEEP_OUTPUT_LAYERS.format("head"))
                .inFile(layers.sourceFiles().get(1)).onLineContaining("@Output Layer head;");
        assertTargetError(keeping("@Transfer(from = Source.class, keepOutput = true)"),
                Message.TRANSFER_NOTHING_TRAINS.format(), "keepOutput = true", source());
        assertTargetError(keeping("@Transfer(from = Source.class, keepOutput = true, upTo = \"hidden1\", "
                + "reuse = Reuse.FINE_TUNE)"), Message.TRANSFER_KEEP_OUTPUT_UP_TO.format("hidden1"), "upTo = ",
                source());
        assertTargetError(keeping("@Transfer(file = \"m.kiln\", keepOutput = true, reuse = Reuse.FINE_TUNE)"),
                Message.TRANSFER_KEEP_OUTPUT_FILE.format(), "keepOutput = true", source());
    }

    @Test
    void residualConnectionsAreNotReused() {
        assertTargetError(target(List.of("@Transfer(from = Source.class)"), "    @Dense(units = 4) Layer wide;",
                "    @Residual(from = \"input\") Layer skip;", OUT), Message.TRANSFER_GRAPH.format("Layer 'skip' is a "
                + "residual connection"), "Layer skip;");
    }

    @Test
    void aCycleOfSourcesIsNamed() {
        JavaFileObject a = KilnTesting.spec("A", "@Model(task = Task.BINARY_CLASSIFICATION)",
                "@CsvData(file = \"a.csv\")", "@Transfer(from = B.class)", "class A {", "    @Feature double x;",
                "    @Label boolean y;", "    @Output Layer out;", "}");
        JavaFileObject b = KilnTesting.spec("B", "@Model(task = Task.BINARY_CLASSIFICATION)",
                "@CsvData(file = \"b.csv\")", "@Transfer(from = A.class)", "class B {", "    @Feature double x;",
                "    @Label boolean y;", "    @Output Layer out;", "}");
        Compilation c = compile(a, b);
        CompilationSubject.assertThat(c).hadErrorContaining(Message.TRANSFER_CYCLE.format("A", "A -> B -> A"))
                .inFile(a).onLineContaining("@Transfer(from = B.class)");
        CompilationSubject.assertThat(c).hadErrorContaining(Message.TRANSFER_CYCLE.format("B", "B -> A -> B"))
                .inFile(b).onLineContaining("@Transfer(from = A.class)");
    }

    @Test
    void aSourceWithErrorsIsNamed() {
        Compilation c = compile(source("@Holdout(validation = 2)"), target(List.of("@Transfer(from = Source.class)"),
                OUT));
        CompilationSubject.assertThat(c).hadErrorContaining(Message.TRANSFER_SOURCE_ERRORS.format("Source"))
                .inFile(c.sourceFiles().get(1)).onLineContaining("@Transfer(from = Source.class)");
    }

    @Test
    void anOfficialTestSetOnTheClassPathIsChecked() {
        JavaFileObject both = KilnTesting.spec("Both", "@Model(task = Task.BINARY_CLASSIFICATION)",
                "@CsvData(file = \"a.csv\", testFile = \"b.csv\", testResource = \"c.csv\")",
                "@Holdout(validation = 0.2)", "class Both {",
                "    @Feature double x;", "    @Label boolean y;", "    @Output Layer out;", "}");
        KilnTesting.assertOnlyErrorAt(both, Message.DATA_SOURCE.format(
                "@CsvData gives both a testFile and a testResource. Keep one."), "testResource = \"c.csv\"");
    }

    static JavaFileObject words(String embedding) {
        return KilnTesting.spec("Words", "@Model(task = Task.BINARY_CLASSIFICATION)", "@CsvData(file = \"t.csv\")",
                "class Words {", "    @Text(maxTokens = 10, vocabulary = 100) String text;", "    @Label boolean yes;",
                "    " + embedding + " Layer embedding;", "    @GlobalPool Layer pool;", "    @Output Layer out;", "}");
    }

    @Test
    void pretrainedWordVectorsAreGeneratedAndFreezingNeedsThem() {
        Compilation c = compile(words("@Embedding(units = 8, vectors = \"glove.txt\", freeze = true)"));
        KilnTesting.assertAccepted(c, "test.Words");
        assertThat(generated(c, "test.WordsTrainer")).contains(".wordVectors(new WordVectors(\"embedding\", "
                + "\"glove.txt\", true))");
        assertThat(generated(c, "test.WordsNetwork")).contains("pretrained glove.txt, frozen");
        KilnTesting.assertOnlyErrorAt(words("@Embedding(units = 8, freeze = true)"),
                Message.EMBEDDING_FREEZE.format("embedding"), "freeze = true");
    }

    @Test
    void aLayersOwnLearningRateIsGeneratedOnIt() {
        Compilation c = compile(target(List.of("@Adam(learningRate = 0.01)"),
                "    @Dense(units = 4, learningRate = 1e-4) Layer hidden;", OUT));
        KilnTesting.assertAccepted(c, "test.Target");
        String network = generated(c, "test.TargetNetwork");
        assertThat(network).contains("name(\"hidden\").nOut(4).activation(Activation.RELU).weightInit(WeightInit.RELU)"
                + ".updater(new Adam(1.0E-4, 0.9, 0.999, 1.0E-8)).build()");
        assertThat(network).contains("hidden Dense 4 16 RELU, learning rate 1.0E-4");
        assertThat(generated(c, "test.TargetTrainer")).contains("@Dense(units = 4, activation = RELU, "
                + "learningRate = 1.0E-4) Layer hidden;");
        KilnTesting.assertOnlyErrorAt(target(List.of(), "    @Dense(units = 4, learningRate = 0) Layer hidden;", OUT),
                Message.POSITIVE.format("learningRate", "0", "learningRate = 1e-4, or leave it out for the "
                        + "optimizer's"), "learningRate = 0");
    }

    /** A series spec: an LSTM wrapped by @LastTimeStep, then a dense layer; {@code name} and its extra lines. */
    static JavaFileObject recurrent(String name, List<String> annotations, String... layers) {
        List<String> lines = new ArrayList<>(List.of("@Model(task = Task.SCALAR_REGRESSION)", "@CsvData(file = \"s.csv\")",
                "@Series(window = 6)", "@TemporalSplit(orderBy = \"day\")"));
        lines.addAll(annotations);
        lines.addAll(List.of("class " + name + " {", "    @Feature double level;", "    @Feature double rate;",
                "    @Label(column = \"level\") double next;"));
        lines.addAll(List.of(layers));
        lines.add("}");
        return KilnTesting.spec(name, lines.toArray(String[]::new));
    }

    static final String[] RECURRENT_SOURCE = {"    @Lstm(units = 4) Layer lstm;", "    @LastTimeStep Layer last;",
        "    @Dense(units = 3) Layer dense;", "    @Output Layer out;"};

    @Test
    void aCutAfterLastTimeStepReusesTheWrappedRecurrentLayerByItsNetworkName() {
        // found by the spec fuzzer: @LastTimeStep is no layer of its own in the network, so the model file's
        // layers are [lstm, dense, out], not [lstm, last, dense, out]
        JavaFileObject source = recurrent("RnnSource", List.of(), RECURRENT_SOURCE);
        Compilation all = compile(source, recurrent("AllBody", List.of("@Transfer(from = RnnSource.class)"),
                "    @Output Layer head;"));
        assertThat(kilnErrors(all)).isEmpty();
        assertThat(generated(all, "test.AllBodyTrainer")).contains("List.of(\"lstm\", \"dense\"), \"\"");
        Compilation cut = compile(source, recurrent("AtLast", List.of("@Transfer(from = RnnSource.class, "
                + "upTo = \"last\")"), "    @Output Layer head;"));
        assertThat(kilnErrors(cut)).isEmpty();
        assertThat(generated(cut, "test.AtLastTrainer")).contains("List.of(\"lstm\"), \"lstm\"");
        assertTargetError(recurrent("AtLstm", List.of("@Transfer(from = RnnSource.class, upTo = \"lstm\")"),
                "    @Output Layer head;"), Message.TRANSFER_UP_TO_WRAPPED.format("lstm", "RnnSource", "last", "last"),
                "upTo = \"lstm\"", source);
    }
}
