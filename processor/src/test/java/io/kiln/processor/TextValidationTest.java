package io.kiln.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static io.kiln.processor.KilnTesting.assertAccepted;
import static io.kiln.processor.KilnTesting.assertOnlyError;
import static io.kiln.processor.KilnTesting.assertOnlyErrorAt;
import static io.kiln.processor.KilnTesting.compile;
import static io.kiln.processor.KilnTesting.generated;
import static io.kiln.processor.KilnTesting.spec;

import com.google.testing.compile.Compilation;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** Text features, embeddings and official test files: each mistake is a compile error at its place. */
class TextValidationTest {

    private static JavaFileObject text(String classAnnotations, String textField, String... layers) {
        List<String> lines = new ArrayList<>();
        lines.add("@Model(task = Task.BINARY_CLASSIFICATION)");
        if (!classAnnotations.isEmpty()) {
            lines.addAll(List.of(classAnnotations.split("\n")));
        }
        lines.add("class News {");
        lines.add(textField);
        lines.add("    @Label boolean grain;");
        lines.addAll(List.of(layers));
        lines.add("    @Output Layer out;");
        lines.add("}");
        return spec("News", lines.toArray(String[]::new));
    }

    private static final String TOKENS = "    @Text(maxTokens = 50, vocabulary = 1000) String story;";

    @Test
    void tokenIdsNeedAnEmbeddingFirst() {
        // DL4J would feed the ids to the dense layer as quantities: token 900 "more" than token 3
        assertOnlyErrorAt(text("", TOKENS, "    @Dense(units = 8) Layer hidden;"),
                Message.TOKENS_NEED_EMBEDDING.format("Dense", "hidden", "story"), "Layer hidden");
    }

    @Test
    void anEmbeddingOnNumericFeaturesIsRejected() {
        JavaFileObject spec = spec("Numbers", "@Model(task = Task.BINARY_CLASSIFICATION)", "class Numbers {",
                "    @Feature double a;", "    @Feature double b;", "    @Label boolean y;",
                "    @Embedding(units = 4) Layer embedding;", "    @GlobalPool Layer pool;", "    @Output Layer out;",
                "}");
        assertOnlyErrorAt(spec, Message.EMBEDDING_NEEDS_TOKENS.format("embedding",
                "the spec's features form a flat vector"), "Layer embedding");
    }

    @Test
    void anEmbeddingThatIsNotTheFirstLayerIsRejected() {
        assertOnlyErrorAt(text("", TOKENS, "    @Embedding(units = 8) Layer first;", "    @Embedding(units = 8) Layer second;",
                "    @GlobalPool Layer pool;"),
                Message.EMBEDDING_NEEDS_TOKENS.format("second", "it follows 'first' (@Embedding)"), "Layer second");
    }

    @Test
    void anEmbeddedSequenceNeedsCollapsingBeforeTheOutput() {
        assertOnlyErrorAt(text("", TOKENS, "    @Embedding(units = 8) Layer embedding;"),
                Message.SEQUENCE_BEFORE_VECTOR_LAYER.format("Output", "out",
                        "the output of 'embedding' before it (@Embedding)", 50, 8, "out"), "Layer out");
    }

    @Test
    void tokensMustBeTheOnlyFeature() {
        JavaFileObject spec = spec("Mixed", "@Model(task = Task.BINARY_CLASSIFICATION)", "class Mixed {",
                "    @Text String story;", "    @Feature double length;", "    @Label boolean grain;",
                "    @Embedding(units = 8) Layer embedding;", "    @GlobalPool Layer pool;", "    @Output Layer out;", "}");
        assertOnlyErrorAt(spec, Message.TEXT_TOKENS_ALONE.format("story", "length"), "String story");
    }

    @Test
    void aTextFieldIsAStringWithPositiveSizes() {
        assertOnlyErrorAt(text("", "    @Text int story;", "    @Dense(units = 4) Layer hidden;"),
                Message.TEXT_FIELD_TYPE.format("story", "int"), "int story");
        assertOnlyErrorAt(text("", "    @Text(maxTokens = 0) String story;", "    @Embedding(units = 4) Layer e;",
                "    @GlobalPool Layer pool;"), Message.POSITIVE.format("maxTokens", "0", "maxTokens = 200 (the default)"), "maxTokens = 0");
    }

    @Test
    void aTestFileNeedsAHoldoutWithoutItsOwnTestFraction() {
        String bow = "    @Text(encoding = TextEncoding.BAG_OF_WORDS) String story;";
        assertOnlyErrorAt(text("@CsvData(file = \"train.arff\", testFile = \"test.arff\")\n@KFold(k = 5)", bow),
                Message.TEST_FILE_PROTOCOL.format("@CsvData(testFile)", "the protocol must be @Holdout (which then only sets validation "
                        + "rows aside), not @KFold: declare @Holdout(validation = 0.2) instead"), "testFile");
        assertOnlyErrorAt(text("@CsvData(file = \"train.arff\", testFile = \"test.arff\")\n@Holdout(test = 0.2)", bow),
                Message.TEST_FILE_PROTOCOL.format("@CsvData(testFile)", "@Holdout must not set a test fraction of its own; remove test = .."),
                "test = 0.2");
    }

    @Test
    void anEmbeddingNetworkAndABagOfWordsAreGenerated() {
        Compilation c = compile(text("@CsvData(file = \"train.arff\", testFile = \"test.arff\")\n@Holdout(validation = 0.1)",
                TOKENS, "    @Embedding(units = 8) Layer embedding;", "    @Lstm(units = 4) Layer lstm;",
                "    @LastTimeStep Layer last;"));
        assertAccepted(c, "test.News");
        String network = generated(c, "test.NewsNetwork");
        assertThat(network).contains("new EmbeddingSequenceLayer.Builder().name(\"embedding\").nIn(1002).nOut(8)"
                + ".inputLength(50).build()");
        assertThat(network).contains(".setInputType(InputType.recurrent(1, 50)) .overrideNinUponBuild(false)");
        assertThat(network).contains("(input) Features 50 ids");
        assertThat(network).contains("embedding Embedding 50 x 8 8,016");
        assertThat(network).contains("lstm Lstm 50 x 4 208 TANH"); // 4 (8·4 + 16 + 4)
        String trainer = generated(c, "test.NewsTrainer");
        assertThat(trainer).contains("FeatureSchema.text(\"story\", \"story\", new TextSettings(50, 1000, true, "
                + "TextEncoding.TOKENS))");
        assertThat(trainer).contains(".testData(CsvSource.file(\"test.arff\")");
        assertThat(generated(c, "test.NewsPredictor")).contains("public record Input(String story)");

        Compilation bow = compile(text("", "    @Text(encoding = TextEncoding.BAG_OF_WORDS, vocabulary = 300) String story;"));
        assertAccepted(bow, "test.News");
        assertThat(generated(bow, "test.NewsNetwork")).contains("out Output 1 301 SIGMOID");
    }
}
