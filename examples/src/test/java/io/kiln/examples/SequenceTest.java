package io.kiln.examples;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kiln.examples.sunspots.SunspotsLstmPredictor;
import io.kiln.examples.sunspots.SunspotsLstmTrainer;
import io.kiln.runtime.KilnModel;
import io.kiln.runtime.Trainer;
import io.kiln.runtime.TrainOptions;
import io.kiln.runtime.TrainingResult;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The LSTM forecaster over the raw yearly sunspot series: {@code @Series} windows the rows, the
 * temporal split tests on the latest years, and the recurrent network beats the naive forecast
 * ("next year as this year") on them; the typed predictor takes a window as an array.
 */
class SequenceTest {
    @TempDir Path dir;

    @Test
    void theLstmForecasterBeatsTheNaiveForecastOnTheLatestYears() throws Exception {
        Trainer.Prepared p = Trainer.prepare(SunspotsLstmTrainer.DEFINITION, TrainOptions.defaults().quiet());
        // 309 years, windows of 22 with the next year as target: 287 samples, named feature[t-k]
        assertThat(p.data().size()).isEqualTo(287);
        assertThat(SunspotsLstmTrainer.DEFINITION.features()).hasSize(22);
        assertThat(SunspotsLstmTrainer.DEFINITION.features().get(0).name()).isEqualTo("activity[t-21]");
        assertThat(SunspotsLstmTrainer.DEFINITION.features().get(21).name()).isEqualTo("activity[t]");
        // the first window is 1700-1721 and predicts 1722: its last input is 1721's value, its target 1722's
        assertThat(p.data().features().get(0)[21]).isEqualTo(26.0); // 1721
        assertThat(p.data().targets()[0][0]).isEqualTo(22.0); // 1722
        int[] test = p.split().test();
        int[] train = p.split().train();
        assertThat(Arrays.stream(train).max().getAsInt()).isLessThan(Arrays.stream(test).min().getAsInt());

        TrainingResult r = SunspotsLstmTrainer.train(TrainOptions.defaults().quiet());
        assertThat(r.report().baselineName()).isEqualTo("naive last value");
        // the naive forecast on the same test windows, computed here from the data
        double naive = Arrays.stream(test).mapToDouble(i -> Math.abs(p.data().targets()[i][0]
                - (Double) p.data().features().get(i)[21])).average().orElseThrow();
        assertThat(r.baselineMetrics().get("mae")).isWithin(1e-9).of(naive);
        // measured 13.7 against 23.3 (seed 42)
        assertThat(r.metrics().get("mae")).isLessThan(0.8 * naive);
        assertThat(r.metrics().get("r2")).isGreaterThan(0.7);
        assertThat(r.model().network().numParams()).isEqualTo(4_385); // the processor's layer table
        assertThat(r.model().hasPlainForward()).isFalse();

        Path file = dir.resolve("lstm.kiln");
        r.model().save(file);
        SunspotsLstmPredictor predictor = SunspotsLstmPredictor.load(file);
        int row = test[0];
        double[] window = new double[22];
        for (int k = 0; k < 22; k++) {
            window[k] = (Double) p.data().features().get(row)[k];
        }
        double typed = predictor.predict(new SunspotsLstmPredictor.Input(window)).next();
        double direct = r.model().predict(new Object[][] {p.data().features().get(row)}).value(0);
        assertThat(typed).isWithin(1e-6).of(direct);
        // reloaded, the model keeps its sequence input and weights
        assertThat(KilnModel.load(file).predict(new Object[][] {p.data().features().get(row)}).value(0))
                .isWithin(1e-6).of(direct);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> predictor.predict(List.of(new SunspotsLstmPredictor.Input(new double[21]))));
        assertThat(e).hasMessageThat().contains("'activity' needs the last 22 values (oldest first), got 21");
    }
}
