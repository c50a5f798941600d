package io.kiln.runtime.internal.train;

import io.kiln.runtime.KilnModel;
import io.kiln.runtime.KilnSchedule;
import io.kiln.runtime.Network;
import io.kiln.runtime.Report;
import java.util.ArrayList;
import java.util.List;

/** What the epoch loop and its callbacks share during one run. */
final class FitState {
    Network net;
    KilnModel model;
    final EpochProgress progress;
    final List<Report.Epoch> history = new ArrayList<>();
    /** The learning-rate schedule installed on the network, or null for the optimizer's constant rate. */
    KilnSchedule schedule;
    double firstLoss = Double.NaN;
    int bestEpoch;
    boolean stoppedEarly;
    boolean restored;

    /** Each layer's rate relative to the schedule's (discriminative rates), by name, or null: all the same. */
    java.util.Map<String, Double> rateFactors;
    /**
     * Puts the network into the state it is saved in (DL4J's dropout, the plain loss) and back into its
     * training state: around anything outside the loop that may save it, such as an epoch listener.
     */
    Runnable toSaved = () -> { };
    Runnable toTraining = () -> { };
    /** Layers that gradual unfreezing unfroze, with the epoch after which they started training. */
    final java.util.Map<String, Integer> unfrozen = new java.util.LinkedHashMap<>();

    FitState(Network net, KilnModel model, EpochProgress progress, KilnSchedule schedule) {
        this.net = net;
        this.model = model;
        this.progress = progress;
        this.schedule = schedule;
    }

    /** Installs {@link #schedule} on the network, each layer's scaled by its rate factor. */
    void installSchedule() {
        if (rateFactors == null) {
            net.setLearningRate(schedule);
            return;
        }
        rateFactors.forEach((layer, factor) -> net.setLearningRate(layer, schedule.times(factor)));
    }

    /** Continues training on another network with the same weights (gradual unfreezing rebuilt it). */
    void replace(Network other) {
        net = other;
        model = new KilnModel(other, model.metadata());
        if (schedule != null) {
            installSchedule();
        }
    }
}
