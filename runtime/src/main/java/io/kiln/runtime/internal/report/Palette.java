package io.kiln.runtime.internal.report;

import java.util.Locale;

/**
 * The report's colors. Series colors (matplotlib's tab10) are fixed so that a reader, and the screenshot
 * test, can tell the series apart; the page's own chrome uses none of them.
 */
final class Palette {
    private Palette() {}

    static final String TRAIN_COLOR = "#1f77b4";
    static final String VALIDATION_COLOR = "#ff7f0e";
    static final String LEARNING_RATE_COLOR = "#2ca02c";
    static final String CURVE_COLOR = "#d62728";
    static final String RESIDUAL_COLOR = "#17becf";
    static final String REFERENCE_COLOR = "#8c8c8c";
    static final String MARKER_COLOR = "#555555";
    /** The confusion-matrix heat ramp, from a row share of 0 to 1. */
    static final int[] HEAT_LOW = {239, 237, 245};
    static final int[] HEAT_HIGH = {84, 39, 143};

    /** The heat ramp's color at a row share in [0, 1]. */
    static String heat(double share) {
        double t = Math.max(0, Math.min(1, share));
        return String.format(Locale.ROOT, "#%02x%02x%02x", mix(0, t), mix(1, t), mix(2, t));
    }

    private static int mix(int channel, double t) {
        return (int) Math.round(HEAT_LOW[channel] + t * (HEAT_HIGH[channel] - HEAT_LOW[channel]));
    }
}
