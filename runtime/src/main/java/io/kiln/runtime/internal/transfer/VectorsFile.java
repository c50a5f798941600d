package io.kiln.runtime.internal.transfer;

import io.kiln.runtime.DataException;
import io.kiln.runtime.ModelMetadata;
import io.kiln.runtime.Network;
import io.kiln.runtime.WordVectors;
import java.io.BufferedReader;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Pretrained word vectors put into an embedding layer: each vocabulary token found in the file starts
 * with its vector (row {@code id + 2}; rows 0 and 1 are the padding and the unknown token), the others
 * keep their random start and are reported.
 */
public final class VectorsFile {
    /** Tokens named in the report as examples of those missing from the file. */
    static final int EXAMPLES = 10;

    private VectorsFile() {}

    /**
     * Loads the vectors of {@code vocabulary} into the layer of {@code network} that {@code vectors}
     * names, and says what it found. {@code lowercase}: the text was lower-cased, so a file token
     * matches in lower case too.
     */
    public static ModelMetadata.WordVectorsProvenance apply(WordVectors vectors, Network network,
            List<String> vocabulary, boolean lowercase) {
        Path file = Path.of(vectors.file());
        Layer layer = layer(network, vectors.layer());
        INDArray weights = layer.getParam("W");
        long units = weights.size(1);
        Map<String, Integer> ids = new HashMap<>();
        for (int i = 0; i < vocabulary.size(); i++) {
            ids.put(vocabulary.get(i), i);
        }
        boolean[] found = new boolean[vocabulary.size()];
        int foundCount = 0;
        String sha;
        try {
            if (!Files.isRegularFile(file)) {
                throw new FileNotFoundException("[kiln.word-vectors-file] The word vectors of '" + vectors.layer()
                        + "', " + file.toAbsolutePath() + ", were not found. Give the vectors file's path "
                        + "(relative paths start in the working directory).");
            }
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            try (BufferedReader in = new BufferedReader(new java.io.InputStreamReader(new DigestInputStream(
                    Files.newInputStream(file), digest), StandardCharsets.UTF_8))) {
                String line;
                int number = 0;
                while ((line = in.readLine()) != null) {
                    number++;
                    String[] cells = line.strip().split(" +");
                    if (cells.length <= 1 || number == 1 && cells.length == 2 && cells[0].matches("\\d+")) {
                        continue; // blank, or word2vec's first line: the count and the length
                    }
                    Integer id = ids.get(cells[0]);
                    if (id == null && lowercase) {
                        id = ids.get(cells[0].toLowerCase(Locale.ROOT));
                    }
                    if (id == null || found[id]) {
                        continue;
                    }
                    if (cells.length - 1 != units) {
                        throw new DataException(file.toString(), number, null, "[kiln.word-vectors-length] '"
                                + DataException.show(cells[0]) + "' has " + (cells.length - 1) + " numbers, but the "
                                + "embedding '" + vectors.layer() + "' has " + units + " units. Set units = "
                                + (cells.length - 1) + ", or use vectors of length " + units + ".");
                    }
                    float[] v = new float[(int) units];
                    for (int j = 0; j < units; j++) {
                        try {
                            v[j] = Float.parseFloat(cells[j + 1]);
                        } catch (NumberFormatException e) {
                            throw new DataException(file.toString(), number, Integer.toString(j + 2),
                                    "[kiln.word-vectors-number] " + DataException.quote(cells[j + 1]) + " (value "
                                    + (j + 1) + " of '" + DataException.show(cells[0]) + "') is not a number. "
                                    + "Correct the file.");
                        }
                    }
                    weights.putRow(id + 2, Nd4j.create(v, new long[] {1, units}).castTo(weights.dataType()));
                    found[id] = true;
                    foundCount++;
                }
            }
            sha = HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < found.length && missing.size() < EXAMPLES; i++) {
            if (!found[i]) {
                missing.add(vocabulary.get(i));
            }
        }
        return new ModelMetadata.WordVectorsProvenance(vectors.layer(), file.toString(), sha, (int) units,
                vocabulary.size(), foundCount, missing, vectors.freeze());
    }

    static Layer layer(Network network, String name) {
        if (network.dl4j() instanceof MultiLayerNetwork net) {
            return net.getLayer(name);
        }
        return ((ComputationGraph) network.dl4j()).getLayer(name);
    }
}
