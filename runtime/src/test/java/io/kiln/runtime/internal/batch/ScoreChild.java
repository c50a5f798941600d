package io.kiln.runtime.internal.batch;

import io.kiln.runtime.batch.BatchScorer;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A scoring run in its own JVM, for {@link BatchScorerTest} to kill: scores with the species model,
 * committing after every chunk and pausing after every commit so the run lasts long enough to be
 * killed in the middle.
 *
 * <p>Arguments: training CSV (the data format), model file, input, output, batch size, pause in
 * milliseconds after each commit, and optionally the {@code --on-error} mode (FAIL or SKIP).
 */
public final class ScoreChild {
    private ScoreChild() {}

    public static void main(String[] args) throws Exception {
        long pause = Long.parseLong(args[5]);
        BatchScorer.Options options = BatchScorer.Options.defaults().batchSize(Integer.parseInt(args[4]))
                .onError(args.length > 6 ? BatchScorer.OnError.valueOf(args[6]) : BatchScorer.OnError.FAIL)
                .checkpointInterval(Duration.ZERO).listener((output, rows) -> {
                    try {
                        Thread.sleep(pause);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
        new BatchScorer(BatchFixtures.species(Path.of(args[0])), Path.of(args[1]), options)
                .score(Path.of(args[2]), Path.of(args[3]));
    }
}
