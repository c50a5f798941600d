package io.kiln.runtime;

/** Training stopped because the loss became NaN or infinite. */
public final class TrainingDivergedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TrainingDivergedException(int epoch, double loss) {
        super("Training diverged at epoch " + epoch + ": the loss is " + loss + ". Lower the learning rate "
                + "(e.g. by 10x), keep feature scaling on (Scaling.STANDARDIZE), or check the data for extreme values.");
    }
}
