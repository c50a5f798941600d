package io.kiln.dsl;

/** How {@link Search} picks the configurations it trains. */
public enum SearchStrategy {
    /** Every configuration of the space: each {@link Tune} gives a finite list (candidates, or a range with steps). */
    GRID,
    /** {@link Search#trials()} configurations drawn from the space with {@link Search#seed()}. */
    RANDOM,
    /**
     * Successive halving: {@link Search#trials()} configurations drawn as for {@link #RANDOM} each train
     * {@link Search#minEpochs()} epochs; the best 1/{@link Search#factor()} go on with {@code factor} times
     * the epochs, until the declared epochs are reached.
     */
    HALVING
}
