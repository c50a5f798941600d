package io.kiln.runtime;

import static com.google.common.truth.Truth.assertThat;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.learning.config.Adam;

/**
 * Parameter averaging over this machine's threads: it learns as one thread does, trains nothing in
 * the calling thread's loop, and gives the same weights on every run (the shards' results are
 * summed in shard order, whichever thread finishes first).
 */
class TrainingThreadsTest {
    @Test
    void twoThreadsLearnAsOneDoesAndEveryRunIsTheSame() {
        ModelDefinition def = TrainingFixtures.iris(new Adam(0.02)).protocol(new HoldoutProtocol(0.2, 0.2, true, true))
                .fit(new FitSettings(40, 8, 5)).build();
        TrainingResult one = Trainer.train(def, TrainingFixtures.quiet());
        TrainingResult a = Trainer.train(def, TrainingFixtures.quiet().dataParallel(new TrainingThreads(2, 3)));
        TrainingResult b = Trainer.train(def, TrainingFixtures.quiet().dataParallel(new TrainingThreads(2, 3)));
        assertThat(one.metrics().get("accuracy")).isGreaterThan(0.85);
        assertThat(a.metrics().get("accuracy")).isAtLeast(one.metrics().get("accuracy") - 0.07);
        assertThat(a.model().network().params()).isEqualTo(b.model().network().params());
        // not one thread's run: the averaged weights differ
        assertThat(a.model().network().params()).isNotEqualTo(one.model().network().params());
    }

    @Test
    void aScheduleFollowsTheEpochsAsInOneThread() {
        // an epoch on two shards is half the steps: the schedule counts epochs in the shards' steps
        ModelDefinition def = TrainingFixtures.iris(new Adam(0.02)).protocol(new HoldoutProtocol(0.2, 0.2, true, true))
                .fit(new FitSettings(20, 8, 5)).learningRate(LearningRate.cosine(0.02, 0.001)).build();
        TrainingResult one = Trainer.train(def, TrainingFixtures.quiet());
        TrainingResult two = Trainer.train(def, TrainingFixtures.quiet().dataParallel(new TrainingThreads(2, 3)));
        for (int e = 0; e < 20; e++) {
            assertThat(two.report().history().get(e).learningRate())
                    .isWithin(1e-12).of(one.report().history().get(e).learningRate());
        }
        assertThat(two.report().history().get(19).learningRate()).isLessThan(0.003);
    }

    @Test
    void classWeightsAndDropoutTrainOnTheShards() {
        ModelDefinition def = TrainingFixtures.iris(new Adam(0.02)).protocol(new HoldoutProtocol(0.2, 0.2, true, true))
                .fit(new FitSettings(40, 8, 5))
                .network((n, seed) -> TrainingFixtures.mlpWithDropout(n, seed, new Adam(0.02), 32, 0.8))
                .classWeights(ClassWeights.of(1, 2, 2)).build();
        long steps = io.kiln.runtime.internal.fast.FastPath.steps();
        TrainingResult r = Trainer.train(def, TrainingFixtures.quiet().dataParallel(new TrainingThreads(2, 3)));
        // the shards' networks ran on the fast path (seeded dropout, row weights), and learned
        assertThat(io.kiln.runtime.internal.fast.FastPath.steps()).isGreaterThan(steps);
        assertThat(r.metrics().get("accuracy")).isGreaterThan(0.8);
    }

    /** The digits as 8x8 images under a holdout split: a 3x3 convolution of 4 channels, then the output layer. */
    static ModelDefinition.Builder digitsCnn() throws java.io.IOException {
        return TrainingFixtures.digits(TrainingFixtures.DIGITS_CSV).image(8, 8, 1).fit(new FitSettings(2, 32, 7))
                .network((n, seed) -> new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder().seed(seed)
                        .updater(new Adam(1e-3)).list()
                        .layer(new org.deeplearning4j.nn.conf.layers.ConvolutionLayer.Builder(3, 3).nOut(4)
                                .activation(org.nd4j.linalg.activations.Activation.RELU).build())
                        .layer(new org.deeplearning4j.nn.conf.layers.OutputLayer.Builder(
                                org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction.MCXENT).nOut(10)
                                .activation(org.nd4j.linalg.activations.Activation.SOFTMAX).build())
                        .setInputType(org.deeplearning4j.nn.conf.inputs.InputType.convolutionalFlat(8, 8, 1)).build());
    }

    @Test
    void twoThreadsAreTheDefaultOnlyForAnImageNetworkTrainedOneRunAtATime() throws Exception {
        boolean twoCores = Runtime.getRuntime().availableProcessors() >= 2;
        TrainingThreads image = TrainingThreads.byDefault(digitsCnn().build());
        if (twoCores) {
            assertThat(image.threads()).isEqualTo(2);
            assertThat(image.averagingFrequency()).isEqualTo(5);
        } else {
            assertThat(image).isNull();
        }
        // k-fold trains two folds side by side instead; an ensemble its seeds
        assertThat(TrainingThreads.byDefault(digitsCnn().protocol(new KFoldProtocol(5, 1, true, true, 0.2))
                .build())).isNull();
        assertThat(TrainingThreads.byDefault(digitsCnn().ensemble(new Ensemble(io.kiln.dsl.Members.SEEDS, 3))
                .build())).isNull();
        // a dense network's step is shorter than an averaging round
        assertThat(TrainingThreads.byDefault(TrainingFixtures.digits(TrainingFixtures.DIGITS_CSV).build())).isNull();
    }

    @Test
    void theTrainCommandSaysWhenItTrainsOnTwoThreadsByDefault(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Runtime.getRuntime().availableProcessors() >= 2);
        ModelDefinition def = digitsCnn().build();
        var out = new java.io.ByteArrayOutputStream();
        int code = io.kiln.runtime.cli.KilnCli.run(def, new java.io.PrintStream(out, true), new java.io.PrintStream(
                new java.io.ByteArrayOutputStream(), true), "train", "--model", dir.resolve("a.kiln").toString(), "-q",
                "--no-references");
        assertThat(code).isEqualTo(0);
        assertThat(out.toString()).contains("threads  2, averaging every 5 minibatches (the default for an image "
                + "network on " + Runtime.getRuntime().availableProcessors() + " cores; --threads 1 trains on one)");
        // the model file says how it trained
        assertThat(KilnModel.load(dir.resolve("a.kiln")).metadata().provenance().dataParallel())
                .isEqualTo("2 threads on this machine, parameter averaging every 5 minibatches");
        out.reset();
        assertThat(io.kiln.runtime.cli.KilnCli.run(def, new java.io.PrintStream(out, true), new java.io.PrintStream(
                new java.io.ByteArrayOutputStream(), true), "info", "--model", dir.resolve("a.kiln").toString()))
                .isEqualTo(0);
        assertThat(out.toString()).contains("parallel  2 threads on this machine, parameter averaging every 5 "
                + "minibatches");
        out.reset();
        code = io.kiln.runtime.cli.KilnCli.run(def, new java.io.PrintStream(out, true), new java.io.PrintStream(
                new java.io.ByteArrayOutputStream(), true), "train", "--threads", "1", "--model",
                dir.resolve("b.kiln").toString(), "-q", "--no-references");
        assertThat(code).isEqualTo(0);
        assertThat(out.toString()).doesNotContain("threads ");
        assertThat(KilnModel.load(dir.resolve("b.kiln")).metadata().provenance().dataParallel()).isNull();
        // the Java API trains on one thread unless told
        assertThat(TrainOptions.defaults().dataParallel()).isNull();
    }
}
