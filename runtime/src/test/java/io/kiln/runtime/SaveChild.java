package io.kiln.runtime;

import io.kiln.runtime.serve.ModelStore;
import java.nio.file.Path;

/**
 * Saves and publishes in a loop in its own JVM, for {@link FaultInjectionTest} to kill at random
 * points: trains a small model once, then saves it with its reports and publishes it into a store,
 * over and over, printing {@code saved N} after each round.
 *
 * <p>Arguments: training CSV, model file, store folder.
 */
public final class SaveChild {
    private SaveChild() {}

    public static void main(String[] args) throws Exception {
        TrainingResult r = Trainer.train(ServingFixtures.definition(Path.of(args[0]), 1, 2),
                TrainOptions.defaults().quiet().references(false));
        Path model = Path.of(args[1]);
        ModelStore store = new ModelStore(Path.of(args[2]));
        for (int n = 1; ; n++) {
            r.save(model);
            store.publish(model);
            System.out.println("saved " + n);
            System.out.flush();
        }
    }
}
