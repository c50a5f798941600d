package io.kiln.examples.sunspots;

import static com.google.common.truth.Truth.assertThat;

import io.kiln.runtime.ModelDefinition;
import io.kiln.runtime.TrainOptions;
import io.kiln.runtime.Trainer;
import io.kiln.runtime.TrainingResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The generated code of every sequence layer builds, trains and predicts in DL4J, and DL4J's own
 * parameter count equals the one the processor inferred at compile time for its layer table.
 */
class SequenceLayersTest {

    private static long tableTotal(ModelDefinition def) {
        Matcher m = Pattern.compile("total params: ([0-9,]+)").matcher(def.layerTable());
        assertThat(m.find()).isTrue();
        return Long.parseLong(m.group(1).replace(",", ""));
    }

    private static void trainsAsTheTableSays(ModelDefinition def, long expected) {
        assertThat(tableTotal(def)).isEqualTo(expected);
        TrainingResult r = Trainer.train(def, TrainOptions.defaults().quiet());
        assertThat(r.model().network().numParams()).isEqualTo(expected);
        assertThat(Double.isFinite(r.metrics().get("mae"))).isTrue();
        assertThat(r.report().baselineName()).isEqualTo("naive last value");
    }

    @Test
    void convolutionPoolingDropoutBidirectionalLstmSimpleRnnAndLastStep() {
        // conv (3·1 + 1)·8 = 32; BiLSTM 2·4·(8·16 + 16² + 16) = 3200; SimpleRnn 32·4 + 4² + 4 = 148;
        // dense 4·8 + 8 = 40; output 9
        trainsAsTheTableSays(SunspotsStackTrainer.DEFINITION, 3_429);
        assertThat(SunspotsStackTrainer.DEFINITION.layerTable()).contains("pool             Pool1D       6 x 8");
    }

    @Test
    void stridedDilatedConvolutionsAndGlobalPoolingOverTime() {
        // 20 steps: k5 s2 p1 -> 9; same -> 9; avg 3/1 -> 7; global max -> 6 values
        trainsAsTheTableSays(SunspotsPooledTrainer.DEFINITION, (5 * 1 + 1) * 6 + (3 * 6 + 1) * 6 + 6 + 1);
        assertThat(SunspotsPooledTrainer.DEFINITION.layerTable()).contains("pool             Pool1D       7 x 6");
    }

    @Test
    void aGraphOverSeriesWindowsWithAttentionAndAResidualSum() {
        // conv (3·1 + 1)·8 = 32; LSTM 4·(8·8 + 8² + 8) = 544; attention 3·2·4·8 + 2·4·8 = 256; output 9
        trainsAsTheTableSays(SunspotsResidualTrainer.DEFINITION, 32 + 544 + 256 + 9);
        assertThat(SunspotsResidualTrainer.DEFINITION.layerTable()).contains("block            Residual     20 x 8");
    }
}
