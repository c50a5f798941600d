package io.kiln.runtime.internal.train;

import io.kiln.dsl.Metric;
import io.kiln.dsl.Task;
import io.kiln.runtime.EarlyStopping;
import io.kiln.runtime.EpochListener;
import io.kiln.runtime.FitSettings;
import io.kiln.runtime.ImageAugmentation;
import io.kiln.runtime.KilnModel;
import io.kiln.runtime.KilnSchedule;
import io.kiln.runtime.LearningRate;
import io.kiln.runtime.ModelDefinition;
import io.kiln.runtime.ModelMetadata;
import io.kiln.runtime.Network;
import io.kiln.runtime.ReduceOnPlateau;
import io.kiln.runtime.Report;
import io.kiln.runtime.WarmStart;
import io.kiln.runtime.internal.data.LabeledData;
import io.kiln.runtime.internal.data.Rows;
import io.kiln.runtime.internal.data.Splits;
import io.kiln.runtime.internal.data.TokenMask;
import io.kiln.runtime.internal.evaluate.Diagnostics;
import io.kiln.runtime.internal.fast.FastPath;
import io.kiln.runtime.internal.fast.SeededDropout;
import io.kiln.runtime.internal.evaluate.Metrics;
import io.kiln.runtime.internal.learn.Warm;
import io.kiln.runtime.internal.preprocess.FeatureTransform;
import io.kiln.runtime.internal.preprocess.Preprocessor;
import io.kiln.runtime.internal.transfer.Frozen;
import io.kiln.runtime.internal.transfer.TransferRun;
import io.kiln.runtime.internal.transfer.VectorsFile;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * One training run: fits preprocessing on its rows, builds the network, installs the learning-rate
 * schedule, then per epoch trains on shuffled minibatches and evaluates, handing each epoch to its
 * {@link EpochCallback}s (divergence check, progress, listener, best epoch or early stopping,
 * reduce-on-plateau). The minibatch loop itself has no callbacks.
 */
public final class TrainingLoop {
    private static final ActivationIdentity IDENTITY = new ActivationIdentity();
    /** Rows sampled from the training split for the dead-unit count. */
    static final int SAMPLE_ROWS = 1000;
    /**
     * Rows of that sample scored every epoch for the training metric: enough for a curve, few enough
     * to cost about 3% of an epoch (1000 rows cost about 10% on digits).
     */
    static final int METRIC_ROWS = 256;

    /**
     * Whether networks train on the fast path ({@link FastPath}) when it reproduces them; {@code
     * -Dkiln.fast=false} sends every network through DL4J's own minibatch loop.
     */
    public static final String FAST_PROPERTY = "kiln.fast";

    private TrainingLoop() {}

    /**
     * One model trained on {@code train} for up to {@code epochs} epochs, monitored on
     * {@code validation} (may be empty).
     */
    public static Run fit(ModelDefinition def, LabeledData data, int[] train, int[] validation, FitSettings fit,
            int epochs, EpochProgress progress, EpochListener listener) {
        return fit(def, data, train, validation, fit, epochs, progress, listener, null, null);
    }

    /**
     * {@link #fit(ModelDefinition, LabeledData, int[], int[], FitSettings, int, EpochProgress, EpochListener)}
     * with a teacher's soft targets ({@code soft}, null for none) and the preprocessing (and target
     * scaling) fitted on {@code preprocessOn} instead of {@code train} (null: on {@code train}), so that
     * networks trained on different rows share one and can be averaged.
     */
    public static Run fit(ModelDefinition def, LabeledData data, int[] train, int[] validation, FitSettings fit,
            int epochs, EpochProgress progress, EpochListener listener, Soft soft, int[] preprocessOn) {
        long started = System.nanoTime();
        int[] fitOn = preprocessOn != null ? preprocessOn : train;
        Task task = def.task();
        // a transfer reuses its source's fitted preprocessing, which its layers learnt on
        // (a warm start continues from the transferred model as it was saved)
        TransferRun transfer = def.transfer() != null && def.warmStart() == null ? TransferRun.start(def) : null;
        // a warm start keeps its parent's preprocessing (and target scaling), which its weights learnt on
        WarmStart warm = def.warmStart();
        boolean keep = warm != null && warm.keepsPreprocessing();
        Preprocessor pre = transfer != null ? transfer.preprocessor(def.features(), data.features(), fitOn)
                : keep ? warm.parent().preprocessor() : Preprocessor.fit(def.features(), data.features(), fitOn);
        double[][] trainTargets = Rows.rows(data.targets(), fitOn);
        int outputs = trainTargets[0].length;
        double[] center = new double[outputs];
        double[] scale = new double[outputs];
        Arrays.fill(scale, 1);
        if (keep && warm.parent().metadata().targetCenter() != null) {
            center = warm.parent().metadata().targetCenter().clone();
            scale = warm.parent().metadata().targetScale().clone();
        } else if (def.standardizeTargets()) {
            for (int j = 0; j < outputs; j++) {
                final int col = j;
                double[] cs = Preprocessor.centerScale(io.kiln.dsl.Scaling.STANDARDIZE,
                        Arrays.stream(trainTargets).mapToDouble(t -> t[col]).toArray());
                center[j] = cs[0];
                scale[j] = cs[1];
            }
        }
        INDArray xTrain = pre.matrix(data, train);
        int tokens = pre.tokenColumns(); // token-id inputs are masked beyond each text's end
        INDArray yTrain = targets(data, train, center, scale);
        if (def.labelSmoothing() > 0) {
            smooth(yTrain, def.labelSmoothing(), task);
        }
        INDArray hardTrain = yTrain;
        if (soft != null) { // labels [y | q_T]: the teacher's softened outputs beside the ground truth
            yTrain = Nd4j.hstack(yTrain, soft.targets(soft.outputs(), task, center, scale));
        }
        INDArray wTrain = null;
        if (def.classWeights() != null) {
            double[] perRow = def.classWeights().perRow(data.classes(), train, def.label().classes().size());
            wTrain = Nd4j.create(perRow, new long[] {train.length, 1}).castTo(DataType.FLOAT);
        }
        // class weights: each training row's loss weighs its class's weight, carried as the labels' last
        // column for the loss that applies it (RowWeightedLoss)
        INDArray yTargets = yTrain;
        if (wTrain != null) {
            yTrain = Nd4j.hstack(yTrain, wTrain);
        }
        boolean validate = validation.length > 0;
        INDArray xVal = validate ? pre.matrix(data, validation) : null;
        INDArray yVal = validate ? targets(data, validation, center, scale) : null;
        double[][] valTargets = Rows.rows(data.targets(), validation);
        int[] sample = Rows.sample(train, SAMPLE_ROWS, fit.seed());
        INDArray xSample = pre.matrix(data, sample);
        int[] metricRows = Arrays.copyOf(sample, Math.min(METRIC_ROWS, sample.length));
        INDArray xMetric = pre.matrix(data, metricRows);
        double[][] metricTargets = Rows.rows(data.targets(), metricRows);
        INDArray yMetric = soft == null ? null : targets(data, metricRows, center, scale);

        Network net = transfer != null ? transfer.network(pre.width(), fit.weightSeed(), 0)
                : warm != null ? Warm.network(warm, pre.width()) : def.newNetwork(pre.width(), fit.weightSeed());
        // pretrained word vectors: the vocabulary's tokens found in the file start with their vectors
        ModelMetadata.WordVectorsProvenance vectors = null;
        if (def.wordVectors() != null && warm == null) {
            FeatureTransform text = pre.transforms().get(0);
            vectors = VectorsFile.apply(def.wordVectors(), net, text.levels(), text.text().lowercase());
        }
        double[] baselineOutput = Metrics.baselineOutput(Rows.rows(data.targets(), train));
        KilnModel model = new KilnModel(net, draftMetadata(def, pre, center, scale, baselineOutput));
        int n = train.length;
        // the workers of a data-parallel training (TrainOptions.dataParallel), for a network they can train from its
        // saved form: no augmentation, distillation or token masks, not a graph, no listener (L2-SP is one)
        io.kiln.runtime.DataParallel workers = !augmentIsOn(def) && soft == null && tokens == 0 && !net.isGraph()
                && (net.layers().getListeners() == null || net.layers().getListeners().isEmpty())
                ? Workers.current() : null;
        // (the steps an epoch advances the network by: the largest shard's minibatches, with workers)
        int iterationsPerEpoch = workers != null ? workers.stepsPerEpoch(n, fit.batchSize())
                : (n + fit.batchSize() - 1) / fit.batchSize();
        double baseRate = learningRateOf(net);
        FitState state = startState(def, net, model, progress, fit, iterationsPerEpoch, validate);
        String scheduleText = scheduleText(state);

        String primary = Metrics.primary(task);
        ILossFunction lossFunction = ((BaseOutputLayer) net.outputLayer()).getLossFn();
        // the constant baseline's loss on the training targets: a model far worse than it has diverged
        double[] baselineTrainOutput = baselineOutput.clone();
        for (int j = 0; j < baselineTrainOutput.length; j++) {
            baselineTrainOutput[j] = (baselineTrainOutput[j] - center[j]) / scale[j];
        }
        double baselineLoss = lossFunction.computeScore(hardTrain, clip(Nd4j.create(Rows.repeat(baselineTrainOutput, n))
                .castTo(DataType.FLOAT), task), IDENTITY, wTrain, true); // weighted as the training loss is
        EarlyStopping es = validate ? def.earlyStopping() : null;

        DivergenceCheck divergence = new DivergenceCheck(def, baselineLoss);
        EpochCallback[] each = callbacks(def, epochs, started, validate, primary, listener, transfer);

        ILossFunction distill = soft == null ? null : soft.loss(lossFunction, task);
        ILossFunction training = distill != null ? distill : lossFunction;
        if (wTrain != null) {
            training = new RowWeightedLoss(training);
        }
        java.util.function.Function<INDArray, INDArray> toTeacher = soft != null && augmentIsOn(def)
                ? soft.toTeacher(pre) : null;
        Random shuffle = new Random(fit.seed());
        ImageAugmentation augment = def.augmentation() != null && def.augmentation().isActive()
                ? def.augmentation() : null;
        Random augmentRandom = new Random(fit.seed() * 31 + 17);
        // the geometric transforms undo and redo each pixel's scaling
        double[] pixelCenters = augment == null ? null
                : pre.transforms().stream().mapToDouble(FeatureTransform::center).toArray();
        double[] pixelScales = augment == null ? null
                : pre.transforms().stream().mapToDouble(FeatureTransform::scale).toArray();
        int[] order = new int[n];
        // dropout masks both minibatch loops can replay (DL4J's own come from ND4J's native generator)
        SeededDropout.install(net.dl4j(), fit.seed());
        Object seeded = net.dl4j();
        savedAndTraining(state, lossFunction, training, fit.seed());
        // the workers train each epoch, given the rows once
        io.kiln.runtime.DataParallel.Session session = workers == null ? null
                : workers.start(floats(xTrain), (int) xTrain.columns(), floats(yTargets), (int) yTargets.columns(),
                        wTrain == null ? null : floats(wTrain), n, fit.seed());
        if (workers != null) {
            Workers.markUsed(workers);
        }
        // the plain-Java trainer, when it reproduces this network exactly
        // (with workers it only predicts: the validation rows and the training sample, each epoch)
        FastPath fast = !"false".equals(System.getProperty(FAST_PROPERTY)) && augment == null
                && soft == null && tokens == 0 && !net.isGraph() ? FastPath.of(net.layers()).stack() : null;
        try {
            float[] xFloats = fast == null || session != null ? null : floats(xTrain);
            float[] yFloats = fast == null || session != null ? null : floats(yTargets);
            float[] wFloats = fast == null || session != null || wTrain == null ? null : floats(wTrain);
            float[] xMetricFloats = fast == null ? null : floats(xMetric);
            float[] xValFloats = fast == null || !validate ? null : floats(xVal);
            float[] yValFloats = fast == null || !validate ? null : floats(yVal);
            epochs:
            for (int epoch = 1; epoch <= epochs; epoch++) {
                long t0 = System.nanoTime();
                net = state.net; // gradual unfreezing rebuilds it
                model = state.model;
                double rate = state.schedule != null ? state.schedule.valueAt(net.iterationCount(), epoch - 1)
                        : baseRate;
                for (int i = 0; i < n; i++) {
                    order[i] = i;
                }
                Splits.shuffle(order, shuffle);
                double lossSum = 0;
                if (seeded != net.dl4j()) { // gradual unfreezing rebuilt the network
                    SeededDropout.install(net.dl4j(), fit.seed());
                    seeded = net.dl4j();
                }
                if (fast != null && fast.network() != net.dl4j()) { // (claimed before it gets the training loss)
                    fast = FastPath.of(net.layers()).stack();
                }
                if (training != lossFunction) {
                    ((BaseOutputLayer) net.outputLayer()).setLossFn(training);
                }
                // (no callback changes the weights between epochs, so the trainer's copy stays current; one
                // that restores weights does so after training)
                if (session != null) { // the workers get the network as it is saved, and give back the trained one
                    state.toSaved.run();
                    lossSum = session.epoch(net.layers(), epoch, fit.batchSize());
                    state.toTraining.run();
                    if (fast != null) {
                        fast.load(); // the workers' averaged weights, for this epoch's predictions
                    }
                } else if (fast != null) {
                    lossSum = fastEpoch(fast, xFloats, yFloats, wFloats, order, fit.batchSize());
                    fast.store();
                }
                boolean local = fast == null && session == null;
                INDArray xs = !local ? null : Nd4j.pullRows(xTrain, 1, order);
                INDArray ys = !local ? null : Nd4j.pullRows(yTrain, 1, order);
                INDArray masks = !local ? null : TokenMask.of(xs, tokens);
                for (int from = 0; local && from < n; from += fit.batchSize()) {
                    int to = Math.min(n, from + fit.batchSize());
                    INDArray xb = rowRange(xs, from, to);
                    INDArray yb = rowRange(ys, from, to);
                    if (augment != null) {
                        xb = augment(augment, xb, def.image(), pixelCenters, pixelScales, augmentRandom);
                        if (soft != null) { // the teacher's outputs for the images as augmented: [y | q_T | w]
                            long w = wTrain == null ? 0 : 1;
                            long k = (yb.columns() - w) / 2;
                            INDArray q = soft.targets(soft.teacher().output(toTeacher.apply(xb)), task, center, scale);
                            INDArray hard = yb.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                                    org.nd4j.linalg.indexing.NDArrayIndex.interval(0, k));
                            yb = w == 0 ? Nd4j.hstack(hard, q) : Nd4j.hstack(hard, q,
                                    yb.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                                            org.nd4j.linalg.indexing.NDArrayIndex.interval(2 * k, 2 * k + 1)));
                        }
                    }
                    net.fit(new DataSet(xb, yb, masks == null ? null : rowRange(masks, from, to), null));
                    lossSum += net.score() * (to - from);
                }
                double trainLoss = lossSum / n;
                INDArray metricOut = soft == null ? null : net.output(xMetric, TokenMask.of(xMetric, tokens));
                if (soft != null) {
                    // a student's blended loss is not comparable with a validation loss: its plain loss on the
                    // sampled training rows is
                    trainLoss = lossFunction.computeScore(yMetric, clip(metricOut, task), IDENTITY, null, true);
                }
                if (epoch == 1) {
                    state.firstLoss = trainLoss;
                }
                divergence.afterTrainingPass(state, epoch, trainLoss, rate);
                if (metricOut == null) {
                    metricOut = fast != null ? fast.output(xMetricFloats, metricRows.length)
                            : net.output(xMetric, TokenMask.of(xMetric, tokens));
                }
                double trainMetric = Metrics.evaluate(task, metricTargets, model.toDataUnits(metricOut),
                        def.threshold()).metrics().get(primary);
                double valLoss = Double.NaN;
                double valMetric = Double.NaN;
                Map<String, Double> valMetrics = Map.of();
                if (validate) {
                    // one forward pass gives both: the loss of the output layer on the outputs (data loss,
                    // no regularization terms) and the task's metrics in data units
                    INDArray out;
                    if (fast != null) {
                        out = fast.output(xValFloats, validation.length);
                        valLoss = fast.meanLoss(out.data().asFloat(), yValFloats, validation.length);
                    } else {
                        out = net.output(xVal, TokenMask.of(xVal, tokens));
                        valLoss = lossFunction.computeScore(yVal, clip(out, task), IDENTITY, null, true);
                    }
                    valMetrics = Metrics.evaluate(task, valTargets, model.toDataUnits(out), def.threshold()).metrics();
                    valMetric = valMetrics.get(primary);
                }
                if (recordEpoch(state, each, new Report.Epoch(epoch, trainLoss, valLoss, trainMetric, valMetric, rate,
                        (System.nanoTime() - t0) / 1e9), valMetrics)) {
                    break epochs;
                }
            }
        } finally {
            if (session != null) {
                session.close();
            }
        }
        for (EpochCallback c : each) {
            c.afterTraining(state);
        }
        if (transfer != null && transfer.frozenBelow(0) > 0) {
            // the saved network is a plain stack: frozen is how it trained, not what it is
            state.replace(transfer.restage(state.net, 0));
        } else if (warm != null && warm.level() == io.kiln.dsl.RetrainLevel.TOP_LAYERS) {
            state.replace(Warm.plain(warm, state.net)); // the parent's own configuration, the trained weights
        } else if (def.wordVectors() != null && def.wordVectors().freeze()) {
            state.replace(Frozen.unwrap(state.net));
        }
        net = state.net;
        model = state.model;
        state.toSaved.run(); // the saved model names DL4J's own dropout and is scored by its plain loss
        Map<String, Double> dead = Diagnostics.deadRelu(net, xSample);
        return new Run(model, state.history, state.bestEpoch, state.stoppedEarly, state.restored,
                es != null ? es.monitor().key() : validate ? Metric.LOSS.key() : null, scheduleText, state.firstLoss,
                dead, transfer == null ? null : transfer.provenance(state.unfrozen), vectors);
    }

    /**
     * The state of a run starting on {@code net}: its learning-rate schedule (declared, or constant
     * for reduce-on-plateau to lower) spanning the planned epochs, so a retrain or final model that
     * runs fewer epochs follows the same rates as the monitored run did, installed on every layer.
     */
    static FitState startState(ModelDefinition def, Network net, KilnModel model, EpochProgress progress,
            FitSettings fit, int iterationsPerEpoch, boolean validate) {
        KilnSchedule schedule = null;
        LearningRate declared = def.learningRate();
        // the rate the layers without a rate of their own train at, which a schedule replaces
        double reference = LayerRates.reference(net, declared != null ? declared.base() : Double.NaN);
        if (declared != null && !declared.isConstant() || def.plateau() != null && validate) {
            LearningRate lr = declared != null ? declared : LearningRate.constant(reference);
            schedule = new KilnSchedule(lr, fit.epochs(), iterationsPerEpoch);
        }
        FitState state = new FitState(net, model, progress, schedule);
        state.rateFactors = LayerRates.factors(net, reference);
        if (schedule != null) {
            state.installSchedule();
        }
        return state;
    }

    /** The learning rate a run reports: its schedule's, or the optimizer's constant rate. */
    static String scheduleText(FitState state) {
        return state.schedule != null ? state.schedule.learningRate().describe()
                : LearningRate.constant(learningRateOf(state.net)).describe();
    }

    /**
     * A run's epoch callbacks, in order: progress, the listener, gradual unfreezing, then with
     * validation rows the best epoch or early stopping, and reduce-on-plateau.
     */
    static EpochCallback[] callbacks(ModelDefinition def, int epochs, long started, boolean validate, String primary,
            EpochListener listener, TransferRun transfer) {
        List<EpochCallback> callbacks = new ArrayList<>();
        callbacks.add(new ProgressCallback(epochs, started, validate, primary));
        if (listener != null) {
            callbacks.add(new ListenerCallback(listener));
        }
        if (transfer != null && transfer.stages() > 0) {
            callbacks.add(new UnfreezeCallback(transfer, def.transfer().unfreezeEvery()));
        }
        if (validate) {
            EarlyStopping es = def.earlyStopping();
            callbacks.add(es != null ? new EarlyStoppingCallback(es) : new BestEpochCallback());
            if (def.plateau() != null) {
                callbacks.add(new PlateauCallback(def.plateau()));
            }
        }
        return callbacks.toArray(new EpochCallback[0]);
    }

    /**
     * How the run's network goes into the state it is saved in (DL4J's own dropout, the plain loss) and
     * back into its training state (seeded dropout, the training loss: weighted or distilled).
     */
    static void savedAndTraining(FitState state, ILossFunction plain, ILossFunction training, long seed) {
        state.toSaved = () -> {
            SeededDropout.restore(state.net.dl4j());
            ((BaseOutputLayer) state.net.outputLayer()).setLossFn(plain);
        };
        state.toTraining = () -> {
            SeededDropout.install(state.net.dl4j(), seed);
            ((BaseOutputLayer) state.net.outputLayer()).setLossFn(training);
        };
    }

    /**
     * Records an evaluated epoch in the run's history and hands it to the callbacks in order; true
     * when one of them stops training (the callbacks after it are not called).
     */
    static boolean recordEpoch(FitState state, EpochCallback[] each, Report.Epoch record,
            Map<String, Double> validationMetrics) {
        state.history.add(record);
        for (EpochCallback c : each) {
            if (c.afterEpoch(state, record, validationMetrics)) {
                return true;
            }
        }
        return false;
    }

    /**
     * One epoch of minibatches, in {@code order}, through the plain-Java trainer: returns the summed
     * score of the batches, each weighed by its rows, as the DL4J loop sums {@code net.score()}.
     */
    public static double fastEpoch(FastPath fast, float[] x, float[] y, float[] w, int[] order, int batchSize) {
        int in = fast.inputs();
        int out = fast.outputs();
        float[] xb = new float[batchSize * in];
        float[] yb = new float[batchSize * out];
        float[] wb = w == null ? null : new float[batchSize];
        double sum = 0;
        for (int from = 0; from < order.length; from += batchSize) {
            int rows = Math.min(order.length, from + batchSize) - from;
            for (int r = 0; r < rows; r++) {
                int row = order[from + r];
                System.arraycopy(x, row * in, xb, r * in, in);
                System.arraycopy(y, row * out, yb, r * out, out);
                if (wb != null) {
                    wb[r] = w[row];
                }
            }
            sum += fast.fit(xb, yb, wb, rows) * rows;
        }
        return sum;
    }

    /** The values of a matrix, row after row. */
    static float[] floats(INDArray m) {
        INDArray c = m.ordering() == 'c' && !m.isView() ? m : m.dup('c');
        return c.castTo(DataType.FLOAT).data().asFloat();
    }

    private static boolean augmentIsOn(ModelDefinition def) {
        return def.augmentation() != null && def.augmentation().isActive();
    }

    /**
     * Softmax outputs with probabilities clipped away from 0, as DL4J's own softmax cross-entropy
     * does in training: with the identity activation it skips that, and a probability that
     * underflows to 0 makes 0 · log 0 = NaN.
     */
    static INDArray clip(INDArray out, Task task) {
        return task == Task.MULTICLASS_CLASSIFICATION ? Transforms.max(out, 1e-10, true) : out;
    }

    /** The learning rate of the network's output layer's updater. */
    static double learningRateOf(Network net) {
        var updater = ((BaseLayer) net.outputLayer()).getIUpdater();
        return updater.hasLearningRate() ? updater.getLearningRate(0, 0) : Double.NaN;
    }

    /** Moves one-hot (or 0/1) targets toward uniform: y(1 - e) + e / K. */
    public static void smooth(INDArray y, double epsilon, Task task) {
        long k = task == Task.MULTICLASS_CLASSIFICATION ? y.columns() : 2;
        y.muli(1 - epsilon).addi(epsilon / k);
    }

    static ModelMetadata draftMetadata(ModelDefinition def, Preprocessor pre, double[] center, double[] scale,
            double[] baselineOutput) {
        boolean classification = def.task().isClassification();
        // no drift profile: only the final model's metadata gets one (in Trainer's metadata(..))
        return new ModelMetadata(ModelMetadata.FORMAT, def.name(), def.task(),
                def.specClass() == null ? null : def.specClass().getName(), def.specText(), pre.transforms(),
                def.label(), classification ? null : center, classification ? null : scale, pre.width(), null,
                baselineOutput, null, null, null, List.of(), def.threshold(), null);
    }

    /**
     * Rows [from, to) of a C-ordered matrix as a view, built directly from the buffer: measurably
     * cheaper per minibatch than {@code get(NDArrayIndex.interval(..), all())}, which resolves
     * indexes in Java.
     */
    static INDArray rowRange(INDArray m, int from, int to) {
        long cols = m.columns();
        return Nd4j.create(m.data(), new long[] {to - from, cols}, new long[] {cols, 1}, from * cols, 'c',
                m.dataType());
    }

    /** A randomly transformed copy of a batch of encoded images. */
    private static INDArray augment(ImageAugmentation augment, INDArray batch, int[] image, double[] centers,
            double[] scales, Random random) {
        float[] x = batch.dup('c').data().asFloat();
        augment.apply(x, (int) batch.size(0), image[0], image[1], image[2], centers, scales, random);
        return Nd4j.create(x, batch.shape(), 'c');
    }

    static INDArray targets(LabeledData data, int[] which, double[] center, double[] scale) {
        float[][] y = new float[which.length][];
        for (int i = 0; i < which.length; i++) {
            double[] t = data.targets()[which[i]];
            y[i] = new float[t.length];
            for (int j = 0; j < t.length; j++) {
                y[i][j] = (float) ((t[j] - center[j]) / scale[j]);
            }
        }
        return Nd4j.create(y).castTo(DataType.FLOAT);
    }
}
