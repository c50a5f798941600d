package io.kiln.runtime.internal.train;

import io.kiln.runtime.FitSettings;
import io.kiln.runtime.cli.KilnCli;
import java.nio.file.Path;

/**
 * {@code train} in its own JVM with a small heap, for {@link StreamingMemoryTest}: runs the CLI of
 * the digits definition of {@link StreamingTest} over the given file (2 epochs of 64 rows) with
 * the remaining arguments, and exits with its code.
 */
public final class StreamChild {
    private StreamChild() {}

    public static void main(String[] args) throws Exception {
        String[] cli = java.util.Arrays.copyOfRange(args, 1, args.length);
        System.exit(KilnCli.run(StreamingTest.digits(Path.of(args[0])).fit(new FitSettings(2, 64, 7)).build(), cli));
    }
}
