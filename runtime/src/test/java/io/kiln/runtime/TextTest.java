package io.kiln.runtime;

import io.kiln.runtime.internal.data.ArffReader;
import io.kiln.runtime.internal.data.CsvTable;
import io.kiln.runtime.internal.drift.DriftProfile;
import io.kiln.runtime.internal.preprocess.Preprocessor;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kiln.dsl.TextEncoding;
import java.io.StringReader;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Tokenization, the fitted vocabulary, both text encodings, and reading ARFF files. */
class TextTest {
    private final TextSettings tokens = new TextSettings(5, 3, true, TextEncoding.TOKENS);

    @Test
    void tokensAreRunsOfLettersAndDigitsAfterDecodingEntitiesAndLowerCasing() {
        assertThat(tokens.tokens("U.S. WHEAT &amp; corn&#39;s 1.2 mln &lt;tonnes&gt; d&eacute;j&agrave;"))
                .containsExactly("u", "s", "wheat", "corn", "s", "1", "2", "mln", "tonnes", "d", "eacute", "j",
                        "agrave")
                .inOrder();
        assertThat(new TextSettings(5, 3, false, TextEncoding.TOKENS).tokens("Grain GRAIN")).containsExactly("Grain",
                "GRAIN");
        assertThat(TextSettings.tokenCount("two  words")).isEqualTo(2);
    }

    @Test
    void theVocabularyKeepsTheMostFrequentTrainingTokensTiesAlphabetically() {
        List<String> vocabulary = tokens.vocabulary(Arrays.asList("wheat corn wheat", "corn barley rice", null,
                "wheat rice"));
        // wheat 3, corn 2, rice 2, barley 1: three kept, corn before rice
        assertThat(vocabulary).containsExactly("wheat", "corn", "rice").inOrder();
    }

    @Test
    void tokenIdsArePaddedTruncatedAndUnknownsAreOne() {
        var index = TextSettings.index(List.of("wheat", "corn", "rice"));
        float[] out = new float[7];
        Arrays.fill(out, 9f);
        assertThat(tokens.encode("Corn and WHEAT", index, out, 1)).isEqualTo(6);
        // ids: corn 3, and (unknown) 1, wheat 2, then padding 0; out[0] and out[6] untouched
        assertThat(out).usingExactEquality().containsExactly(9f, 3f, 1f, 2f, 0f, 0f, 9f).inOrder();
        float[] longer = new float[5];
        tokens.encode("rice rice rice rice rice rice rice", index, longer, 0);
        assertThat(longer).usingExactEquality().containsExactly(4f, 4f, 4f, 4f, 4f).inOrder();
    }

    @Test
    void aBagOfWordsMarksTheVocabularyTokensATextContains() {
        TextSettings bag = new TextSettings(5, 3, true, TextEncoding.BAG_OF_WORDS);
        var index = TextSettings.index(List.of("wheat", "corn", "rice"));
        float[] out = new float[3];
        assertThat(bag.encode("rice, rice and more rice; no wheat", index, out, 0)).isEqualTo(3);
        assertThat(out).usingExactEquality().containsExactly(1f, 0f, 1f).inOrder();
    }

    @Test
    void aPreprocessorFitsTheVocabularyOnTrainingRowsOnly() {
        FeatureSchema story = FeatureSchema.text("story", "story", new TextSettings(4, 10, true, TextEncoding.TOKENS));
        List<Object[]> rows = List.of(new Object[] {"wheat up"}, new Object[] {"corn down"},
                new Object[] {"secret test words"});
        Preprocessor pre = Preprocessor.fit(List.of(story), rows, new int[] {0, 1});
        assertThat(pre.transforms().get(0).levels()).containsExactly("corn", "down", "up", "wheat").inOrder();
        assertThat(pre.width()).isEqualTo(4);
        assertThat(pre.tokenColumns()).isEqualTo(4);
        float[] out = new float[4];
        pre.encode(new Object[] {"secret wheat"}, out, 0);
        assertThat(out).usingExactEquality().containsExactly(1f, 5f, 0f, 0f).inOrder();
    }

    @Test
    void aTextDriftsByItsNumberOfTokens() {
        FeatureSchema story = FeatureSchema.text("story", "story", new TextSettings(4, 10, true, TextEncoding.TOKENS));
        List<Object[]> rows = new java.util.ArrayList<>();
        for (int n = 1; n <= 40; n++) {
            rows.add(new Object[] {"word ".repeat(n)});
        }
        int[] all = java.util.stream.IntStream.range(0, rows.size()).toArray();
        Preprocessor pre = Preprocessor.fit(List.of(story), rows, all);
        DriftProfile.FeatureProfile p = DriftProfile.fit(pre.transforms(), rows, all).features().get(0);
        assertThat(p.bucket("one")).isLessThan(p.bucket("a much longer text than any seen in training " + "x ".repeat(50)));
        assertThat(p.bucket(null)).isEqualTo(p.buckets() - 1); // missing
        assertThrows(IllegalArgumentException.class, () -> p.bucket(3.0));
    }

    @Test
    void arffFilesAreReadWithQuotesEscapesAndMissingValues() throws Exception {
        String arff = "% a comment\n@relation 'news'\n\n@attribute Text string\n@attribute 'class att' {0,1}\n"
                + "@attribute size numeric\n\n@data\n'GRAIN, WHEAT\\nrises \\'sharply\\'',1,3.5\n"
                + "\"plain\",0,?\n";
        CsvTable t = ArffReader.parse("news.arff", new StringReader(arff));
        assertThat(t.header()).containsExactly("Text", "class att", "size").inOrder();
        assertThat(t.rows()).hasSize(2);
        assertThat(t.rows().get(0).cells()).asList().containsExactly("GRAIN, WHEAT\nrises 'sharply'", "1", "3.5")
                .inOrder();
        assertThat(t.rows().get(0).line()).isEqualTo(9);
        assertThat(t.rows().get(1).cells()).asList().containsExactly("plain", "0", "?").inOrder();
    }

    @Test
    void aBadArffRowNamesItsFileAndLine() {
        String header = "@attribute Text string\n@attribute class {0,1}\n@data\n";
        DataException unclosed = assertThrows(DataException.class,
                () -> ArffReader.parse("news.arff", new StringReader(header + "'ok',1\n'open,0\n")));
        assertThat(unclosed).hasMessageThat().contains("news.arff");
        assertThat(unclosed).hasMessageThat().contains("5");
        assertThat(unclosed).hasMessageThat().contains("not closed");
        DataException count = assertThrows(DataException.class,
                () -> ArffReader.parse("news.arff", new StringReader(header + "'a',1,2\n")));
        assertThat(count).hasMessageThat().contains("expected 2 fields");
        assertThrows(DataException.class,
                () -> ArffReader.parse("news.arff", new StringReader(header + "{0 'a', 1 1}\n")));
        assertThrows(DataException.class, () -> ArffReader.parse("news.arff", new StringReader(
                "@attribute a numeric\n1\n")));
    }
}
