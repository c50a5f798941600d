package io.kiln.runtime.internal.train;

import static com.google.common.truth.Truth.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The on-disk shuffle: every row once per pass, a fresh order each pass, every order as likely. */
class ShuffleBucketsTest {
    private static List<Integer> pass(ShuffleBuckets b, boolean again) throws IOException {
        List<Integer> seen = new ArrayList<>();
        b.pass((buffer, offset) -> seen.add(ByteBuffer.wrap(buffer, offset, 4).getInt()), again);
        return seen;
    }

    private static ShuffleBuckets dealt(Path dir, int rows, int buckets, long seed) throws IOException {
        ShuffleBuckets b = new ShuffleBuckets(dir, buckets, 4, seed);
        for (int i = 0; i < rows; i++) {
            b.add(ByteBuffer.allocate(4).putInt(i).array(), 0);
        }
        b.seal();
        return b;
    }

    @Test
    void everyPassVisitsEveryRowOnceInItsOwnOrder(@TempDir Path dir) throws IOException {
        try (ShuffleBuckets b = dealt(dir, 1000, 7, 1)) {
            assertThat(b.rows()).isEqualTo(1000);
            assertThat(b.largestBucket()).isLessThan(250);
            Set<List<Integer>> orders = new HashSet<>();
            for (int p = 0; p < 4; p++) {
                List<Integer> seen = pass(b, p < 3);
                assertThat(new HashSet<>(seen)).hasSize(1000);
                assertThat(seen).hasSize(1000);
                orders.add(seen);
            }
            // passes 1-3 dealt afresh; pass 4 reads what pass 3 dealt without dealing again
            assertThat(orders).hasSize(4);
            assertThat(b.rows()).isEqualTo(1000);
        }
        try (Stream<Path> files = Files.list(dir)) { // one generation of 7 files is left for the caller to delete
            assertThat(files.count()).isEqualTo(7);
        }
    }

    @Test
    void eachRowIsEquallyLikelyAtEachPosition(@TempDir Path dir) throws IOException {
        // 6 rows in 3 buckets, 3000 passes: where row 0 lands, and whether row 1 precedes row 2
        int[] positions = new int[6];
        int before = 0;
        try (ShuffleBuckets b = dealt(dir, 6, 3, 9)) {
            for (int p = 0; p < 3000; p++) {
                List<Integer> seen = pass(b, true);
                positions[seen.indexOf(0)]++;
                before += seen.indexOf(1) < seen.indexOf(2) ? 1 : 0;
            }
        }
        double chi2 = 0;
        for (int count : positions) {
            chi2 += (count - 500.0) * (count - 500.0) / 500.0;
        }
        assertThat(chi2).isLessThan(20.5); // 5 degrees of freedom, p = 0.001
        assertThat((double) before).isWithin(3 * Math.sqrt(750)).of(1500);
    }
}
