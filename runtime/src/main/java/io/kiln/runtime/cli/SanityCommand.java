package io.kiln.runtime.cli;

import io.kiln.runtime.ModelDefinition;
import io.kiln.runtime.TrainOptions;
import io.kiln.runtime.Trainer;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code sanity} command: can the model overfit a few training rows? */
@Command(name = "sanity", mixinStandardHelpOptions = true,
        description = "Check that the model can overfit a few training rows (if it cannot, it cannot learn).")
final class SanityCommand implements Callable<Integer> {
    private final ModelDefinition definition;
    private final PrintStream out;

    @Option(names = "--data", paramLabel = "FILE", description = "CSV to use instead of the declared data.")
    Path data;

    @Option(names = "--rows", paramLabel = "N", defaultValue = "32", description = "Training rows to fit (default: ${DEFAULT-VALUE}).")
    int rows;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "300", description = "Epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    SanityCommand(ModelDefinition definition, PrintStream out) {
        this.definition = definition;
        this.out = out;
    }

    @Override
    public Integer call() {
        if (rows <= 0 || epochs <= 0) {
            throw new IllegalArgumentException("--rows and --epochs must be positive");
        }
        Trainer.Sanity s = Trainer.sanity(definition, new TrainOptions(data, null, null, null, null, false), rows,
                epochs);
        out.println(s.describe());
        return s.passed() ? 0 : 1;
    }
}
