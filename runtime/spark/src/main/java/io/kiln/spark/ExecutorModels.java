package io.kiln.spark;

import io.kiln.runtime.KilnModel;
import io.kiln.runtime.internal.batch.FileScorer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The model file on an executor: the broadcast bytes written once per executor JVM to a temporary
 * file (the local scorer loads models from files), shared by every task of that JVM.
 */
final class ExecutorModels {
    private static final Map<String, Path> FILES = new ConcurrentHashMap<>();
    private static final Map<String, KilnModel> MODELS = new ConcurrentHashMap<>();

    private ExecutorModels() {}

    static Path file(byte[] model) {
        return FILES.computeIfAbsent(FileScorer.sha256(model), sha -> {
            try {
                Path f = Files.createTempFile("kiln-model-" + sha.substring(0, 12) + "-", ".kiln");
                f.toFile().deleteOnExit();
                Files.write(f, model);
                return f;
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot write the broadcast model to a temporary file", e);
            }
        });
    }

    /** The model itself, loaded once per executor JVM. */
    static KilnModel model(byte[] model) {
        return MODELS.computeIfAbsent(FileScorer.sha256(model), sha -> {
            try {
                return KilnModel.load(file(model));
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot load the broadcast model", e);
            }
        });
    }
}
