package io.kiln.runtime;

import org.nd4j.linalg.schedule.ISchedule;

/**
 * <b>Public API</b>. A {@link LearningRate} as DL4J's {@link ISchedule}, installed on every layer's updater by the
 * trainer. DL4J calls it with its iteration count (one per minibatch); the position in epochs is
 * {@code iteration / iterationsPerEpoch}. {@code scale} carries reductions on a plateau. A bean
 * with a no-argument constructor, so it serializes with the network configuration.
 */
public final class KilnSchedule implements ISchedule {
    private static final long serialVersionUID = 1L;
    private LearningRate.Kind kind = LearningRate.Kind.CONSTANT;
    private double base;
    private int every;
    private double factor = 1;
    private double minimum;
    private double maximum;
    private double rise;
    private int warmupEpochs;
    private int epochs;
    private int iterationsPerEpoch = 1;
    private double scale = 1;
    private double floor;

    public KilnSchedule() {}

    public KilnSchedule(LearningRate lr, int epochs, int iterationsPerEpoch) {
        this.kind = lr.kind();
        this.base = lr.base();
        this.every = lr.every();
        this.factor = lr.factor();
        this.minimum = lr.minimum();
        this.maximum = lr.maximum();
        this.rise = lr.rise();
        this.warmupEpochs = lr.warmupEpochs();
        this.epochs = epochs;
        this.iterationsPerEpoch = Math.max(1, iterationsPerEpoch);
    }

    /** The schedule this adapter follows. */
    public LearningRate learningRate() {
        return new LearningRate(kind, base, every, factor, minimum, maximum, rise, warmupEpochs);
    }

    @Override
    public double valueAt(int iteration, int epoch) {
        double done = iteration / (double) iterationsPerEpoch;
        double lr = learningRate().withWarmup(0).at(done, epochs);
        if (warmupEpochs > 0) {
            // the ramp counts the minibatch being taken, so the first update is not zero
            lr *= Math.min(1, (iteration + 1) / ((double) iterationsPerEpoch * warmupEpochs));
        }
        return Math.max(lr * scale, floor);
    }

    /** A copy whose rates are multiplied by {@code scale} and never below {@code floor}. */
    public KilnSchedule scaled(double scale, double floor) {
        KilnSchedule s = clone();
        s.scale = scale;
        s.floor = floor;
        return s;
    }

    /** A copy whose rates (and floor) are {@code factor} times these: one layer's discriminative rate. */
    public KilnSchedule times(double factor) {
        KilnSchedule s = clone();
        s.scale = scale * factor;
        s.floor = floor * factor;
        return s;
    }

    @Override
    public KilnSchedule clone() {
        KilnSchedule s = new KilnSchedule(learningRate(), epochs, iterationsPerEpoch);
        s.scale = scale;
        s.floor = floor;
        return s;
    }

    // bean accessors, for the configuration's JSON form
    public LearningRate.Kind getKind() { return kind; }
    public void setKind(LearningRate.Kind kind) { this.kind = kind; }
    public double getBase() { return base; }
    public void setBase(double base) { this.base = base; }
    public int getEvery() { return every; }
    public void setEvery(int every) { this.every = every; }
    public double getFactor() { return factor; }
    public void setFactor(double factor) { this.factor = factor; }
    public double getMinimum() { return minimum; }
    public void setMinimum(double minimum) { this.minimum = minimum; }
    public double getMaximum() { return maximum; }
    public void setMaximum(double maximum) { this.maximum = maximum; }
    public double getRise() { return rise; }
    public void setRise(double rise) { this.rise = rise; }
    public int getWarmupEpochs() { return warmupEpochs; }
    public void setWarmupEpochs(int warmupEpochs) { this.warmupEpochs = warmupEpochs; }
    public int getEpochs() { return epochs; }
    public void setEpochs(int epochs) { this.epochs = epochs; }
    public int getIterationsPerEpoch() { return iterationsPerEpoch; }
    public void setIterationsPerEpoch(int iterationsPerEpoch) { this.iterationsPerEpoch = iterationsPerEpoch; }
    public double getScale() { return scale; }
    public void setScale(double scale) { this.scale = scale; }
    public double getFloor() { return floor; }
    public void setFloor(double floor) { this.floor = floor; }

    @Override
    public boolean equals(Object o) {
        return o instanceof KilnSchedule s && s.learningRate().equals(learningRate()) && s.epochs == epochs
                && s.iterationsPerEpoch == iterationsPerEpoch && s.scale == scale && s.floor == floor;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(learningRate(), epochs, iterationsPerEpoch, scale, floor);
    }
}
