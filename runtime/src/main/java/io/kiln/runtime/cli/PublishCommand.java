package io.kiln.runtime.cli;

import io.kiln.runtime.ModelDefinition;
import io.kiln.runtime.serve.ModelStore;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code publish}: copies a trained model into a model store as its next version. */
@Command(name = "publish", mixinStandardHelpOptions = true,
        description = "Copy a trained model into a model store as the next version; a server on the store loads it "
                + "without a restart.")
public final class PublishCommand implements Callable<Integer> {
    private final ModelDefinition definition;
    private final PrintStream out;

    @Option(names = "--model", paramLabel = "FILE", description = "The model file (default: models/<name>.kiln).")
    Path model;

    @Option(names = "--store", paramLabel = "DIR", required = true, description = "The store folder.")
    Path store;

    public PublishCommand(ModelDefinition definition, PrintStream out) {
        this.definition = definition;
        this.out = out;
    }

    @Override
    public Integer call() throws IOException {
        Path file = model != null ? model : KilnCli.defaultModelFile(definition);
        ModelStore.Published p = new ModelStore(store).publish(file);
        out.println("published " + file + " as " + p.model() + " version " + p.version() + " (" + p.file() + ")");
        return 0;
    }
}
