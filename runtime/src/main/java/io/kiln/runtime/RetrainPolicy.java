package io.kiln.runtime;

import io.kiln.dsl.RetrainData;
import io.kiln.dsl.RetrainLevel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * <b>Public API</b>. A spec's {@code @Retrain}: when continuous learning trains a challenger, on which
 * rows, how much of the model, and when the challenger replaces the champion. {@link #never()} is the
 * static model: batches are scored and kept, and the champion never changes.
 *
 * @param everyRows retrain after this many new rows since the last retraining; 0 for no such trigger
 * @param driftPsi retrain when a feature's PSI over the most recent {@code driftRows} rows exceeds this; 0 for none
 * @param driftRows how many recent rows the PSI is measured on (at least 100), and how many must arrive since the
 *     last retraining before it is checked
 * @param metricDrop retrain when the champion's metric on the acceptance window is worse by this much
 *     than when it was accepted; 0 for none
 * @param data which retained rows the challenger trains on
 * @param window {@link RetrainData#WINDOW}: the most recent rows kept; else 0
 * @param span {@link RetrainData#WINDOW} by time: the rows whose order column is within this of the newest
 *     row's ({@code 30d}, {@code 12h}, {@code 45m}, {@code 90s}, or a number in a numeric column's units);
 *     else empty
 * @param halfLife recency weighting: the rows of age {@code halfLife} are drawn half as often; 0 for none
 * @param replay older rows drawn beside the selected ones, as a fraction of their count
 * @param level how much of the model trains
 * @param trainTop {@link RetrainLevel#TOP_LAYERS}: the layers with weights that train, from the top
 * @param l2sp L2-SP strength toward the champion's weights; 0 for none
 * @param epochs epochs per retraining; 0 for the declared {@code @Fit} epochs
 * @param accept the acceptance window: the most recent rows, held out from retraining
 * @param margin how much better the challenger must be to replace the champion
 * @param retain the most rows kept
 * @param refitPreprocessing refit the preprocessing when continuing from the champion's weights
 */
public record RetrainPolicy(int everyRows, double driftPsi, int driftRows, double metricDrop, RetrainData data,
        int window, String span, double halfLife, double replay, RetrainLevel level, int trainTop, double l2sp, int epochs,
        int accept, double margin, int retain, boolean refitPreprocessing) {

    public RetrainPolicy {
        span = span == null ? "" : span.trim();
        List<String> problems = problems(everyRows, driftPsi, driftRows, metricDrop, data, window, span, halfLife,
                replay, level, trainTop, l2sp, epochs, accept, margin, retain, refitPreprocessing);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("[kiln.retrain-policy] " + String.join(" ", problems));
        }
    }

    /** Never retrains: the static model, its batches scored (and kept) only. */
    public static RetrainPolicy never() {
        return new RetrainPolicy(0, 0, 500, 0, RetrainData.ALL, 0, "", 0, 0, RetrainLevel.FINE_TUNE, 0, 0, 0, 500, 0,
                100_000, false);
    }

    /** The defaults of {@code @Retrain} with a row trigger: retrain every {@code rows} new rows. */
    public static RetrainPolicy every(int rows) {
        return never().withTriggers(rows, 0, 0);
    }

    /** Whether any trigger is declared. */
    public boolean retrains() {
        return everyRows > 0 || driftPsi > 0 || metricDrop > 0;
    }

    public RetrainPolicy withTriggers(int rows, double psi, double drop) {
        return new RetrainPolicy(rows, psi, driftRows, drop, data, window, span, halfLife, replay, level, trainTop, l2sp,
                epochs, accept, margin, retain, refitPreprocessing);
    }

    public RetrainPolicy withDriftRows(int rows) {
        return new RetrainPolicy(everyRows, driftPsi, rows, metricDrop, data, window, span, halfLife, replay, level, trainTop,
                l2sp, epochs, accept, margin, retain, refitPreprocessing);
    }

    /** A window by time: {@link RetrainData#WINDOW} over the rows within {@code duration} of the newest. */
    public RetrainPolicy withSpan(String duration) {
        return new RetrainPolicy(everyRows, driftPsi, driftRows, metricDrop, RetrainData.WINDOW, 0, duration, halfLife,
                replay, level, trainTop, l2sp, epochs, accept, margin, retain, refitPreprocessing);
    }

    /**
     * A span in the order column's units: a duration ({@code 30d}, {@code 12h}, {@code 45m}, {@code 90s}) in
     * seconds, which dates and date-times are ordered by; a plain number as it is; NaN for neither or not
     * positive.
     */
    public static double spanUnits(String span) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9]+(?:\\.[0-9]+)?)\\s*([dhms]?)")
                .matcher(span.trim());
        if (!m.matches()) {
            return Double.NaN;
        }
        double v = Double.parseDouble(m.group(1));
        double seconds = switch (m.group(2)) {
            case "d" -> v * 86_400;
            case "h" -> v * 3_600;
            case "m" -> v * 60;
            default -> v;
        };
        return seconds > 0 && Double.isFinite(seconds) ? seconds : Double.NaN;
    }

    /** Whether the span is a duration (a unit follows the number), which needs a date or date-time order column. */
    public boolean spanIsDuration() {
        return !span.isEmpty() && Character.isLetter(span.charAt(span.length() - 1));
    }

    public RetrainPolicy withData(RetrainData kind, int rows, double replayFraction, double half) {
        return new RetrainPolicy(everyRows, driftPsi, driftRows, metricDrop, kind, rows, "", half, replayFraction, level,
                trainTop, l2sp, epochs, accept, margin, retain, refitPreprocessing);
    }

    public RetrainPolicy withLevel(RetrainLevel kind, int top, double pull) {
        return new RetrainPolicy(everyRows, driftPsi, driftRows, metricDrop, data, window, span, halfLife, replay, kind, top,
                pull, epochs, accept, margin, retain, refitPreprocessing);
    }

    public RetrainPolicy withEpochs(int n) {
        return new RetrainPolicy(everyRows, driftPsi, driftRows, metricDrop, data, window, span, halfLife, replay, level,
                trainTop, l2sp, n, accept, margin, retain, refitPreprocessing);
    }

    public RetrainPolicy withAcceptance(int rows, double by) {
        return new RetrainPolicy(everyRows, driftPsi, driftRows, metricDrop, data, window, span, halfLife, replay, level,
                trainTop, l2sp, epochs, rows, by, retain, refitPreprocessing);
    }

    public RetrainPolicy withRetain(int rows) {
        return new RetrainPolicy(everyRows, driftPsi, driftRows, metricDrop, data, window, span, halfLife, replay, level,
                trainTop, l2sp, epochs, accept, margin, rows, refitPreprocessing);
    }

    /**
     * What is wrong with a policy, one sentence each (the same rules the annotation processor checks);
     * empty when nothing is.
     */
    /** The fewest rows a drift trigger measures its PSI on. */
    public static final int MIN_DRIFT_ROWS = 100;

    static List<String> problems(int everyRows, double driftPsi, int driftRows, double metricDrop, RetrainData data,
            int window, String span, double halfLife, double replay, RetrainLevel level, int trainTop, double l2sp, int epochs,
            int accept, double margin, int retain, boolean refitPreprocessing) {
        List<String> p = new ArrayList<>();
        if (refitPreprocessing && level == RetrainLevel.SCRATCH) {
            p.add("A retraining from scratch always fits its own preprocessing; refitPreprocessing changes nothing.");
        }
        if (everyRows < 0 || !(driftPsi >= 0) || !(metricDrop >= 0) || Double.isInfinite(driftPsi)
                || Double.isInfinite(metricDrop)) {
            p.add("The triggers everyRows, driftPsi and metricDrop are 0 (off) or positive and finite.");
        }
        if (driftRows < MIN_DRIFT_ROWS && driftPsi > 0) {
            p.add("driftRows must be at least " + MIN_DRIFT_ROWS + " (a PSI on fewer rows is noise), was " + driftRows
                    + ".");
        }
        boolean spanned = !span.isEmpty();
        if ((data == RetrainData.WINDOW) != (window > 0 || spanned) || window < 0 || window > 0 && spanned) {
            p.add("A window of rows or a span is declared with data = WINDOW, one of them, and only then (window "
                    + window + ", span '" + span + "', data " + data + ").");
        }
        if (spanned && Double.isNaN(spanUnits(span))) {
            p.add("span '" + span + "' is neither a positive number nor a duration such as 30d, 12h, 45m or 90s.");
        }
        if (retain < 1) {
            p.add("retain must be positive, was " + retain + ".");
        }
        if (accept < 1) {
            p.add("The acceptance window must hold at least one row, was " + accept + ".");
        }
        if (window > 0 && accept >= 1 && (long) window + accept > retain) {
            p.add(String.format(Locale.ROOT, "The window (%d rows) and the acceptance window (%d) exceed the %d "
                    + "rows retained.", window, accept, retain));
        } else if (accept >= retain && retain >= 1) {
            p.add(String.format(Locale.ROOT, "The acceptance window (%d rows) leaves none of the %d retained rows "
                    + "to train on.", accept, retain));
        }
        if (!(replay >= 0 && replay < 1)) {
            p.add("replay is a fraction in [0, 1), was " + replay + ".");
        } else if (replay > 0 && data == RetrainData.ALL) {
            p.add("replay draws older rows beside a window or the new rows; with data = ALL there are none.");
        }
        if (!(halfLife >= 0) || Double.isInfinite(halfLife)) {
            p.add("halfLife is 0 (off) or a positive number of rows, was " + halfLife + ".");
        }
        if ((level == RetrainLevel.TOP_LAYERS) != (trainTop > 0) || trainTop < 0) {
            p.add("trainTop is declared with level = TOP_LAYERS, and only then (trainTop " + trainTop + ", level "
                    + level + ").");
        }
        if (!(l2sp >= 0) || Double.isInfinite(l2sp)) {
            p.add("l2sp is 0 (off) or positive, was " + l2sp + ".");
        } else if (l2sp > 0 && level == RetrainLevel.SCRATCH) {
            p.add("l2sp pulls toward the champion's weights, which a retraining from scratch does not start from.");
        }
        if (epochs < 0) {
            p.add("epochs is 0 (the declared @Fit epochs) or positive, was " + epochs + ".");
        }
        if (!(margin >= 0) || Double.isInfinite(margin)) {
            p.add("margin is 0 or positive, was " + margin + ".");
        }
        return p;
    }

    /** The policy in words, for the log and the report. */
    public String describe() {
        if (!retrains()) {
            return "never retrains (static)";
        }
        List<String> when = new ArrayList<>();
        if (everyRows > 0) {
            when.add("every " + everyRows + " rows");
        }
        if (driftPsi > 0) {
            when.add("when a feature's PSI exceeds " + ModelMetadata.number(driftPsi));
        }
        if (metricDrop > 0) {
            when.add("when the metric drops by " + ModelMetadata.number(metricDrop));
        }
        String rows = switch (data) {
            case ALL -> "all kept rows";
            case WINDOW -> span.isEmpty() ? "the last " + window + " rows" : "the rows of the last " + span;
            case NEW -> "the rows since the last retraining";
        };
        if (replay > 0) {
            rows += " + " + ModelMetadata.number(replay) + " replayed";
        }
        if (halfLife > 0) {
            rows += ", half-life " + ModelMetadata.number(halfLife) + " rows";
        }
        String how = switch (level) {
            case SCRATCH -> "from scratch";
            case FINE_TUNE -> "fine-tuning";
            case TOP_LAYERS -> "the top " + trainTop + " layers";
        };
        if (l2sp > 0) {
            how += ", L2-SP " + ModelMetadata.number(l2sp);
        }
        return String.format(Locale.ROOT, "retrains %s on %s, %s; accepted on the last %d rows", String.join(" or ",
                when), rows, how, accept) + (margin > 0 ? " by more than " + ModelMetadata.number(margin) : "");
    }
}
