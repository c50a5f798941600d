package io.kiln.examples;

import static com.google.common.truth.Truth.assertThat;

import io.kiln.runtime.KilnModel;
import io.kiln.runtime.Predictions;
import java.util.Arrays;

/** Hand-made 8×8 digit images (the 64 pixel features of the digits specs, 0 to 16) and a check of a saved model on them. */
final class DigitImages {
    private DigitImages() {}

    /** A blank image. */
    static Object[] blank() {
        Object[] zeros = new Object[64];
        Arrays.fill(zeros, 0.0);
        return zeros;
    }

    /** A vertical stroke: a one. */
    static Object[] stroke() {
        Object[] row = blank();
        for (int i = 2; i < 62; i += 8) {
            row[i + 2] = 16.0;
            row[i + 3] = 16.0;
        }
        return row;
    }

    /**
     * Asserts that {@code loaded} (a saved and loaded copy of {@code trained}) predicts the same
     * class and probabilities (within 1e-6) for {@code rows}; returns {@code trained}'s predictions.
     */
    static Predictions assertSamePredictions(KilnModel trained, KilnModel loaded, Object[]... rows) {
        Predictions before = trained.predict(rows);
        Predictions after = loaded.predict(rows);
        for (int i = 0; i < rows.length; i++) {
            assertThat(after.className(i)).isEqualTo(before.className(i));
            assertThat(after.output(i)).usingTolerance(1e-6).containsExactly(before.output(i)).inOrder();
        }
        return before;
    }
}
