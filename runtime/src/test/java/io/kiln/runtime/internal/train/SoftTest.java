package io.kiln.runtime.internal.train;

import static com.google.common.truth.Truth.assertThat;

import io.kiln.dsl.Task;
import io.kiln.runtime.FitSettings;
import io.kiln.runtime.KilnModel;
import io.kiln.runtime.ModelDefinition;
import io.kiln.runtime.Trainer;
import io.kiln.runtime.TrainingFixtures;
import io.kiln.runtime.internal.data.LabeledData;
import io.kiln.runtime.internal.preprocess.Preprocessor;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Adam;

/** The teacher's soft targets: softened probabilities, and the student's inputs in the teacher's encoding. */
class SoftTest {

    @Test
    void theStudentsEncodingBecomesTheTeachersPixelByPixel() throws Exception {
        ModelDefinition def = TrainingFixtures.iris(new Adam(0.01)).fit(new FitSettings(1, 16, 1)).build();
        KilnModel teacher = Trainer.train(def, TrainingFixtures.quiet()).model(); // scaled on its training rows
        Trainer.Prepared p = Trainer.prepare(def, TrainingFixtures.quiet());
        LabeledData data = p.data();
        // the student scales on other rows: the first 40 only
        Preprocessor student = Preprocessor.fit(def.features(), data.features(), IntStream.range(0, 40).toArray());
        assertThat(student.transforms().get(0).center()).isNotWithin(1e-3)
                .of(teacher.preprocessor().transforms().get(0).center());
        int[] rows = {0, 17, 60, 99, 149};
        INDArray converted = new Soft(new double[0][], teacher, 2, 0.5).toTeacher(student)
                .apply(student.matrix(data, rows));
        INDArray expected = teacher.preprocessor().matrix(data, rows);
        assertThat(converted.sub(expected).amaxNumber().doubleValue()).isLessThan(1e-5);
    }

    @Test
    void probabilitiesAreSoftenedAtTheTemperature() {
        Soft soft = new Soft(new double[0][], null, 2, 0.5);
        double[][] p = {{0.7, 0.2, 0.1}};
        INDArray q = soft.targets(p, Task.MULTICLASS_CLASSIFICATION, null, null);
        // softmax(log p / 2) ∝ sqrt(p)
        double norm = Math.sqrt(0.7) + Math.sqrt(0.2) + Math.sqrt(0.1);
        assertThat(q.getDouble(0, 0)).isWithin(1e-6).of(Math.sqrt(0.7) / norm);
        assertThat(q.getDouble(0, 2)).isWithin(1e-6).of(Math.sqrt(0.1) / norm);
        // a sigmoid unit: sigmoid(logit(p) / 2)
        INDArray b = soft.targets(new double[][] {{0.9}}, Task.BINARY_CLASSIFICATION, null, null);
        assertThat(b.getDouble(0, 0)).isWithin(1e-6).of(1 / (1 + Math.exp(-Math.log(9) / 2)));
        // regression: the teacher's value in the student's target scaling
        INDArray v = soft.targets(new double[][] {{7.0}}, Task.SCALAR_REGRESSION, new double[] {5}, new double[] {2});
        assertThat(v.getDouble(0, 0)).isWithin(1e-6).of(1.0);
    }
}
