package io.kiln.spark;

import io.kiln.runtime.ModelDefinition;

/** Stands where the processor would generate {@code IrisFixtureTrainer} for a spec {@code IrisFixture}. */
public final class IrisFixtureTrainer {
    public static final ModelDefinition DEFINITION = SparkScorerTest.iris();

    private IrisFixtureTrainer() {}
}
