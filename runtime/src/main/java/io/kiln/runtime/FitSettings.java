package io.kiln.runtime;

/**
 * <b>Public API</b>. Training settings.
 *
 * @param epochs passes over the training data
 * @param batchSize samples per gradient step
 * @param seed seed of initialization, splitting and shuffling
 */
public record FitSettings(int epochs, int batchSize, long seed) {
    /**
     * The seed Deeplearning4j's weight initialization (and dropout) draws from: {@link #seed()}, except
     * 0, which ND4J's native generator takes as "seed from the clock" (every run would start from other
     * weights); 0 becomes a fixed other value, so that seed 0 repeats as any other seed does.
     */
    public long weightSeed() {
        return seed != 0 ? seed : ZERO_SEED;
    }

    /** What seed 0 initializes weights from. */
    static final long ZERO_SEED = 0x9E3779B97F4A7C15L;
}
