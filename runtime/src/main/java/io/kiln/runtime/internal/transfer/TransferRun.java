package io.kiln.runtime.internal.transfer;

import io.kiln.dsl.Reuse;
import io.kiln.runtime.FeatureSchema;
import io.kiln.runtime.ModelDefinition;
import io.kiln.runtime.ModelMetadata;
import io.kiln.runtime.Network;
import io.kiln.runtime.Transfer;
import io.kiln.runtime.internal.preprocess.FeatureTransform;
import io.kiln.runtime.internal.preprocess.Preprocessor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.regularization.WeightDecay;

/**
 * One training run's use of a transfer source: the preprocessing the reused layers expect, and the
 * network with the reused layers' weights copied in, frozen below a boundary that gradual unfreezing
 * lowers stage by stage, each layer at its learning rate, with the L2-SP pull where declared.
 */
public final class TransferRun {
    private final ModelDefinition def;
    private final Transfer transfer;
    private final SourceModel source;
    private final int count;
    /** The reused layers that can be frozen: all of them, but the kept output layer, which always trains. */
    private final int freezable;
    /** Indices of the freezable reused layers with parameters, bottom first. */
    private final List<Integer> weighted = new ArrayList<>();
    private int numInputs = -1;
    private long seed;
    /** Each layer with weights and its learning rate, as the last network built trains it. */
    private final Map<String, Double> rates = new LinkedHashMap<>();

    private TransferRun(ModelDefinition def, SourceModel source) {
        this.def = def;
        this.transfer = def.transfer();
        this.source = source;
        this.count = source.cut(transfer);
        this.freezable = transfer.keepOutput() ? count - 1 : count;
        for (int i = 0; i < freezable; i++) {
            if (source.net().getLayer(i).numParams() > 0) {
                weighted.add(i);
            }
        }
    }

    /** Reads the source of {@code def}'s transfer (once per file version) and cuts it. */
    public static TransferRun start(ModelDefinition def) {
        return new TransferRun(def, SourceModel.load(def.transfer(), def.transferSourceFile()));
    }

    /**
     * The preprocessing of a run: a Kiln source's fitted preprocessing (the reused layers learnt on
     * inputs encoded that way), its features matched by name or, for inputs of the same kinds and count
     * (image pixels, say), by position; else fitted on the training rows.
     */
    public Preprocessor preprocessor(List<FeatureSchema> features, List<Object[]> rows, int[] train) {
        Preprocessor pre;
        if (source.kiln() == null || transfer.refitPreprocessing()) {
            pre = Preprocessor.fit(features, rows, train);
        } else {
            pre = new Preprocessor(mapped(features, source.kiln().metadata().features()));
        }
        int expected = sourceWidth();
        if (expected > 0 && expected != pre.width()) {
            throw new IllegalArgumentException("[kiln.transfer-width] The reused layers of " + source.file()
                    + " take " + expected + " encoded inputs, but this spec's features encode to " + pre.width()
                    + ". Declare the source's features (and their encodings).");
        }
        return pre;
    }

    /** The encoded input width the source takes, or -1 when its first layer does not tell. */
    private int sourceWidth() {
        if (source.kiln() != null) {
            return source.kiln().metadata().numInputs();
        }
        Layer first = source.layer(0);
        MultiLayerConfiguration conf = source.net().getLayerWiseConfigurations();
        return first instanceof FeedForwardLayer ff && conf.getInputPreProcess(0) == null
                && first.getClass() == org.deeplearning4j.nn.conf.layers.DenseLayer.class ? (int) ff.getNIn() : -1;
    }

    private List<FeatureTransform> mapped(List<FeatureSchema> features, List<FeatureTransform> fitted) {
        Map<String, FeatureTransform> byName = new LinkedHashMap<>();
        for (FeatureTransform t : fitted) {
            byName.put(t.name(), t);
        }
        List<FeatureTransform> out = new ArrayList<>();
        boolean allNamed = features.stream().allMatch(f -> byName.containsKey(f.name())
                && byName.get(f.name()).kind() == f.kind());
        for (int i = 0; i < features.size(); i++) {
            FeatureSchema f = features.get(i);
            FeatureTransform t;
            if (allNamed) {
                t = byName.get(f.name());
            } else if (features.size() == fitted.size() && fitted.get(i).kind() == f.kind()) {
                t = fitted.get(i); // the same input under other names: pixels, say
            } else {
                throw new IllegalArgumentException("[kiln.transfer-schema] The source " + source.file() + " reads "
                        + describe(fitted.stream().map(FeatureTransform::name).toList(),
                                fitted.stream().map(FeatureTransform::kind).toList()) + "; this spec reads "
                        + describe(features.stream().map(FeatureSchema::name).toList(),
                                features.stream().map(FeatureSchema::kind).toList()) + ". Declare the "
                        + "source's features, or an input of the same kinds and count.");
            }
            out.add(new FeatureTransform(f.name(), f.column(), t.kind(), t.encoding(), t.scaling(), t.missing(),
                    t.fillNumber(), t.fillLevel(), t.center(), t.scale(), t.levels(), t.declaredLevels(), t.text(),
                    f.group()));
        }
        return out;
    }

    /** Features in words: their count, and the first few names and kinds. */
    private static String describe(List<String> names, List<?> kinds) {
        List<String> first = new ArrayList<>();
        for (int i = 0; i < Math.min(4, names.size()); i++) {
            first.add(names.get(i) + " " + kinds.get(i));
        }
        return names.size() + " features (" + String.join(", ", first) + (names.size() > 4 ? ", ..." : "") + ")";
    }

    /** Unfreezing stages: one per reused layer with weights under gradual unfreezing, else none. */
    public int stages() {
        return transfer.reuse() == Reuse.GRADUAL ? weighted.size() : 0;
    }

    /** Layers below this index are frozen at {@code stage}. */
    public int frozenBelow(int stage) {
        return switch (transfer.reuse()) {
            case FREEZE -> freezable;
            case FINE_TUNE -> 0;
            case GRADUAL -> stage == 0 ? freezable : stage >= weighted.size() ? 0
                    : weighted.get(weighted.size() - stage);
        };
    }

    /** The names of the layers that start training at {@code stage}. */
    public List<String> unfrozenAt(int stage) {
        return source.layerNames().subList(frozenBelow(stage), frozenBelow(stage - 1));
    }

    /** A new network: the reused layers with the source's weights, frozen below {@code frozenBelow(stage)}. */
    public Network network(int numInputs, long seed, int stage) {
        this.numInputs = numInputs;
        this.seed = seed;
        MultiLayerNetwork net = build(frozenBelow(stage));
        MultiLayerNetwork from = source.net();
        for (int i = 0; i < count; i++) {
            long have = from.getLayer(i).numParams();
            long need = net.getLayer(i).numParams();
            if (have != need) {
                throw new IllegalArgumentException("[kiln.transfer-width] Layer '" + source.layerNames().get(i)
                        + "' of " + source.file() + " has " + have + " parameters, but on this spec's input it needs "
                        + need + ". Declare the source's input (the same features, image or sequence shape).");
            }
            if (have > 0) {
                net.getLayer(i).setParams(from.getLayer(i).params().dup());
            }
        }
        Network network = new Network.Layers(net);
        if (transfer.l2sp() > 0) {
            net.addListeners(new L2Sp(anchors(), transfer.l2sp()));
        }
        return network;
    }

    /** The same weights (and iteration count) with the reused layers frozen below another boundary. */
    public Network restage(Network current, int frozenBelow) {
        MultiLayerNetwork old = current.layers();
        MultiLayerNetwork net = build(frozenBelow);
        net.setParams(old.params());
        net.getLayerWiseConfigurations().setIterationCount(old.getLayerWiseConfigurations().getIterationCount());
        net.getLayerWiseConfigurations().setEpochCount(old.getLayerWiseConfigurations().getEpochCount());
        if (transfer.l2sp() > 0) {
            net.addListeners(new L2Sp(anchors(), transfer.l2sp()));
        }
        return new Network.Layers(net);
    }

    private MultiLayerNetwork build(int frozenBelow) {
        MultiLayerConfiguration conf = def.transferFactory().configuration(source.reused(count), numInputs, seed);
        int layers = conf.getConfs().size();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < layers; i++) {
            names.add(conf.getConf(i).getLayer().getLayerName());
        }
        for (String named : transfer.rates().keySet()) {
            if (!names.contains(named)) {
                throw new IllegalArgumentException("[kiln.transfer-rate-layer] rates names layer '" + named + "', "
                        + "which is neither reused nor declared. Choose one of " + names + ".");
            }
        }
        // the optimizer's rate: the reused copies have no updater of their own, so the spec's global one fills them
        double base = Double.NaN;
        for (int i = 0; i < count && Double.isNaN(base); i++) {
            if (conf.getConf(i).getLayer() instanceof BaseLayer b && b.getIUpdater() != null
                    && b.getIUpdater().hasLearningRate()) {
                base = b.getIUpdater().getLearningRate(0, 0);
            }
        }
        double body = transfer.learningRate() > 0 ? transfer.learningRate() : base;
        for (int i = 0; i < layers; i++) {
            Layer l = conf.getConf(i).getLayer();
            IUpdater updater = l instanceof BaseLayer b ? b.getIUpdater() : null;
            // a new layer keeps the rate it was configured with (the optimizer's, or its own learningRate)
            double rate = updater != null && updater.hasLearningRate() ? updater.getLearningRate(0, 0) : base;
            if (weighted.contains(i)) {
                int depth = weighted.size() - 1 - weighted.indexOf(i); // 0 for the topmost reused layer with weights
                rate = body * Math.pow(transfer.rateFactor(), depth);
            }
            Double own = transfer.rates().get(names.get(i));
            if (own != null) {
                rate = own;
            }
            // the layers that train (the frozen ones of feature extraction never do)
            if (!Double.isNaN(rate) && l instanceof BaseLayer withWeights
                    && withWeights.initializer().numParams(withWeights) > 0
                    && !(transfer.reuse() == io.kiln.dsl.Reuse.FREEZE && i < freezable)) {
                rates.put(names.get(i), rate);
            }
            if (updater != null && updater.hasLearningRate() && rate != updater.getLearningRate(0, 0)) {
                IUpdater u = updater.clone();
                u.setLrAndSchedule(rate, null);
                ((BaseLayer) l).setIUpdater(u);
            }
            if (i < count && transfer.weightDecay() > 0 && l instanceof BaseLayer b) {
                b.getRegularization().add(new WeightDecay(transfer.weightDecay(), true));
            }
        }
        for (int i = 0; i < frozenBelow; i++) {
            conf.getConf(i).setLayer(Frozen.of(conf.getConf(i).getLayer()));
        }
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    /** The source's trained parameters of the reused layers, by the network's parameter keys. */
    private Map<String, INDArray> anchors() {
        return L2Sp.anchors(source.net(), key -> Integer.parseInt(key.substring(0, key.indexOf('_'))) < count);
    }

    /** What the run reused, for the model file's provenance. */
    public ModelMetadata.TransferProvenance provenance(Map<String, Integer> unfrozen) {
        List<String> names = source.layerNames().subList(0, count);
        List<String> frozen = names.subList(0, frozenBelow(0));
        return new ModelMetadata.TransferProvenance(source.file().toString(), source.sha256(),
                transfer.sourceSpec(), source.kiln() != null ? source.kiln().metadata().name() : null,
                source.kiln() != null ? "kiln" : "keras", names, transfer.reuse().name(), frozen, new LinkedHashMap<>(unfrozen),
                source.kiln() != null && !transfer.refitPreprocessing() ? "source" : "fitted", new LinkedHashMap<>(rates),
                transfer.l2sp());
    }
}
