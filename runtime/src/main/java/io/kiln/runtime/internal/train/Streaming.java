package io.kiln.runtime.internal.train;

import io.kiln.dsl.Metric;
import io.kiln.dsl.Task;
import io.kiln.runtime.CsvSource;
import io.kiln.runtime.DataException;
import io.kiln.runtime.EarlyStopping;
import io.kiln.runtime.FitSettings;
import io.kiln.runtime.HoldoutProtocol;
import io.kiln.runtime.KilnModel;
import io.kiln.runtime.ModelDefinition;
import io.kiln.runtime.Network;
import io.kiln.runtime.Report;
import io.kiln.runtime.TrainOptions;
import io.kiln.runtime.Trainer;
import io.kiln.runtime.internal.batch.CsvChunks;
import io.kiln.runtime.internal.data.LabeledData;
import io.kiln.runtime.internal.drift.DriftProfile;
import io.kiln.runtime.internal.evaluate.Diagnostics;
import io.kiln.runtime.internal.evaluate.Metrics;
import io.kiln.runtime.internal.fast.FastPath;
import io.kiln.runtime.internal.fast.SeededDropout;
import io.kiln.runtime.internal.model.NativeThreads;
import io.kiln.runtime.internal.preprocess.Preprocessor;
import io.kiln.runtime.internal.preprocess.StreamedStats;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * Training on a CSV file larger than memory: the data is read three times and never held whole.
 *
 * <ol>
 * <li>A first read hashes the file and counts its rows (to place an unshuffled split).
 * <li>A statistics pass parses the rows a chunk at a time, assigns each to the training,
 *     validation or test split, and learns the preprocessing from the training rows alone
 *     ({@link StreamedStats}), the class counts and the baseline.
 * <li>An encoding pass writes every row as network inputs: the training rows dealt into
 *     {@link ShuffleBuckets}, the validation and test rows into a file each.
 * </ol>
 *
 * Each epoch then visits the training rows in a fresh uniformly random order, one bucket in
 * memory at a time, in minibatches on the fast path when it claims the network (else DL4J's
 * {@code fit}), and evaluates the validation file; the final model is evaluated on the test file.
 * Heap use is a bucket, a chunk, and a sample of rows for the diagnostics, whatever the file size.
 *
 * <p>The split: under a shuffled holdout each row goes to the test or validation split by a
 * seeded hash of its position, so the fractions hold in expectation (not to the row) and classes
 * are not stratified; unshuffled, the first rows train and the last are tested, as in memory.
 */
public final class Streaming {
    /** Bytes of training rows memory holds at once (one bucket), for tests; default from the heap. */
    public static final String BUCKET_BYTES_PROPERTY = "kiln.stream.bucketBytes";
    /** Where the encoded rows are written (default: the system's temporary directory). */
    public static final String DIR_PROPERTY = "kiln.stream.dir";
    /** Rows parsed at a time. */
    static final int CHUNK_ROWS = 2048;
    /** Rows encoded and scored at a time when evaluating. */
    static final int SCORE_ROWS = 1024;
    /** Test rows whose outputs are kept for the report's curves and residuals. */
    static final int TEST_SAMPLE = 10_000;
    /** Training rows kept (as typed values) for the diagnostics: at most this many values in all. */
    static final int SAMPLE_VALUES = 500_000;
    static final int MAX_SAMPLE_ROWS = 2000;
    /** Bucket files open at once, at most. */
    static final int MAX_BUCKETS = 4096;
    private static final ActivationIdentity IDENTITY = new ActivationIdentity();
    private static final int TRAIN = 0;
    private static final int VALIDATION = 1;
    private static final int TEST = 2;

    private Streaming() {}

    /** Why this training cannot stream, or null when it can. */
    public static String refusal(ModelDefinition def, TrainOptions options) {
        if (!(def.protocol() instanceof HoldoutProtocol h)) {
            return "streaming training needs a @Holdout split; this spec declares " + def.protocol().describe(def.task());
        }
        if (h.retrain()) {
            return "streaming training does not retrain on training + validation rows (@Holdout(retrain = true))";
        }
        if (def.series() != null) {
            return "streaming training reads rows, not the windows of a @Series";
        }
        if (def.hasTextFeatures()) {
            return "streaming training does not fit a text vocabulary";
        }
        if (def.augmentation() != null && def.augmentation().isActive()) {
            return "streaming training does not augment images";
        }
        if (def.ensemble() != null || def.distillation() != null || def.transfer() != null
                || def.warmStart() != null || def.wordVectors() != null) {
            return "streaming training trains one network from scratch (no ensemble, distillation, transfer, warm "
                    + "start or word vectors)";
        }
        if (def.tuneThreshold() != null) {
            return "streaming training does not tune a decision threshold";
        }
        if (options.sample() != null || options.dataParallel() != null) {
            return "streaming training reads every training row in this JVM: drop --sample and --threads (or the "
                    + "Spark workers)";
        }
        CsvSource source = def.data() == null && options.data() == null ? null : Trainer.source(def, options.data());
        if (source != null && source.file() == null && !source.isIdx()) {
            return "streaming training reads a CSV file on disk, and " + source.name() + " is a class-path resource: "
                    + "pass the file with --data FILE";
        }
        if (source == null || source.file() == null || source.isIdx()
                || source.name().toLowerCase(Locale.ROOT).endsWith(".arff")) {
            return "streaming training reads a CSV file";
        }
        if (def.testData() != null && options.data() == null && (def.testData().file() == null
                || def.testData().isIdx() || def.testData().name().toLowerCase(Locale.ROOT).endsWith(".arff"))) {
            return "streaming training reads a CSV test file";
        }
        return null;
    }

    /**
     * Whether this training streams: as {@link TrainOptions#stream()} says, or, when it says
     * nothing, when the data file would take more than {@link Trainer#IN_MEMORY_SHARE} of the heap read
     * into memory ({@link Trainer#inMemoryBytes}).
     */
    public static boolean streams(ModelDefinition def, TrainOptions options) {
        if (options.stream() != null) {
            return options.stream();
        }
        if (def.data() == null && options.data() == null) {
            return false;
        }
        CsvSource source = Trainer.source(def, options.data());
        // (the rule of thumb is a CSV's: IDX images and ARFF are read as they are)
        if (source.file() == null || source.isIdx() || source.name().toLowerCase(Locale.ROOT).endsWith(".arff")
                || !Files.isRegularFile(source.file())) {
            return false;
        }
        long need;
        try {
            need = Trainer.inMemoryBytes(source.file(), source.delimiter());
            CsvSource test = def.testData() != null && options.data() == null ? def.testData() : null;
            if (test != null && test.file() != null && !test.isIdx() && Files.isRegularFile(test.file())) {
                need += Trainer.inMemoryBytes(test.file(), test.delimiter()); // (read into memory beside it)
            }
        } catch (IOException e) {
            return false; // (reading it says what is wrong)
        }
        long heap = Runtime.getRuntime().maxMemory();
        if (need <= heap * Trainer.IN_MEMORY_SHARE) {
            return false;
        }
        String why = refusal(def, options);
        if (why == null && options.progress() != null) {
            options.progress().printf(Locale.ROOT, "%s would take about %.0f MB of the %.0f MB heap in memory: "
                    + "streaming it from disk%n", source.name(), need / 1e6, heap / 1e6);
        }
        if (why != null && options.progress() != null) {
            options.progress().printf(Locale.ROOT, "%s would take about %.0f MB of the %.0f MB heap in memory, but "
                    + "%s: reading it into memory%n", source.name(), need / 1e6, heap / 1e6, why);
        }
        return why == null;
    }

    /**
     * Where each row goes, in the in-memory split's numbers: in each group of rows (each class under a
     * stratified holdout of classes, else all rows) {@code round(rows · test)} test rows and {@code
     * round(rows · validation)} validation rows, keeping at least one training row. Unshuffled, a
     * group's first rows train, the next validate and the last are tested. Shuffled, a seeded draw
     * without replacement, row after row, picks a group's test and validation rows: every choice of
     * them is equally likely. A pass over the file calls {@link #start}, then {@link Pass#part} for
     * each row in file order, and every pass gets the same answers.
     */
    static final class Split {
        private final boolean shuffle;
        private final long seed;
        private final long[] rows;
        private final long[] test;
        private final long[] validation;

        private Split(boolean shuffle, long seed, long[] rows, long[] test, long[] validation) {
            this.shuffle = shuffle;
            this.seed = seed;
            this.rows = rows;
            this.test = test;
            this.validation = validation;
        }

        /** {@code groupRows}: the rows of each group (one group when the split is not stratified). */
        static Split of(HoldoutProtocol h, long[] groupRows, boolean testFile, long seed) {
            int k = groupRows.length;
            long[] test = new long[k];
            long[] validation = new long[k];
            for (int g = 0; g < k; g++) {
                long n = groupRows[g];
                long nTest = testFile ? 0 : Math.round(n * h.test());
                long nVal = Math.round(n * h.validation());
                if (nTest + nVal >= n) { // a tiny group keeps at least one row for training, as in memory
                    nTest = Math.min(nTest, Math.max(0, n - 1));
                    nVal = Math.min(nVal, Math.max(0, n - 1 - nTest));
                }
                test[g] = nTest;
                validation[g] = nVal;
            }
            return new Split(h.shuffle(), seed, groupRows.clone(), test, validation);
        }

        long testRows() {
            return java.util.Arrays.stream(test).sum();
        }

        long validationRows() {
            return java.util.Arrays.stream(validation).sum();
        }

        long trainRows() {
            return java.util.Arrays.stream(rows).sum() - testRows() - validationRows();
        }

        /** The start of a pass over the rows in file order. */
        Pass start() {
            return new Pass();
        }

        /** One pass's position in each group. */
        final class Pass {
            private final long[] seen = new long[rows.length];
            private final long[] testLeft = test.clone();
            private final long[] validationLeft = validation.clone();
            private final SplittableRandom[] random = new SplittableRandom[rows.length];

            /** The split of the next row of {@code group}: {@code TRAIN}, {@code VALIDATION} or {@code TEST}. */
            int part(int group) {
                long i = seen[group]++;
                if (i >= rows[group]) {
                    throw new IllegalStateException("more rows of group " + group + " than counted");
                }
                if (!shuffle) {
                    long train = rows[group] - test[group] - validation[group];
                    return i < train ? TRAIN : i < train + validation[group] ? VALIDATION : TEST;
                }
                if (random[group] == null) {
                    random[group] = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + group);
                }
                double u = random[group].nextDouble() * (rows[group] - i);
                if (u < testLeft[group]) {
                    testLeft[group]--;
                    return TEST;
                }
                if (u < testLeft[group] + validationLeft[group]) {
                    validationLeft[group]--;
                    return VALIDATION;
                }
                return TRAIN;
            }
        }
    }

    /**
     * The rows a streamed training tested, of its data read into memory: {@link Split}'s draw over the
     * rows in file order (the official test file, when one was the test set, is not part of {@code data}).
     */
    public static int[] testRows(HoldoutProtocol h, LabeledData data, Task task, boolean testFile, long seed) {
        boolean stratified = h.stratified() && data.classes() != null && task.isClassification()
                && task != Task.MULTILABEL_CLASSIFICATION;
        int groups = stratified ? Arrays.stream(data.classes()).max().orElse(0) + 1 : 1;
        long[] groupRows = new long[groups];
        for (int r = 0; r < data.size(); r++) {
            groupRows[stratified ? data.classes()[r] : 0]++;
        }
        Split.Pass pass = Split.of(h, groupRows, testFile, seed).start();
        return java.util.stream.IntStream.range(0, data.size())
                .filter(r -> pass.part(stratified ? data.classes()[r] : 0) == TEST).toArray();
    }

    /** A uniform sample (reservoir) of rows: typed values, targets and classes. */
    private static final class Sample {
        final int capacity;
        final List<Object[]> rows = new ArrayList<>();
        final List<double[]> targets = new ArrayList<>();
        final List<Integer> classes = new ArrayList<>();
        final SplittableRandom random;
        long seen;

        Sample(int capacity, long seed) {
            this.capacity = capacity;
            this.random = new SplittableRandom(seed);
        }

        void offer(Object[] row, double[] target, int cls) {
            seen++;
            int at = rows.size() < capacity ? -1 : (int) Math.min(Integer.MAX_VALUE, random.nextLong(seen));
            if (at < 0) {
                rows.add(row);
                targets.add(target);
                classes.add(cls);
            } else if (at < capacity) {
                rows.set(at, row);
                targets.set(at, target);
                classes.set(at, cls);
            }
        }

        LabeledData data(String source, boolean classified) {
            return LabeledData.of(rows, classified ? classes.stream().mapToInt(Integer::intValue).toArray() : null,
                    targets.toArray(new double[0][]), new long[rows.size()], source, null);
        }
    }

    /** The encoded layout of a row on disk: inputs as floats, targets in data units as doubles, a weight. */
    record Layout(int inputs, int outputs, boolean weighted) {
        int bytes() {
            return 4 * inputs + 8 * outputs + (weighted ? 4 : 0);
        }
    }

    /**
     * What a streamed training gives, for {@link Trainer} to report and package as it does an in-memory
     * run's.
     *
     * @param definition the definition trained (its groups of columns resolved against the header)
     * @param run the final model and its curves
     * @param data the data as the report summarizes it
     * @param test the model's metrics on every test row
     * @param baseline the baseline's
     * @param sampleTargets the targets of a uniform sample of the test rows, for the report's curves
     * @param sampleOutputs the model's outputs on them
     * @param warnings the data and dead-unit warnings, and the one that says the training streamed
     * @param drift the training distribution, from the sample of training rows
     * @param seconds the whole training's time
     */
    public record Outcome(ModelDefinition definition, FitSettings fit,
            io.kiln.runtime.internal.train.Run run, Report.DataSummary data, Metrics.Evaluation test,
            Metrics.Evaluation baseline, double[][] sampleTargets, double[][] sampleOutputs,
            Report.Diagnosis diagnosis, List<Report.Warning> warnings, DriftProfile drift, double seconds) {}

    /** Trains the definition streaming from disk (see the class comment); {@link #refusal} must be null. */
    public static Outcome train(ModelDefinition def, TrainOptions options) {
        String why = refusal(def, options);
        if (why != null) {
            throw new IllegalArgumentException("Model '" + def.name() + "' cannot train streaming from disk: " + why
                    + ". Train it in memory instead (without --stream; with a larger -Xmx if the data needs it).");
        }
        NativeThreads.configure();
        long started = System.nanoTime();
        Path root = Path.of(System.getProperty(DIR_PROPERTY, System.getProperty("java.io.tmpdir")));
        Path dir;
        try {
            Files.createDirectories(root);
            removeAbandoned(root);
            dir = Files.createTempDirectory(root, DIR_PREFIX + ProcessHandle.current().pid() + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(new IOException("Cannot create a directory for the encoded rows under "
                    + root + ": " + CsvSource.reason(e) + ". Set -D" + DIR_PROPERTY + " to a writable directory.",
                    e));
        }
        // held while the directory is in use: another training's clean-up leaves a locked directory alone
        java.nio.channels.FileChannel lockFile = null;
        try {
            lockFile = java.nio.channels.FileChannel.open(dir.resolve(LOCK_FILE),
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
            lockFile.lock();
            return new Job(def, options, dir, started).train();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (lockFile != null) {
                try {
                    lockFile.close(); // (releases the lock)
                } catch (IOException e) {
                    // the directory goes next
                }
            }
            String left = deleteTree(dir);
            if (left != null) {
                System.err.printf(Locale.ROOT, "warning: could not delete %s (%s); delete it by hand, or the next "
                        + "streamed training under %s will%n", dir, left, root);
            }
        }
    }

    /** The file a training holds a lock on while its directory is in use. */
    static final String LOCK_FILE = ".lock";

    /** The start of the name of a training's directory of encoded rows, followed by its process id. */
    static final String DIR_PREFIX = "kiln-stream-";

    /**
     * Deletes the directories of encoded rows that trainings killed before they could clean up left
     * under {@code root}: those named for a process that is no longer running.
     */
    static void removeAbandoned(Path root) throws IOException {
        try (Stream<Path> entries = Files.list(root)) {
            for (Path d : entries.toList()) {
                String name = d.getFileName().toString();
                if (!name.startsWith(DIR_PREFIX) || !Files.isDirectory(d)) {
                    continue;
                }
                String rest = name.substring(DIR_PREFIX.length());
                int dash = rest.indexOf('-');
                long pid;
                try {
                    pid = Long.parseLong(dash < 0 ? rest : rest.substring(0, dash));
                } catch (NumberFormatException e) {
                    continue;
                }
                if (ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true) && unlocked(d)) {
                    deleteTree(d);
                }
            }
        }
    }

    /**
     * Whether no process holds the lock of a training's directory (a process of that number on another
     * machine sharing the disk may): true too for a directory without a lock file.
     */
    private static boolean unlocked(Path d) {
        Path lock = d.resolve(LOCK_FILE);
        if (!Files.exists(lock)) {
            return true;
        }
        try (java.nio.channels.FileChannel c = java.nio.channels.FileChannel.open(lock,
                java.nio.file.StandardOpenOption.WRITE)) {
            java.nio.channels.FileLock l = c.tryLock();
            return l != null; // (released as the channel closes)
        } catch (IOException | java.nio.channels.OverlappingFileLockException e) {
            return false;
        }
    }

    /**
     * Deletes a directory and what it holds: null when it is gone, else what went wrong (a leftover is
     * not worth failing a finished training over).
     */
    private static String deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
            return null;
        } catch (IOException e) {
            return CsvSource.reason(e);
        }
    }

    /** One streamed training. */
    private static final class Job {
        private ModelDefinition def;
        private final TrainOptions options;
        private final Path dir;
        private final long started;
        private final CsvSource source;
        private final CsvSource testSource;
        private final FitSettings fit;
        private final EpochProgress progress;
        private final Task task;

        Job(ModelDefinition def, TrainOptions options, Path dir, long started) {
            this.def = def;
            this.options = options;
            this.dir = dir;
            this.started = started;
            this.source = Trainer.source(def, options.data());
            this.testSource = def.testData() != null && options.data() == null ? def.testData() : null;
            this.fit = options.apply(def.fit());
            this.progress = new EpochProgress(options.progress(), options.everyEpoch());
            this.task = def.task();
        }

        Outcome train() throws IOException {
            // 1. the file's hash and rows
            long t0 = System.nanoTime();
            String sha256 = sha256(source.file());
            HoldoutProtocol holdout = (HoldoutProtocol) def.protocol();
            // a stratified split of classes needs each class's rows: the labels are read for them
            boolean stratified = holdout.stratified() && task.isClassification()
                    && task != Task.MULTILABEL_CLASSIFICATION;
            long[] groupRows = new long[stratified ? def.label().classes().size() : 1];
            try (CsvChunks chunks = CsvChunks.open(source)) {
                if (def.hasFeatureGroups()) {
                    def = def.resolveColumns(source.name(), chunks.header(), chunks.width(), source.delimiter());
                }
                if (stratified) {
                    LabeledData.RowParser parser = chunks.parser(def.features(), def.label(), task);
                    for (LabeledData d; (d = chunks.next(CHUNK_ROWS, parser)) != null;) {
                        for (int c : d.classes()) {
                            groupRows[c]++;
                        }
                    }
                } else {
                    groupRows[0] = chunks.count();
                }
            }
            long rows = Arrays.stream(groupRows).sum();
            if (rows == 0) {
                throw new DataException(source.name(), 0, null, "the data has no rows");
            }
            long testFileRows = 0;
            if (testSource != null) {
                try (CsvChunks chunks = CsvChunks.open(testSource)) {
                    testFileRows = chunks.count();
                }
                if (testFileRows == 0) {
                    throw new DataException(testSource.name(), 0, null, "the data has no rows");
                }
            }
            if (rows + testFileRows > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "%s has %d rows; streaming training "
                        + "reads at most %d.", source.name(), rows + testFileRows, Integer.MAX_VALUE));
            }
            Split split = Split.of(holdout, groupRows, testSource != null, fit.seed());
            if (split.trainRows() == 0 || testSource == null && split.testRows() == 0) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "The split of %d rows leaves %d "
                        + "training and %d test rows; both need at least one. Use more data or other fractions.",
                        rows, split.trainRows(), split.testRows()));
            }
            progress.line(String.format(Locale.ROOT, "streaming %s: %d rows, %.1f MB, read in %.1f s", source.name(),
                    rows, Files.size(source.file()) / 1e6, (System.nanoTime() - t0) / 1e9));

            // 2. the statistics of the training rows
            t0 = System.nanoTime();
            StreamedStats stats = new StreamedStats(def.features(), fit.seed());
            int outputs = task == Task.MULTICLASS_CLASSIFICATION ? def.label().classes().size()
                    : def.label().columns().size();
            boolean classified = task.isClassification() && task != Task.MULTILABEL_CLASSIFICATION;
            int classCount = classified ? def.label().classes().size() : 0;
            long[] allClasses = new long[classCount];
            long[] trainClasses = new long[classCount];
            long[] parts = new long[3];
            double[] targetSum = new double[outputs];
            double[] targetMean = new double[outputs];
            double[] targetSquares = new double[outputs];
            int sampleRows = (int) Math.max(Math.min(TrainingLoop.METRIC_ROWS, 100), Math.min(MAX_SAMPLE_ROWS,
                    SAMPLE_VALUES / Math.max(1, def.features().size())));
            Sample sample = new Sample(sampleRows, fit.seed() + 7);
            Split.Pass statisticsPass = split.start();
            try (CsvChunks chunks = CsvChunks.open(source)) {
                LabeledData.RowParser parser = chunks.parser(def.features(), def.label(), task);
                for (LabeledData d; (d = chunks.next(CHUNK_ROWS, parser)) != null;) {
                    for (int r = 0; r < d.size(); r++) {
                        int part = statisticsPass.part(stratified ? d.classes()[r] : 0);
                        parts[part]++;
                        if (classified) {
                            allClasses[d.classes()[r]]++;
                        }
                        if (part != TRAIN) {
                            continue;
                        }
                        stats.add(d.features().get(r));
                        double[] t = d.targets()[r];
                        long n = parts[TRAIN];
                        for (int j = 0; j < outputs; j++) {
                            targetSum[j] += t[j];
                            double delta = t[j] - targetMean[j];
                            targetMean[j] += delta / n;
                            targetSquares[j] += delta * (t[j] - targetMean[j]);
                        }
                        if (classified) {
                            trainClasses[d.classes()[r]]++;
                        }
                        sample.offer(d.features().get(r), t, classified ? d.classes()[r] : 0);
                    }
                }
            }
            long trainRows = parts[TRAIN];
            long validationRows = parts[VALIDATION];
            unchanged(source, rows, parts[TRAIN] + parts[VALIDATION] + parts[TEST]);
            Preprocessor pre = stats.preprocessor();
            double[] center = new double[outputs];
            double[] scale = new double[outputs];
            Arrays.fill(scale, 1);
            if (def.standardizeTargets()) {
                for (int j = 0; j < outputs; j++) {
                    double[] cs = Preprocessor.centerScale(io.kiln.dsl.Scaling.STANDARDIZE, trainRows,
                            targetMean[j], targetSquares[j], 0, 0);
                    center[j] = cs[0];
                    scale[j] = cs[1];
                }
            }
            double[] baselineOutput = new double[outputs];
            for (int j = 0; j < outputs; j++) {
                baselineOutput[j] = targetSum[j] / trainRows;
            }
            double[] classWeights = def.classWeights() == null ? null : def.classWeights().forCounts(trainClasses);
            progress.line(String.format(Locale.ROOT, "statistics of %d training rows (%d validation, %d test) in "
                    + "%.1f s", trainRows, validationRows, parts[TEST], (System.nanoTime() - t0) / 1e9));

            // 3. every row encoded: training rows into the buckets, validation and test rows into their files
            t0 = System.nanoTime();
            Layout layout = new Layout(pre.width(), outputs, classWeights != null);
            long bucketBytes = Long.getLong(BUCKET_BYTES_PROPERTY,
                    Math.max(1 << 20, Math.min(64L << 20, Runtime.getRuntime().maxMemory() / 16)));
            double bucketsNeeded = Math.ceil(trainRows * (double) layout.bytes() / bucketBytes);
            if (bucketsNeeded > MAX_BUCKETS) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "The %d training rows take %.1f GB "
                        + "encoded: more than %d buckets of %.1f MB (a sixteenth of the heap) that streaming training "
                        + "keeps open at once. Give it a larger heap (-Xmx).", trainRows,
                        trainRows * (double) layout.bytes() / 1e9, MAX_BUCKETS, bucketBytes / 1e6));
            }
            int buckets = (int) Math.max(1, bucketsNeeded);
            // each bucket's write buffer: together about one bucket, between 4 and 32 KB each
            int writeBuffer = (int) Math.max(4096, Math.min(32 * 1024, bucketBytes / buckets));
            long needed = (2 * trainRows + validationRows + parts[TEST] + testFileRows) * layout.bytes();
            long usable = Files.getFileStore(dir).getUsableSpace();
            if (usable < needed) {
                throw new IOException(String.format(Locale.ROOT, "Streaming training needs about %.1f MB for its "
                        + "encoded rows (twice the training rows, and the validation and test rows, at %d bytes a "
                        + "row) and %s has %.1f MB free. Free space there or set -D%s to a disk with room.",
                        needed / 1e6, layout.bytes(), dir.getParent(), usable / 1e6, DIR_PROPERTY));
            }
            Path validationFile = dir.resolve("validation.bin");
            Path testFile = dir.resolve("test.bin");
            long testRows = parts[TEST];
            try (ShuffleBuckets shuffled = new ShuffleBuckets(dir, buckets, layout.bytes(), fit.seed(), writeBuffer)) {
                try (OutputStream val = out(validationFile); OutputStream tst = out(testFile)) {
                    Encoder encoder = new Encoder(pre, layout, classWeights);
                    Split.Pass encodingPass = split.start();
                    long encoded = 0;
                    try (CsvChunks chunks = CsvChunks.open(source)) {
                        LabeledData.RowParser parser = chunks.parser(def.features(), def.label(), task);
                        for (LabeledData d; (d = chunks.next(CHUNK_ROWS, parser)) != null;) {
                            for (int r = 0; r < d.size(); r++, encoded++) {
                                int part = encodingPass.part(stratified ? d.classes()[r] : 0);
                                byte[] row = encoder.encode(d, r);
                                if (part == TRAIN) {
                                    shuffled.add(row, 0);
                                } else {
                                    (part == VALIDATION ? val : tst).write(row);
                                }
                            }
                        }
                    }
                    unchanged(source, rows, encoded);
                    if (testSource != null) { // the official test file: all its rows are the test set
                        testRows = 0;
                        try (CsvChunks chunks = CsvChunks.open(testSource)) {
                            LabeledData.RowParser parser = chunks.parser(def.features(), def.label(), task);
                            for (LabeledData d; (d = chunks.next(CHUNK_ROWS, parser)) != null;) {
                                for (int r = 0; r < d.size(); r++) {
                                    tst.write(encoder.encode(d, r));
                                    if (classified) {
                                        allClasses[d.classes()[r]]++;
                                    }
                                    testRows++;
                                }
                            }
                        }
                        unchanged(testSource, testFileRows, testRows);
                    }
                }
                shuffled.seal();
                progress.line(String.format(Locale.ROOT, "encoded %d inputs a row into %d bucket%s of about %.1f MB "
                        + "in %.1f s", pre.width(), buckets, buckets == 1 ? "" : "s",
                        shuffled.largestBucket() * (double) layout.bytes() / 1e6, (System.nanoTime() - t0) / 1e9));
                return fitAndEvaluate(pre, center, scale, baselineOutput, classWeights, layout, shuffled,
                        validationFile, validationRows, testFile, testRows, sample, sha256, rows + testFileRows,
                        allClasses, trainRows);
            }
        }

        private Outcome fitAndEvaluate(Preprocessor pre, double[] center, double[] scale,
                double[] baselineOutput, double[] classWeights, Layout layout, ShuffleBuckets shuffled,
                Path validationFile, long validationRows, Path testFile, long testRows, Sample sample, String sha256,
                long rows, long[] allClasses, long trainRows) throws IOException {
            boolean classified = allClasses.length > 0;
            LabeledData sampled = sample.data(source.name(), classified);
            int[] sampleAll = java.util.stream.IntStream.range(0, sampled.size()).toArray();
            // (a random few of the sample: a reservoir's first slots hold the file's first rows more often)
            int[] metricRows = io.kiln.runtime.internal.data.Rows.sample(sampleAll, TrainingLoop.METRIC_ROWS,
                    fit.seed());
            INDArray xSample = pre.matrix(sampled, sampleAll);
            INDArray xMetric = pre.matrix(sampled, metricRows);
            double[][] metricTargets = io.kiln.runtime.internal.data.Rows.rows(sampled.targets(), metricRows);

            Network net = def.newNetwork(pre.width(), fit.weightSeed());
            KilnModel model = new KilnModel(net, TrainingLoop.draftMetadata(def, pre, center, scale, baselineOutput));
            int epochs = fit.epochs();
            int batch = fit.batchSize();
            int stepsPerEpoch = (int) Math.min(Integer.MAX_VALUE, (trainRows + batch - 1) / batch);
            boolean validate = validationRows > 0;
            FitState state = TrainingLoop.startState(def, net, model, progress, fit, stepsPerEpoch, validate);
            String scheduleText = TrainingLoop.scheduleText(state);
            double baseRate = TrainingLoop.learningRateOf(net);
            String primary = Metrics.primary(task);
            ILossFunction lossFunction = ((BaseOutputLayer) net.outputLayer()).getLossFn();
            // the constant baseline's loss on the sampled training rows: a model far worse than it has diverged
            double[] baselineScaled = baselineOutput.clone();
            for (int j = 0; j < baselineScaled.length; j++) {
                baselineScaled[j] = (baselineScaled[j] - center[j]) / scale[j];
            }
            INDArray ySample = scaledTargets(sampled.targets(), center, scale);
            if (def.labelSmoothing() > 0) { // the divergence check compares like with like, as in memory
                TrainingLoop.smooth(ySample, def.labelSmoothing(), task);
            }
            INDArray wSample = classWeights == null ? null : Nd4j.create(java.util.stream.IntStream.range(0,
                    sampled.size()).mapToDouble(i -> classWeights[sampled.classes()[i]]).toArray(),
                    new long[] {sampled.size(), 1}).castTo(DataType.FLOAT);
            double baselineLoss = lossFunction.computeScore(ySample, TrainingLoop.clip(Nd4j.create(
                    io.kiln.runtime.internal.data.Rows.repeat(baselineScaled, sampled.size())).castTo(DataType.FLOAT),
                    task), IDENTITY, wSample, true);
            EarlyStopping es = validate ? def.earlyStopping() : null;
            DivergenceCheck divergence = new DivergenceCheck(def, baselineLoss);
            // (progress times the epochs from here: the passes before them are not epochs)
            EpochCallback[] each = TrainingLoop.callbacks(def, epochs, System.nanoTime(), validate, primary,
                    options.listener(), null);
            ILossFunction training = classWeights != null ? new RowWeightedLoss(lossFunction) : lossFunction;
            SeededDropout.install(net.dl4j(), fit.seed());
            TrainingLoop.savedAndTraining(state, lossFunction, training, fit.seed());
            FastPath fast = !"false".equals(System.getProperty(TrainingLoop.FAST_PROPERTY)) && !net.isGraph()
                    ? FastPath.of(net.layers()).stack() : null;
            Minibatches minibatches = new Minibatches(layout, batch, center, scale, def.labelSmoothing(), task);
            epochs:
            for (int epoch = 1; epoch <= epochs; epoch++) {
                long t0 = System.nanoTime();
                double rate = state.schedule != null ? state.schedule.valueAt(net.iterationCount(), epoch - 1)
                        : baseRate;
                if (training != lossFunction) {
                    ((BaseOutputLayer) net.outputLayer()).setLossFn(training);
                }
                FastPath f = fast;
                Network n = net;
                minibatches.start(rowsInBatch -> f != null ? f.fit(minibatches.x, minibatches.y, minibatches.w,
                        rowsInBatch) : dl4jStep(n, minibatches, rowsInBatch, layout));
                shuffled.pass(minibatches::add, epoch < epochs);
                double trainLoss = minibatches.finish() / trainRows;
                if (fast != null) {
                    fast.store();
                }
                if (epoch == 1) {
                    state.firstLoss = trainLoss;
                }
                divergence.afterTrainingPass(state, epoch, trainLoss, rate);
                INDArray metricOut = fast != null ? fast.output(TrainingLoop.floats(xMetric), metricRows.length)
                        : net.output(xMetric, null);
                double trainMetric = Metrics.evaluate(task, metricTargets, model.toDataUnits(metricOut),
                        def.threshold()).metrics().get(primary);
                double valLoss = Double.NaN;
                double valMetric = Double.NaN;
                Map<String, Double> valMetrics = Map.of();
                if (validate) {
                    Scored v = score(validationFile, validationRows, layout, center, scale, model, fast,
                            lossFunction, false);
                    valLoss = v.lossSum / validationRows;
                    valMetrics = v.metrics.evaluation().metrics();
                    valMetric = valMetrics.get(primary);
                }
                if (TrainingLoop.recordEpoch(state, each, new Report.Epoch(epoch, trainLoss, valLoss, trainMetric,
                        valMetric, rate, (System.nanoTime() - t0) / 1e9), valMetrics)) {
                    break epochs;
                }
            }
            for (EpochCallback c : each) {
                c.afterTraining(state);
            }
            net = state.net;
            model = state.model;
            state.toSaved.run();
            Map<String, Double> dead = Diagnostics.deadRelu(net, xSample);
            io.kiln.runtime.internal.train.Run run = new io.kiln.runtime.internal.train.Run(model, state.history,
                    state.bestEpoch, state.stoppedEarly, state.restored, es != null ? es.monitor().key()
                            : validate ? Metric.LOSS.key() : null, scheduleText, state.firstLoss, dead, null, null);

            // the final model on the test rows, beside the baseline
            FastPath scorer = !"false".equals(System.getProperty(TrainingLoop.FAST_PROPERTY)) && !net.isGraph()
                    ? FastPath.of(net.layers()).stack() : null;
            Scored tested = score(testFile, testRows, layout, center, scale, model, scorer, lossFunction, true);
            Metrics.Evaluation test = tested.metrics.evaluation();
            Metrics.Evaluation baseline = tested.baseline.evaluation();
            double seconds = (System.nanoTime() - started) / 1e9;

            List<Report.Warning> warnings = new ArrayList<>(Diagnostics.dataWarnings(def, sampled, sampleAll));
            warnings.add(new Report.Warning("streamed", String.format(Locale.ROOT, "Trained streaming from disk: "
                    + "rows shared by the training, validation and test splits were not looked for, the reference "
                    + "models did not train, and the data warnings, drift profile and dead-unit count come from %s.",
                    sampled.size() == trainRows ? "all " + trainRows + " training rows"
                            : "a uniform sample of " + sampled.size() + " of the " + trainRows + " training rows")));
            warnings.addAll(Diagnostics.deadUnitWarnings(run.deadRelu()));
            Map<String, Integer> classCounts = null;
            if (classified) {
                classCounts = new LinkedHashMap<>();
                for (int c = 0; c < allClasses.length; c++) {
                    classCounts.put(def.label().classes().get(c), Math.toIntExact(allClasses[c]));
                }
            }
            Report.DataSummary data = new Report.DataSummary(source.name(), sha256, Math.toIntExact(rows),
                    Math.toIntExact(trainRows), Math.toIntExact(validationRows), Math.toIntExact(testRows),
                    classCounts, -1, testSource != null ? testSource.name() : null);
            Report.Diagnosis diagnosis = Diagnostics.diagnose(new Diagnostics.Curve(run.history(), run.firstLoss(),
                    run.stoppedEarly()), def.earlyStopping() != null);
            DriftProfile drift = DriftProfile.fit(pre.transforms(), sampled.features(), sampleAll);
            return new Outcome(def, fit, run, data, test, baseline, tested.sampleTargets(), tested.sampleOutputs(),
                    diagnosis, warnings, drift, seconds);
        }

        private static double dl4jStep(Network net, Minibatches b, int rows, Layout layout) {
            INDArray x = Nd4j.create(Arrays.copyOf(b.x, rows * layout.inputs()), new long[] {rows, layout.inputs()},
                    'c');
            INDArray y = Nd4j.create(Arrays.copyOf(b.y, rows * layout.outputs()),
                    new long[] {rows, layout.outputs()}, 'c');
            if (layout.weighted()) {
                y = Nd4j.hstack(y, Nd4j.create(Arrays.copyOf(b.w, rows), new long[] {rows, 1}, 'c'));
            }
            net.fit(new DataSet(x, y));
            return net.score();
        }

        /** A model's outputs on an encoded file: the summed loss, the metrics, the baseline's, a sample. */
        private Scored score(Path file, long rows, Layout layout, double[] center, double[] scale, KilnModel model,
                FastPath fast, ILossFunction lossFunction, boolean withBaseline) throws IOException {
            Scored s = new Scored(new Metrics.Streamed(task, def.threshold(), layout.outputs()),
                    // (the majority class is the baseline whatever the model's threshold: it decides at 0.5)
                    withBaseline ? new Metrics.Streamed(task, 0.5, layout.outputs()) : null,
                    withBaseline ? TEST_SAMPLE : 0, fit.seed() + 11);
            int in = layout.inputs();
            int k = layout.outputs();
            float[] x = new float[SCORE_ROWS * in];
            float[] y = new float[SCORE_ROWS * k];
            double[][] targets = new double[SCORE_ROWS][k];
            byte[] bytes = new byte[SCORE_ROWS * layout.bytes()];
            ByteBuffer view = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            double[] baselineRow = model.metadata().baselineOutput();
            try (InputStream input = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
                for (long done = 0; done < rows;) {
                    int n = (int) Math.min(SCORE_ROWS, rows - done);
                    int length = n * layout.bytes();
                    if (input.readNBytes(bytes, 0, length) != length) {
                        throw new IOException(file + " ended early");
                    }
                    for (int r = 0; r < n; r++) {
                        int offset = r * layout.bytes();
                        for (int j = 0; j < in; j++) {
                            x[r * in + j] = view.getFloat(offset + 4 * j);
                        }
                        for (int j = 0; j < k; j++) {
                            double t = view.getDouble(offset + 4 * in + 8 * j);
                            targets[r][j] = t;
                            y[r * k + j] = (float) ((t - center[j]) / scale[j]);
                        }
                    }
                    INDArray out;
                    if (fast != null) {
                        out = fast.output(x, n);
                        s.lossSum += fast.meanLoss(out.data().asFloat(), y, n) * n;
                    } else {
                        INDArray xs = Nd4j.create(Arrays.copyOf(x, n * in), new long[] {n, in}, 'c');
                        out = model.network().output(xs, null);
                        INDArray ys = Nd4j.create(Arrays.copyOf(y, n * k), new long[] {n, k}, 'c');
                        s.lossSum += lossFunction.computeScore(ys, TrainingLoop.clip(out, task), IDENTITY, null, true)
                                * n;
                    }
                    double[][] predicted = model.toDataUnits(out);
                    for (int r = 0; r < n; r++) {
                        s.metrics.add(targets[r], predicted[r]);
                        if (s.baseline != null) {
                            s.baseline.add(targets[r], baselineRow);
                            s.keep(targets[r], predicted[r]);
                        }
                    }
                    done += n;
                }
            }
            return s;
        }
    }

    /** What scoring an encoded file gives. */
    private static final class Scored {
        final Metrics.Streamed metrics;
        final Metrics.Streamed baseline;
        double lossSum;
        private final int capacity;
        private final SplittableRandom random;
        private final List<double[]> targets = new ArrayList<>();
        private final List<double[]> outputs = new ArrayList<>();
        private long seen;

        Scored(Metrics.Streamed metrics, Metrics.Streamed baseline, int capacity, long seed) {
            this.metrics = metrics;
            this.baseline = baseline;
            this.capacity = capacity;
            this.random = new SplittableRandom(seed);
        }

        /** Keeps a uniform sample of the rows' targets and outputs (reservoir). */
        void keep(double[] target, double[] output) {
            seen++;
            if (targets.size() < capacity) {
                targets.add(target.clone());
                outputs.add(output.clone());
            } else {
                long at = random.nextLong(seen);
                if (at < capacity) {
                    targets.set((int) at, target.clone());
                    outputs.set((int) at, output.clone());
                }
            }
        }

        double[][] sampleTargets() {
            return targets.toArray(new double[0][]);
        }

        double[][] sampleOutputs() {
            return outputs.toArray(new double[0][]);
        }
    }

    /** Rows to bytes in the {@link Layout}. */
    private static final class Encoder {
        private final Preprocessor pre;
        private final Layout layout;
        private final double[] classWeights;
        private final float[] x;
        private final byte[] bytes;
        private final ByteBuffer view;

        Encoder(Preprocessor pre, Layout layout, double[] classWeights) {
            this.pre = pre;
            this.layout = layout;
            this.classWeights = classWeights;
            this.x = new float[layout.inputs()];
            this.bytes = new byte[layout.bytes()];
            this.view = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        }

        byte[] encode(LabeledData d, int r) {
            try {
                pre.encode(d.features().get(r), x, 0);
            } catch (IllegalArgumentException e) {
                throw new DataException(d.source(), d.lines()[r], null, e.getMessage());
            }
            int at = 0;
            for (float v : x) {
                view.putFloat(at, v);
                at += 4;
            }
            for (double t : d.targets()[r]) {
                view.putDouble(at, t);
                at += 8;
            }
            if (layout.weighted()) {
                view.putFloat(at, (float) classWeights[d.classes()[r]]);
            }
            return bytes;
        }
    }

    /** Gathers the rows a pass hands out into minibatches and trains on each. */
    private static final class Minibatches {
        interface Step {
            double fit(int rows);
        }

        final float[] x;
        final float[] y;
        final float[] w;
        private final Layout layout;
        private final int batch;
        private final double[] center;
        private final double[] scale;
        private final double smoothing;
        private final Task task;
        private Step step;
        private int rows;
        private double lossSum;

        Minibatches(Layout layout, int batch, double[] center, double[] scale, double smoothing, Task task) {
            this.layout = layout;
            this.batch = batch;
            this.x = new float[batch * layout.inputs()];
            this.y = new float[batch * layout.outputs()];
            this.w = layout.weighted() ? new float[batch] : null;
            this.center = center;
            this.scale = scale;
            this.smoothing = smoothing;
            this.task = task;
        }

        void start(Step s) {
            step = s;
            rows = 0;
            lossSum = 0;
        }

        void add(byte[] buffer, int offset) {
            int in = layout.inputs();
            int k = layout.outputs();
            ByteBuffer view = ByteBuffer.wrap(buffer).order(ByteOrder.LITTLE_ENDIAN);
            for (int j = 0; j < in; j++) {
                x[rows * in + j] = view.getFloat(offset + 4 * j);
            }
            int targets = offset + 4 * in;
            // label smoothing moves one-hot (or 0/1) targets toward uniform, as TrainingLoop.smooth does
            double classes = task == Task.MULTICLASS_CLASSIFICATION ? k : 2;
            for (int j = 0; j < k; j++) {
                float t = (float) ((view.getDouble(targets + 8 * j) - center[j]) / scale[j]);
                y[rows * k + j] = smoothing > 0 ? (float) (t * (1 - smoothing) + smoothing / classes) : t;
            }
            if (w != null) {
                w[rows] = view.getFloat(targets + 8 * k);
            }
            if (++rows == batch) {
                flush();
            }
        }

        private void flush() {
            if (rows > 0) {
                lossSum += step.fit(rows) * rows;
                rows = 0;
            }
        }

        /** Trains on the last, partial minibatch; returns the summed loss of the pass (each batch's × rows). */
        double finish() {
            flush();
            return lossSum;
        }
    }

    private static INDArray scaledTargets(double[][] targets, double[] center, double[] scale) {
        float[][] y = new float[targets.length][];
        for (int i = 0; i < targets.length; i++) {
            y[i] = new float[targets[i].length];
            for (int j = 0; j < y[i].length; j++) {
                y[i][j] = (float) ((targets[i][j] - center[j]) / scale[j]);
            }
        }
        return Nd4j.create(y).castTo(DataType.FLOAT);
    }

    /** A data error when a pass read another number of rows than the first: the file changed while training. */
    private static void unchanged(CsvSource source, long counted, long read) {
        if (counted != read) {
            throw new DataException(source.name(), 0, null, String.format(Locale.ROOT, "the file changed while "
                    + "training read it: %d rows at first, %d on a later pass", counted, read));
        }
    }

    private static OutputStream out(Path file) throws IOException {
        return ShuffleBuckets.writer(file, 1 << 16);
    }

    static String sha256(Path file) throws IOException {
        try {
            return io.kiln.runtime.internal.transfer.SourceModel.sha256(file);
        } catch (IOException e) {
            throw CsvSource.cannotRead(file, e);
        }
    }
}
