package io.kiln.runtime;

import io.kiln.runtime.internal.data.CsvTable;
import io.kiln.runtime.internal.data.LabeledData;
import io.kiln.runtime.internal.data.Rows;
import io.kiln.runtime.internal.data.Splits;
import io.kiln.runtime.internal.drift.DriftProfile;
import io.kiln.runtime.internal.evaluate.Diagnostics;
import io.kiln.runtime.internal.evaluate.Metrics;
import io.kiln.runtime.internal.model.NativeThreads;
import io.kiln.runtime.internal.model.Versions;
import io.kiln.runtime.internal.report.Reports;
import io.kiln.runtime.internal.train.EpochProgress;
import io.kiln.runtime.internal.train.ProtocolRun;
import io.kiln.runtime.internal.train.References;
import io.kiln.runtime.internal.train.Run;
import io.kiln.runtime.internal.train.TrainingLoop;
import io.kiln.runtime.internal.train.Comparison;
import io.kiln.runtime.internal.train.Teachers;
import io.kiln.runtime.internal.train.Units;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;
import org.nd4j.linalg.factory.Nd4j;

/**
 * <b>Public API</b>: the training entry point every generated trainer calls. Reads the data, splits
 * it by the declared {@link EvaluationProtocol}, lets the protocol train (preprocessing fitted on
 * training rows only, inside each fold; the epoch loop with early stopping, learning-rate schedules
 * and divergence checks is {@code internal.train.TrainingLoop}), evaluates once beside the
 * common-sense baseline, diagnoses the fit, and packages a {@link KilnModel} and a {@link Report}.
 */
public final class Trainer {
    private Trainer() {}

    /**
     * Data prepared for a definition: the rows, the outer split and the training settings. For
     * k-fold the split's {@code train} rows are those cross-validated and its {@code test} rows the
     * final test set (possibly empty); its validation is empty. {@code definition} is the one the
     * data was read by: with its groups of columns ({@code @Features}) resolved against the data's header.
     */
    public record Prepared(CsvSource source, LabeledData data, Splits.Holdout split, FitSettings fit,
            ModelDefinition definition) {}

    /**
     * Reads the data (the override in {@code options} or the declared source) and splits it; with a
     * {@link TrainOptions#sample()}, keeps that many of the training rows.
     */
    public static Prepared prepare(ModelDefinition def, TrainOptions options) {
        Prepared all = prepareAll(def, options);
        Integer rows = options.sample();
        if (rows == null || rows >= all.split().train().length) {
            return all;
        }
        int[] kept = Rows.sample(all.split().train(), rows, all.fit().seed());
        Arrays.sort(kept);
        return new Prepared(all.source(), all.data(), new Splits.Holdout(kept, all.split().validation(),
                all.split().test()), all.fit(), all.definition());
    }

    private static Prepared prepareAll(ModelDefinition def, TrainOptions options) {
        CsvSource source = source(def, options.data());
        try {
            CsvTable table = null;
            if (def.hasFeatureGroups()) { // the header tells which columns the groups read
                table = CsvTable.read(source);
                int width = table.rows().isEmpty() ? table.header().size() : table.rows().get(0).cells().length;
                def = def.resolveColumns(source.name(), table.header(), width, source.delimiter());
            } else if (def.protocol().orderColumn() != null) {
                // a split ordered by a column (temporal) reads it from the table, so the table is kept
                table = def.readTable(source);
            }
            LabeledData data = table != null ? LabeledData.read(table, source, def.features(), def.label(), def.task())
                    : def.readData(source, true);
            FitSettings fit = options.apply(def.fit());
            if (def.testData() != null && options.data() == null) {
                // the official test set: its rows follow the data's; validation rows come from the data alone
                LabeledData test = def.readData(def.testData(), true);
                return new Prepared(source, data.concat(test),
                        def.protocol().splitWithTestSet(data, test.size(), fit.seed()), fit, def);
            }
            return new Prepared(source, data, def.protocol().split(table, data, fit.seed()), fit, def);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The official test file that was the test set of {@code p}: the declared one, unless the data
     * was overridden (its test rows are then split from the given file); else null.
     */
    public static String testFile(ModelDefinition def, Prepared p) {
        return def.testData() != null && def.data() != null && p.source().equals(def.data())
                ? def.testData().name() : null;
    }

    /** The data a training reads: the override, else the declared source. */
    public static CsvSource source(ModelDefinition def, Path override) {
        if (override != null) {
            return def.data() != null ? def.data().withFile(override) : CsvSource.file(override);
        }
        if (def.data() == null) {
            throw new IllegalArgumentException("Model '" + def.name()
                    + "' declares no @CsvData; pass the training data with --data FILE.");
        }
        return def.data();
    }

    /** The outer split a protocol gives for this data and seed (the same rows every time). */
    public static Splits.Holdout split(EvaluationProtocol protocol, CsvTable table, LabeledData data, long seed) {
        return protocol.split(table, data, seed);
    }

    /**
     * The final test rows of a saved model, rebuilt from the data it was trained on: its protocol's
     * split, or, for a model trained streaming from disk, the streamed split's.
     */
    public static int[] testRows(ModelDefinition def, ModelMetadata.Provenance p, CsvSource source, LabeledData data)
            throws IOException {
        if (p.wasStreamed() && p.protocol() instanceof HoldoutProtocol h) {
            return io.kiln.runtime.internal.train.Streaming.testRows(h, data, def.task(), p.testFile() != null,
                    p.fit().seed());
        }
        return testRows(def, p.protocol(), source, data, p.fit().seed());
    }

    /** The final test rows of a saved model's protocol, rebuilt from the data it was trained on. */
    public static int[] testRows(ModelDefinition def, EvaluationProtocol protocol, CsvSource source, LabeledData data,
            long seed) throws IOException {
        CsvTable table = protocol.orderColumn() != null ? def.readTable(source) : null;
        return protocol.split(table, data, seed).test();
    }

    /**
     * Heap bytes a CSV cell takes read into memory, at the peak: its text, its typed value, its share of
     * the training matrix. Calibrated on digits: a 9 MB file (4 million cells) needed between 256 and
     * 384 MB of heap.
     */
    public static final int HEAP_BYTES_PER_CELL = 80;

    /** The share of the heap a file read into memory may take before training streams it instead. */
    public static final double IN_MEMORY_SHARE = 0.75;

    /**
     * The heap a CSV file would take read into memory: its cells, counted in its first megabyte and
     * scaled to its size, times {@link #HEAP_BYTES_PER_CELL}.
     */
    public static long inMemoryBytes(Path file, char delimiter) throws IOException {
        long size = java.nio.file.Files.size(file);
        byte[] head = new byte[(int) Math.min(size, 1 << 20)];
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(file)) {
            head = java.util.Arrays.copyOf(head, in.readNBytes(head, 0, head.length));
        }
        long cells = 0;
        for (byte b : head) {
            if (b == delimiter || b == '\n') {
                cells++;
            }
        }
        double bytesPerCell = head.length / (double) Math.max(1, cells);
        return (long) (size / bytesPerCell * HEAP_BYTES_PER_CELL);
    }

    /**
     * Trains by the definition's protocol and evaluates the final model: streaming from disk when
     * the options ask for it or the data file would take more than {@link #IN_MEMORY_SHARE} of the heap
     * in memory ({@link #inMemoryBytes}).
     */
    public static TrainingResult train(ModelDefinition def, TrainOptions options) {
        if (io.kiln.runtime.internal.train.Streaming.streams(def, options)) {
            return trainStreamed(def, options);
        }
        return train(def, prepare(def, options), options);
    }

    /**
     * Trains streaming from disk ({@code internal.train.Streaming}), whatever the data's size, and
     * reports and packages the model as an in-memory run's; a definition that cannot stream is an
     * {@link IllegalArgumentException} that says why.
     */
    public static TrainingResult trainStreamed(ModelDefinition def, TrainOptions options) {
        io.kiln.runtime.internal.train.Streaming.Outcome o = io.kiln.runtime.internal.train.Streaming.train(def,
                options);
        Run run = o.run();
        Network net = run.model().network();
        Report report = Reports.withReferences(Reports.build(o.definition(), o.data(), o.fit(), run,
                run.history().size(), null, false, "test", o.test(), o.baseline(), o.sampleTargets(),
                o.sampleOutputs(), o.diagnosis(), o.warnings(), o.seconds()), null, "the data was streamed from disk",
                weightedLayers(net) <= 1);
        ModelMetadata meta = metadata(o.definition(), o.data(), o.fit(), run, o.test().metrics(),
                o.baseline().metrics(), o.test().confusion(), o.seconds(), o.drift(), report.training(), null,
                o.definition().threshold());
        meta = meta.withProvenance(meta.provenance().asStreamed());
        return new TrainingResult(new KilnModel(net, meta), o.test(), o.baseline(), report);
    }

    /** Trains by the definition's protocol and evaluates the final model. */
    public static TrainingResult train(ModelDefinition def, Prepared prepared, TrainOptions options) {
        // (options without workers keep those of an enclosing call, such as kiln-spark's train command)
        return io.kiln.runtime.internal.train.Workers.with(options.dataParallel() != null ? options.dataParallel()
                : io.kiln.runtime.internal.train.Workers.current(), () -> trainHere(def, prepared, options));
    }

    private static TrainingResult trainHere(ModelDefinition def, Prepared prepared, TrainOptions options) {
        NativeThreads.configure();
        if (def.hasFeatureGroups()) {
            def = prepared.definition(); // resolved against the data's header
        }
        long started = System.nanoTime();
        LabeledData data = prepared.data();
        Splits.Holdout split = prepared.split();
        FitSettings fit = prepared.fit();
        EpochProgress progress = new EpochProgress(options.progress(), options.everyEpoch());
        List<Report.Warning> warnings = new ArrayList<>(Diagnostics.dataWarnings(def, data, split.train()));
        int duplicates = 0;
        // each held-out row counted once: test rows against training and validation rows, validation
        // rows against training rows
        String[] what = {"test rows (against training and validation rows)", "validation rows (against training rows)"};
        int[][][] pairs = {{Rows.concat(split.train(), split.validation()), split.test()},
            {split.train(), split.validation()}};
        // with the official test set, its rows follow the data's (see prepareAll)
        int firstTestFileRow = def.testData() != null && options.data() == null
                ? data.size() - split.test().length : data.size();
        String dataFile = prepared.source().name();
        String testFile = def.testData() != null ? def.testData().name() : dataFile;
        IntFunction<String> fileOf = r -> r >= firstTestFileRow ? testFile : dataFile;
        for (int p = 0; p < pairs.length; p++) {
            int[][] sides = pairs[p];
            Diagnostics.Duplicates d = Diagnostics.duplicates(data, fileOf, sides[0], sides[1], what[p]);
            duplicates += d.count();
            d.warning().ifPresent(warnings::add);
        }
        // the warnings are printed once, with the results (TrainingResult.print)

        Units units = Teachers.units(def, data, prepared.source(), options.listener(), split,
                def.protocol() instanceof KFoldProtocol, firstTestFileRow,
                def.testData() != null && options.data() == null ? def.testData() : null);
        ProtocolRun trained = def.protocol().run(units, split, fit, progress);
        Run run = trained.run();
        Report.CrossValidation cv = trained.cv() == null ? null : trained.cv().summary();
        boolean retrained = trained.retrained();

        // the decision threshold: declared, or chosen on validation rows (never the test rows)
        Report.Decision decision = null;
        double threshold = def.threshold();
        if (def.tuneThreshold() != null) {
            double[][] chooseTargets;
            double[][] chooseOutputs;
            String chosenOn;
            if (trained.cv() != null) { // every row's prediction by the fold that did not train on it
                chooseTargets = trained.cv().targets();
                chooseOutputs = trained.cv().outputs();
                chosenOn = "out-of-fold";
            } else {
                int[] v = split.validation();
                Run monitored = trained.reported(); // trained without the validation rows
                chooseTargets = Rows.rows(data.targets(), v);
                chooseOutputs = monitored.model().output(monitored.model().preprocessor().matrix(data, v));
                chosenOn = "validation";
            }
            double[] probabilities = new double[chooseOutputs.length];
            boolean[] positive = new boolean[chooseOutputs.length];
            for (int i = 0; i < probabilities.length; i++) {
                probabilities[i] = chooseOutputs[i][0];
                positive[i] = chooseTargets[i][0] >= 0.5;
            }
            ThresholdTuning.Choice choice = def.tuneThreshold().choose(probabilities, positive, def.threshold());
            threshold = choice.threshold();
            decision = new Report.Decision(null, threshold, def.tuneThreshold().objective(), chosenOn, choice.rows(),
                    choice.atDefault(), choice.atChosen());
        }
        if (def.classWeights() != null) {
            int[] finalTrainRows = trained.retrained() ? Rows.concat(split.train(), split.validation()) : split.train();
            String weights = def.classWeights().describe(def.classWeights().forRows(data.classes(), finalTrainRows,
                    def.label().classes().size()), def.label().classes());
            decision = decision == null ? new Report.Decision(weights, threshold, null, null, 0, null, null)
                    : new Report.Decision(weights, decision.threshold(), decision.objective(), decision.chosenOn(),
                            decision.rows(), decision.atDefault(), decision.atChosen());
        }

        Metrics.Evaluation test;
        Metrics.Evaluation baseline;
        String evaluatedOn;
        double[][] testTargets;
        double[][] testOutputs;
        if (split.test().length > 0) {
            testTargets = Rows.rows(data.targets(), split.test());
            testOutputs = run.model().output(run.model().preprocessor().matrix(data, split.test()));
            test = Metrics.evaluate(def.task(), testTargets, testOutputs, threshold);
            baseline = Metrics.evaluate(def.task(), testTargets, run.model().baselineOutputs(data, split.test()));
            evaluatedOn = "test";
        } else { // k-fold without a test set: the cross-validated means are the estimate
            testTargets = trained.cv().targets();
            testOutputs = trained.cv().outputs();
            test = new Metrics.Evaluation(cv.mean(),
                    Metrics.evaluate(def.task(), testTargets, testOutputs, def.threshold()).confusion());
            baseline = new Metrics.Evaluation(cv.baselineMean(), null);
            evaluatedOn = "cross-validation";
        }
        // what trained beside the model (an ensemble's members, a student's teacher and hard-only twin), scored on
        // the same folds and test rows
        List<Report.Compared> compared = new ArrayList<>();
        int probe = split.test().length > 0 ? split.test()[0] : split.train()[0];
        if (trained.cv() != null && !trained.cv().comparison().isEmpty()) {
            compared.addAll(trained.cv().comparison().summarize("cross-validation", run, data, probe));
        }
        if (split.test().length > 0 && Comparison.applies(run)) {
            Comparison onTest = new Comparison();
            onTest.add(def, run, data, split.test(), test.metrics());
            compared.addAll(onTest.summarize("test", run, data, probe));
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        int validationRows = retrained || cv != null ? 0 : split.validation().length;
        // the rows the final model trained on: all cross-validated rows, training + validation after a retrain
        int[] finalRows = retrained ? Rows.concat(split.train(), split.validation()) : split.train();
        int trainRows = finalRows.length;
        DriftProfile drift = DriftProfile.fit(run.model().metadata().features(), data.features(), finalRows);
        Run reported = trained.reported();
        // k-fold: each fold's own curve (the folds may stop at different epochs); else the monitored run's
        Report.Diagnosis diagnosis = trained.cv() != null ? trained.cv().diagnosis()
                : Diagnostics.diagnose(new Diagnostics.Curve(reported.history(), reported.firstLoss(),
                        reported.stoppedEarly()), def.earlyStopping() != null);
        warnings.addAll(Diagnostics.deadUnitWarnings(run.deadRelu()));
        ModelMetadata.TransferProvenance transferred = run.transfer();
        if (transferred != null && "GRADUAL".equals(transferred.reuse())
                && transferred.unfrozen().size() < transferred.frozen().size()) {
            List<String> still = new ArrayList<>(transferred.frozen());
            still.removeAll(transferred.unfrozen().keySet());
            warnings.add(new Report.Warning("unfreezing-incomplete", String.format(Locale.ROOT, "Gradual "
                    + "unfreezing did not reach %s: the final model trained %d epochs, unfreezing one layer every "
                    + "%d. Lower unfreezeEvery or train more epochs.", String.join(", ", still),
                    run.history().size(), def.transfer().unfreezeEvery())));
        }
        ModelMetadata.WordVectorsProvenance vectors = run.wordVectors();
        if (vectors != null && vectors.found() < vectors.vocabulary()) {
            warnings.add(new Report.Warning("word-vectors-missing", String.format(Locale.ROOT, "%d of the %d "
                    + "vocabulary tokens are not in %s (e.g. %s); their vectors in '%s' started random%s.",
                    vectors.vocabulary() - vectors.found(), vectors.vocabulary(), vectors.file(),
                    String.join(", ", vectors.missing()), vectors.layer(), vectors.frozen()
                            ? " and stayed so (frozen)" : " and were learnt")));
        }
        // the reference models: the same features, rows and folds as the network
        References.Outcome references = options.references()
                ? References.run(def, data, split, fit, trained, progress)
                : References.Outcome.skipped(References.TURNED_OFF);
        // the outcomes at the chosen threshold on test rows; under k-fold without a test set the out-of-fold rows
        // chose it, so they are shown at the declared threshold, as the cross-validated metrics are
        ModelDefinition decided = threshold == def.threshold() || split.test().length == 0 ? def
                : def.withThreshold(threshold);
        Report report = Reports.withReferences(Reports.build(decided, prepared, reported, trained.finalEpochs(), cv,
                retrained, evaluatedOn, test, baseline, testTargets, testOutputs, diagnosis, warnings, duplicates,
                trainRows, validationRows, seconds).withDecision(decision), references.list(), references.skipped(),
                weightedLayers(run.model().network()) <= 1).withTransfer(run.transfer()).withCompared(compared)
                .withKnowledge(ensembleProvenance(def, run, fit.seed()), distillationProvenance(def));
        ModelMetadata meta = metadata(def, prepared, run, trainRows, validationRows, test.metrics(),
                baseline.metrics(), test.confusion(), seconds, drift, report.training(),
                cv == null ? null : cv.folds(), threshold);
        KilnModel model = new KilnModel(run.model().network(), meta);
        if (report.compared() != null) { // the deployed model's file as it will be saved, with its final metadata
            long bytes;
            try {
                bytes = model.fileBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            report = report.withCompared(report.compared().stream().map(c -> c.role().equals("ensemble")
                    || c.role().equals("student") ? new Report.Compared(c.group(), c.role(), c.evaluatedOn(),
                            c.metrics(), c.std(), c.scorings(), c.parameters(), bytes, c.latencyMillis()) : c).toList());
        }
        return new TrainingResult(model, test, baseline, report);
    }

    private static ModelMetadata.EnsembleProvenance ensembleProvenance(ModelDefinition def, Run run, long seed) {
        if (def.ensemble() == null) {
            return null;
        }
        int count = run.companions() == null ? 0 : run.companions().members().size();
        List<Long> seeds = new ArrayList<>();
        if (def.ensemble().members() == io.kiln.dsl.Members.SEEDS) {
            for (int i = 0; i < count; i++) {
                seeds.add(seed + i);
            }
        }
        return new ModelMetadata.EnsembleProvenance(def.ensemble().members().name(), count, seeds);
    }

    private static ModelMetadata.DistillationProvenance distillationProvenance(ModelDefinition def) {
        Distillation d = def.distillation();
        if (d == null) {
            return null;
        }
        String sha = null;
        if (d.file() != null) {
            try {
                sha = io.kiln.runtime.internal.transfer.SourceModel.sha256(d.file());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        // regression has no probabilities to soften: its loss runs at T = 1 whatever was left at the default
        return new ModelMetadata.DistillationProvenance(d.teacherName(), d.teacher() == null || d.teacher().specClass()
                == null ? null : d.teacher().specClass().getName(), sha, d.effectiveTemperature(def.task()), d.alpha());
    }

    /** The network's layers with parameters (the output layer alone: a linear model). */
    public static int weightedLayers(Network network) {
        org.deeplearning4j.nn.api.Layer[] layers = network instanceof Network.Layers l ? l.layers().getLayers()
                : ((Network.Graph) network).graph().getLayers();
        int n = 0;
        for (org.deeplearning4j.nn.api.Layer layer : layers) {
            if (layer.numParams() > 0) {
                n++;
            }
        }
        return n;
    }

    /**
     * The result of the sanity check (seed 003: "always make sure your model is able to overfit"):
     * the model trained on a few rows, scored on those same rows.
     *
     * @param rows the rows trained on
     * @param epochs epochs trained
     * @param firstLoss training loss after the first epoch
     * @param finalLoss training loss after the last epoch
     * @param metric the primary metric's name
     * @param score the primary metric on the rows trained on
     * @param passed whether the model fitted them (accuracy at least 0.99, or R² at least 0.95)
     */
    public record Sanity(int rows, int epochs, double firstLoss, double finalLoss, String metric, double score,
            boolean passed) {

        /** The verdict, and what to check when the model cannot overfit. */
        public String describe() {
            String head = String.format(Locale.ROOT, "trained %d epochs on %d rows: loss %.4f -> %.4f, %s on those "
                    + "rows %.4f", epochs, rows, firstLoss, finalLoss, metric, score);
            if (passed) {
                return head + "\nPASS: the model can overfit a small sample, so it can learn; now regularize and "
                        + "train on all the data.";
            }
            return head + "\nFAIL: the model cannot even fit " + rows + " rows. Check that labels line up with "
                    + "their rows, that features are scaled, that the learning rate is not far too small or too "
                    + "large, and that the network has enough capacity (regularization, dropout or label smoothing "
                    + "can also keep it from memorizing).";
        }
    }

    /**
     * Trains on {@code rows} training rows (full batch) for {@code epochs} epochs and checks that
     * the model fits them.
     */
    public static Sanity sanity(ModelDefinition def, TrainOptions options, int rows, int epochs) {
        NativeThreads.configure();
        Prepared p = prepare(def, options);
        def = p.definition();
        int[] pool = p.split().train();
        int[] sample = Rows.sample(pool, rows, p.fit().seed());
        FitSettings fit = new FitSettings(epochs, sample.length, p.fit().seed());
        Run run = TrainingLoop.fit(def, p.data(), sample, new int[0], fit, epochs,
                new EpochProgress(options.progress(), false), options.listener());
        double[][] targets = Rows.rows(p.data().targets(), sample);
        double[][] outputs = run.model().output(run.model().preprocessor().matrix(p.data(), sample));
        String primary = Metrics.primary(def.task());
        double score = Metrics.evaluate(def.task(), targets, outputs, def.threshold()).metrics().get(primary);
        boolean passed = def.task().isClassification() ? score >= 0.99 : score >= 0.95;
        return new Sanity(sample.length, epochs, run.firstLoss(), run.history().get(run.history().size() - 1)
                .trainLoss(), primary, score, passed);
    }

    private static ModelMetadata metadata(ModelDefinition def, Prepared p, Run run, int trainRows, int validationRows,
            Map<String, Double> test, Map<String, Double> baseline, int[][] confusion, double seconds,
            DriftProfile drift, Report.TrainingSummary training, List<Report.Fold> folds, double threshold) {
        return metadata(def, new Report.DataSummary(p.source().name(), p.data().sha256(), p.data().size(), trainRows,
                validationRows, p.split().test().length, null, 0, testFile(def, p)), p.fit(), run, test, baseline,
                confusion, seconds, drift, training, folds, threshold);
    }

    /** The final model's metadata, its provenance from {@code data}'s source, hash and row counts. */
    public static ModelMetadata metadata(ModelDefinition def, Report.DataSummary data, FitSettings fit, Run run,
            Map<String, Double> test, Map<String, Double> baseline, int[][] confusion, double seconds,
            DriftProfile drift, Report.TrainingSummary training, List<Report.Fold> folds, double threshold) {
        ModelMetadata.Provenance provenance = new ModelMetadata.Provenance(data.source(), data.sha256(),
                data.rows(), data.trainRows(), data.validationRows(), data.testRows(), def.protocol(), fit,
                Versions.kiln(), Versions.dl4j(), System.getProperty("java.version"),
                Nd4j.getBackend().getClass().getSimpleName(), Instant.now().toString(), seconds, data.testFile(),
                run.transfer(), run.wordVectors(), ensembleProvenance(def, run, fit.seed()),
                distillationProvenance(def));
        if (def.warmStart() != null) {
            provenance = provenance.withLineage(def.warmStart().lineage());
        }
        if (io.kiln.runtime.internal.train.Workers.used() != null) {
            provenance = provenance.withDataParallel(io.kiln.runtime.internal.train.Workers.used().describe());
        }
        ModelMetadata d = run.model().metadata();
        return new ModelMetadata(d.format(), d.name(), d.task(), d.specClass(), d.spec(), d.features(), d.label(),
                d.targetCenter(), d.targetScale(), d.numInputs(), provenance, d.baselineOutput(), test, baseline,
                confusion, run.history(), threshold, drift, training, folds);
    }

}
