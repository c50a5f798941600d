package io.kiln.runtime;

import io.kiln.dsl.RetrainData;
import io.kiln.dsl.RetrainLevel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.nd4j.linalg.learning.config.Adam;

/**
 * A stream of labelled iris batches for continuous learning: the real rows, shuffled, cut into batches;
 * a concept shift swaps two species' labels (setosa and virginica), a covariate shift moves the petal
 * lengths.
 */
public final class LearnerFixtures {
    public static final String HEADER = String.join(",", TrainingFixtures.IRIS_FEATURES) + ",label";

    private LearnerFixtures() {}

    /** Iris, 4 features, 16 ReLU units, 60 epochs: the first champion trains on all 150 declared rows. */
    public static ModelDefinition iris() {
        return TrainingFixtures.iris(new Adam(0.01)).fit(new FitSettings(60, 16, 3)).build();
    }

    /** The iris rows shuffled by {@code seed}, {@code count} of them (cycling through the 150). */
    public static List<String[]> rows(long seed, int count) {
        List<String[]> all = new ArrayList<>(TrainingFixtures.irisRows());
        List<String[]> out = new ArrayList<>();
        Random r = new Random(seed);
        while (out.size() < count) {
            Collections.shuffle(all, r);
            for (String[] row : all) {
                if (out.size() < count) {
                    out.add(row.clone());
                }
            }
        }
        return out;
    }

    /** The concept shift: setosa (0) and virginica (2) trade labels. */
    public static String[] swapped(String[] row) {
        String[] r = row.clone();
        r[4] = r[4].equals("0") ? "2" : r[4].equals("2") ? "0" : r[4];
        return r;
    }

    /** The covariate shift: petal length + 3 cm. */
    public static String[] longer(String[] row) {
        String[] r = row.clone();
        r[2] = Double.toString(Double.parseDouble(r[2]) + 3);
        return r;
    }

    /** Writes a batch file into the inbox as a complete file (written aside, then renamed). */
    public static Path batch(Path inbox, String name, List<String[]> rows, UnaryOperator<String[]> change)
            throws IOException {
        List<String> lines = new ArrayList<>(List.of(HEADER));
        for (String[] r : rows) {
            lines.add(String.join(",", change.apply(r)));
        }
        Files.createDirectories(inbox);
        Path part = inbox.resolve("." + name);
        Files.write(part, lines);
        return Files.move(part, inbox.resolve(name));
    }

    /** Fine-tuning every {@code every} rows on the rows since the last retraining, judged on the last 30. */
    public static RetrainPolicy fineTuneEvery(int every, int epochs) {
        return RetrainPolicy.never().withTriggers(every, 0, 0).withData(RetrainData.NEW, 0, 0, 0)
                .withLevel(RetrainLevel.FINE_TUNE, 0, 0).withEpochs(epochs).withAcceptance(30, 0);
    }
}
