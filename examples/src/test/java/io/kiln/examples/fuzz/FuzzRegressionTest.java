package io.kiln.examples.fuzz;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import org.junit.jupiter.api.Test;

/**
 * Specs on which the fuzzer once found a bug, run on every build (the fuzzer's default run draws
 * other tries). Each is drawn again from its seed and index: the generator is a function of both.
 */
class FuzzRegressionTest {
    private static final long SEED = 20250611L;

    @Test
    void aGradualTransferWithASchedulePutsEachLayersRateInPlace() {
        // a series spec reusing a nested source (dropout, global pooling, dense) gradually, at its own rate, under
        // @ExponentialDecay: DL4J's per-layer setLearningRate rebuilt the updater and failed on the frozen layers
        FuzzSpec spec = SpecGenerator.generate(SEED, 62);
        assertThat(spec.source()).contains("reuse = Reuse.GRADUAL");
        assertThat(spec.source()).contains("@ExponentialDecay");
        FuzzHarness.Outcome outcome = new FuzzHarness().run(spec);
        assertWithMessage("%s", outcome.detail()).that(outcome.verdict()).isEqualTo(FuzzHarness.Verdict.ACCEPTED);
    }

    @Test
    void aSourceWithLastTimeStepIsReusedByItsNetworkLayerNames() {
        // a text spec reusing embedding, attention and an LSTM wrapped by @LastTimeStep: the processor expected
        // the model file's layers to include the wrapper, which the network folds into the LSTM
        FuzzSpec spec = SpecGenerator.generate(SEED, 1192);
        assertThat(spec.source()).contains("@LastTimeStep Layer s_collapse3;");
        FuzzHarness.Outcome outcome = new FuzzHarness().run(spec);
        assertWithMessage("%s", outcome.detail()).that(outcome.verdict()).isEqualTo(FuzzHarness.Verdict.ACCEPTED);
    }

    @Test
    void aSearchOfATransferStartsEachConfigurationFromTheGivenSource() {
        // the search's configurations started from the declared source path, not from the source file the spec
        // was trained from (train --source, search --source)
        FuzzSpec spec = SpecGenerator.generate(SEED, 3254);
        assertThat(spec.source()).contains("@Search");
        assertThat(spec.transferSource()).isEqualTo("Source");
        FuzzHarness.Outcome outcome = new FuzzHarness().run(spec);
        assertWithMessage("%s", outcome.detail()).that(outcome.verdict()).isEqualTo(FuzzHarness.Verdict.ACCEPTED);
    }

    @Test
    void aSearchOverFeatureGroupsResolvesEachConfigurationsColumns() {
        // @Features groups are found in the data's header: each configuration's definition is resolved before it
        // trains, as the declared one is
        FuzzSpec spec = SpecGenerator.generate(SEED, 1732);
        assertThat(spec.source()).contains("@Features");
        assertThat(spec.source()).contains("@Search");
        FuzzHarness.Outcome outcome = new FuzzHarness().run(spec);
        assertWithMessage("%s", outcome.detail()).that(outcome.verdict()).isEqualTo(FuzzHarness.Verdict.ACCEPTED);
    }
}
