package io.kiln.examples;

import static com.google.common.truth.Truth.assertThat;

import io.kiln.examples.fashion.FashionCnnPredictor;
import io.kiln.examples.fashion.FashionCnnTrainer;
import io.kiln.runtime.Predictions;
import io.kiln.runtime.Trainer;
import io.kiln.runtime.TrainOptions;
import io.kiln.runtime.TrainingResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fashion-MNIST from Debian's IDX files: the official split is read as declared, and the CNN,
 * trained here on a sample of the training images (the full run is a benchmark, see
 * docs/benchmarks.md), is tested on all 10,000 official test images.
 */
class FashionTest {
    static final int SAMPLE = 4000;

    @TempDir Path dir;

    @Test
    void theCnnLearnsClothingFromASampleAndIsTestedOnTheOfficialTestImages() throws Exception {
        TrainOptions options = TrainOptions.defaults().quiet().sample(SAMPLE).epochs(3).batchSize(32);
        Trainer.Prepared p = Trainer.prepare(FashionCnnTrainer.DEFINITION, options);
        // 60,000 training images (6,000 of them for validation) and the 10,000 official test images after them
        assertThat(p.data().size()).isEqualTo(70_000);
        assertThat(p.split().test()).hasLength(10_000);
        assertThat(Arrays.stream(p.split().test()).min().getAsInt()).isEqualTo(60_000);
        assertThat(p.split().validation()).hasLength(6_000);
        assertThat(p.split().train()).hasLength(SAMPLE);
        // the test set is balanced: 1,000 images of each of the ten kinds
        int[] perClass = new int[10];
        Arrays.stream(p.split().test()).forEach(i -> perClass[p.data().classes()[i]]++);
        assertThat(Arrays.stream(perClass).boxed().toList()).containsExactly(1000, 1000, 1000, 1000, 1000, 1000,
                1000, 1000, 1000, 1000);

        TrainingResult result = Trainer.train(FashionCnnTrainer.DEFINITION, p, options);
        // the majority class of a balanced test set scores 0.10; on this sample the CNN measured 0.8x
        assertThat(result.baselineMetrics().get("accuracy")).isWithin(0.001).of(0.1);
        assertThat(result.metrics().get("accuracy")).isAtLeast(0.78);
        assertThat(result.model().metadata().provenance().trainRows()).isEqualTo(SAMPLE);

        // the typed predictor takes an image's pixels and agrees with the model on the test images
        Path file = dir.resolve("fashion.kiln");
        result.model().save(file);
        FashionCnnPredictor predictor = FashionCnnPredictor.load(file);
        int[] test = Arrays.copyOf(p.split().test(), 200);
        List<FashionCnnPredictor.Input> images = new ArrayList<>();
        List<Object[]> rows = new ArrayList<>();
        for (int i : test) {
            Object[] row = p.data().features().get(i);
            rows.add(row);
            images.add(new FashionCnnPredictor.Input(Arrays.stream(row).mapToDouble(v -> (Double) v).toArray()));
        }
        List<FashionCnnPredictor.Prediction> typed = predictor.predict(images);
        Predictions direct = result.model().predict(rows);
        int correct = 0;
        for (int k = 0; k < test.length; k++) {
            assertThat(typed.get(k).item()).isEqualTo(direct.classIndex(k));
            correct += typed.get(k).item() == p.data().classes()[test[k]] ? 1 : 0;
        }
        assertThat(correct).isAtLeast(150);
        assertThat(typed.get(0).probabilities().keySet()).containsExactly("T-shirt/top", "Trouser", "Pullover",
                "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot").inOrder();
    }
}
