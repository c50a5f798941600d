package io.kiln.runtime;

import io.kiln.dsl.Scaling;
import java.util.List;
import java.util.Locale;

/**
 * <b>Public API</b>. Training stopped because the loss became NaN or infinite, or exploded. The message says what to
 * change: the learning rate, gradient clipping, feature scaling.
 */
public final class TrainingDivergedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TrainingDivergedException(int epoch, double loss) {
        super(String.format(Locale.ROOT, "Training diverged at epoch %d: the loss is %s. %s", epoch, loss,
                advice(Double.NaN, null)));
    }

    /** The loss became NaN or infinite. */
    public TrainingDivergedException(int epoch, double loss, double learningRate, ModelDefinition def) {
        super(String.format(Locale.ROOT, "Training diverged at epoch %d: the loss is %s. %s", epoch, loss,
                advice(learningRate, def)));
    }

    /** The loss exploded: it grew to more than {@link Trainer#EXPLODING} times the first epoch's. */
    public TrainingDivergedException(int epoch, double loss, double firstLoss, double learningRate, ModelDefinition def) {
        super(String.format(Locale.ROOT, "Training diverged at epoch %d: the loss exploded to %.4g, %.0fx the first "
                + "epoch's %.4g. %s", epoch, loss, loss / firstLoss, firstLoss, advice(learningRate, def)));
    }

    /** The loss stayed far above the constant baseline's: the optimizer is jumping around, not descending. */
    public TrainingDivergedException(int epoch, double loss, double learningRate, double baselineLoss, ModelDefinition def,
            boolean againstBaseline) {
        super(String.format(Locale.ROOT, "Training diverged at epoch %d: the loss is %.4g, %.0fx the %.4g of always "
                + "predicting the training %s. %s", epoch, loss, loss / baselineLoss, baselineLoss,
                def.task().isClassification() ? "class frequencies" : "mean", advice(learningRate, def)));
    }

    private static String advice(double learningRate, ModelDefinition def) {
        StringBuilder s = new StringBuilder("Try: lower the learning rate");
        if (!Double.isNaN(learningRate)) {
            s.append(String.format(Locale.ROOT, " (it was %.3g; try %.3g)", learningRate, learningRate / 10));
        } else {
            s.append(" (e.g. by 10x)");
        }
        s.append("; add @GradientClipping(norm = 1.0)");
        List<String> unscaled = def == null ? List.of() : def.features().stream()
                .filter(f -> f.kind() == FeatureKind.NUMERIC && f.scaling() == Scaling.NONE)
                .map(FeatureSchema::name).toList();
        if (!unscaled.isEmpty()) {
            s.append("; scale the unscaled numeric features ").append(unscaled)
                    .append(" (scaling = Scaling.STANDARDIZE)");
        } else {
            s.append("; keep feature scaling on (Scaling.STANDARDIZE)");
        }
        return s.append("; check the data for extreme values.").toString();
    }
}
