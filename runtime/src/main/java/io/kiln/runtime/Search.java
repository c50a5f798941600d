package io.kiln.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import io.kiln.dsl.SearchStrategy;
import io.kiln.runtime.internal.data.Rows;
import io.kiln.runtime.internal.evaluate.Metrics;
import io.kiln.runtime.internal.model.AtomicFiles;
import io.kiln.runtime.internal.model.NativeThreads;
import io.kiln.runtime.internal.report.SearchPage;
import io.kiln.runtime.internal.search.Journal;
import io.kiln.runtime.internal.search.TrialScorer;
import io.kiln.runtime.internal.train.Parallel;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * <b>Public API</b>: runs the hyperparameter search a spec declares ({@code @Search}, {@link SearchSpace}).
 * Every trial trains one configuration and is scored on validation rows only ({@link TrialScorer}: the
 * holdout's validation rows, or folds of the cross-validated rows under k-fold); the test rows are not
 * read until the winner, retrained as the protocol declares, is tested once, beside the declared spec
 * trained the same way. Grid and random search train every trial for its declared epochs; successive
 * halving trains all of them for {@code minEpochs}, then the best 1/factor for factor times as many,
 * until the declared epochs. After the search, an ablation trains the winner and each one-value change
 * of it with several seeds. Each finished trial is journalled: a killed search restarts where it was.
 * Trials run on {@link Options#threads()} threads at once.
 */
public final class Search {
    public static final String JOURNAL = "trials.jsonl";
    public static final String TABLE_JSON = "search.json";
    public static final String TABLE_HTML = "search.html";

    private Search() {}

    /**
     * Where and how a search runs.
     *
     * @param work the folder of the journal and the trial table
     * @param data the data file instead of the declared one, or null
     * @param threads trials trained at once (each on one native thread)
     * @param ablation whether to run the ablation after the search (when the spec declares seeds for it)
     * @param retrain whether to retrain and test the winner and the declared spec after the search
     * @param restart discard the journal of an earlier run
     * @param references whether the retrained winner's report trains the reference models beside it
     * @param epochs the epochs of every trial instead of its declared ones (the last rung's, for halving), or null
     * @param source the transfer source's model file every configuration starts from instead of the declared
     *     one ({@code train --source}), or null
     * @param progress where progress lines go, or null
     */
    public record Options(Path work, Path data, int threads, boolean ablation, boolean retrain, boolean restart,
            boolean references, Integer epochs, Path source, PrintStream progress) {
        public static Options of(Path work) {
            return new Options(work, null, defaultThreads(), true, true, false, true, null, null, null);
        }

        public Options source(Path file) {
            return new Options(work, data, threads, ablation, retrain, restart, references, epochs, file, progress);
        }

        public Options epochs(Integer n) {
            if (n != null && n < 1) {
                throw new IllegalArgumentException("--epochs must be at least 1, was " + n);
            }
            return new Options(work, data, threads, ablation, retrain, restart, references, n, source, progress);
        }

        public Options references(boolean on) {
            return new Options(work, data, threads, ablation, retrain, restart, on, epochs, source, progress);
        }

        public Options data(Path file) {
            return new Options(work, file, threads, ablation, retrain, restart, references, epochs, source, progress);
        }

        public Options threads(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("--threads must be at least 1, was " + n);
            }
            return new Options(work, data, n, ablation, retrain, restart, references, epochs, source, progress);
        }

        public Options ablation(boolean on) {
            return new Options(work, data, threads, on, retrain, restart, references, epochs, source, progress);
        }

        public Options retrain(boolean on) {
            return new Options(work, data, threads, ablation, on, restart, references, epochs, source, progress);
        }

        public Options restart(boolean on) {
            return new Options(work, data, threads, ablation, retrain, on, references, epochs, source, progress);
        }

        public Options progress(PrintStream out) {
            return new Options(work, data, threads, ablation, retrain, restart, references, epochs, source, out);
        }
    }

    /** Trials trained at once by default: as many as independent trainings ({@code -Dkiln.parallel}, else the cores, at most 2). */
    public static int defaultThreads() {
        return Parallel.width();
    }

    /**
     * One training of one configuration, scored on the validation rows.
     *
     * @param stage {@code "search"} or {@code "ablation"}
     * @param rung the halving rung (0 for grid and random search, and the ablation)
     * @param epochs the epochs it was given
     * @param seed its training seed (weights and shuffling)
     * @param metric the primary metric on the validation rows (NaN if training diverged)
     * @param epochsTrained the epochs it trained (fewer when it stopped early; summed over folds)
     * @param curve the validation metric epoch by epoch (the folds' mean under k-fold)
     * @param seconds how long it trained
     * @param error why it failed (training diverged), or null
     */
    public record Trial(String stage, int configuration, int rung, int epochs, long seed, double metric,
            int epochsTrained, List<Double> curve, double seconds, String error) {
        String key() {
            return new Job(stage, configuration, rung, epochs, seed).key();
        }
    }

    /**
     * One value of the winner changed, over the ablation's seeds.
     *
     * @param parameter the parameter's name
     * @param from the winner's value
     * @param to the changed value
     * @param configuration the changed configuration
     * @param mean the changed configuration's mean validation metric over the seeds
     * @param std its standard deviation over the seeds
     * @param effect the mean change of the metric against the winner, seed by seed (negative: worse when higher
     *     is better)
     * @param effectStd the standard deviation of that change over the seeds
     */
    public record Effect(String parameter, String from, String to, int configuration, double mean, double std,
            double effect, double effectStd) {}

    /**
     * What a search found.
     *
     * @param metric the primary metric trials were scored by
     * @param higherIsBetter whether a higher metric is better
     * @param validatedOn which rows scored the trials
     * @param trials every training of the search and the ablation, in the order of the table
     * @param winner the winning configuration
     * @param winnerValidation its validation metric (at the last rung, for halving)
     * @param declaredValidation the declared configuration's validation metric (at its last rung, for halving)
     * @param configurationsOnValidation distinct configurations scored on the validation rows
     * @param epochsSpent epochs trained by the search (not the ablation)
     * @param winnerMean the winner's mean over the ablation seeds (NaN without an ablation)
     * @param winnerStd its standard deviation over them
     * @param ablation the effect of each one-value change of the winner
     * @param winnerResult the winner retrained by the protocol and tested once, or null
     * @param declaredResult the declared spec trained the same way, or null
     */
    public record Outcome(String metric, boolean higherIsBetter, String validatedOn, List<Trial> trials, int winner,
            double winnerValidation, double declaredValidation, int configurationsOnValidation, long epochsSpent,
            double winnerMean, double winnerStd, List<Effect> ablation, TrainingResult winnerResult,
            TrainingResult declaredResult) {}

    /** Runs the search of {@code def} (its {@code @Search}). */
    public static Outcome run(ModelDefinition def, Options options) throws IOException {
        SearchSpace space = def.search();
        if (space == null) {
            throw new IllegalArgumentException("Model '" + def.name() + "' declares no @Search, so there is nothing "
                    + "to search. Add @Search and @Tune to the spec.");
        }
        return run(space, options);
    }

    /** Runs {@code space}. */
    public static Outcome run(SearchSpace space, Options options) throws IOException {
        NativeThreads.configure();
        ModelDefinition declared = options.source() != null ? space.declared().withTransferSource(options.source())
                : space.declared();
        TrainOptions dataOptions = options.data() == null ? TrainOptions.defaults().quiet()
                : TrainOptions.defaults().quiet().data(options.data());
        Trainer.Prepared prepared = Trainer.prepare(declared, dataOptions);
        Definitions definitions = new Definitions(space, options.source(), dataOptions);
        TrialScorer scorer = new TrialScorer(prepared, space.metric());
        String metric = scorer.metric();
        boolean higher = Metrics.higherIsBetter(metric);
        Comparator<Trial> better = Comparator.<Trial>comparingDouble(t -> rank(t.metric(), higher))
                .thenComparingInt(Trial::configuration);
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("kiln", "search/1");
        header.put("model", declared.name());
        header.put("configurations", space.configurations().size());
        header.put("metric", scorer.metric());
        header.put("space", fingerprint(space));
        header.put("data", prepared.data().sha256());
        header.put("source", options.source() == null ? null : options.source().toAbsolutePath().toString());
        PrintStream out = options.progress();
        try (Journal journal = Journal.open(options.work().resolve(JOURNAL), header, options.restart())) {
            Map<String, Trial> done = new HashMap<>();
            for (JsonNode e : journal.entries()) {
                Trial t = Journal.as(e, Trial.class);
                done.put(t.key(), t);
            }
            if (out != null) {
                out.printf(Locale.ROOT, "search   %s: %d trials (%s), %d configurations checked at compile time; "
                        + "scored by %s on %s%n", declared.name(), space.trials().size(),
                        space.strategy().name().toLowerCase(Locale.ROOT), space.configurations().size(), metric,
                        scorer.describe());
                if (!done.isEmpty()) {
                    out.printf(Locale.ROOT, "resumed  %d trainings already finished in %s%n", done.size(),
                            journal.file());
                }
            }
            Runner runner = new Runner(definitions, scorer, journal, done, options.threads(), out, metric, higher);
            List<Trial> table = new ArrayList<>();
            List<Trial> finalists;
            int fullEpochs = options.epochs() != null ? options.epochs() : declared.fit().epochs();
            if (space.strategy() == SearchStrategy.HALVING) {
                List<Integer> alive = new ArrayList<>(space.trials());
                List<int[]> rungs = rungs(space.minEpochs(), space.factor(), fullEpochs, alive.size());
                List<Trial> rung = List.of();
                for (int r = 0; r < rungs.size(); r++) {
                    int epochs = rungs.get(r)[0];
                    List<Job> jobs = new ArrayList<>();
                    for (int c : alive) {
                        jobs.add(new Job("search", c, r, epochs, definitions.get(c).fit()
                                .seed()));
                    }
                    rung = runner.run(jobs, String.format(Locale.ROOT, "rung %d/%d (%d epochs) ", r + 1, rungs.size(),
                            epochs));
                    table.addAll(rung);
                    if (r + 1 < rungs.size()) {
                        int keep = rungs.get(r + 1)[1];
                        alive = rung.stream().sorted(better).limit(keep).map(Trial::configuration).toList();
                    }
                }
                finalists = rung;
            } else {
                List<Job> jobs = new ArrayList<>();
                for (int c : space.trials()) {
                    ModelDefinition d = definitions.get(c);
                    jobs.add(new Job("search", c, 0, options.epochs() != null ? options.epochs() : d.fit().epochs(),
                            d.fit().seed()));
                }
                finalists = runner.run(jobs, "");
                table.addAll(finalists);
            }
            Trial best = finalists.stream().min(better).orElseThrow();
            if (Double.isNaN(best.metric())) {
                throw new IllegalArgumentException("[kiln.search-diverged] Every configuration of the last round "
                        + "diverged (" + best.error() + "), so there is no winner. Lower the learning-rate candidates, "
                        + "or add @GradientClipping; the journal keeps the finished trials.");
            }
            int winner = best.configuration();
            long epochsSpent = table.stream().mapToLong(Trial::epochsTrained).sum();
            // the declared configuration's score at the furthest rung it reached
            double declaredValidation = table.stream().filter(t -> t.configuration() == space.trials().get(0))
                    .max(Comparator.comparingInt(Trial::rung)).map(Trial::metric).orElse(Double.NaN);

            // the ablation: the winner and each one-value change of it, over seeds
            List<Effect> effects = new ArrayList<>();
            double winnerMean = Double.NaN;
            double winnerStd = Double.NaN;
            int seeds = space.ablationSeeds();
            if (options.ablation() && seeds > 0) {
                List<SearchSpace.Ablation> changes = space.ablations().stream().filter(a -> a.trial() == winner)
                        .toList();
                List<Job> jobs = new ArrayList<>();
                List<Integer> subjects = new ArrayList<>(List.of(winner));
                changes.forEach(a -> subjects.add(a.configuration()));
                for (int c : subjects) { // each with its own epochs and seed (either may be what changed)
                    FitSettings fit = definitions.get(c).fit();
                    for (int s = 0; s < seeds; s++) {
                        jobs.add(new Job("ablation", c, 0, options.epochs() != null ? options.epochs() : fit.epochs(),
                                fit.seed() + s));
                    }
                }
                List<Trial> runs = runner.run(jobs, "ablation ");
                table.addAll(runs);
                double[] base = metricsOf(runs, winner, seeds);
                winnerMean = mean(base);
                winnerStd = Rows.std(base);
                for (SearchSpace.Ablation a : changes) {
                    double[] v = metricsOf(runs, a.configuration(), seeds);
                    double[] diff = new double[seeds];
                    for (int s = 0; s < seeds; s++) {
                        diff[s] = v[s] - base[s];
                    }
                    SearchSpace.Parameter p = space.parameters().get(a.parameter());
                    effects.add(new Effect(p.name(), space.configurations().get(winner).values().get(a.parameter()),
                            space.configurations().get(a.configuration()).values().get(a.parameter()),
                            a.configuration(), mean(v), Rows.std(v), mean(diff), Rows.std(diff)));
                }
            }
            int configurations = (int) table.stream().mapToInt(Trial::configuration).distinct().count();
            Outcome outcome = new Outcome(metric, higher, scorer.describe(), List.copyOf(table), winner,
                    best.metric(), declaredValidation, configurations, epochsSpent, winnerMean, winnerStd, effects,
                    null, null);
            writeTable(space, outcome, options.work());
            if (out != null) {
                out.printf(Locale.ROOT, "%nbest     configuration %d: %s %.4f on validation (declared: %.4f), %d "
                        + "configurations (%d trainings) scored on %s, %d epochs%n", winner, metric, best.metric(),
                        declaredValidation, configurations, table.size(), scorer.describe(), epochsSpent);
            }
            if (!options.retrain()) {
                return outcome;
            }
            // the test rows are read from here on, once per model: the winner's and the declared spec's
            TrainOptions train = options.data() == null ? TrainOptions.defaults() : TrainOptions.defaults()
                    .data(options.data());
            // (in memory, as the search read the data: a streamed training would split it another way)
            train = (out == null ? train.quiet() : train.progress(out, false)).references(options.references())
                    .stream(false);
            ModelDefinition winnerDefinition = definitions.declared(winner);
            if (out != null) {
                out.printf(Locale.ROOT, "%nretrain  the winner as %s declares, then test it once%n",
                        declared.protocol().describe(declared.task()));
            }
            TrainingResult won = Trainer.train(winnerDefinition, train);
            String note = String.format(Locale.ROOT, "This configuration won a %s search: %d configurations (%d "
                    + "trainings) were scored on %s, so its validation %s (%.4f) is optimistic. The test rows were "
                    + "read once, after the search, by this model (and by the declared spec, for comparison).",
                    space.strategy().name().toLowerCase(Locale.ROOT), configurations, table.size(), scorer.describe(),
                    metric, best.metric());
            won = new TrainingResult(won.model(), won.test(), won.baseline(), won.report().withWarning(
                    new Report.Warning("search-validation", note)));
            TrainingResult mine = Trainer.train(declared, train.quiet());
            outcome = new Outcome(metric, higher, scorer.describe(), outcome.trials(), winner, best.metric(),
                    declaredValidation, configurations, epochsSpent, winnerMean, winnerStd, effects, won, mine);
            writeTable(space, outcome, options.work());
            return outcome;
        }
    }

    /** The rungs of successive halving: {epochs, configurations kept}, the last at {@code full} epochs. */
    static List<int[]> rungs(int minEpochs, int factor, int full, int configurations) {
        List<int[]> rungs = new ArrayList<>();
        int epochs = minEpochs;
        int alive = configurations;
        while (epochs < full && alive > 1) {
            rungs.add(new int[] {epochs, alive});
            epochs = (int) Math.min(full, (long) epochs * factor);
            alive = Math.max(1, alive / factor);
        }
        rungs.add(new int[] {full, alive});
        return rungs;
    }

    private static double rank(double metric, boolean higher) {
        if (Double.isNaN(metric)) {
            return Double.POSITIVE_INFINITY; // a diverged trial ranks last
        }
        return higher ? -metric : metric;
    }

    /** A configuration's ablation metrics, by seed offset (the runs hold them in that order). */
    private static double[] metricsOf(List<Trial> runs, int configuration, int seeds) {
        return runs.stream().filter(t -> t.configuration() == configuration).mapToDouble(Trial::metric).limit(seeds)
                .toArray();
    }

    private static double mean(double[] v) {
        return java.util.Arrays.stream(v).average().orElse(Double.NaN);
    }

    /**
     * A hash of what every configuration trains (its values and its whole spec text): a journal of other
     * configurations is not mixed in. How trials are chosen is not part of it, since a training's result
     * does not depend on which other trials run: a smaller search ({@code --trials}) and a larger one of the
     * same space share their finished trainings.
     */
    private static String fingerprint(SearchSpace space) {
        StringBuilder s = new StringBuilder();
        for (SearchSpace.Configuration c : space.configurations()) {
            ModelDefinition d = c.definition().get();
            // a definition built in Java may have no spec text: its settings stand in for it
            s.append('|').append(c.values()).append('|').append(d.specText()).append('|').append(d.fit()).append('|')
                    .append(d.protocol());
        }
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.toString().getBytes(StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(d).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void writeTable(SearchSpace space, Outcome outcome, Path work) throws IOException {
        Map<String, Object> json = SearchPage.json(space, outcome);
        byte[] table = Journal.pretty(json);
        byte[] page = SearchPage.render(space, outcome).getBytes(StandardCharsets.UTF_8);
        Map<Path, AtomicFiles.Content> files = new LinkedHashMap<>();
        files.put(work.resolve(TABLE_JSON), o -> o.write(table));
        files.put(work.resolve(TABLE_HTML), o -> o.write(page));
        AtomicFiles.writeAll(files);
    }

    /** One training to do. */
    record Job(String stage, int configuration, int rung, int epochs, long seed) {
        String key() {
            return stage + "/" + configuration + "/" + rung + "/" + epochs + "/" + seed;
        }
    }

    /**
     * The configurations' definitions as trials train them: from the given transfer source, and with their
     * groups of columns ({@code @Features}) resolved against the data's header.
     */
    private static final class Definitions {
        private final SearchSpace space;
        private final Path source;
        private final TrainOptions data;
        private final Map<Integer, ModelDefinition> made = new HashMap<>();

        Definitions(SearchSpace space, Path source, TrainOptions data) {
            this.space = space;
            this.source = source;
            this.data = data;
        }

        synchronized ModelDefinition get(int configuration) {
            return made.computeIfAbsent(configuration, c -> {
                ModelDefinition d = space.configurations().get(c).definition().get();
                if (source != null) {
                    d = d.withTransferSource(source);
                }
                return d.hasFeatureGroups() ? Trainer.prepare(d, data).definition() : d;
            });
        }

        /** As declared (unresolved), for the final training, which resolves it itself. */
        ModelDefinition declared(int configuration) {
            ModelDefinition d = space.configurations().get(configuration).definition().get();
            return source != null ? d.withTransferSource(source) : d;
        }
    }

    /** Runs jobs on a few threads, skipping those the journal holds, journalling each as it finishes. */
    private static final class Runner {
        private final Definitions definitions;
        private final TrialScorer scorer;
        private final Journal journal;
        private final Map<String, Trial> done;
        private final int threads;
        private final PrintStream out;
        private final String metric;
        private final boolean higher;
        private final long started = System.nanoTime();
        private double bestSoFar = Double.NaN;
        private int bestConfiguration = -1;

        Runner(Definitions definitions, TrialScorer scorer, Journal journal, Map<String, Trial> done, int threads,
                PrintStream out, String metric, boolean higher) {
            this.definitions = definitions;
            this.scorer = scorer;
            this.journal = journal;
            this.done = done;
            this.threads = threads;
            this.out = out;
            this.metric = metric;
            this.higher = higher;
        }

        /** The jobs' trials, in the jobs' order. */
        List<Trial> run(List<Job> jobs, String prefix) throws IOException {
            Trial[] result = new Trial[jobs.size()];
            List<Integer> todo = new ArrayList<>();
            for (int i = 0; i < jobs.size(); i++) {
                Trial t = done.get(jobs.get(i).key());
                if (t != null) {
                    result[i] = t;
                    note(t);
                } else {
                    todo.add(i);
                }
            }
            int[] finished = {jobs.size() - todo.size()};
            long stageStart = System.nanoTime();
            int[] ranHere = {0};
            try {
                // journalled as each finishes, so that a kill loses only what was training
                Parallel.map(todo.size(), k -> {
                    int i = todo.get(k);
                    Trial t = train(jobs.get(i));
                    try {
                        journal.append(t);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    synchronized (this) {
                        result[i] = t;
                        done.put(t.key(), t);
                        finished[0]++;
                        ranHere[0]++;
                        note(t);
                        progress(prefix, t, finished[0], jobs.size(), ranHere[0], stageStart);
                    }
                    return t;
                }, threads);
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            return List.of(result);
        }

        private Trial train(Job job) {
            long t0 = System.nanoTime();
            ModelDefinition d = definitions.get(job.configuration());
            try {
                TrialScorer.Score s = scorer.score(d, job.epochs(), job.seed());
                return new Trial(job.stage(), job.configuration(), job.rung(), job.epochs(), job.seed(), s.metric(),
                        s.epochsTrained(), s.curve(), seconds(t0), null);
            } catch (TrainingDivergedException e) {
                return new Trial(job.stage(), job.configuration(), job.rung(), job.epochs(), job.seed(), Double.NaN,
                        0, List.of(), seconds(t0), e.getMessage());
            }
        }

        private void note(Trial t) {
            if (!t.stage().equals("search")) {
                return;
            }
            if (!Double.isNaN(t.metric()) && (Double.isNaN(bestSoFar) || (higher ? t.metric() > bestSoFar
                    : t.metric() < bestSoFar))) {
                bestSoFar = t.metric();
                bestConfiguration = t.configuration();
            }
        }

        private void progress(String prefix, Trial t, int finished, int total, int ranHere, long stageStart) {
            if (out == null) {
                return;
            }
            double elapsed = (System.nanoTime() - stageStart) / 1e9;
            double eta = ranHere == 0 ? Double.NaN : elapsed / ranHere * (total - finished);
            // numbered as they finish (two train at once); the best so far is the search's, not the ablation's
            String best = !t.stage().equals("search") || Double.isNaN(bestSoFar) ? ""
                    : String.format(Locale.ROOT, "  best %.4f (configuration %d)", bestSoFar, bestConfiguration);
            out.printf(Locale.ROOT, "%strial %d/%d done  configuration %d  %s %s%s  %s elapsed, ETA %s%n", prefix,
                    finished, total, t.configuration(), metric,
                    t.error() != null ? "diverged" : String.format(Locale.ROOT, "%.4f", t.metric()), best,
                    duration((System.nanoTime() - started) / 1e9), duration(eta));
            out.flush();
        }
    }

    private static double seconds(long t0) {
        return Math.round((System.nanoTime() - t0) / 1e6) / 1e3;
    }

    static String duration(double seconds) {
        if (Double.isNaN(seconds)) {
            return "-";
        }
        long s = Math.round(seconds);
        return s < 60 ? s + "s" : s < 3600 ? (s / 60) + "m " + (s % 60) + "s" : (s / 3600) + "h " + (s % 3600 / 60)
                + "m";
    }
}
