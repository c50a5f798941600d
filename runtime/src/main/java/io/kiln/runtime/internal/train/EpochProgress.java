package io.kiln.runtime.internal.train;

import io.kiln.runtime.Report;
import java.io.PrintStream;
import java.util.Locale;

/** Per-epoch progress lines of a training run: about ten lines a run, or every epoch. */
public final class EpochProgress {
    /** Prints nothing. */
    public static final EpochProgress NONE = new EpochProgress(null, false);
    private final PrintStream out;
    private final boolean everyEpoch;
    private final String prefix;

    /**
     * @param out where to print, or null for nothing
     * @param everyEpoch a line every epoch instead of about ten a run
     */
    public EpochProgress(PrintStream out, boolean everyEpoch) {
        this(out, everyEpoch, "");
    }

    private EpochProgress(PrintStream out, boolean everyEpoch, String prefix) {
        this.out = out;
        this.everyEpoch = everyEpoch;
        this.prefix = prefix;
    }

    /** The same progress with each epoch line starting with {@code prefix} (e.g. {@code "fold 2/5 "}). */
    public EpochProgress withPrefix(String prefix) {
        return new EpochProgress(out, everyEpoch, prefix);
    }

    public boolean everyEpoch() {
        return everyEpoch;
    }

    /** Prints one line (when printing). */
    public void line(String text) {
        if (out != null) {
            out.println(text);
        }
    }

    void epoch(Report.Epoch e, int epochs, long started, boolean validate, String primary) {
        if (out == null) {
            return;
        }
        int step = everyEpoch ? 1 : Math.max(1, (epochs + 9) / 10);
        if (e.epoch() == 1 || e.epoch() == epochs || e.epoch() % step == 0) {
            double elapsed = (System.nanoTime() - started) / 1e9;
            double eta = elapsed / e.epoch() * (epochs - e.epoch());
            out.printf(Locale.ROOT, "%sepoch %" + Integer.toString(epochs).length() + "d/%d  loss %.4f%s  lr %.3g  "
                    + "%.0f ms/epoch  ETA %s%n", prefix, e.epoch(), epochs, e.trainLoss(),
                    validate ? String.format(Locale.ROOT, "  val_loss %.4f  val_%s %.4f", e.validationLoss(),
                            primary, e.validationMetric()) : "",
                    e.learningRate(), e.seconds() * 1000, duration(eta));
        }
    }

    static String duration(double seconds) {
        if (seconds < 60) {
            return String.format(Locale.ROOT, "%.1fs", seconds);
        }
        return String.format(Locale.ROOT, "%dm%02ds", (long) seconds / 60, (long) seconds % 60);
    }
}
