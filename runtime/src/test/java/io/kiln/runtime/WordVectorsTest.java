package io.kiln.runtime;

import static com.google.common.truth.Truth.assertThat;
import static io.kiln.runtime.TrainingFixtures.quiet;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kiln.dsl.Missing;
import io.kiln.dsl.Task;
import io.kiln.dsl.TextEncoding;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Pretrained word vectors for an embedding: short texts whose label is whether they speak of
 * fruit, and a vectors file in the text format in which fruit words point one way and the other
 * words another. The vectors found start the embedding (and stay bit for bit when frozen), the
 * missing tokens are reported, and the vectors carry the task.
 */
class WordVectorsTest {
    @TempDir
    static Path dir;
    static Path data;
    static Path vectors;
    static final List<String> FRUIT = List.of("apple", "pear", "plum", "cherry", "grape", "mango", "lemon", "lime");
    static final List<String> OTHER = List.of("car", "road", "bus", "train", "truck", "bike", "boat", "plane");

    @BeforeAll
    static void writeTheFiles() throws Exception {
        Random random = new Random(3);
        List<String> lines = new ArrayList<>(List.of("text,fruit"));
        for (int i = 0; i < 200; i++) {
            boolean fruit = i % 2 == 0;
            List<String> words = fruit ? FRUIT : OTHER;
            lines.add(words.get(random.nextInt(words.size())) + " and " + words.get(random.nextInt(words.size()))
                    + "," + fruit);
        }
        data = Files.write(dir.resolve("texts.csv"), lines, StandardCharsets.UTF_8);
        // word2vec's text format: a first line of count and length; "lime" and "and" are absent
        List<String> v = new ArrayList<>(List.of("15 4"));
        for (String w : FRUIT.subList(0, 7)) {
            v.add(w + " 1 0.5 0 0");
        }
        for (String w : OTHER) {
            v.add(w + " -1 -0.5 0 0");
        }
        vectors = Files.write(dir.resolve("vectors.txt"), v, StandardCharsets.UTF_8);
    }

    static ModelDefinition definition(WordVectors wordVectors, int epochs) {
        return ModelDefinition.builder("fruit", Task.BINARY_CLASSIFICATION).data(CsvSource.file(data))
                .feature(FeatureSchema.text("text", "text", new TextSettings(4, 50, true, TextEncoding.TOKENS)))
                .label(new LabelSchema("fruit", LabelCoding.BOOLEAN, List.of("fruit"), List.of("other", "fruit")))
                .fit(new FitSettings(epochs, 16, 5)).outputActivationIsIdentity(false).wordVectors(wordVectors)
                .network((n, seed) -> new NeuralNetConfiguration.Builder().seed(seed).updater(new Adam(0.01)).list()
                        .layer(new EmbeddingSequenceLayer.Builder().name("embedding").nIn(52).nOut(4).inputLength(4)
                                .build())
                        .layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).build())
                        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.XENT).nOut(1)
                                .activation(Activation.SIGMOID).build())
                        .setInputType(InputType.recurrent(1, 4)).overrideNinUponBuild(false).build())
                .build();
    }

    @Test
    void frozenVectorsStayTheFilesAndTheMissingTokensAreReported() {
        TrainingResult r = Trainer.train(definition(new WordVectors("embedding", vectors.toString(), true), 40),
                quiet());
        ModelMetadata.WordVectorsProvenance p = r.model().metadata().provenance().wordVectors();
        // the vocabulary: 16 words and "and"; "lime" and "and" are not in the file
        assertThat(p.vocabulary()).isEqualTo(17);
        assertThat(p.found()).isEqualTo(15);
        assertThat(p.missing()).containsExactly("and", "lime");
        assertThat(p.length()).isEqualTo(4);
        assertThat(p.sha256()).hasLength(64);
        assertThat(r.report().warnings().stream().map(Report.Warning::code)).contains("word-vectors-missing");
        INDArray w = r.model().network().layers().getLayer("embedding").getParam("W");
        List<String> vocabulary = r.model().metadata().features().get(0).levels();
        // frozen: bit for bit the file's numbers, after training
        assertThat(w.getRow(vocabulary.indexOf("apple") + 2).toFloatVector())
                .isEqualTo(new float[] {1f, 0.5f, 0f, 0f});
        assertThat(w.getRow(vocabulary.indexOf("truck") + 2).toFloatVector())
                .isEqualTo(new float[] {-1f, -0.5f, 0f, 0f});
        // the saved network is a plain stack again
        assertThat(r.model().network().layers().getLayerWiseConfigurations().getConf(0).getLayer())
                .isInstanceOf(org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer.class);
        // a linear head on vectors that already separate the words
        assertThat(r.metrics().get("accuracy")).isAtLeast(0.95);
    }

    @Test
    void fineTunedVectorsStartFromTheFileAndMove() {
        TrainingResult r = Trainer.train(definition(new WordVectors("embedding", vectors.toString(), false), 20),
                quiet());
        INDArray w = r.model().network().layers().getLayer("embedding").getParam("W");
        int apple = r.model().metadata().features().get(0).levels().indexOf("apple") + 2;
        assertThat(w.getRow(apple).toFloatVector()).isNotEqualTo(new float[] {1f, 0.5f, 0f, 0f});
        assertThat(r.model().metadata().provenance().wordVectors().frozen()).isFalse();
    }

    @Test
    void vectorsOfAnotherLengthAreRefusedWithTheLine() throws Exception {
        Path wrong = Files.write(dir.resolve("wrong.txt"), List.of("apple 1 2 3"), StandardCharsets.UTF_8);
        DataException e = assertThrows(DataException.class,
                () -> Trainer.train(definition(new WordVectors("embedding", wrong.toString(), false), 1), quiet()));
        assertThat(e).hasMessageThat().isEqualTo(wrong + ":1: [kiln.word-vectors-length] 'apple' has 3 numbers, "
                + "but the embedding 'embedding' has 4 units. Set units = 3, or use vectors of length 4.");
        Exception missing = assertThrows(Exception.class, () -> Trainer.train(definition(new WordVectors("embedding",
                dir.resolve("absent.txt").toString(), false), 1), quiet()));
        assertThat(missing).hasMessageThat().contains("[kiln.word-vectors-file]");
    }
}
