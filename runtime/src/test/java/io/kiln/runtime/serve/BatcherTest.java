package io.kiln.runtime.serve;

import static com.google.common.truth.Truth.assertThat;

import io.kiln.runtime.KilnModel;
import io.kiln.runtime.Predictions;
import io.kiln.runtime.ServingFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Dynamic batching: requests merge into one forward pass, each gets its own rows back. */
class BatcherTest {
    @TempDir static Path dir;
    static KilnModel model;
    static List<Object[]> rows = new ArrayList<>();

    @BeforeAll
    static void train() throws Exception {
        Path csv = ServingFixtures.writeCsv(dir.resolve("flowers.csv"));
        List<String> lines = Files.readAllLines(csv);
        model = KilnModel.load(ServingFixtures.train(csv, 3, 10, dir.resolve("m.kiln")));
        for (int i = 1; i <= 150; i++) {
            rows.add(ServingFixtures.row(lines, i));
        }
    }

    static void assertSame(Predictions actual, List<Object[]> input) {
        Predictions expected = model.predict(input);
        assertThat(actual.size()).isEqualTo(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            assertThat(actual.output(i)).usingTolerance(1e-6).containsExactly(expected.output(i)).inOrder();
        }
    }

    @Test
    void concurrentRequestsWithinTheDelayShareOneForwardPass() throws Exception {
        List<Integer> passes = new CopyOnWriteArrayList<>();
        try (Batcher b = new Batcher(model, "t", 64, 200_000, passes::add)) { // 200 ms window
            ExecutorService pool = Executors.newFixedThreadPool(4);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Predictions>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                List<Object[]> mine = rows.subList(t * 10, t * 10 + 3 + t);
                results.add(pool.submit(() -> {
                    go.await();
                    return b.predict(model.encode(mine), mine.size());
                }));
            }
            go.countDown();
            for (int t = 0; t < 4; t++) {
                assertSame(results.get(t).get(), rows.subList(t * 10, t * 10 + 3 + t));
            }
            pool.shutdown();
        }
        assertThat(passes).containsExactly(3 + 4 + 5 + 6);
    }

    @Test
    void aBatchNeverExceedsTheMaximumButALargeRequestRunsAlone() throws Exception {
        List<Integer> passes = new CopyOnWriteArrayList<>();
        try (Batcher b = new Batcher(model, "t", 8, 0, passes::add)) {
            List<Object[]> big = rows.subList(0, 20);
            assertSame(b.predict(model.encode(big), big.size()), big);
        }
        assertThat(passes).containsExactly(20);
    }

    @Test
    void aRetiredBatcherStillAnswers() {
        List<Integer> passes = new CopyOnWriteArrayList<>();
        Batcher b = new Batcher(model, "t", 64, 0, passes::add);
        b.close();
        List<Object[]> few = rows.subList(100, 104);
        assertSame(b.predict(model.encode(few), few.size()), few);
        assertThat(passes).containsExactly(4);
    }
}
