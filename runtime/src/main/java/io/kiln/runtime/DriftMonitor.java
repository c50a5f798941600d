package io.kiln.runtime;

import io.kiln.runtime.internal.drift.DriftProfile;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * <b>Public API</b>. Watches the inputs a deployed model receives for drift away from its training distribution:
 * {@link #observe} each row predicted on, and read the population stability index of each feature
 * over a sliding window of the most recent rows with {@link #psi()} (a server exposes it as the
 * gauge {@code kiln_feature_drift_psi}). See {@link DriftProfile} for the buckets, the formula and
 * how to read the values.
 *
 * <p>Thread-safe: any number of threads may call every method at once. {@link #observe} is cheap
 * and allocates nothing in steady state: it finds each value's bucket outside any lock (a binary
 * search over at most 9 edges, or a hash lookup of a level), then, under a short lock, writes the
 * row's bucket indices into a ring buffer of the last {@code window} rows and moves the per-bucket
 * counts: the row that leaves the window is subtracted, the new one added. The ring buffer takes
 * {@code 4 × window × features} bytes (10,000 rows of a 64-feature model: 2.5 MB).
 */
public final class DriftMonitor {
    /** Rows the window needs before {@link #psi()} reports numbers rather than NaN. */
    public static final int DEFAULT_MINIMUM_ROWS = 100;

    private final DriftProfile profile;
    private final int window;
    private final int minimumRows;
    private final int width;
    private final DriftProfile.FeatureProfile[] features;
    private final List<Map<String, Integer>> levelIndex;
    /** Where each feature's counts start in {@link #counts}; the ring stores offset + bucket. */
    private final int[] offsets;
    private final ThreadLocal<int[]> scratch;
    private final Object lock = new Object();
    // guarded by lock
    private final int[] counts;
    private final int[] ring;
    private int next;
    private int size;
    private long observed;

    /**
     * A monitor over the last {@code window} rows that reports PSI once it holds at least
     * {@value #DEFAULT_MINIMUM_ROWS} of them.
     *
     * @param profile the model's drift profile ({@link ModelMetadata#requireDrift()})
     * @param window rows in the sliding window, at least {@value #DEFAULT_MINIMUM_ROWS}
     */
    public DriftMonitor(DriftProfile profile, int window) {
        this(profile, window, DEFAULT_MINIMUM_ROWS);
    }

    /**
     * A monitor over the last {@code window} rows that reports PSI once it holds at least
     * {@code minimumRows} of them (fewer rows give noisy values: about {@code 9 / rows} for data that
     * has not changed at all).
     */
    public DriftMonitor(DriftProfile profile, int window, int minimumRows) {
        if (profile == null) {
            throw new IllegalArgumentException("There is no drift profile: the model was saved before drift profiles "
                    + "(format kiln-model/2); retrain it with this runtime to monitor drift.");
        }
        if (minimumRows < 1) {
            throw new IllegalArgumentException("minimumRows must be at least 1, was " + minimumRows);
        }
        if (window < minimumRows) {
            throw new IllegalArgumentException("The drift window of " + window + " rows is smaller than the "
                    + minimumRows + " rows PSI needs, so it would never report; use a window of at least "
                    + minimumRows + " rows (a few thousand is typical), or a smaller minimumRows.");
        }
        this.profile = profile;
        this.window = window;
        this.minimumRows = minimumRows;
        this.width = profile.features().size();
        this.features = profile.features().toArray(new DriftProfile.FeatureProfile[0]);
        this.offsets = new int[width + 1];
        List<Map<String, Integer>> index = new ArrayList<>(width); // null for numeric features
        for (int f = 0; f < width; f++) {
            offsets[f + 1] = offsets[f] + features[f].buckets();
            index.add(features[f].levelIndex());
        }
        this.levelIndex = index;
        this.counts = new int[offsets[width]];
        long cells = (long) window * width;
        if (cells > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("A window of " + window + " rows of " + width + " features is too "
                    + "large; use at most " + (Integer.MAX_VALUE - 8) / Math.max(1, width) + " rows.");
        }
        this.ring = new int[(int) cells];
        this.scratch = ThreadLocal.withInitial(() -> new int[width]);
    }

    /**
     * Counts one row of typed feature values, in feature order: exactly what
     * {@link KilnModel#predict} takes (Number, Boolean, String or enum; null = missing).
     *
     * @throws IllegalArgumentException if the row does not have one value per feature, or a numeric
     *     feature holds something other than a number; nothing is counted then
     */
    public void observe(Object[] row) {
        if (row.length != width) {
            throw new IllegalArgumentException("The row has " + row.length + " values; the model has " + width
                    + " features " + profile.names());
        }
        int[] buckets = scratch.get();
        for (int f = 0; f < width; f++) {
            buckets[f] = offsets[f] + features[f].bucket(row[f], levelIndex.get(f));
        }
        synchronized (lock) {
            int base = next * width;
            if (size == window) {
                for (int f = 0; f < width; f++) {
                    counts[ring[base + f]]--;
                }
            } else {
                size++;
            }
            for (int f = 0; f < width; f++) {
                int b = buckets[f];
                ring[base + f] = b;
                counts[b]++;
            }
            next = next + 1 == window ? 0 : next + 1;
            observed++;
        }
    }

    /** Rows observed since the monitor was created, in or out of the window. */
    public long observed() {
        synchronized (lock) {
            return observed;
        }
    }

    /** Rows currently in the window: {@code min(observed(), window)}. */
    public int windowRows() {
        synchronized (lock) {
            return size;
        }
    }

    /** The window's capacity in rows. */
    public int window() {
        return window;
    }

    /** Rows the window needs before {@link #psi()} reports numbers. */
    public int minimumRows() {
        return minimumRows;
    }

    /** The feature names, in feature order (the keys of {@link #psi()}). */
    public List<String> features() {
        return profile.names();
    }

    /** The profile compared with. */
    public DriftProfile profile() {
        return profile;
    }

    /**
     * The PSI of each feature over the rows now in the window, in feature order; every value is
     * NaN while the window holds fewer than {@link #minimumRows()} rows.
     */
    public Map<String, Double> psi() {
        long[][] snapshot = new long[width][];
        int rows = snapshot(snapshot);
        Map<String, Double> psi = new LinkedHashMap<>();
        for (int f = 0; f < width; f++) {
            psi.put(features[f].name(), rows < minimumRows ? Double.NaN : features[f].psi(snapshot[f]));
        }
        return Collections.unmodifiableMap(psi);
    }

    /**
     * The window as a {@link DriftReport}: PSI and the most shifted bucket of each feature, over
     * however many rows the window holds (no minimum).
     */
    public DriftReport report() {
        long[][] snapshot = new long[width][];
        int rows = snapshot(snapshot);
        return DriftReport.fromCounts(profile, rows, snapshot);
    }

    /** The window's counts, {@code [feature][bucket]}. */
    long[][] counts() {
        long[][] counts = new long[width][];
        snapshot(counts);
        return counts;
    }

    /** Copies the window's counts into {@code into[feature][bucket]}; returns the rows in the window. */
    private int snapshot(long[][] into) {
        int[] copy;
        int rows;
        synchronized (lock) {
            copy = counts.clone();
            rows = size;
        }
        for (int f = 0; f < width; f++) {
            into[f] = new long[offsets[f + 1] - offsets[f]];
            for (int b = 0; b < into[f].length; b++) {
                into[f][b] = copy[offsets[f] + b];
            }
        }
        return rows;
    }
}
