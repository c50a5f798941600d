package io.kiln.runtime;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kiln.dsl.RetrainLevel;
import io.kiln.dsl.Task;
import io.kiln.runtime.internal.batch.FileScorer;
import io.kiln.runtime.internal.data.LabeledData;
import io.kiln.runtime.internal.data.Rows;
import io.kiln.runtime.internal.drift.DriftProfile;
import io.kiln.runtime.internal.evaluate.Metrics;
import io.kiln.runtime.internal.learn.LearnState;
import io.kiln.runtime.internal.learn.Selection;
import io.kiln.runtime.internal.model.AtomicFiles;
import io.kiln.runtime.internal.model.NativeThreads;
import io.kiln.runtime.internal.model.Versions;
import io.kiln.runtime.internal.report.TimelinePage;
import io.kiln.runtime.internal.train.EpochProgress;
import io.kiln.runtime.internal.train.Run;
import io.kiln.runtime.internal.train.TrainingLoop;
import io.kiln.runtime.internal.transfer.SourceModel;
import io.kiln.runtime.serve.ModelStore;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import org.nd4j.linalg.factory.Nd4j;

/**
 * <b>Public API</b>. Continuous learning (the dynamic model of seed 002): labelled batches arrive as CSV
 * files in an inbox folder; each is first scored by the current model, the champion (test-then-train,
 * prequential evaluation, so the measured performance over time is honest), then kept for retraining.
 * When the spec's {@link RetrainPolicy} fires, a challenger is trained on the rows it selects, from the
 * champion's weights or from scratch, and replaces the champion only if it scores better on the most
 * recent rows, which it did not train on. An accepted challenger is published to the model store as the
 * next version, where a running {@code serve --store} picks it up.
 *
 * <p>Everything it has done is in its work folder: {@code state.json} (committed after every batch),
 * {@code log.jsonl} (one line per batch), copies of the kept batches under {@code rows/}, and the
 * timeline ({@code timeline.json}, {@code timeline.html}). Killed at any moment, it restarts from the
 * last committed batch: no batch is lost or learnt from twice, and a challenger published just before
 * the kill is recognised (by the batch it learnt through) rather than published again.
 *
 * <p>A batch file is taken once it is complete: write it under a name starting with {@code .} (or
 * ending in {@code .part}) and rename it. Files are consumed in name order; a file that cannot be read
 * is logged as rejected, with the file, line and column at fault, and skipped.
 */
public final class Learner implements AutoCloseable {
    public static final String STATE = "state.json";
    public static final String LOG = "log.jsonl";
    public static final String ROWS = "rows";
    public static final String TIMELINE_JSON = "timeline.json";
    public static final String TIMELINE_HTML = "timeline.html";
    static final String CHALLENGER = "challenger.kiln";
    static final String INITIAL = "initial.kiln";

    static final ObjectMapper JSON = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /**
     * Where continuous learning reads, keeps and publishes.
     *
     * @param inbox the folder labelled batches arrive in
     * @param work the folder of its state, log, kept rows and timeline
     * @param store the model store the champions are published to
     * @param initial the first champion, when the store holds no version of the model yet: this model
     *     file; null to train one on the declared data
     * @param policy the retraining policy; null for the spec's {@code @Retrain} (or, without one, never)
     * @param progress where each batch's line and training progress go; null for none
     */
    public record Options(Path inbox, Path work, Path store, Path initial, RetrainPolicy policy,
            PrintStream progress) {
        public static Options of(Path inbox, Path work, Path store) {
            return new Options(inbox, work, store, null, null, System.err);
        }

        public Options initial(Path file) {
            return new Options(inbox, work, store, file, policy, progress);
        }

        public Options policy(RetrainPolicy p) {
            return new Options(inbox, work, store, initial, p, progress);
        }

        public Options progress(PrintStream out) {
            return new Options(inbox, work, store, initial, policy, out);
        }
    }

    /**
     * One batch's line in the log.
     *
     * @param batch its number, from 1
     * @param file its name in the inbox
     * @param sha256 its content's SHA-256
     * @param error why it was rejected; null when learnt from
     * @param rows labelled rows
     * @param rowsSeen batch rows learnt from so far, this batch's included
     * @param champion the store version that scored it (before learning from it)
     * @param metric the primary metric's name
     * @param metrics the champion's metrics on the batch, before learning from it (prequential)
     * @param psi each feature's PSI on the batch against the champion's training rows
     * @param maxPsi the largest of them
     * @param driftiest the feature with the largest PSI
     * @param predicted the distribution of the champion's predictions: each class's share, or the values'
     *     {@code mean} and {@code std}
     * @param labels the same of the batch's labels
     * @param triggers what fired after the batch: {@code rows}, {@code drift}, {@code metric}
     * @param decision the retraining after the batch, or null
     * @param seconds wall-clock time spent on the batch (the only field that differs between two runs of
     *     the same batches)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Entry(long batch, String file, String sha256, String error, int rows, long rowsSeen,
            long champion, String metric, Map<String, Double> metrics, Map<String, Double> psi, double maxPsi,
            String driftiest, Map<String, Double> predicted, Map<String, Double> labels, List<String> triggers,
            Decision decision, double seconds) {

        /** The primary metric on the batch; NaN for a rejected batch. */
        public double score() {
            return metrics == null || metric == null ? Double.NaN : metrics.getOrDefault(metric, Double.NaN);
        }

        /** This entry without its wall-clock time, for comparing runs. */
        public Entry untimed() {
            return new Entry(batch, file, sha256, error, rows, rowsSeen, champion, metric, metrics, psi, maxPsi,
                    driftiest, predicted, labels, triggers, decision, 0);
        }
    }

    /**
     * A retraining and its outcome.
     *
     * @param level how much of the model trained
     * @param trainRows rows trained on (counting repeats of a recency draw)
     * @param replayed of them, older rows replayed
     * @param acceptRows rows of the acceptance window
     * @param champion the champion's primary metric on the acceptance window
     * @param challenger the challenger's
     * @param accepted whether the challenger replaced the champion
     * @param version the store version it was published as, when accepted
     * @param reason the decision in words
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Decision(String level, int trainRows, int replayed, int acceptRows, double champion,
            double challenger, boolean accepted, Long version, String reason) {}

    /** The spec, its groups of columns ({@code @Features}) resolved as the first champion's. */
    private ModelDefinition def;
    private final RetrainPolicy policy;
    private final Options options;
    private final ModelStore store;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final String primary;
    private LearnState state;
    /** The kept rows, one part per {@link LearnState#retained()} entry. */
    private final List<LabeledData> kept = new ArrayList<>();
    /** With a window by span: each kept part's order-column values; else empty. */
    private final List<double[]> keys = new ArrayList<>();
    private KilnModel champion;
    private Path championFile;
    private String championSha;
    private final List<Entry> log = new ArrayList<>();
    /** What made a batch fail, after which the in-memory state no longer matches the committed one; else null. */
    private String failed;

    private Learner(ModelDefinition def, Options options, FileChannel lockChannel, FileLock lock) {
        this.def = def;
        this.options = options;
        this.policy = options.policy() != null ? options.policy()
                : def.retrain() != null ? def.retrain() : RetrainPolicy.never();
        this.store = new ModelStore(options.store());
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.primary = Metrics.primary(def.task());
    }

    /**
     * Opens the work folder: restores the committed state, or starts one (the first champion being the
     * store's latest version of the model, {@link Options#initial()}, or a model trained on the declared
     * data). One learner at a time per work folder.
     */
    public static Learner open(ModelDefinition def, Options options) throws IOException {
        if (def.distillation() != null || def.ensemble() != null || def.series() != null) {
            throw new IllegalArgumentException("[kiln.retrain-with] Continuous learning retrains one network on "
                    + "labelled rows; model '" + def.name() + "' is " + (def.series() != null ? "a series model"
                            : def.ensemble() != null ? "an ensemble" : "a distilled student") + ".");
        }
        if (def.data() != null && def.data().isIdx()) {
            throw new IllegalArgumentException("[kiln.learn-idx] Model '" + def.name() + "' reads IDX files, but "
                    + "batches arrive as CSV files. Declare the pixels as CSV columns (@CsvData with @Features and "
                    + "@Image) to learn continuously.");
        }
        RetrainPolicy declared = options.policy() != null ? options.policy() : def.retrain();
        if (declared != null && !declared.span().isEmpty() && def.protocol().orderColumn() == null) {
            throw new IllegalArgumentException("[kiln.retrain-span-order] A window by span ('" + declared.span()
                    + "') measures time on the order column, but model '" + def.name() + "' declares none. Declare "
                    + "@TemporalSplit(orderBy = ...) or a window of rows.");
        }
        if (declared != null && def.task().isClassification() && declared.metricDrop() >= 1) {
            throw new IllegalArgumentException("[kiln.retrain-metric-drop] metricDrop = "
                    + ModelMetadata.number(declared.metricDrop()) + " can never happen: the " + def.task()
                    + " metric is a fraction in [0, 1]. Set a drop below 1, e.g. 0.05.");
        }
        if (declared != null && declared.level() == RetrainLevel.SCRATCH && def.transfer() != null) {
            // a retraining from scratch starts from the transfer source, as training does: checked before the
            // first batch rather than when the first retraining fails
            io.kiln.runtime.internal.transfer.SourceModel.load(def.transfer(), def.transferSourceFile());
        }
        NativeThreads.configure();
        Files.createDirectories(options.work());
        Files.createDirectories(options.inbox());
        Files.createDirectories(options.work().resolve(ROWS));
        FileChannel channel = FileChannel.open(options.work().resolve(".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            lock = null; // held by this JVM
        }
        if (lock == null) {
            channel.close();
            throw new IllegalStateException("Another learner is running on " + options.work() + "; stop it first "
                    + "(one learner per work folder).");
        }
        Learner l = new Learner(def, options, channel, lock);
        try {
            l.restore();
        } catch (IOException | RuntimeException e) {
            l.close();
            throw e;
        }
        return l;
    }

    private void restore() throws IOException {
        Path work = options.work();
        state = LearnState.read(work.resolve(STATE));
        if (state == null) {
            // a folder with a log but no state was damaged, not never used: starting afresh would discard it
            if (Files.exists(work.resolve(LOG)) && Files.size(work.resolve(LOG)) > 0) {
                throw new IOException(work.resolve(STATE) + " is missing, but " + work.resolve(LOG) + " holds a log. "
                        + "Restore the state, or point --work at an empty folder to start afresh.");
            }
            long version = firstChampion();
            KilnModel first = KilnModel.load(store.file(def.name(), version));
            first.metadata().requireDrift(); // before any state is written: a model without one cannot be watched
            def = def.resolvedFor(first);
            Double tested = first.metadata().testMetrics() == null ? null : first.metadata().testMetrics().get(primary);
            List<LearnState.Kept> retained = new ArrayList<>();
            if (def.data() != null) {
                LabeledData declared = def.readData(def.data(), true);
                retained.add(new LearnState.Kept(null, -declared.size(), declared.size(), declared.sha256()));
            }
            Files.deleteIfExists(work.resolve(LOG));
            Files.createFile(work.resolve(LOG));
            state = new LearnState(LearnState.FORMAT, def.name(), version, tested == null ? Double.NaN : tested,
                    List.of(), retained, 0, 0, 0, 0, 0, null);
            state.write(work.resolve(STATE));
        } else if (!state.model().equals(def.name())) {
            throw new IllegalArgumentException(work + " holds the learning state of model '" + state.model()
                    + "', not '" + def.name() + "'. Give this model a work folder of its own.");
        } else {
            def = def.resolvedFor(KilnModel.load(store.file(def.name(), state.championVersion())));
        }
        // what a killed run wrote after its last commit is dropped: the batch is learnt again from the start
        try (FileChannel logFile = FileChannel.open(work.resolve(LOG), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE)) {
            if (logFile.size() < state.logBytes()) {
                throw new IOException(work.resolve(LOG) + " is shorter than its committed " + state.logBytes()
                        + " bytes: it was changed by hand. Restore it or start an empty work folder.");
            }
            logFile.truncate(state.logBytes());
        }
        Set<String> listed = new java.util.HashSet<>();
        for (LearnState.Kept k : state.retained()) {
            if (k.file() != null) {
                listed.add(k.file());
            }
        }
        if (state.pending() != null) { // the batch a killed run was learning: learnt again first, from its copy
            listed.add(state.pending().copy());
        }
        try (DirectoryStream<Path> copies = Files.newDirectoryStream(work.resolve(ROWS))) {
            for (Path copy : copies) {
                if (!listed.contains(copy.getFileName().toString())) {
                    Files.deleteIfExists(copy);
                }
            }
        }
        for (LearnState.Kept k : state.retained()) {
            CsvSource source = k.file() == null ? def.data() : Trainer.source(def, work.resolve(ROWS).resolve(k.file()));
            LabeledData part = def.readData(source, true);
            if (k.file() == null && k.sha256() != null && !k.sha256().equals(part.sha256())) {
                throw new IllegalArgumentException("The declared data " + source.name() + " changed since learning "
                        + "started (its SHA-256 was " + k.sha256() + "), so the kept rows are not the ones learnt "
                        + "from. Restore it, or point --work at an empty folder to start afresh.");
            }
            kept.add(part);
            if (!policy.span().isEmpty()) {
                keys.add(orderKeys(source));
            }
        }
        for (String line : Files.readAllLines(work.resolve(LOG), StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                log.add(JSON.readValue(line, Entry.class));
            }
        }
        loadChampion(state.championVersion());
        writeTimeline();
    }

    /** The store's latest version of the model, or the first one published now. */
    private long firstChampion() throws IOException {
        List<Long> versions = store.versions(def.name());
        if (!versions.isEmpty()) {
            return versions.get(versions.size() - 1);
        }
        Path file = options.initial();
        if (file == null) {
            if (def.data() == null) {
                throw new IllegalArgumentException("The store " + store.root() + " holds no version of model '"
                        + def.name() + "' and the spec declares no data to train one on. Give the first model "
                        + "with --model FILE.");
            }
            say("no model '%s' in %s: training the first on the declared data", def.name(), store.root());
            TrainingResult first = Trainer.train(def, TrainOptions.defaults().progress(options.progress(), false)
                    .references(false));
            file = options.work().resolve(INITIAL);
            first.save(file);
        }
        return store.publish(file).version();
    }

    private void loadChampion(long version) throws IOException {
        championFile = store.file(def.name(), version);
        champion = KilnModel.load(championFile);
        championSha = SourceModel.sha256(championFile);
        champion.metadata().requireDrift(); // a model without a drift profile cannot be watched for drift
    }

    /** The model serving now: the last accepted one. */
    public KilnModel champion() {
        return champion;
    }

    /** The champion's version in the store. */
    public long championVersion() {
        return state.championVersion();
    }

    /** The policy this learner retrains by. */
    public RetrainPolicy policy() {
        return policy;
    }

    /** Every batch's log entry so far, in order. */
    public List<Entry> log() {
        return List.copyOf(log);
    }

    /**
     * Learns from every batch waiting in the inbox, in name order; returns their log entries. After a
     * failure (the store or the work folder could not be written) the learner is closed to further steps:
     * open it again, and the batch that failed is learnt again from the start.
     */
    public synchronized List<Entry> step() throws IOException {
        List<Entry> done = new ArrayList<>();
        for (Path file : pending()) {
            done.add(learnOrFail(file));
        }
        return done;
    }

    private Entry learnOrFail(Path file) throws IOException {
        if (failed != null) {
            throw new IllegalStateException("This learner failed on a batch (" + failed + "); open it again to "
                    + "go on from the last committed batch.");
        }
        try {
            return learn(file);
        } catch (IOException | RuntimeException e) {
            failed = e.toString();
            throw e;
        }
    }

    /** Steps every {@code poll} until {@code stop} says so (checked between batches and while waiting). */
    public void run(Duration poll, BooleanSupplier stop) throws IOException, InterruptedException {
        while (!stop.getAsBoolean()) {
            for (Path file : pending()) {
                if (stop.getAsBoolean()) {
                    return;
                }
                learnOrFail(file);
            }
            long until = System.nanoTime() + poll.toNanos();
            while (!stop.getAsBoolean() && System.nanoTime() < until) {
                Thread.sleep(Math.min(100, Math.max(1, poll.toMillis())));
            }
        }
    }

    /**
     * The batches to learn from, in order: the one a killed run was learning (from its copy), then the
     * complete CSV files of the inbox not consumed yet, by name.
     */
    private List<Path> pending() throws IOException {
        List<Path> out = new ArrayList<>();
        LearnState.Pending begun = state.pending();
        if (begun != null) {
            out.add(options.work().resolve(ROWS).resolve(begun.copy()));
        }
        TreeMap<String, Path> files = new TreeMap<>();
        try (DirectoryStream<Path> all = Files.newDirectoryStream(options.inbox())) {
            for (Path p : all) {
                String name = p.getFileName().toString();
                if (Files.isRegularFile(p) && !name.startsWith(".") && !name.endsWith(".part")
                        && name.toLowerCase(Locale.ROOT).endsWith(".csv") && !state.consumed(name)
                        && (begun == null || !begun.file().equals(name))) {
                    files.put(name, p);
                }
            }
        }
        out.addAll(files.values());
        return out;
    }

    private Entry learn(Path source) throws IOException {
        long started = System.nanoTime();
        long number = state.batches().size() + 1;
        LearnState.Pending begun = state.pending();
        Path rowsDir = options.work().resolve(ROWS);
        boolean resumed = begun != null && source.equals(rowsDir.resolve(begun.copy()));
        String name = resumed ? begun.file() : source.getFileName().toString();
        String copy = resumed ? begun.copy() : String.format(Locale.ROOT, "%06d-%s", number, name);
        Path copyPath = rowsDir.resolve(copy);
        byte[] bytes;
        if (resumed) {
            bytes = Files.readAllBytes(copyPath);
        } else {
            try {
                bytes = Files.readAllBytes(source);
            } catch (IOException e) {
                return reject(number, name, FileScorer.sha256(new byte[0]), "cannot read " + source + ": " + e,
                        started);
            }
            // the rows are learnt from this copy, never from the inbox file again; a kill from here on learns it
            // again first, from the copy, under the same number
            AtomicFiles.write(copyPath, bytes);
            state = state.withPending(new LearnState.Pending(name, copy));
            state.write(options.work().resolve(STATE));
        }
        String sha = FileScorer.sha256(bytes);
        LabeledData batch;
        double[] order = null;
        try {
            CsvSource csv = Trainer.source(def, copyPath);
            batch = def.readData(csv, true);
            if (batch.size() == 0) {
                throw new IllegalArgumentException(name + " holds no labelled row");
            }
            if (!policy.span().isEmpty()) {
                order = orderKeys(csv);
            }
        } catch (DataException | IllegalArgumentException | IOException | UncheckedIOException e) {
            Files.deleteIfExists(copyPath);
            // errors name the file as it arrived, not the copy read
            String message = String.valueOf(e.getMessage()).replace(copyPath.toString(),
                    options.inbox().resolve(name).toString());
            return reject(number, name, sha, message, started);
        }
        // test: the champion scores the batch before learning from it
        int n = batch.size();
        int[] rows = java.util.stream.IntStream.range(0, n).toArray();
        double[][] outputs = champion.output(champion.preprocessor().matrix(batch, rows));
        Map<String, Double> metrics = rounded(Metrics.evaluate(def.task(), batch.targets(), outputs,
                champion.metadata().threshold()).metrics());
        DriftProfile profile = champion.metadata().requireDrift();
        DriftReport drift = DriftReport.of(profile, batch.features());
        Map<String, Double> psi = new LinkedHashMap<>();
        String driftiest = null;
        double maxPsi = Double.NaN;
        for (DriftReport.FeatureDrift f : drift.features()) {
            psi.put(f.feature(), round(f.psi()));
            if (Double.isFinite(f.psi()) && (driftiest == null || f.psi() > maxPsi)) {
                maxPsi = f.psi();
                driftiest = f.feature();
            }
        }

        // then train: the batch joins the kept rows
        List<LearnState.Kept> retained = new ArrayList<>(state.retained());
        retained.add(new LearnState.Kept(copy, state.rowsSeen(), n, sha));
        kept.add(batch);
        if (order != null) {
            keys.add(order);
        }
        long seen = state.rowsSeen() + n;
        List<String> dropped = new ArrayList<>();
        int total = retained.stream().mapToInt(LearnState.Kept::rows).sum();
        while (retained.size() > 1 && total - retained.get(0).rows() >= policy.retain()) {
            total -= retained.get(0).rows();
            if (retained.get(0).file() != null) {
                dropped.add(retained.get(0).file());
            }
            retained.remove(0);
            kept.remove(0);
            if (!keys.isEmpty()) {
                keys.remove(0);
            }
        }

        List<String> triggers = new ArrayList<>();
        double reference = state.championReference();
        long since = seen - state.lastRetrainRow();
        Numbered all = rows(retained);
        if (policy.everyRows() > 0 && since >= policy.everyRows()) {
            triggers.add("rows");
        }
        if (policy.driftPsi() > 0 && since >= policy.driftRows()) {
            // the most recent driftRows rows, all arrived since the last retraining: older ones would dilute a shift
            int from = Math.max(0, all.data().size() - policy.driftRows());
            List<Object[]> recent = all.data().features().subList(from, all.data().size());
            double worst = DriftReport.of(profile, recent).features().stream()
                    .mapToDouble(DriftReport.FeatureDrift::psi).filter(Double::isFinite).max().orElse(0);
            if (worst > policy.driftPsi()) {
                triggers.add("drift");
            }
        }
        // the acceptance window holds batch rows only once this many arrived: before, it would reach into the
        // declared rows the first champion trained on, and favour it
        boolean windowFull = seen >= policy.accept();
        if (policy.metricDrop() > 0 && windowFull) {
            int size = all.data().size();
            int[] window = java.util.stream.IntStream.range(size - Math.min(policy.accept(), size), size).toArray();
            double now = champion.evaluate(all.data(), window)[0].metrics().get(primary);
            if (Double.isNaN(reference)) {
                reference = now; // the first full window is the champion's reference
            } else if ((Metrics.higherIsBetter(primary) ? reference - now : now - reference) >= policy.metricDrop()) {
                triggers.add("metric");
            }
        }

        Decision decision = null;
        long lastRetrain = state.lastRetrainRow();
        long newFrom = state.newFrom();
        int retrainings = state.retrainings();
        long version = state.championVersion();
        if (!triggers.isEmpty() && windowFull) {
            String key = "batch " + number + " " + name;
            Selection selection = Selection.of(policy, all.numbers(), all.keys(), state.newFrom(),
                    def.fit().seed() * 7919 + retrainings);
            lastRetrain = seen;
            // the next retraining on new rows starts with this one's acceptance window, which it did not train on
            newFrom = selection.accept().length > 0 ? all.numbers()[selection.accept()[0]] : seen;
            retrainings++;
            if (selection.train().length == 0) {
                decision = new Decision(policy.level().name(), 0, 0, selection.accept().length, Double.NaN, Double.NaN,
                        false, null, "no rows to train on outside the acceptance window");
            } else {
                decision = retrain(all.data(), selection, retrainings, key, retained);
                if (decision.accepted()) {
                    version = decision.version();
                    reference = decision.challenger();
                }
            }
        }
        Entry entry = new Entry(number, name, sha, null, n, seen, state.championVersion(), primary, metrics, psi,
                round(maxPsi), driftiest, distribution(outputs, champion.metadata().threshold()),
                distribution(batch.targets(), 0.5), triggers, decision, seconds(started));
        commit(entry, new LearnState.Consumed(name, sha, n), retained, seen, lastRetrain, newFrom, retrainings,
                version, reference, dropped);
        say("batch %d %s: %d rows, %s %.4f, largest PSI %.3f (%s)%s", number, name, n, primary, entry.score(),
                entry.maxPsi(), driftiest,
                decision != null ? "; retrained (" + String.join(", ", triggers) + "): " + decision.reason()
                        : triggers.isEmpty() ? "" : "; " + String.join(", ", triggers) + " waits for " + policy.accept()
                                + " batch rows to fill the acceptance window");
        return entry;
    }

    /** Logs a batch that could not be learnt from (it is consumed, and never retried) and commits it. */
    private Entry reject(long number, String name, String sha, String message, long started) throws IOException {
        Entry rejected = new Entry(number, name, sha, message, 0, state.rowsSeen(), state.championVersion(), primary,
                null, null, Double.NaN, null, null, null, List.of(), null, seconds(started));
        commit(rejected, new LearnState.Consumed(name, sha, 0), state.retained(), state.rowsSeen(),
                state.lastRetrainRow(), state.newFrom(), state.retrainings(), state.championVersion(),
                state.championReference(), List.of());
        say("batch %d %s rejected: %s", number, name, message);
        return rejected;
    }

    /** Trains a challenger on the selected rows and keeps it if it beats the champion on the acceptance window. */
    private Decision retrain(LabeledData all, Selection selection, int retraining, String key,
            List<LearnState.Kept> retained) throws IOException {
        long started = System.nanoTime();
        int[] window = selection.accept();
        String level = policy.level().name();
        long already = publishedThrough(key);
        if (already > 0) { // a run killed after publishing this challenger: it is taken as it is, not trained again
            double holder = champion.evaluate(all, window)[0].metrics().get(primary);
            double challenger = KilnModel.load(store.file(def.name(), already)).evaluate(all, window)[0].metrics()
                    .get(primary);
            loadChampion(already);
            return accepted(level, selection, holder, challenger, already);
        }
        FitSettings declared = def.fit();
        int epochs = policy.epochs() > 0 ? policy.epochs() : declared.epochs();
        FitSettings fit = new FitSettings(epochs, declared.batchSize(), declared.seed() + retraining);
        ModelDefinition d = def.withFit(fit);
        int generation = champion.metadata().provenance() == null
                || champion.metadata().provenance().lineage() == null ? 1
                        : champion.metadata().provenance().lineage().generation() + 1;
        if (policy.level() != RetrainLevel.SCRATCH) {
            d = d.withWarmStart(new WarmStart(championFile, championSha, champion, policy.level(), policy.trainTop(),
                    policy.l2sp(), policy.refitPreprocessing(), key));
        }
        Nd4j.getRandom().setSeed(fit.weightSeed()); // dropout draws the same in a restarted run
        EpochProgress progress = new EpochProgress(options.progress(), false).withPrefix("challenger ");
        Run run = TrainingLoop.fit(d, all, selection.train(), new int[0], fit, epochs, progress, null);
        KilnModel trained = run.model();
        int[] accept = window;
        Metrics.Evaluation[] challengerScores = trained.evaluate(all, accept);
        double challenger = challengerScores[0].metrics().get(primary);
        double holder = champion.evaluate(all, accept)[0].metrics().get(primary);
        boolean better = Double.isFinite(challenger) && (Double.isNaN(holder)
                || (Metrics.higherIsBetter(primary) ? challenger > holder + policy.margin()
                        : challenger < holder - policy.margin()));
        if (!better) {
            return new Decision(level, selection.train().length, selection.replayed(), accept.length, round(holder),
                    round(challenger), false, null, String.format(Locale.ROOT, "challenger %s vs champion %s on the "
                            + "last %d rows: the champion (version %d) stays", ModelMetadata.number(round(challenger)),
                            ModelMetadata.number(round(holder)), accept.length, state.championVersion()));
        }
        ModelMetadata draft = trained.metadata();
        ModelMetadata.Provenance provenance = new ModelMetadata.Provenance("learnt through " + key, dataSha(retained),
                all.size(), selection.train().length, 0, accept.length, def.protocol(), fit, Versions.kiln(),
                Versions.dl4j(), System.getProperty("java.version"), Nd4j.getBackend().getClass().getSimpleName(),
                Instant.now().toString(), (System.nanoTime() - started) / 1e9)
                .withLineage(new ModelMetadata.LineageProvenance(def.name() + "/" + state.championVersion(),
                        championSha, champion.metadata().provenance() == null ? null
                                : champion.metadata().provenance().data(),
                        champion.metadata().provenance() == null ? null
                                : champion.metadata().provenance().dataSha256(), generation, level, policy.trainTop(),
                        policy.l2sp(), policy.level() != RetrainLevel.SCRATCH && !policy.refitPreprocessing()
                                ? "parent" : "fitted", key));
        DriftProfile drift = DriftProfile.fit(draft.features(), all.features(), selection.train());
        ModelMetadata meta = new ModelMetadata(draft.format(), draft.name(), draft.task(), draft.specClass(),
                draft.spec(), draft.features(), draft.label(), draft.targetCenter(), draft.targetScale(),
                draft.numInputs(), provenance, draft.baselineOutput(), challengerScores[0].metrics(),
                challengerScores[1].metrics(), challengerScores[0].confusion(), run.history(), draft.threshold(), drift,
                null, null);
        Path file = options.work().resolve(CHALLENGER);
        new KilnModel(trained.network(), meta).save(file);
        long version = store.publish(file).version();
        Files.deleteIfExists(file);
        loadChampion(version);
        return accepted(level, selection, holder, challenger, version);
    }

    private Decision accepted(String level, Selection selection, double holder, double challenger, long version) {
        return new Decision(level, selection.train().length, selection.replayed(), selection.accept().length,
                round(holder), round(challenger), true, version, String.format(Locale.ROOT, "challenger %s vs "
                        + "champion %s on the last %d rows: published as version %d",
                        ModelMetadata.number(round(challenger)), ModelMetadata.number(round(holder)),
                        selection.accept().length, version));
    }

    /**
     * The store version a run killed after publishing the challenger of batch {@code key} (and before
     * committing the batch) left: the latest version, newer than the champion, that learnt through that
     * batch; -1 when there is none.
     */
    private long publishedThrough(String key) throws IOException {
        List<Long> versions = store.versions(def.name());
        if (versions.isEmpty()) {
            return -1;
        }
        long latest = versions.get(versions.size() - 1);
        if (latest <= state.championVersion()) {
            return -1;
        }
        ModelMetadata.Provenance p = KilnModel.load(store.file(def.name(), latest)).metadata().provenance();
        return p != null && p.lineage() != null && key.equals(p.lineage().learnedThrough()) ? latest : -1;
    }

    /** Appends the entry to the log, then commits the state that includes it; the timeline follows. */
    private void commit(Entry entry, LearnState.Consumed batch, List<LearnState.Kept> retained, long seen,
            long lastRetrain, long newFrom, int retrainings, long version, double reference, List<String> dropped)
            throws IOException {
        Path logFile = options.work().resolve(LOG);
        byte[] line = (JSON.writeValueAsString(entry) + "\n").getBytes(StandardCharsets.UTF_8);
        try (FileChannel out = FileChannel.open(logFile, StandardOpenOption.WRITE)) {
            out.position(state.logBytes());
            out.write(java.nio.ByteBuffer.wrap(line));
            out.force(true);
        }
        state = state.after(batch, retained, seen, lastRetrain, newFrom, retrainings, version, reference,
                state.logBytes() + line.length);
        state.write(options.work().resolve(STATE));
        log.add(entry);
        for (String copy : dropped) {
            Files.deleteIfExists(options.work().resolve(ROWS).resolve(copy));
        }
        writeTimeline();
    }

    private void writeTimeline() throws IOException {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("model", def.name());
        json.put("policy", policy.describe());
        json.put("championVersion", state.championVersion());
        json.put("batches", log);
        byte[] timeline = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(json);
        byte[] page = TimelinePage.render(def.name(), def.task(), policy.describe(), log)
                .getBytes(StandardCharsets.UTF_8);
        Map<Path, AtomicFiles.Content> files = new LinkedHashMap<>();
        files.put(options.work().resolve(TIMELINE_JSON), out -> out.write(timeline));
        files.put(options.work().resolve(TIMELINE_HTML), out -> out.write(page));
        AtomicFiles.writeAll(files);
    }

    /** The kept rows as one table, each row with its number among all batch rows (and its order key). */
    private Numbered rows(List<LearnState.Kept> retained) {
        LabeledData data = kept.get(0);
        for (int i = 1; i < kept.size(); i++) {
            data = data.concat(kept.get(i));
        }
        long[] numbers = new long[data.size()];
        double[] order = keys.isEmpty() ? null : new double[data.size()];
        int at = 0;
        for (int part = 0; part < retained.size(); part++) {
            LearnState.Kept k = retained.get(part);
            for (int i = 0; i < k.rows(); i++) {
                if (order != null) {
                    order[at] = keys.get(part)[i];
                }
                numbers[at++] = k.firstRow() + i;
            }
        }
        int keep = Math.min(policy.retain(), data.size());
        if (keep < data.size()) { // the oldest part beyond retain is not used
            int from = data.size() - keep;
            data = data.project(java.util.stream.IntStream.range(from, data.size()).toArray());
            numbers = java.util.Arrays.copyOfRange(numbers, from, numbers.length);
            order = order == null ? null : java.util.Arrays.copyOfRange(order, from, order.length);
        }
        return new Numbered(data, numbers, order);
    }

    /** Kept rows, their numbers, and their order keys (null without a window by span). */
    private record Numbered(LabeledData data, long[] numbers, double[] keys) {}

    /**
     * The order column's values of a data source's rows, in the units a span is measured in; a duration
     * span over a numeric order column is refused.
     */
    private double[] orderKeys(CsvSource source) throws IOException {
        String column = def.protocol().orderColumn();
        io.kiln.runtime.internal.data.CsvTable table = def.readTable(source);
        int col = table.header().indexOf(column);
        if (policy.spanIsDuration() && col >= 0 && !table.rows().isEmpty()
                && LabeledData.isDecimal(table.rows().get(0).cells()[col].trim())) {
            throw new IllegalArgumentException("[kiln.retrain-span-units] span '" + policy.span() + "' is a duration, "
                    + "but the order column '" + column + "' of " + source.name() + " holds numbers. Give the span as a "
                    + "number in the column's units.");
        }
        return io.kiln.runtime.internal.data.TemporalKeys.read(table, column).stream().mapToDouble(Double::doubleValue)
                .toArray();
    }

    /** The SHA-256 of the kept parts' SHA-256s (recorded as each was read), in order: what a challenger trained on. */
    private static String dataSha(List<LearnState.Kept> retained) {
        StringBuilder parts = new StringBuilder();
        for (LearnState.Kept k : retained) {
            parts.append(k.sha256()).append('\n');
        }
        return FileScorer.sha256(parts.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Each class's share (by the decision rule) or the first value's mean and standard deviation. */
    private Map<String, Double> distribution(double[][] values, double threshold) {
        Map<String, Double> d = new LinkedHashMap<>();
        Task task = def.task();
        List<String> classes = def.label().classes();
        int n = values.length;
        if (task == Task.MULTICLASS_CLASSIFICATION) {
            double[] counts = new double[classes.size()];
            for (double[] v : values) {
                int best = 0;
                for (int j = 1; j < v.length; j++) {
                    best = v[j] > v[best] ? j : best;
                }
                counts[best]++;
            }
            for (int j = 0; j < counts.length; j++) {
                d.put(classes.get(j), round(counts[j] / n));
            }
        } else if (task.isClassification()) { // binary: one unit; multi-label: one per class
            int units = values[0].length;
            for (int j = 0; j < units; j++) {
                double on = 0;
                for (double[] v : values) {
                    on += v[j] >= threshold ? 1 : 0;
                }
                d.put(task == Task.BINARY_CLASSIFICATION ? classes.get(classes.size() - 1) : classes.get(j),
                        round(on / n));
            }
        } else {
            double[] first = new double[n];
            for (int i = 0; i < n; i++) {
                first[i] = values[i][0];
            }
            d.put("mean", round(java.util.Arrays.stream(first).average().orElse(Double.NaN)));
            d.put("std", round(Rows.std(first)));
        }
        return d;
    }

    private static Map<String, Double> rounded(Map<String, Double> m) {
        Map<String, Double> r = new LinkedHashMap<>();
        m.forEach((k, v) -> r.put(k, round(v)));
        return r;
    }

    /** Six significant decimals: enough for any reading, and stable in the log. */
    static double round(double v) {
        return Double.isFinite(v) ? Math.round(v * 1e6) / 1e6 : v;
    }

    private static double seconds(long started) {
        return Math.round((System.nanoTime() - started) / 1e6) / 1e3;
    }

    private void say(String format, Object... args) {
        if (options.progress() != null) {
            options.progress().println(String.format(Locale.ROOT, format, args));
        }
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            lockChannel.close();
        }
    }
}
