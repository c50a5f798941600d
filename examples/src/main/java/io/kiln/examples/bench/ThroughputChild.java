package io.kiln.examples.bench;

import io.kiln.examples.digits.DigitsTrainer;
import io.kiln.runtime.HoldoutProtocol;
import io.kiln.runtime.ModelDefinition;
import io.kiln.runtime.ModelMetadata;
import io.kiln.runtime.Report;
import io.kiln.runtime.TrainOptions;
import io.kiln.runtime.Trainer;
import io.kiln.runtime.TrainingResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.deeplearning4j.datasets.iterator.ExistingDataSetIterator;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * One measured training run in its own JVM (so JVM flags differ between runs). Modes:
 * {@code idiomatic} (hand-written DL4J as the examples teach it: one DataSet per row, a
 * ListDataSetIterator that merges rows into each minibatch), {@code tuned} (hand-written with
 * pre-built minibatches), {@code kiln} (the generated DigitsTrainer). All train the same 64-64-10
 * MLP with Adam(1e-3), batch 32, on the digits training split. Prints one line:
 * {@code mode=... samples_per_s=... rss_start_mb=... rss_mid_mb=... rss_end_mb=... rss_peak_mb=...}.
 */
public final class ThroughputChild {
    private ThroughputChild() {}

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        int epochs = Integer.parseInt(args[1]);
        RssSampler sampler = new RssSampler();
        sampler.start();
        double samplesPerSecond = switch (mode) {
            case "kiln" -> kiln(epochs);
            case "kiln-loops" -> {
                System.setProperty("kiln.vector", "false");
                yield kiln(epochs);
            }
            case "kiln-dl4j" -> {
                System.setProperty(io.kiln.runtime.internal.train.TrainingLoop.FAST_PROPERTY, "false");
                yield kiln(epochs);
            }
            case "idiomatic" -> handWritten(epochs, false, false);
            case "tuned" -> handWritten(epochs, true, false);
            case "tuned-validated" -> handWritten(epochs, true, true);
            default -> throw new IllegalArgumentException(mode);
        };
        sampler.interrupt();
        List<Long> rss = sampler.samples;
        StringBuilder quartiles = new StringBuilder();
        for (int q = 1; q <= 4; q++) { // resident memory at 25, 50, 75 and 100% of the run
            int i = Math.max(0, Math.min(rss.size() - 1, rss.size() * q / 4 - 1));
            quartiles.append(q == 1 ? "" : "/").append(rss.isEmpty() ? 0 : rss.get(i) / 1024);
        }
        System.out.printf(Locale.ROOT, "mode=%s samples_per_s=%.0f rss_quartiles_mb=%s rss_peak_mb=%d%n",
                mode, samplesPerSecond, quartiles, RssSampler.status("VmHWM") / 1024);
    }

    /**
     * Digits as declared, but evaluated by the 0.2 / 0.2 holdout (one model, monitored every epoch)
     * so that every program trains on the same rows.
     */
    static final ModelDefinition HOLDOUT = DigitsTrainer.DEFINITION.withProtocol(
            new HoldoutProtocol(0.2, 0.2, true, true));

    /** Like the hand-written runs: the first 3 epochs of the network warm up and are not timed. */
    private static double kiln(int epochs) {
        int warmup = 3;
        TrainingResult r = Trainer.train(HOLDOUT, TrainOptions.defaults().quiet().epochs(epochs + warmup));
        ModelMetadata meta = r.model().metadata();
        double seconds = meta.history().stream().skip(warmup).mapToDouble(Report.Epoch::seconds).sum();
        return meta.provenance().trainRows() * (double) epochs / seconds;
    }

    /** The same training rows and standardization as Kiln's split, prepared by hand. */
    private static double handWritten(int epochs, boolean tuned, boolean validated) throws IOException {
        Trainer.Prepared p = Trainer.prepare(HOLDOUT, TrainOptions.defaults().quiet());
        int[] train = p.split().train();
        double[][] x = new double[train.length][64];
        double[][] y = new double[train.length][10];
        for (int i = 0; i < train.length; i++) {
            Object[] row = p.data().features().get(train[i]);
            for (int j = 0; j < 64; j++) {
                x[i][j] = ((Number) row[j]).doubleValue();
            }
            y[i] = p.data().targets()[train[i]];
        }
        for (int j = 0; j < 64; j++) { // standardize by hand
            double mean = 0;
            double var = 0;
            for (double[] r : x) {
                mean += r[j] / x.length;
            }
            for (double[] r : x) {
                var += (r[j] - mean) * (r[j] - mean) / x.length;
            }
            double sd = var > 0 ? Math.sqrt(var) : 1;
            for (double[] r : x) {
                r[j] = (r[j] - mean) / sd;
            }
        }
        int[] valRows = p.split().validation();
        double[][] xv = new double[valRows.length][64];
        double[][] yv = new double[valRows.length][];
        for (int i = 0; i < valRows.length; i++) {
            Object[] row = p.data().features().get(valRows[i]);
            for (int j = 0; j < 64; j++) {
                xv[i][j] = ((Number) row[j]).doubleValue() / 16.0; // scale only matters for accuracy, not speed
            }
            yv[i] = p.data().targets()[valRows[i]];
        }
        DataSet validation = new DataSet(Nd4j.create(xv).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT),
                Nd4j.create(yv).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT));
        INDArray features = Nd4j.create(x).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT);
        INDArray labels = Nd4j.create(y).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT);
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(42)
                .updater(new Adam(1e-3))
                .weightInit(WeightInit.XAVIER)
                .list()
                .layer(new DenseLayer.Builder().nOut(64).activation(Activation.RELU).weightInit(WeightInit.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.feedForward(64))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        List<DataSet> rows = new DataSet(features, labels).asList();
        Random random = new Random(42);
        List<DataSet> batches = new ArrayList<>();
        if (tuned) { // minibatches built once; each epoch shuffles their order
            Collections.shuffle(rows, random);
            for (int from = 0; from < rows.size(); from += 32) {
                batches.add(DataSet.merge(rows.subList(from, Math.min(rows.size(), from + 32))));
            }
        }
        int warmup = 3;
        long start = 0;
        for (int epoch = 0; epoch < epochs + warmup; epoch++) {
            if (epoch == warmup) {
                start = System.nanoTime();
            }
            if (tuned) {
                Collections.shuffle(batches, random);
                net.fit(new ExistingDataSetIterator(batches));
                if (validated) { // what a person writes to watch validation loss and accuracy each epoch
                    double loss = net.score(validation, false);
                    org.nd4j.evaluation.classification.Evaluation eval = new org.nd4j.evaluation.classification.Evaluation(10);
                    eval.eval(validation.getLabels(), net.output(validation.getFeatures(), false));
                    sink += loss + eval.accuracy();
                }
            } else {
                Collections.shuffle(rows, random);
                net.fit(new ListDataSetIterator<>(rows, 32));
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return train.length * (double) epochs / seconds;
    }

    /** Keeps the validation results alive so the JIT cannot drop their computation. */
    static double sink;

    /** Samples resident memory once a second. */
    static final class RssSampler extends Thread {
        final List<Long> samples = Collections.synchronizedList(new ArrayList<>());

        RssSampler() {
            setDaemon(true);
        }

        @Override
        public void run() {
            while (!isInterrupted()) {
                samples.add(status("VmRSS"));
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        static long status(String key) {
            try (InputStream in = Files.newInputStream(Path.of("/proc/self/status"))) {
                for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                    if (line.startsWith(key + ":")) {
                        return Long.parseLong(line.replaceAll("[^0-9]", ""));
                    }
                }
            } catch (IOException e) {
                return 0;
            }
            return 0;
        }
    }
}
