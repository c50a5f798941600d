package io.kiln.runtime.internal.train;

import io.kiln.runtime.KilnModel;
import io.kiln.runtime.KilnSchedule;
import io.kiln.runtime.Network;
import io.kiln.runtime.Report;
import java.util.ArrayList;
import java.util.List;

/** What the epoch loop and its callbacks share during one run. */
final class FitState {
    final Network net;
    final KilnModel model;
    final EpochProgress progress;
    final List<Report.Epoch> history = new ArrayList<>();
    /** The learning-rate schedule installed on the network, or null for the optimizer's constant rate. */
    KilnSchedule schedule;
    double firstLoss = Double.NaN;
    int bestEpoch;
    boolean stoppedEarly;
    boolean restored;

    FitState(Network net, KilnModel model, EpochProgress progress, KilnSchedule schedule) {
        this.net = net;
        this.model = model;
        this.progress = progress;
        this.schedule = schedule;
    }
}
