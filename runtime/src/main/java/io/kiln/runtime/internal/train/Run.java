package io.kiln.runtime.internal.train;

import io.kiln.runtime.KilnModel;
import io.kiln.runtime.ModelMetadata;
import io.kiln.runtime.Report;
import java.util.List;
import java.util.Map;

/**
 * One model trained on some rows and monitored on others (possibly none).
 *
 * @param firstLoss the first epoch's training loss, for the diagnosis
 * @param deadRelu per ReLU layer, the fraction of units dead on sampled training rows
 * @param transfer what a transfer reused, or null
 * @param wordVectors the pretrained word vectors an embedding started from, or null
 * @param companions what trained beside the model (an ensemble's members, a student's teacher and
 *     hard-only twin), or null
 */
public record Run(KilnModel model, List<Report.Epoch> history, int bestEpoch, boolean stoppedEarly,
        boolean restoredBest, String monitor, String learningRate, double firstLoss, Map<String, Double> deadRelu,
        ModelMetadata.TransferProvenance transfer, ModelMetadata.WordVectorsProvenance wordVectors,
        Companions companions) {

    public Run(KilnModel model, List<Report.Epoch> history, int bestEpoch, boolean stoppedEarly, boolean restoredBest,
            String monitor, String learningRate, double firstLoss, Map<String, Double> deadRelu,
            ModelMetadata.TransferProvenance transfer, ModelMetadata.WordVectorsProvenance wordVectors) {
        this(model, history, bestEpoch, stoppedEarly, restoredBest, monitor, learningRate, firstLoss, deadRelu, transfer,
                wordVectors, null);
    }

    /** This run with what trained beside its model. */
    public Run withCompanions(Companions other) {
        return new Run(model, history, bestEpoch, stoppedEarly, restoredBest, monitor, learningRate, firstLoss, deadRelu,
                transfer, wordVectors, other);
    }

    /** This run with the validation curve of {@code monitored} (a retrain has none of its own). */
    public Run withValidationHistory(Run monitored) {
        return withCurves(monitored.history(), monitored.bestEpoch(), monitored.stoppedEarly(),
                monitored.restoredBest(), monitored.monitor(), monitored.firstLoss());
    }

    /** This run's model with other learning curves to report and diagnose. */
    public Run withCurves(List<Report.Epoch> curves, int best, boolean stopped, boolean restored, String monitored,
            double first) {
        return new Run(model, curves, best, stopped, restored, monitored, learningRate, first, deadRelu, transfer,
                wordVectors, companions);
    }
}
