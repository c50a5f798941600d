package io.kiln.runtime.cli;

import io.kiln.runtime.KilnModel;
import io.kiln.runtime.ModelDefinition;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code summary} command: the layer table inferred at compile time, and a trained model's actual size. */
@Command(name = "summary", mixinStandardHelpOptions = true,
        description = "Print the layers with their output shapes and parameter counts, as inferred at compile time "
                + "(like Keras's model.summary()).")
final class SummaryCommand implements Callable<Integer> {
    private final ModelDefinition definition;
    private final PrintStream out;

    @Option(names = "--model", paramLabel = "FILE",
            description = "Also print a trained model's actual input width and parameter count.")
    Path model;

    SummaryCommand(ModelDefinition definition, PrintStream out) {
        this.definition = definition;
        this.out = out;
    }

    @Override
    public Integer call() throws IOException {
        out.print(definition.layerTable());
        if (model != null) {
            KilnModel m = KilnModel.load(model);
            out.printf(Locale.ROOT, "trained model %s: %d inputs, %,d params%n", model, m.metadata().numInputs(),
                    m.network().numParams());
            var p = m.metadata().provenance();
            if (p != null && p.ensemble() != null) {
                out.printf(Locale.ROOT, "ensemble: %s%n", p.ensemble().describe());
            }
            if (p != null && p.distillation() != null) {
                out.printf(Locale.ROOT, "distilled %s%n", p.distillation().describe());
            }
            var transfer = p == null ? null : p.transfer();
            if (transfer != null && m.network() instanceof io.kiln.runtime.Network.Layers layers) {
                long frozen = 0;
                for (org.deeplearning4j.nn.api.Layer l : layers.layers().getLayers()) {
                    if (transfer.frozen().contains(l.conf().getLayer().getLayerName())) {
                        frozen += l.numParams();
                    }
                }
                out.printf(Locale.ROOT, "transfer: %s%n", transfer.describe());
                out.printf(Locale.ROOT, "trainable params %,d, frozen%s %,d (%s)%n", m.network().numParams() - frozen,
                        "GRADUAL".equals(transfer.reuse()) ? " at first" : "", frozen,
                        transfer.frozen().isEmpty() ? "none" : String.join(", ", transfer.frozen()));
            }
        }
        return 0;
    }
}
