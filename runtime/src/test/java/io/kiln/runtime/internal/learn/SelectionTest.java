package io.kiln.runtime.internal.learn;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kiln.dsl.RetrainData;
import io.kiln.dsl.RetrainLevel;
import io.kiln.runtime.RetrainPolicy;
import java.util.Arrays;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * Which kept rows a retraining trains on: never the acceptance window; all, a window of rows or of time,
 * or the rows since the last retraining; replayed older rows beside them; a recency-weighted draw.
 */
class SelectionTest {
    /** 100 declared rows (numbered -100..-1), then 400 batch rows (0..399). */
    static final long[] NUMBERS = LongStream.range(-100, 400).toArray();

    static RetrainPolicy policy(RetrainData data, int window, double replay, double halfLife) {
        return RetrainPolicy.every(100).withData(data, window, replay, halfLife).withAcceptance(50, 0);
    }

    @Test
    void theAcceptanceWindowIsTheNewestRowsAndIsNeverTrainedOn() {
        Selection s = Selection.of(policy(RetrainData.ALL, 0, 0, 0), NUMBERS, 0, 1);
        assertThat(s.accept()).isEqualTo(IntStream.range(450, 500).toArray());
        assertThat(s.train()).isEqualTo(IntStream.range(0, 450).toArray());
        assertThat(s.selected()).isEqualTo(450);
    }

    @Test
    void aWindowTakesTheNewestRowsBeforeTheAcceptanceWindow() {
        Selection s = Selection.of(policy(RetrainData.WINDOW, 120, 0, 0), NUMBERS, 0, 1);
        assertThat(s.train()).isEqualTo(IntStream.range(330, 450).toArray());
    }

    @Test
    void newRowsAreThoseSinceTheLastRetraining() {
        // the last retraining came after batch row 300: rows 300..349 are new (350..399 are the acceptance window)
        Selection s = Selection.of(policy(RetrainData.NEW, 0, 0, 0), NUMBERS, 300, 1);
        assertThat(s.train()).isEqualTo(IntStream.range(400, 450).toArray());
    }

    @Test
    void replayDrawsDistinctOlderRowsBesideTheSelectedOnes() {
        Selection s = Selection.of(policy(RetrainData.NEW, 0, 0.4, 0), NUMBERS, 300, 7);
        assertThat(s.selected()).isEqualTo(50);
        assertThat(s.replayed()).isEqualTo(20);
        int[] replayed = Arrays.stream(s.train()).filter(r -> r < 400).toArray();
        assertThat(replayed).hasLength(20);
        assertThat(Arrays.stream(replayed).distinct().count()).isEqualTo(20);
        // the same seed, the same rows (a restarted run replays the same)
        assertThat(Selection.of(policy(RetrainData.NEW, 0, 0.4, 0), NUMBERS, 300, 7).train()).isEqualTo(s.train());
        assertThat(Selection.of(policy(RetrainData.NEW, 0, 0.4, 0), NUMBERS, 300, 8).train())
                .isNotEqualTo(s.train());
    }

    @Test
    void aHalfLifeDrawsRecentRowsMoreOften() {
        Selection s = Selection.of(policy(RetrainData.ALL, 0, 0, 50), NUMBERS, 0, 3);
        assertThat(s.train()).hasLength(450);
        // a row 50 rows older is drawn half as often: the draws' mean index lies far above the uniform 224.5
        double mean = Arrays.stream(s.train()).average().orElseThrow();
        assertThat(mean).isGreaterThan(360.0);
        // the 100 oldest rows (ages 400 to 499) weigh 0.6% of the total: about 3 of 450 draws, not 100
        long oldest = Arrays.stream(s.train()).filter(r -> r < 100).count();
        assertThat(oldest).isLessThan(12L);
    }

    @Test
    void aSpanTakesTheRowsWithinItOfTheNewestByTheOrderColumn() {
        // one row per hour; a 24h span from the newest (row 499)
        double[] keys = IntStream.range(0, 500).mapToDouble(i -> i * 3600.0).toArray();
        RetrainPolicy byTime = RetrainPolicy.every(100).withSpan("24h").withAcceptance(10, 0);
        Selection s = Selection.of(byTime, NUMBERS, keys, 0, 1);
        // rows 475..499 are within 24 h of row 499; 490..499 are the acceptance window
        assertThat(s.train()).isEqualTo(IntStream.range(475, 490).toArray());
        assertThrows(IllegalArgumentException.class, () -> Selection.of(byTime, NUMBERS, null, 0, 1));
    }

    @Test
    void javaPoliciesAreCheckedAsAnnotationsAre() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RetrainPolicy.every(100).withData(RetrainData.ALL, 0, 0.2, 0));
        assertThat(e).hasMessageThat().contains("[kiln.retrain-policy] replay draws older rows beside a window or the "
                + "new rows; with data = ALL there are none.");
        e = assertThrows(IllegalArgumentException.class,
                () -> RetrainPolicy.every(100).withLevel(RetrainLevel.SCRATCH, 0, 0.1));
        assertThat(e).hasMessageThat().contains("l2sp pulls toward the champion's weights");
        e = assertThrows(IllegalArgumentException.class, () -> RetrainPolicy.every(100).withAcceptance(0, 0));
        assertThat(e).hasMessageThat().contains("The acceptance window must hold at least one row, was 0.");
        e = assertThrows(IllegalArgumentException.class, () -> RetrainPolicy.every(100).withSpan("soon"));
        assertThat(e).hasMessageThat().contains("span 'soon' is neither a positive number nor a duration");
        assertThat(RetrainPolicy.spanUnits("30d")).isEqualTo(30 * 86400.0);
        assertThat(RetrainPolicy.spanUnits("1.5")).isEqualTo(1.5);
        assertThat(RetrainPolicy.never().retrains()).isFalse();
        assertThat(RetrainPolicy.every(100).withData(RetrainData.WINDOW, 500, 0.2, 0).describe())
                .isEqualTo("retrains every 100 rows on the last 500 rows + 0.2 replayed, fine-tuning; accepted on the "
                        + "last 500 rows");
    }
}
