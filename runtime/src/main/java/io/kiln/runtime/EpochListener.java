package io.kiln.runtime;

/**
 * <b>Public API</b>. Called after every training epoch (of every fold and of a final retrain), with the epoch's
 * record and the model as it stands: its network and fitted preprocessing can be used to predict
 * or evaluate, e.g. to watch a score the trainer does not monitor.
 */
@FunctionalInterface
public interface EpochListener {
    void onEpoch(Report.Epoch epoch, KilnModel model);
}
