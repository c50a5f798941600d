package io.kiln.runtime;

import io.kiln.dsl.Reuse;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * <b>Public API</b>. A transfer as a spec declares it ({@code @Transfer}, generated into
 * {@code <Name>Trainer.DEFINITION}): where the trained source network is, which of its layers are
 * reused, and how they train. The rules the processor checks at compile time are checked here again,
 * with the same message ids, for definitions built by hand.
 *
 * @param sourceSpec the source spec's qualified class name, or null for a file source
 * @param sourceName the source spec's model name (its model file is {@code models/<name>.kiln}), or null
 * @param file the declared source file ({@code .kiln}, {@code .h5} or {@code .hdf5}), or "" for the default
 * @param expected a spec source's reused layers, in order, as the processor read them (checked against
 *     the model file); empty for a file source
 * @param upTo the last reused layer, or "" for every layer below the source's output layer
 * @param reuse frozen, fine-tuned or gradually unfrozen
 * @param unfreezeEvery epochs between two unfreezings ({@link Reuse#GRADUAL}), else 0
 * @param learningRate the reused layers' rate, or negative for the optimizer's
 * @param rateFactor each reused layer's rate relative to the one above it, in (0, 1]
 * @param rates single layers' own rates, by name
 * @param keepOutput whether the source's output layer is reused too (no new layers)
 * @param refitPreprocessing whether preprocessing is fitted on this spec's rows rather than taken from a
 *     Kiln source
 * @param l2sp the L2-SP coefficient (a pull toward the source's weights), 0 for none
 * @param weightDecay the spec's decoupled weight decay, which the reused layers get too (0 for none)
 */
public record Transfer(String sourceSpec, String sourceName, String file, List<String> expected, String upTo,
        Reuse reuse, int unfreezeEvery, double learningRate, double rateFactor, Map<String, Double> rates,
        boolean keepOutput, boolean refitPreprocessing, double l2sp, double weightDecay) {

    public Transfer {
        expected = List.copyOf(expected);
        rates = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(rates));
        file = file == null ? "" : file;
        upTo = upTo == null ? "" : upTo;
        if (sourceSpec == null && file.isEmpty()) {
            throw new IllegalArgumentException("[kiln.transfer-source] A transfer needs a source: declare from = a "
                    + "spec class, or file = a .kiln or Keras .h5 model file.");
        }
        if (!file.isEmpty()) {
            checkFileKind(file);
        }
        if ((reuse == Reuse.GRADUAL) != (unfreezeEvery > 0)) {
            throw new IllegalArgumentException("[kiln.transfer-unfreeze] " + (reuse == Reuse.GRADUAL
                    ? "Gradual unfreezing needs unfreezeEvery, the epochs between two unfreezings. Set e.g. "
                            + "unfreezeEvery = 10."
                    : "unfreezeEvery is the schedule of gradual unfreezing, but reuse is " + reuse
                            + ". Set reuse = Reuse.GRADUAL, or remove unfreezeEvery."));
        }
        if (!(rateFactor > 0 && rateFactor <= 1)) {
            throw new IllegalArgumentException("[kiln.transfer-rate-factor] rateFactor must be in (0, 1], was "
                    + rateFactor + ". Set e.g. rateFactor = 0.5 (each reused layer at half the rate of the one above).");
        }
        if (l2sp < 0) {
            throw new IllegalArgumentException("[kiln.non-negative] l2sp must be at least 0, was " + l2sp
                    + ". Set e.g. l2sp = 0.01.");
        }
        if (l2sp > 0 && reuse == Reuse.FREEZE) {
            throw new IllegalArgumentException("[kiln.l2sp-frozen] L2-SP pulls the reused layers toward the source's "
                    + "weights while they train, but reuse = FREEZE keeps them fixed. Use reuse = FINE_TUNE or "
                    + "GRADUAL, or remove l2sp.");
        }
        if (reuse == Reuse.FREEZE && (learningRate >= 0 || rateFactor != 1)) {
            throw new IllegalArgumentException("[kiln.transfer-frozen-rate] The reused layers are frozen "
                    + "(reuse = FREEZE), so they have no learning rate. Remove learningRate and rateFactor, or "
                    + "use reuse = FINE_TUNE or GRADUAL.");
        }
        for (Map.Entry<String, Double> r : rates.entrySet()) {
            if (!(r.getValue() > 0)) {
                throw new IllegalArgumentException("[kiln.positive] The learning rate of layer '" + r.getKey()
                        + "' must be positive, was " + r.getValue() + ". Set e.g. learningRate = 1e-4.");
            }
        }
        if (keepOutput && reuse == Reuse.FREEZE) {
            throw new IllegalArgumentException("[kiln.transfer-nothing-trains] keepOutput reuses every layer and "
                    + "reuse = FREEZE freezes them all, so nothing would train. Use reuse = FINE_TUNE or GRADUAL, or "
                    + "declare a new output layer.");
        }
        if (keepOutput && !upTo.isEmpty()) {
            throw new IllegalArgumentException("[kiln.transfer-keep-output-up-to] keepOutput reuses every layer, the "
                    + "output too, so there is no layer to stop at. Remove upTo, or remove keepOutput.");
        }
    }

    /** Refuses files of a kind that cannot be a source: Keras 3 archives and anything not .kiln/.h5/.hdf5. */
    static void checkFileKind(String file) {
        String lower = file.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".keras")) {
            throw new IllegalArgumentException("[kiln.transfer-keras3] " + file + " is a Keras 3 archive, which "
                    + "Deeplearning4j cannot import. Use a model saved in Keras 2's HDF5 format (model.save(\"m.h5\") "
                    + "with TensorFlow 2.x), or a .kiln model.");
        }
        if (!lower.endsWith(".kiln") && !lower.endsWith(".h5") && !lower.endsWith(".hdf5")) {
            throw new IllegalArgumentException("[kiln.transfer-file-kind] " + file + " is neither a Kiln model "
                    + "(.kiln) nor a Keras 2 HDF5 model (.h5, .hdf5). Give the model file's path.");
        }
    }

    /** Whether the source is a Keras HDF5 file rather than a Kiln model. */
    public boolean isKeras(Path sourceFile) {
        String lower = sourceFile.getFileName().toString().toLowerCase(Locale.ROOT);
        return lower.endsWith(".h5") || lower.endsWith(".hdf5");
    }

    /**
     * The source model file: {@code override} (the {@code --source} option) when given, else the declared
     * file, else the source spec's model under {@code models/}.
     */
    public Path sourceFile(Path override) {
        if (override != null) {
            checkFileKind(override.toString());
            return override;
        }
        return file.isEmpty() ? Path.of("models", sourceName + ".kiln") : Path.of(file);
    }

    /** This transfer reading its source from {@code other}. */
    public Transfer withFile(Path other) {
        return new Transfer(sourceSpec, sourceName, other.toString(), expected, upTo, reuse, unfreezeEvery,
                learningRate, rateFactor, rates, keepOutput, refitPreprocessing, l2sp, weightDecay);
    }

    /** How the reused layers train, in words: "hidden1 to hidden2 frozen", "fine-tuned at 1e-4", ... */
    public String describe() {
        String which = keepOutput ? "every layer" : upTo.isEmpty() ? "the layers below its output" : "the layers up to "
                + upTo;
        String how = switch (reuse) {
            case FREEZE -> "frozen";
            case FINE_TUNE -> "fine-tuned";
            case GRADUAL -> "unfrozen from the top every " + unfreezeEvery + " epochs";
        };
        StringBuilder s = new StringBuilder(which + " reused, " + how);
        if (learningRate > 0) {
            s.append(", at learning rate ").append(learningRate);
        }
        if (rateFactor != 1) {
            s.append(", each layer down x").append(rateFactor);
        }
        if (l2sp > 0) {
            s.append(", L2-SP ").append(l2sp);
        }
        if (refitPreprocessing) {
            s.append(", preprocessing refitted");
        }
        return s.toString();
    }

    /** The source in words: the spec and its file, or the file. */
    public String describeSource(Path sourceFile) {
        return (sourceSpec != null ? sourceSpec.substring(sourceSpec.lastIndexOf('.') + 1) + " (" + sourceFile + ")"
                : sourceFile.toString());
    }
}
