package io.kiln.runtime;

import io.kiln.runtime.internal.data.LabeledData;
import io.kiln.runtime.internal.drift.DriftProfile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * <b>Public API</b>. How far each feature of some data has drifted from the training distribution saved with the
 * model: the population stability index (PSI) per feature and the bucket that moved most. Built
 * over a whole data file ({@link #of(DriftProfile, LabeledData)}, the {@code drift} command) or over
 * a {@link DriftMonitor}'s window ({@link DriftMonitor#report()}).
 *
 * @param rows the rows compared
 * @param trainingRows the training rows the profile was fitted on
 * @param features one entry per feature, in feature order
 */
public record DriftReport(long rows, int trainingRows, List<FeatureDrift> features) {

    public DriftReport {
        features = List.copyOf(features);
    }

    /**
     * One feature's drift.
     *
     * @param feature the feature name
     * @param psi its population stability index; NaN when no rows were compared
     * @param verdict {@code stable}, {@code moderate} or {@code major} ({@link DriftProfile#verdict})
     * @param bucket the most shifted bucket: the one whose proportion changed most (of equal changes,
     *     the one adding more to the PSI), e.g. {@code bin [3.5, 7.0)}, {@code level 'red'},
     *     {@code other levels} or {@code missing}
     * @param expected that bucket's proportion in the training rows
     * @param actual its proportion in the rows compared
     */
    public record FeatureDrift(String feature, double psi, String verdict, String bucket, double expected,
            double actual) {}

    /** The drift of every row of {@code data} (labels, if any, are ignored). */
    public static DriftReport of(DriftProfile profile, LabeledData data) {
        return of(profile, data.features());
    }

    /** The drift of rows of typed feature values, in feature order (as {@link KilnModel#predict} takes them). */
    public static DriftReport of(DriftProfile profile, List<Object[]> rows) {
        int n = profile.features().size();
        long[][] counts = new long[n][];
        for (int f = 0; f < n; f++) {
            counts[f] = new long[profile.features().get(f).buckets()];
        }
        for (int i = 0; i < rows.size(); i++) {
            Object[] row = rows.get(i);
            if (row.length != n) {
                throw new IllegalArgumentException("row " + i + " has " + row.length + " values; the model has " + n
                        + " features");
            }
            for (int f = 0; f < n; f++) {
                counts[f][profile.bucket(f, row[f])]++;
            }
        }
        return fromCounts(profile, rows.size(), counts);
    }

    /** The report for {@code counts[feature][bucket]} values over {@code rows} rows. */
    static DriftReport fromCounts(DriftProfile profile, long rows, long[][] counts) {
        List<FeatureDrift> features = new ArrayList<>(counts.length);
        for (int f = 0; f < counts.length; f++) {
            DriftProfile.FeatureProfile p = profile.features().get(f);
            long total = p.total(counts[f]);
            double psi = p.psi(counts[f]);
            // the bucket whose proportion changed most; of equal changes, the one adding more to the PSI
            int worst = 0;
            double worstChange = -1;
            double worstTerm = -1;
            for (int b = 0; b < counts[f].length; b++) {
                double actual = total == 0 ? 0 : (double) counts[f][b] / total;
                double change = Math.abs(actual - p.expected(b));
                double term = DriftProfile.FeatureProfile.term(p.expected(b), actual);
                if (change > worstChange || change == worstChange && term > worstTerm) {
                    worst = b;
                    worstChange = change;
                    worstTerm = term;
                }
            }
            features.add(new FeatureDrift(p.name(), psi, DriftProfile.verdict(psi), p.describe(worst),
                    p.expected(worst), total == 0 ? Double.NaN : (double) counts[f][worst] / total));
        }
        return new DriftReport(rows, profile.rows(), features);
    }

    /** The features by PSI, largest first (NaN last), ties in feature order. */
    public List<FeatureDrift> sortedByPsi() {
        List<FeatureDrift> sorted = new ArrayList<>(features);
        sorted.sort(Comparator.comparingDouble((FeatureDrift d) -> Double.isNaN(d.psi()) ? Double.NEGATIVE_INFINITY
                : d.psi()).reversed());
        return sorted;
    }

    /** The features whose PSI is above {@code threshold}, largest first. */
    public List<FeatureDrift> above(double threshold) {
        return sortedByPsi().stream().filter(d -> d.psi() > threshold).toList();
    }

    /** The report as pretty JSON (NaN written as the string {@code "NaN"}). */
    public String toJson() {
        try {
            return KilnModel.JSON.writeValueAsString(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
