package io.kiln.runtime;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kiln.dsl.Metric;
import org.junit.jupiter.api.Test;

/** Choosing a binary decision threshold on validation rows, checked against counts worked by hand. */
class ThresholdTuningTest {
    // six rows by probability: negatives at 0.1, 0.2, 0.35 and 0.6; positives at 0.4 and 0.9
    static final double[] P = {0.1, 0.2, 0.35, 0.4, 0.6, 0.9};
    static final boolean[] Y = {false, false, false, true, false, true};

    @Test
    void f1IsMaximizedBetweenTheTwoProbabilitiesThatSeparateBest() {
        ThresholdTuning.Choice c = ThresholdTuning.maximize(Metric.F1).choose(P, Y, 0.5);
        // at 0.5: tp 1 (0.9), fp 1 (0.6), fn 1 (0.4): F1 = 2/4 = 0.5
        assertThat(c.atDefault()).isWithin(1e-12).of(0.5);
        // at 0.375 (between 0.35 and 0.4): tp 2, fp 1, fn 0: F1 = 4/5 = 0.8
        assertThat(c.atChosen()).isWithin(1e-12).of(0.8);
        assertThat(c.threshold()).isWithin(1e-12).of(0.375);
        assertThat(c.rows()).isEqualTo(6);
    }

    @Test
    void accuracyTiesGoToTheThresholdNearestOneHalf() {
        // accuracy 4/6 at 0.5 (0.4 missed, 0.6 a false alarm); 5/6 both at 0.375 (only 0.6 wrong) and at 0.75
        // (only 0.4 wrong): the tie goes to 0.375, a quarter nearer 0.5
        ThresholdTuning.Choice c = ThresholdTuning.maximize(Metric.ACCURACY).choose(P, Y, 0.5);
        assertThat(c.atDefault()).isWithin(1e-12).of(4.0 / 6);
        assertThat(c.atChosen()).isWithin(1e-12).of(5.0 / 6);
        assertThat(c.threshold()).isWithin(1e-12).of(0.375);
    }

    @Test
    void costsMoveTheThresholdTowardTheCheaperError() {
        // a missed positive costs 10 false alarms: decide positive from 0.375 (1 false alarm... 0.6) -> cost 1
        ThresholdTuning.Choice cheapAlarms = ThresholdTuning.minimizeCost(1, 10).choose(P, Y, 0.5);
        assertThat(cheapAlarms.atDefault()).isWithin(1e-12).of(1 + 10); // fp 0.6, fn 0.4
        assertThat(cheapAlarms.atChosen()).isWithin(1e-12).of(1);
        assertThat(cheapAlarms.threshold()).isWithin(1e-12).of(0.375);
        // a false alarm costs 10 missed positives: decide positive only above 0.6
        ThresholdTuning.Choice cheapMisses = ThresholdTuning.minimizeCost(10, 1).choose(P, Y, 0.5);
        assertThat(cheapMisses.atChosen()).isWithin(1e-12).of(1); // fn 0.4
        assertThat(cheapMisses.threshold()).isWithin(1e-12).of(0.75);
        assertThat(ThresholdTuning.minimizeCost(1, 10).objective())
                .isEqualTo("minimize 1 x false positives + 10 x false negatives");
    }

    @Test
    void balancedAccuracyAndMacroF1CountBothClasses() {
        ThresholdTuning.Choice b = ThresholdTuning.maximize(Metric.BALANCED_ACCURACY).choose(P, Y, 0.5);
        // at 0.375: recall 2/2, specificity 3/4 -> 0.875
        assertThat(b.atChosen()).isWithin(1e-12).of(0.875);
        ThresholdTuning.Choice m = ThresholdTuning.maximize(Metric.MACRO_F1).choose(P, Y, 0.5);
        // at 0.375: positive F1 0.8, negative F1 2*3/(6+0+1) = 6/7
        assertThat(m.atChosen()).isWithin(1e-12).of((0.8 + 6.0 / 7) / 2);
    }

    @Test
    void metricsNoThresholdDecidesAndBadCostsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> ThresholdTuning.maximize(Metric.ROC_AUC));
        assertThrows(IllegalArgumentException.class, () -> ThresholdTuning.maximize(Metric.RECALL));
        assertThrows(IllegalArgumentException.class, () -> ThresholdTuning.minimizeCost(0, 1));
        assertThrows(IllegalArgumentException.class, () -> ThresholdTuning.minimizeCost(1, Double.NaN));
    }

    @Test
    void balancedClassWeightsGiveEachPresentClassTheSameTotal() {
        int[] classOf = {0, 0, 0, 1, 0, 1, 2};
        double[] w = ClassWeights.balanced().forRows(classOf, new int[] {0, 1, 2, 3, 4, 5}, 3);
        // six rows, two classes present: 6 / (2 x 4) and 6 / (2 x 2); class 2 is absent and weighs 1
        assertThat(w).usingTolerance(1e-12).containsExactly(0.75, 1.5, 1.0).inOrder();
        assertThat(ClassWeights.of(1, 5).forRows(classOf, new int[] {0}, 2)).usingTolerance(0).containsExactly(1, 5)
                .inOrder();
        assertThrows(IllegalArgumentException.class, () -> ClassWeights.of(1, 0));
        assertThrows(IllegalArgumentException.class, () -> ClassWeights.of(1, 2).forRows(classOf, new int[] {0}, 3));
    }
}
