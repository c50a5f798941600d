package io.kiln.examples.device;

import io.kiln.examples.iris.IrisPredictor;
import java.nio.file.Path;
import java.util.List;

/**
 * A plain Java program that uses a trained model with nothing but the model file, the generated
 * predictor and the Kiln runtime (no spec, no training data, no annotation processor): prints the
 * predicted class index and probabilities of a few flowers, one line each.
 */
public final class OnDevice {
    private OnDevice() {}

    public static void main(String[] args) throws Exception {
        IrisPredictor predictor = IrisPredictor.load(Path.of(args[0]));
        List<IrisPredictor.Input> flowers = List.of(new IrisPredictor.Input(5.1, 3.5, 1.4, 0.2),
                new IrisPredictor.Input(6.4, 3.2, 4.5, 1.5), new IrisPredictor.Input(6.3, 3.3, 6.0, 2.5));
        for (IrisPredictor.Prediction p : predictor.predict(flowers)) {
            System.out.println(p.species() + " " + p.probabilities());
        }
    }
}
