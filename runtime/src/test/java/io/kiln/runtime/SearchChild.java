package io.kiln.runtime;

import io.kiln.dsl.SearchStrategy;
import java.nio.file.Path;

/**
 * Runs a search in its own JVM, for {@link SearchKillTest} to kill at random moments: the iris grid of
 * {@link SearchFixtures} (6 configurations, 40 epochs, an ablation of 2 seeds) on two threads, the winner
 * retrained and tested; prints {@code started}, each trial's progress line, then {@code done}.
 *
 * <p>Arguments: data file, work folder.
 */
public final class SearchChild {
    private SearchChild() {}

    public static void main(String[] args) throws Exception {
        System.out.println("started");
        System.out.flush();
        SearchSpace space = SearchFixtures.space(CsvSource.file(Path.of(args[0])), SearchTest.HOLDOUT,
                SearchStrategy.GRID, 40, 2);
        Search.Outcome o = Search.run(space, Search.Options.of(Path.of(args[1])).references(false).threads(2)
                .progress(System.out));
        System.out.println("winner " + o.winner());
        System.out.println("done");
        System.out.flush();
    }
}
