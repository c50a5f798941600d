package io.kiln.examples.bench.search;

import io.kiln.dsl.SearchStrategy;
import io.kiln.examples.breastcancer.BreastCancerTunedTrainer;
import io.kiln.examples.diabetes.DiabetesTunedTrainer;
import io.kiln.examples.iris.IrisTunedTrainer;
import io.kiln.examples.sunspots.SunspotsTunedTrainer;
import io.kiln.runtime.ModelDefinition;
import io.kiln.runtime.Search;
import io.kiln.runtime.SearchSpace;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The searches of the four tuned examples, each as declared: the declared configuration's and the
 * winner's validation metric (the same folds or rows), then both retrained by the protocol and tested
 * once; successive halving against the grid over the diabetes example's 27 configurations (the best
 * validation metric each found and the epochs each spent); and the same search on one and on two threads.
 *
 * <p>Arguments: {@code examples} (or {@code example=iris}, {@code diabetes}, {@code sunspots}, {@code cancer}),
 * {@code halving}, {@code threads} or {@code all} (default).
 */
public final class SearchBench {
    static final Path DIR = Path.of("target/bench-search");

    private SearchBench() {}

    public static void main(String... args) throws IOException {
        String what = args.length > 0 ? args[0] : "all";
        if (what.equals("all") || what.equals("examples")) {
            examples(List.of(IrisTunedTrainer.DEFINITION, DiabetesTunedTrainer.DEFINITION,
                    SunspotsTunedTrainer.DEFINITION, BreastCancerTunedTrainer.DEFINITION));
        } else if (what.startsWith("example=")) {
            examples(List.of(switch (what.substring("example=".length())) {
                case "iris" -> IrisTunedTrainer.DEFINITION;
                case "diabetes" -> DiabetesTunedTrainer.DEFINITION;
                case "sunspots" -> SunspotsTunedTrainer.DEFINITION;
                default -> BreastCancerTunedTrainer.DEFINITION;
            }));
        }
        if (what.equals("all") || what.equals("halving")) {
            halving();
        }
        if (what.equals("all") || what.equals("threads")) {
            threads();
        }
    }

    private static Search.Options options(String name) {
        return Search.Options.of(DIR.resolve(name)).references(false).restart(true);
    }

    static void examples(List<ModelDefinition> definitions) throws IOException {
        System.out.println("| example | strategy | configurations (trainings) | epochs | validated on | metric | "
                + "declared validation | winner validation | declared test | winner test | minutes |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
        for (ModelDefinition def : definitions) {
            long t0 = System.nanoTime();
            Search.Outcome o = Search.run(def, options(def.name()));
            double minutes = (System.nanoTime() - t0) / 60e9;
            Map<String, Double> w = o.winnerResult().metrics();
            Map<String, Double> d = o.declaredResult().metrics();
            System.out.printf(Locale.ROOT, "| %s | %s | %d (%d) | %d | %s | %s | %.4f | %.4f | %.4f | %.4f | %.1f |%n",
                    def.name(), def.search().strategy().name().toLowerCase(Locale.ROOT), o.configurationsOnValidation(),
                    o.trials().size(), o.epochsSpent(), o.validatedOn(), o.metric(), o.declaredValidation(),
                    o.winnerValidation(), d.get(o.metric()), w.get(o.metric()), minutes);
            System.out.println("  winner: " + def.search().configurations().get(o.winner()).changes().strip()
                    .replace("\n", "; "));
            for (Search.Effect e : o.ablation()) {
                System.out.printf(Locale.ROOT, "  ablation %s %s -> %s: %+.4f ± %.4f%n", e.parameter(), e.from(), e.to(),
                        e.effect(), e.effectStd());
            }
            System.out.flush();
        }
    }

    /** Halving against the grid over the same configurations, declared epochs 200, first rung 7 epochs. */
    static void halving() throws IOException {
        SearchSpace grid = DiabetesTunedTrainer.DEFINITION.search();
        Search.Options noExtras = options("grid").ablation(false).retrain(false);
        long t0 = System.nanoTime();
        Search.Outcome g = Search.run(grid, noExtras);
        double gridSeconds = (System.nanoTime() - t0) / 1e9;
        SearchSpace halving = grid.withStrategy(SearchStrategy.HALVING, 7, 3);
        t0 = System.nanoTime();
        Search.Outcome h = Search.run(halving, options("halving").ablation(false).retrain(false));
        double halvingSeconds = (System.nanoTime() - t0) / 1e9;
        System.out.println("| strategy | configurations | trainings | epochs | best validation r2 | configuration | "
                + "seconds |");
        System.out.println("|---|---|---|---|---|---|---|");
        System.out.printf(Locale.ROOT, "| grid | %d | %d | %d | %.4f | %d | %.0f |%n", g.configurationsOnValidation(),
                g.trials().size(), g.epochsSpent(), g.winnerValidation(), g.winner(), gridSeconds);
        System.out.printf(Locale.ROOT, "| halving (7, 21, 63, 200 epochs; factor 3) | %d | %d | %d | %.4f | %d | %.0f |%n",
                h.configurationsOnValidation(), h.trials().size(), h.epochsSpent(), h.winnerValidation(), h.winner(),
                halvingSeconds);
        System.out.printf(Locale.ROOT, "halving: %.4f below the grid's best at %.2f of its epochs%n",
                g.winnerValidation() - h.winnerValidation(), (double) h.epochsSpent() / g.epochsSpent());
    }

    /** The first 8 iris trials (5 folds each), without ablation or retraining, on 1 and 2 threads, twice. */
    static void threads() throws IOException {
        SearchSpace space = IrisTunedTrainer.DEFINITION.search();
        SearchSpace some = space.withTrials(space.trials().subList(0, 8), 0);
        for (int round = 0; round < 2; round++) {
            for (int threads : new int[] {1, 2}) {
                long t0 = System.nanoTime();
                Search.run(some, options("threads-" + threads).threads(threads).retrain(false));
                System.out.printf(Locale.ROOT, "round %d, %d thread%s: %.1f s%n", round + 1, threads,
                        threads == 1 ? "" : "s", (System.nanoTime() - t0) / 1e9);
            }
        }
    }
}
