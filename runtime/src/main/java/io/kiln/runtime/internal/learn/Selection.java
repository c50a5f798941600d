package io.kiln.runtime.internal.learn;

import io.kiln.dsl.RetrainData;
import io.kiln.runtime.RetrainPolicy;
import io.kiln.runtime.internal.data.Rows;
import java.util.Arrays;
import java.util.Random;

/**
 * Which retained rows a retraining trains on and which it is judged on. The retained rows are numbered
 * oldest first; the last {@link RetrainPolicy#accept()} of them are the acceptance window, never trained
 * on. Of the rest: all, the most recent {@link RetrainPolicy#window()} (or those within its
 * {@link RetrainPolicy#span()} of the newest by the order column), or those that arrived since the last
 * retraining; then the replayed older rows; then, with a half-life, a draw with replacement that
 * favours recent rows.
 *
 * @param train the training rows (indices into the retained rows; repeated under recency weighting)
 * @param accept the acceptance window's rows
 * @param selected how many rows the data choice selected, before replay
 * @param replayed how many older rows were replayed beside them
 */
public record Selection(int[] train, int[] accept, int selected, int replayed) {

    /**
     * @param policy the retraining policy
     * @param rowNumbers each retained row's number among all batch rows (the declared data's are
     *     negative), ascending
     * @param lastRetrainRow the number of the first row that arrived after the last retraining
     * @param seed seeds the replay and the recency draw
     */
    public static Selection of(RetrainPolicy policy, long[] rowNumbers, long lastRetrainRow, long seed) {
        return of(policy, rowNumbers, null, lastRetrainRow, seed);
    }

    /**
     * @param keys each retained row's order-column value, for a window by {@link RetrainPolicy#span()}; else null
     */
    public static Selection of(RetrainPolicy policy, long[] rowNumbers, double[] keys, long lastRetrainRow,
            long seed) {
        int n = rowNumbers.length;
        int acceptRows = Math.min(policy.accept(), n);
        int[] accept = range(n - acceptRows, n);
        int candidates = n - acceptRows; // rows [0, candidates) may be trained on
        boolean[] chosen = new boolean[candidates];
        if (policy.data() == RetrainData.WINDOW && !policy.span().isEmpty()) {
            if (keys == null) {
                throw new IllegalArgumentException("A window by span needs the rows' order column (@TemporalSplit)");
            }
            double newest = Double.NEGATIVE_INFINITY;
            for (double k : keys) {
                newest = Math.max(newest, k);
            }
            double from = newest - RetrainPolicy.spanUnits(policy.span());
            for (int i = 0; i < candidates; i++) {
                chosen[i] = keys[i] >= from;
            }
        } else {
            int from = switch (policy.data()) {
                case ALL -> 0;
                case WINDOW -> Math.max(0, candidates - policy.window());
                case NEW -> firstAtOrAfter(rowNumbers, lastRetrainRow, candidates);
            };
            java.util.Arrays.fill(chosen, from, candidates, true);
        }
        int[] selected = java.util.stream.IntStream.range(0, candidates).filter(i -> chosen[i]).toArray();
        int[] older = java.util.stream.IntStream.range(0, candidates).filter(i -> !chosen[i]).toArray();
        Random random = new Random(seed);
        int[] replay = new int[0];
        if (policy.replay() > 0 && policy.data() != RetrainData.ALL && older.length > 0) {
            int k = (int) Math.min(older.length, Math.round(policy.replay() * selected.length));
            int[] picks = sampleWithoutReplacement(older.length, k, random);
            replay = new int[k];
            for (int i = 0; i < k; i++) {
                replay[i] = older[picks[i]];
            }
            Arrays.sort(replay);
        }
        int[] train = Rows.concat(replay, selected);
        if (policy.halfLife() > 0 && train.length > 0) {
            train = recencyDraw(train, rowNumbers, policy.halfLife(), random);
        }
        return new Selection(train, accept, selected.length, replay.length);
    }

    /**
     * As many rows as given, drawn with replacement, a row of age a (in rows, from the newest retained
     * row) with weight 0.5^(a / halfLife).
     */
    static int[] recencyDraw(int[] rows, long[] rowNumbers, double halfLife, Random random) {
        long newest = rowNumbers[rowNumbers.length - 1];
        double[] cumulative = new double[rows.length];
        double total = 0;
        for (int i = 0; i < rows.length; i++) {
            total += Math.pow(0.5, (newest - rowNumbers[rows[i]]) / halfLife);
            cumulative[i] = total;
        }
        int[] drawn = new int[rows.length];
        for (int i = 0; i < drawn.length; i++) {
            double u = random.nextDouble() * total;
            int at = Arrays.binarySearch(cumulative, u);
            drawn[i] = rows[Math.min(rows.length - 1, at >= 0 ? at : -at - 1)];
        }
        Arrays.sort(drawn);
        return drawn;
    }

    private static int firstAtOrAfter(long[] rowNumbers, long number, int limit) {
        int i = 0;
        while (i < limit && rowNumbers[i] < number) {
            i++;
        }
        return i;
    }

    private static int[] sampleWithoutReplacement(int bound, int k, Random random) {
        int[] all = range(0, bound);
        for (int i = 0; i < k; i++) {
            int j = i + random.nextInt(bound - i);
            int t = all[i];
            all[i] = all[j];
            all[j] = t;
        }
        return Arrays.copyOf(all, k);
    }

    static int[] range(int from, int to) {
        int[] r = new int[Math.max(0, to - from)];
        for (int i = 0; i < r.length; i++) {
            r[i] = from + i;
        }
        return r;
    }
}
