package io.kiln.runtime.internal.transfer;

import io.kiln.runtime.KilnModel;
import io.kiln.runtime.Network;
import io.kiln.runtime.ReusedLayers;
import io.kiln.runtime.Transfer;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * A trained source network: a Kiln model ({@code kiln} holds its metadata and preprocessing) or a
 * Keras 2 model imported by Deeplearning4j ({@code kiln} is null). Loaded once per file version and
 * shared by the runs of one training (folds, retrains).
 *
 * @param file where it was read from
 * @param sha256 the file's SHA-256
 * @param net the network (never trained further: runs copy its weights)
 * @param kiln the Kiln model, or null for a Keras source
 */
public record SourceModel(Path file, String sha256, MultiLayerNetwork net, KilnModel kiln) {
    private static final Map<String, SourceModel> CACHE = new LinkedHashMap<>(4, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, SourceModel> eldest) {
            return size() > 4;
        }
    };

    /** Reads the source of {@code transfer} from {@code file}, or the copy already read if the file is unchanged. */
    public static SourceModel load(Transfer transfer, Path file) {
        try {
            if (!Files.isRegularFile(file)) {
                throw new FileNotFoundException("[kiln.transfer-source-file] The transfer source "
                        + transfer.describeSource(file) + " was not found" + (transfer.sourceSpec() != null
                                ? ": train the source spec first (its 'train' command writes it), or pass its model "
                                        + "file with --source FILE."
                                : ". Give the model file's path (or pass it with --source FILE)."));
            }
            FileTime modified = Files.getLastModifiedTime(file);
            String key = file.toAbsolutePath().normalize() + "|" + modified.toMillis() + "|" + Files.size(file);
            synchronized (CACHE) {
                SourceModel cached = CACHE.get(key);
                if (cached != null) {
                    return cached;
                }
            }
            SourceModel loaded = read(transfer, file);
            synchronized (CACHE) {
                CACHE.put(key, loaded);
            }
            return loaded;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static SourceModel read(Transfer transfer, Path file) throws IOException {
        String sha = sha256(file);
        if (transfer.isKeras(file)) {
            return new SourceModel(file, sha, KerasSource.importSequential(file), null);
        }
        KilnModel model = KilnModel.load(file);
        if (!(model.network() instanceof Network.Layers layers)) {
            throw new IllegalArgumentException("[kiln.transfer-graph] " + file + " holds a graph (a model with "
                    + "@Residual); a transfer reuses a stack of layers. Use a source without residual connections.");
        }
        if (transfer.sourceSpec() != null && model.metadata().specClass() != null
                && !transfer.sourceSpec().equals(model.metadata().specClass())) {
            throw new IllegalArgumentException("[kiln.transfer-source-spec] " + file + " was trained from "
                    + model.metadata().specClass() + ", not from the declared source " + transfer.sourceSpec()
                    + ". Give the model file of " + transfer.sourceSpec() + ".");
        }
        return new SourceModel(file, sha, layers.layers(), model);
    }

    /** The layers' names, bottom first. */
    public List<String> layerNames() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < net.getnLayers(); i++) {
            names.add(layer(i).getLayerName());
        }
        return names;
    }

    /** Layer {@code i}'s configuration, unwrapped if the source saved it frozen. */
    Layer layer(int i) {
        Layer l = net.getLayerWiseConfigurations().getConf(i).getLayer();
        return l instanceof FrozenLayer f ? f.getLayer() : l;
    }

    /**
     * How many layers the transfer reuses, checking its layer names against the source: through
     * {@code upTo}, all below the output layer, or all of them with {@code keepOutput}.
     */
    public int cut(Transfer transfer) {
        List<String> names = layerNames();
        int n = names.size();
        // a Keras model's last layer is its output, though imported without a training configuration it is a
        // plain dense layer
        boolean lastIsOutput = layer(n - 1) instanceof BaseOutputLayer || kiln == null;
        int count;
        if (transfer.keepOutput()) {
            if (!(layer(n - 1) instanceof BaseOutputLayer)) {
                throw new IllegalArgumentException("[kiln.transfer-keep-output] keepOutput reuses the source's output "
                        + "layer, but the last layer of " + file + " ('" + names.get(n - 1) + "') is not an output "
                        + "layer. Remove keepOutput and declare the output layer.");
            }
            count = n;
        } else if (transfer.upTo().isEmpty()) {
            count = lastIsOutput ? n - 1 : n;
        } else {
            int at = names.indexOf(transfer.upTo());
            if (at < 0) {
                throw new IllegalArgumentException("[kiln.transfer-layer] The source " + file + " has no layer '"
                        + transfer.upTo() + "'. Choose one of " + names.subList(0, lastIsOutput ? n - 1 : n) + ".");
            }
            if (at == n - 1 && lastIsOutput) {
                throw new IllegalArgumentException("[kiln.transfer-up-to-output] upTo = \"" + transfer.upTo()
                        + "\" is the output layer of " + file + ". Use keepOutput = true to reuse it too, or choose a "
                        + "layer below it: " + names.subList(0, n - 1) + ".");
            }
            count = at + 1;
        }
        if (count == 0) {
            throw new IllegalArgumentException("[kiln.transfer-no-hidden] The source " + file + " has no layer below "
                    + "its output layer to reuse. Use keepOutput = true, or choose a source with hidden layers.");
        }
        if (!transfer.expected().isEmpty() && !names.subList(0, count).equals(transfer.expected())) {
            throw new IllegalArgumentException("[kiln.transfer-source-changed] " + file + " does not match "
                    + transfer.sourceSpec() + " as compiled now: its layers " + names.subList(0, count)
                    + " are reused where the spec declares " + transfer.expected() + ". Train "
                    + transfer.sourceName() + " again.");
        }
        return count;
    }

    /** The first {@code count} layers' configurations and preprocessors. */
    public ReusedLayers reused(int count) {
        List<Layer> layers = new ArrayList<>();
        Map<Integer, InputPreProcessor> pre = new LinkedHashMap<>();
        MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
        for (int i = 0; i < count; i++) {
            layers.add(layer(i));
            if (conf.getInputPreProcess(i) != null) {
                pre.put(i, conf.getInputPreProcess(i));
            }
        }
        return new ReusedLayers(layers, pre);
    }

    /** A file's SHA-256, in hex. */
    public static String sha256(Path file) throws IOException {
        MessageDigest d;
        try {
            d = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        // a megabyte at a time: a data file may be larger than memory
        try (java.io.InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 20];
            for (int n; (n = in.read(buffer)) >= 0;) {
                d.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(d.digest());
    }
}
