package io.kiln.runtime.cli;

import io.kiln.runtime.Learner;
import io.kiln.runtime.ModelDefinition;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code learn}: continuous learning from labelled batches arriving in a folder. */
@Command(name = "learn", mixinStandardHelpOptions = true,
        description = "Learn continuously from labelled CSV batches dropped into a folder: each batch is scored by "
                + "the current model first (prequential), then kept; the spec's @Retrain policy decides when a "
                + "challenger is trained, and it is published to the store only if it beats the current model on the "
                + "most recent rows. Killed at any moment, it resumes without losing or repeating a batch.")
public final class LearnCommand implements Callable<Integer> {
    private final ModelDefinition definition;
    private final PrintStream out;
    private final PrintStream err;

    @Option(names = "--inbox", paramLabel = "DIR", required = true,
            description = "The folder labelled batches arrive in (CSV files of the training data's columns, taken in "
                    + "name order once complete: write them as .name or name.part, then rename).")
    Path inbox;

    @Option(names = "--store", paramLabel = "DIR", required = true,
            description = "The model store the accepted models are published to (serve --store DIR serves them).")
    Path store;

    @Option(names = "--work", paramLabel = "DIR",
            description = "The folder of the learning state, the batch log, the kept rows and the timeline "
                    + "(default: learn/<name>).")
    Path work;

    @Option(names = "--model", paramLabel = "FILE",
            description = "The first model, when the store holds none of this spec yet (default: train one on the "
                    + "declared data).")
    Path model;

    @Option(names = "--source", paramLabel = "FILE",
            description = "The transfer source's model file a retraining from scratch starts from, instead of the "
                    + "declared one (as train --source).")
    Path source;

    @Option(names = "--once", description = "Learn from the batches waiting now, then exit (default: keep watching).")
    boolean once;

    @Option(names = "--poll-seconds", paramLabel = "N", defaultValue = "5",
            description = "How often the inbox is looked at for new batches (default: ${DEFAULT-VALUE}).")
    int pollSeconds;

    public LearnCommand(ModelDefinition definition, PrintStream out, PrintStream err) {
        this.definition = definition;
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (pollSeconds <= 0) {
            throw new IllegalArgumentException("--poll-seconds must be positive");
        }
        if (!java.nio.file.Files.isDirectory(inbox)) {
            err.println("note: the inbox " + inbox + " did not exist; it is created, empty, for batches to arrive in");
        }
        Path folder = work != null ? work : Path.of("learn", definition.name());
        Learner.Options options = Learner.Options.of(inbox, folder, store).initial(model).progress(err);
        ModelDefinition def = source != null ? definition.withTransferSource(source) : definition;
        try (Learner learner = Learner.open(def, options)) {
            out.printf(Locale.ROOT, "learning %s from %s: champion version %d in %s; %s%n", definition.name(), inbox,
                    learner.championVersion(), store, learner.policy().describe());
            out.printf(Locale.ROOT, "log      %s%ntimeline %s%n", folder.resolve(Learner.LOG),
                    folder.resolve(Learner.TIMELINE_HTML));
            out.flush();
            if (once) {
                List<Learner.Entry> done = learner.step();
                summarize(learner, done);
                return 0;
            }
            AtomicBoolean stop = new AtomicBoolean();
            for (String signal : new String[] {"TERM", "INT"}) {
                try {
                    sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> {
                        err.println("stopping after the batch in progress");
                        stop.set(true);
                    });
                } catch (IllegalArgumentException e) {
                    // not available here: a kill still leaves the last committed batch
                }
            }
            int before = learner.log().size();
            learner.run(Duration.ofSeconds(pollSeconds), stop::get);
            summarize(learner, learner.log().subList(before, learner.log().size()));
        }
        return 0;
    }

    private void summarize(Learner learner, List<Learner.Entry> done) {
        long retrained = done.stream().filter(e -> e.decision() != null).count();
        long accepted = done.stream().filter(e -> e.decision() != null && e.decision().accepted()).count();
        long rejected = done.stream().filter(e -> e.error() != null).count();
        if (done.isEmpty()) {
            out.printf(Locale.ROOT, "no batch was waiting in %s (CSV files not learnt from before); champion version "
                    + "%d%n", inbox, learner.championVersion());
            return;
        }
        out.printf(Locale.ROOT, "learnt from %d batches (%d rejected), retrained %d times, %d accepted; champion "
                + "version %d%n", done.size() - rejected, rejected, retrained, accepted, learner.championVersion());
    }
}
