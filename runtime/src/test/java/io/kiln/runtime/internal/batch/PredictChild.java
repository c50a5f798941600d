package io.kiln.runtime.internal.batch;

import io.kiln.runtime.cli.KilnCli;
import java.nio.file.Path;

/**
 * {@code predict} in its own JVM with a small heap, for {@link PredictMemoryTest}: runs the CLI of
 * the species definition with the remaining arguments and exits with its code.
 *
 * <p>Arguments: training CSV (the data format), then the CLI's arguments.
 */
public final class PredictChild {
    private PredictChild() {}

    public static void main(String[] args) throws Exception {
        String[] cli = java.util.Arrays.copyOfRange(args, 1, args.length);
        System.exit(KilnCli.run(BatchFixtures.species(Path.of(args[0])), cli));
    }
}
