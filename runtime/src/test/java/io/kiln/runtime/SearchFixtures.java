package io.kiln.runtime;

import io.kiln.dsl.SearchStrategy;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * A search space over iris as the generated {@code <Spec>Search} would build it: the hidden layer's units
 * and Adam's learning rate, every combination a configuration (the declared one, 16 units at 0.01, first).
 */
public final class SearchFixtures {
    static final int[] UNITS = {16, 2, 32};
    static final double[] RATES = {0.01, 0.001};

    private SearchFixtures() {}

    /** The iris table as a CSV file: the 4 features and the class index, with a header. */
    public static java.nio.file.Path irisCsv(java.nio.file.Path file) throws java.io.IOException {
        List<String> lines = new ArrayList<>(List.of(LearnerFixtures.HEADER));
        for (String[] r : TrainingFixtures.irisRows()) {
            lines.add(String.join(",", r));
        }
        return TrainingFixtures.write(file, lines);
    }

    static ModelDefinition iris(CsvSource data, EvaluationProtocol protocol, int units, double rate, int epochs) {
        return TrainingFixtures.iris(new Adam(rate), data, io.kiln.dsl.Scaling.STANDARDIZE)
                .protocol(protocol)
                .fit(new FitSettings(epochs, 16, 3))
                .network((n, seed) -> TrainingFixtures.mlp(n, seed, new Adam(rate), units, 3, Activation.SOFTMAX,
                        LossFunctions.LossFunction.MCXENT))
                .build();
    }

    /** The space: 6 configurations, all of them trials, one-value changes of each for the ablation. */
    public static SearchSpace space(CsvSource data, EvaluationProtocol protocol, SearchStrategy strategy, int epochs,
            int ablationSeeds) {
        return space(data, protocol, strategy, epochs, ablationSeeds, null);
    }

    /** The space scored by {@code metric} (null: accuracy). */
    public static SearchSpace space(CsvSource data, EvaluationProtocol protocol, SearchStrategy strategy, int epochs,
            int ablationSeeds, String metric) {
        SearchSpace.Builder b = SearchSpace.builder(iris(data, protocol, 16, 0.01, epochs), strategy, 1, 3, 3,
                ablationSeeds).metric(metric).parameter("hidden.units", true, false).parameter("Adam.learningRate", true, true);
        List<int[]> ids = new ArrayList<>();
        int id = 0;
        for (int u = 0; u < UNITS.length; u++) {
            for (int r = 0; r < RATES.length; r++) {
                int units = UNITS[u];
                double rate = RATES[r];
                String changes = (units == 16 ? "" : "hidden: @Dense(units = " + units + ")\n")
                        + (rate == 0.01 ? "" : "class: @Adam(learningRate = " + rate + ")\n");
                b.configuration(id, List.of(Integer.toString(units), Double.toString(rate)), changes,
                        () -> iris(data, protocol, units, rate, epochs));
                ids.add(new int[] {u, r, id});
                b.trials(id);
                id++;
            }
        }
        // each configuration with one value back to the declared one (or to the next candidate)
        for (int[] t : ids) {
            int otherUnits = t[0] != 0 ? 0 : 1;
            int otherRate = t[1] != 0 ? 0 : 1;
            b.ablation(t[2], 0, otherUnits * RATES.length + t[1]);
            b.ablation(t[2], 1, t[0] * RATES.length + otherRate);
        }
        return b.build();
    }
}
