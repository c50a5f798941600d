package io.kiln.runtime.internal.train;

import io.kiln.runtime.ModelDefinition;
import io.kiln.runtime.TrainingDivergedException;

/**
 * Ends a run whose training loss is not finite, has exploded against the first epoch's, or is far
 * worse than the constant baseline's.
 */
final class DivergenceCheck implements EpochCallback {
    /** A training loss this many times the first epoch's is an explosion. */
    static final double EXPLODING = 100;
    /** A training loss this many times the constant baseline's has diverged. */
    static final double WORSE_THAN_BASELINE = 10;

    private final ModelDefinition def;
    private final double baselineLoss;

    /** @param baselineLoss the constant baseline's loss on the training targets */
    DivergenceCheck(ModelDefinition def, double baselineLoss) {
        this.def = def;
        this.baselineLoss = baselineLoss;
    }

    @Override
    public void afterTrainingPass(FitState state, int epoch, double trainLoss, double rate) {
        if (!Double.isFinite(trainLoss)) {
            throw new TrainingDivergedException(epoch, trainLoss, rate, def);
        }
        double firstLoss = state.firstLoss;
        if (epoch > 1 && firstLoss > 0 && trainLoss > EXPLODING * firstLoss) {
            throw new TrainingDivergedException(epoch, trainLoss, firstLoss, rate, def);
        }
        // from the third epoch: a bad first epoch can recover
        if (epoch >= 3 && baselineLoss > 0 && trainLoss > WORSE_THAN_BASELINE * baselineLoss) {
            throw new TrainingDivergedException(epoch, trainLoss, rate, baselineLoss, def, true);
        }
    }
}
