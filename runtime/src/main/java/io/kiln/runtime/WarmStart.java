package io.kiln.runtime;

import io.kiln.dsl.RetrainLevel;
import io.kiln.runtime.internal.transfer.SourceModel;
import java.io.IOException;
import java.nio.file.Path;

/**
 * <b>Public API</b>. Training that continues from a saved model of the same spec (a warm start): its
 * weights, its optimizer state and its learning-rate schedule position (the iteration count) are carried
 * over, and its fitted preprocessing is kept unless {@link #refitPreprocessing()}. The model trained
 * records the parent in its lineage.
 *
 * @param file the parent model file
 * @param sha256 the parent file's SHA-256
 * @param parent the parent model
 * @param level {@link RetrainLevel#FINE_TUNE} (every layer trains) or {@link RetrainLevel#TOP_LAYERS}
 * @param trainTop with {@link RetrainLevel#TOP_LAYERS}, the layers with weights that train, from the top
 * @param l2sp L2-SP strength toward the parent's weights; 0 for none
 * @param refitPreprocessing fit the preprocessing on the new rows instead of keeping the parent's
 * @param learnedThrough continuous learning: the last batch the new model learnt from; else null
 */
public record WarmStart(Path file, String sha256, KilnModel parent, RetrainLevel level, int trainTop, double l2sp,
        boolean refitPreprocessing, String learnedThrough) {

    public WarmStart {
        if (level == RetrainLevel.SCRATCH) {
            throw new IllegalArgumentException("A warm start continues from the parent's weights; a retraining "
                    + "from scratch is not one");
        }
    }

    /** Every layer continues from the model in {@code file}, whose preprocessing is kept. */
    public static WarmStart of(Path file) throws IOException {
        return new WarmStart(file, SourceModel.sha256(file), KilnModel.load(file), RetrainLevel.FINE_TUNE, 0, 0, false,
                null);
    }

    /**
     * The model in {@code file} continued as {@code def} declares: with its {@code @Retrain}'s level,
     * L2-SP and preprocessing choice when it retrains from the champion's weights; else every layer
     * trains and the preprocessing is kept.
     */
    public static WarmStart declared(ModelDefinition def, Path file) throws IOException {
        WarmStart w = of(file);
        RetrainPolicy p = def.retrain();
        if (p != null && p.level() != RetrainLevel.SCRATCH) {
            w = w.with(p.level(), p.trainTop(), p.l2sp(), p.refitPreprocessing(), null);
        } else if (p != null) {
            w = w.with(RetrainLevel.FINE_TUNE, 0, 0, p.refitPreprocessing(), null);
        }
        return w;
    }

    /** The lineage a model trained from this warm start records. */
    public ModelMetadata.LineageProvenance lineage() {
        ModelMetadata.Provenance p = parent.metadata().provenance();
        return new ModelMetadata.LineageProvenance(file.toString(), sha256, p == null ? null : p.data(),
                p == null ? null : p.dataSha256(), parentGeneration() + 1, level.name(), trainTop, l2sp,
                keepsPreprocessing() ? "parent" : "fitted", learnedThrough);
    }

    /** This warm start training {@code level} of the network, with L2-SP {@code pull} and the preprocessing refitted or not. */
    public WarmStart with(RetrainLevel kind, int top, double pull, boolean refit, String through) {
        return new WarmStart(file, sha256, parent, kind, top, pull, refit, through);
    }

    /** Whether the parent's fitted preprocessing (and target scaling) is kept. */
    public boolean keepsPreprocessing() {
        return !refitPreprocessing;
    }

    /** The parent's generation in its lineage: 0 for a model trained from scratch. */
    public int parentGeneration() {
        ModelMetadata.Provenance p = parent.metadata().provenance();
        return p == null || p.lineage() == null ? 0 : p.lineage().generation();
    }

    /**
     * Refuses a parent of another spec, or an ensemble (its averaged networks are not one network to
     * continue training).
     */
    public void check(ModelDefinition def) {
        ModelMetadata m = parent.metadata();
        if (!m.name().equals(def.name())) {
            throw new IllegalArgumentException("[kiln.warm-start-model] " + file + " holds model '" + m.name()
                    + "', not '" + def.name() + "'. Continue from a model of this spec.");
        }
        if (m.provenance() != null && m.provenance().ensemble() != null) {
            throw new IllegalArgumentException("[kiln.warm-start-ensemble] " + file + " is an ensemble (an average "
                    + "of " + m.provenance().ensemble().count() + " networks), which does not continue training as "
                    + "one network. Retrain it from scratch.");
        }
    }
}
