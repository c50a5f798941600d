package io.kiln.runtime.internal.transfer;

import java.io.IOException;
import java.nio.file.Path;
import org.deeplearning4j.nn.modelimport.keras.KerasModelImport;
import org.deeplearning4j.nn.modelimport.keras.exceptions.InvalidKerasConfigurationException;
import org.deeplearning4j.nn.modelimport.keras.exceptions.UnsupportedKerasConfigurationException;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/** A Keras 2 {@code Sequential} model saved as HDF5, imported by Deeplearning4j's Keras import. */
final class KerasSource {
    private KerasSource() {}

    static MultiLayerNetwork importSequential(Path file) throws IOException {
        try {
            // the training configuration (loss, optimizer) is the target spec's, so Keras's is not enforced
            return KerasModelImport.importKerasSequentialModelAndWeights(file.toString(), false);
        } catch (InvalidKerasConfigurationException | UnsupportedKerasConfigurationException e) {
            throw new IllegalArgumentException("[kiln.transfer-keras] " + file + " could not be imported as a Keras 2 "
                    + "Sequential model: " + e.getMessage() + ". Save a Sequential model with Keras 2 "
                    + "(model.save(\"m.h5\")), with layers Deeplearning4j imports.", e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("[kiln.transfer-keras] " + file + " is not a readable Keras 2 HDF5 "
                    + "model: " + e.getMessage() + ". Give a file that Keras 2's model.save(\"m.h5\") wrote.", e);
        }
    }
}
