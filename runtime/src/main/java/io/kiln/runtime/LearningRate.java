package io.kiln.runtime;

import java.util.Locale;

/**
 * <b>Public API</b>. A learning-rate schedule over a training run: constant, step decay, exponential decay, cosine
 * annealing or one-cycle, optionally preceded by a linear warm-up. Positions are in epochs,
 * fractional within an epoch, so smooth schedules change every minibatch while {@link Kind#STEP}
 * changes at epoch boundaries.
 *
 * @param kind the schedule's shape
 * @param base the optimizer's learning rate (the start of the schedule)
 * @param every {@link Kind#STEP}: epochs between decays
 * @param factor {@link Kind#STEP}: multiplier per step; {@link Kind#EXPONENTIAL}: multiplier per epoch
 * @param minimum {@link Kind#COSINE}: the rate at the end of the run
 * @param maximum {@link Kind#ONE_CYCLE}: the peak rate
 * @param rise {@link Kind#ONE_CYCLE}: fraction of the run spent rising to the peak
 * @param warmupEpochs epochs of linear warm-up before the schedule (0 for none)
 */
public record LearningRate(Kind kind, double base, int every, double factor, double minimum, double maximum,
        double rise, int warmupEpochs) {

    /** The shape of a schedule. */
    public enum Kind { CONSTANT, STEP, EXPONENTIAL, COSINE, ONE_CYCLE }

    /** One-cycle ends at this fraction of the starting rate. */
    static final double ONE_CYCLE_END = 0.01;

    public static LearningRate constant(double base) {
        return new LearningRate(Kind.CONSTANT, base, 0, 1, 0, 0, 0, 0);
    }

    public static LearningRate step(double base, int every, double factor) {
        return new LearningRate(Kind.STEP, base, every, factor, 0, 0, 0, 0);
    }

    public static LearningRate exponential(double base, double factor) {
        return new LearningRate(Kind.EXPONENTIAL, base, 0, factor, 0, 0, 0, 0);
    }

    public static LearningRate cosine(double base, double minimum) {
        return new LearningRate(Kind.COSINE, base, 0, 1, minimum, 0, 0, 0);
    }

    public static LearningRate oneCycle(double base, double maximum, double rise) {
        return new LearningRate(Kind.ONE_CYCLE, base, 0, 1, 0, maximum, rise, 0);
    }

    /** This schedule after a linear warm-up of {@code epochs} epochs. */
    public LearningRate withWarmup(int epochs) {
        return new LearningRate(kind, base, every, factor, minimum, maximum, rise, epochs);
    }

    /** Whether the rate never changes during a run. */
    public boolean isConstant() {
        return kind == Kind.CONSTANT && warmupEpochs == 0;
    }

    /**
     * The learning rate after {@code done} epochs of a run of {@code epochs} epochs ({@code done}
     * is fractional within an epoch, from 0).
     */
    public double at(double done, int epochs) {
        double p = epochs <= 0 ? 0 : Math.min(1, done / epochs);
        double lr = switch (kind) {
            case CONSTANT -> base;
            case STEP -> base * Math.pow(factor, Math.floor(Math.floor(done) / every));
            case EXPONENTIAL -> base * Math.pow(factor, done);
            case COSINE -> minimum + (base - minimum) * (1 + Math.cos(Math.PI * p)) / 2;
            case ONE_CYCLE -> {
                if (p < rise) {
                    yield base + (maximum - base) * p / rise;
                }
                double end = base * ONE_CYCLE_END;
                yield end + (maximum - end) * (1 + Math.cos(Math.PI * (p - rise) / (1 - rise))) / 2;
            }
        };
        if (warmupEpochs > 0 && done < warmupEpochs) {
            lr *= done / warmupEpochs;
        }
        return lr;
    }

    /** One line describing the schedule, for reports. */
    public String describe() {
        String s = switch (kind) {
            case CONSTANT -> "constant " + number(base);
            case STEP -> "step decay from " + number(base) + ", x" + number(factor) + " every " + every + " epochs";
            case EXPONENTIAL -> "exponential decay from " + number(base) + ", x" + number(factor) + " per epoch";
            case COSINE -> "cosine annealing " + number(base) + " -> " + number(minimum);
            case ONE_CYCLE -> String.format(Locale.ROOT, "one-cycle %s -> %s (peak at %.0f%%) -> %s", number(base),
                    number(maximum), rise * 100, number(base * ONE_CYCLE_END));
        };
        return warmupEpochs > 0 ? s + ", after " + warmupEpochs + " warm-up epochs" : s;
    }

    /** A rate in at most four significant digits, without trailing zeros: 0.001, 0.00003, 0.0025. */
    static String number(double v) {
        return new java.math.BigDecimal(v).round(new java.math.MathContext(4)).stripTrailingZeros().toString()
                .replace("E", "e").replace("e+", "e");
    }
}
