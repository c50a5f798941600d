package io.kiln.runtime.cli;

import io.kiln.runtime.ModelDefinition;
import io.kiln.runtime.Search;
import io.kiln.runtime.SearchSpace;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code search}: the hyperparameter search the spec declares with {@code @Search}. */
@Command(name = "search", mixinStandardHelpOptions = true,
        description = "Search the spec's @Tune values as @Search declares: each trial is scored on validation rows "
                + "only; the winner is retrained as the protocol declares and tested once, beside the declared spec. "
                + "Killed, it resumes without training a finished trial again.")
public final class SearchCommand implements Callable<Integer> {
    private final ModelDefinition definition;
    private final PrintStream out;
    private final PrintStream err;

    @Option(names = "--data", paramLabel = "FILE", description = "Search on this data instead of the declared data.")
    Path data;

    @Option(names = "--work", paramLabel = "DIR",
            description = "The folder of the trial journal and table (default: search/<name>).")
    Path work;

    @Option(names = "--model", paramLabel = "FILE",
            description = "Where the retrained winner is saved (default: <work>/<name>.kiln).")
    Path model;

    @Option(names = "--threads", paramLabel = "N",
            description = "Trials trained at once (default: the cores, at most 2).")
    Integer threads;

    @Option(names = "--trials", paramLabel = "N",
            description = "Train only the first N of the declared trials (the declared configuration is the first): a "
                    + "quicker look at the same space.")
    Integer trials;

    @Option(names = "--epochs", paramLabel = "N",
            description = "Train every trial this many epochs instead of its declared ones (for halving: the last "
                    + "rung's).")
    Integer epochs;

    @Option(names = "--source", paramLabel = "FILE",
            description = "The transfer source's model file every configuration starts from, instead of the declared "
                    + "one (as train --source).")
    Path source;

    @Option(names = "--no-references", description = "Train no reference models beside the retrained winner.")
    boolean noReferences;

    @Option(names = "--no-ablation", description = "Skip the ablation after the search.")
    boolean noAblation;

    @Option(names = "--no-retrain", description = "Stop after the search: do not retrain or test the winner.")
    boolean noRetrain;

    @Option(names = "--restart", description = "Discard the trials of an earlier run in the work folder.")
    boolean restart;

    @Option(names = "--quiet", description = "Print the result only, not each trial.")
    boolean quiet;

    public SearchCommand(ModelDefinition definition, PrintStream out, PrintStream err) {
        this.definition = definition;
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() throws IOException {
        SearchSpace space = definition.search();
        if (space == null) {
            throw new IllegalArgumentException("Model '" + definition.name() + "' declares no @Search, so there is "
                    + "nothing to search. Add @Search and @Tune to the spec.");
        }
        if (trials != null) {
            if (trials < 1) {
                throw new IllegalArgumentException("--trials must be at least 1, was " + trials);
            }
            space = space.withTrials(space.trials().subList(0, Math.min(trials, space.trials().size())),
                    space.ablationSeeds());
        }
        Path folder = work != null ? work : Path.of("search", definition.name());
        Search.Options options = Search.Options.of(folder).data(data).ablation(!noAblation).retrain(!noRetrain)
                .restart(restart).references(!noReferences).epochs(epochs).source(source).progress(quiet ? null : err);
        if (threads != null) {
            options = options.threads(threads);
        }
        Search.Outcome o = Search.run(space, options);
        out.printf(Locale.ROOT, "search   %s, %d configurations (%d trainings with the ablation) scored on %s, %d "
                + "epochs in the search's trials%n",
                space.strategy().name().toLowerCase(Locale.ROOT), o.configurationsOnValidation(), o.trials().size(),
                o.validatedOn(), o.epochsSpent());
        out.printf(Locale.ROOT, "winner   configuration %d: validation %s %.4f (declared %.4f)%n", o.winner(),
                o.metric(), o.winnerValidation(), o.declaredValidation());
        List<SearchSpace.Parameter> parameters = space.parameters();
        for (int i = 0; i < parameters.size(); i++) {
            out.printf(Locale.ROOT, "         %-28s %s (declared %s)%n", parameters.get(i).name(),
                    space.configurations().get(o.winner()).values().get(i),
                    space.configurations().get(space.trials().get(0)).values().get(i));
        }
        if (!o.ablation().isEmpty()) {
            out.printf(Locale.ROOT, "%nablation (%d seeds; winner %.4f ± %.4f; effect = changed minus winner, %s "
                    + "is better):%n", space.ablationSeeds(), o.winnerMean(), o.winnerStd(),
                    o.higherIsBetter() ? "higher" : "lower");
            for (Search.Effect e : o.ablation()) {
                out.printf(Locale.ROOT, "         %-28s %s -> %-10s %s %+.4f ± %.4f%n", e.parameter(), e.from(), e.to(),
                        o.metric(), e.effect(), e.effectStd());
            }
        }
        if (o.winnerResult() != null) {
            out.printf(Locale.ROOT, "%n%s, read once after the search:%n",
                    io.kiln.runtime.internal.report.SearchPage.testRows(o));
            Map<String, Double> w = o.winnerResult().metrics();
            Map<String, Double> d = o.declaredResult().metrics();
            for (Map.Entry<String, Double> e : w.entrySet()) {
                out.printf(Locale.ROOT, "         %-20s winner %.4f   declared %.4f%n", e.getKey(), e.getValue(),
                        d.getOrDefault(e.getKey(), Double.NaN));
            }
            Path file = model != null ? model : folder.resolve(definition.name() + ".kiln");
            List<Path> reports = o.winnerResult().save(file);
            out.printf(Locale.ROOT, "%nsaved    %s (%d KB)%n", file, Files.size(file) / 1024);
            for (Path r : reports) {
                out.printf(Locale.ROOT, "report   %s%n", r);
            }
        }
        String changes = space.configurations().get(o.winner()).changes();
        out.printf(Locale.ROOT, "%nthe winner, to write in the spec:%n%s", changes.isEmpty()
                ? "(the declared spec: nothing to change)\n" : changes.indent(2));
        out.printf(Locale.ROOT, "%ntrials   %s%n         %s%n", folder.resolve(Search.TABLE_JSON),
                folder.resolve(Search.TABLE_HTML));
        return 0;
    }
}
