package io.kiln.runtime;

import java.io.PrintStream;
import java.nio.file.Path;

/**
 * <b>Public API</b>. Run-time overrides of a spec's training: another data file, epochs, batch size or seed, where
 * progress goes, and an epoch listener. Immutable; each method returns a changed copy.
 *
 * @param data a CSV file to train on instead of the declared data (same format), or null
 * @param epochs epochs instead of the declared ones, or null
 * @param batchSize batch size instead of the declared one, or null
 * @param seed seed instead of the declared one, or null
 * @param progress where per-epoch progress is printed, or null for none
 * @param everyEpoch print every epoch (otherwise about ten lines per run)
 * @param listener called after every epoch, or null
 * @param sample train on a random sample of this many training rows (validation and test rows
 *     unchanged), or null for all; for quick experiments on large data
 * @param references train the reference models (a linear model and gradient-boosted trees on the
 *     same features, rows and folds) beside the network, for tables of flat features up to
 *     {@code References.MAX_ROWS} rows and {@code References.MAX_COLUMNS} encoded columns (default on)
 * @param dataParallel trains each network's epochs on several workers (kiln-spark's
 *     {@code SparkTraining}), or null to train in this JVM
 * @param stream whether training streams minibatches from disk instead of reading the data into
 *     memory: true always, false never, null when the data file would take more than
 *     {@link Trainer#IN_MEMORY_SHARE} of the heap in memory
 */
public record TrainOptions(Path data, Integer epochs, Integer batchSize, Long seed, PrintStream progress,
        boolean everyEpoch, EpochListener listener, Integer sample, boolean references, DataParallel dataParallel,
        Boolean stream) {

    public TrainOptions {
        if (sample != null && sample <= 0) {
            throw new IllegalArgumentException("the training sample must be positive, was " + sample);
        }
    }

    public TrainOptions(Path data, Integer epochs, Integer batchSize, Long seed, PrintStream progress,
            boolean everyEpoch, EpochListener listener, Integer sample, boolean references, DataParallel dataParallel) {
        this(data, epochs, batchSize, seed, progress, everyEpoch, listener, sample, references, dataParallel, null);
    }

    public TrainOptions(Path data, Integer epochs, Integer batchSize, Long seed, PrintStream progress,
            boolean everyEpoch, EpochListener listener, Integer sample, boolean references) {
        this(data, epochs, batchSize, seed, progress, everyEpoch, listener, sample, references, null);
    }

    public TrainOptions(Path data, Integer epochs, Integer batchSize, Long seed, PrintStream progress,
            boolean everyEpoch, EpochListener listener, Integer sample) {
        this(data, epochs, batchSize, seed, progress, everyEpoch, listener, sample, true);
    }

    public TrainOptions(Path data, Integer epochs, Integer batchSize, Long seed, PrintStream progress,
            boolean everyEpoch, EpochListener listener) {
        this(data, epochs, batchSize, seed, progress, everyEpoch, listener, null);
    }

    public TrainOptions(Path data, Integer epochs, Integer batchSize, Long seed, PrintStream progress,
            boolean everyEpoch) {
        this(data, epochs, batchSize, seed, progress, everyEpoch, null);
    }

    /** Declared settings, progress on standard error. */
    public static TrainOptions defaults() {
        return new TrainOptions(null, null, null, null, System.err, false, null, null);
    }

    public TrainOptions data(Path file) {
        return new TrainOptions(file, epochs, batchSize, seed, progress, everyEpoch, listener, sample,
                references, dataParallel, stream);
    }

    public TrainOptions epochs(int n) {
        return new TrainOptions(data, n, batchSize, seed, progress, everyEpoch, listener, sample, references,
                dataParallel, stream);
    }

    public TrainOptions batchSize(int n) {
        return new TrainOptions(data, epochs, n, seed, progress, everyEpoch, listener, sample, references,
                dataParallel, stream);
    }

    public TrainOptions seed(long s) {
        return new TrainOptions(data, epochs, batchSize, s, progress, everyEpoch, listener, sample, references,
                dataParallel, stream);
    }

    public TrainOptions quiet() {
        return new TrainOptions(data, epochs, batchSize, seed, null, false, listener, sample, references, dataParallel, stream);
    }

    public TrainOptions progress(PrintStream out, boolean every) {
        return new TrainOptions(data, epochs, batchSize, seed, out, every, listener, sample, references, dataParallel, stream);
    }

    public TrainOptions listener(EpochListener l) {
        return new TrainOptions(data, epochs, batchSize, seed, progress, everyEpoch, l, sample, references,
                dataParallel, stream);
    }

    /** Train on a random sample of {@code rows} of the training rows. */
    public TrainOptions sample(int rows) {
        return new TrainOptions(data, epochs, batchSize, seed, progress, everyEpoch, listener, rows,
                references, dataParallel, stream);
    }

    /** With or without the reference models beside the network. */
    public TrainOptions references(boolean on) {
        return new TrainOptions(data, epochs, batchSize, seed, progress, everyEpoch, listener, sample, on,
                dataParallel, stream);
    }

    /** Each network's epochs trained data-parallel by {@code workers} (null: in this JVM). */
    public TrainOptions dataParallel(DataParallel workers) {
        return new TrainOptions(data, epochs, batchSize, seed, progress, everyEpoch, listener, sample, references,
                workers, stream);
    }

    /** Streams minibatches from disk (true), reads the data into memory (false), or decides by size (null). */
    public TrainOptions stream(Boolean on) {
        return new TrainOptions(data, epochs, batchSize, seed, progress, everyEpoch, listener, sample, references,
                dataParallel, on);
    }

    /** The declared settings with these overrides applied. */
    public FitSettings apply(FitSettings declared) {
        return new FitSettings(epochs != null ? epochs : declared.epochs(),
                batchSize != null ? batchSize : declared.batchSize(), seed != null ? seed : declared.seed());
    }
}
