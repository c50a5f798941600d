package io.kiln.runtime.cli;

import static io.kiln.runtime.cli.KilnCli.defaultModelFile;
import static io.kiln.runtime.cli.KilnCli.read;

import io.kiln.runtime.CsvSource;
import io.kiln.runtime.FeatureSchema;
import io.kiln.runtime.KilnModel;
import io.kiln.runtime.ModelDefinition;
import io.kiln.runtime.Predictions;
import io.kiln.runtime.internal.data.LabeledData;
import io.kiln.runtime.internal.inference.PredictionCsv;
import io.kiln.runtime.internal.preprocess.FeatureTransform;
import io.kiln.dsl.Missing;
import io.kiln.runtime.internal.inference.TextBuffer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The {@code predict} command: rows of a CSV file (streamed through {@link PredictFile} when it can), or one sample of NAME=VALUE pairs. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Predict with a saved model: rows of a CSV file (--input), or one sample given as NAME=VALUE pairs.")
final class PredictCommand implements Callable<Integer> {
    private final ModelDefinition definition;
    private final PrintStream out;

    @Option(names = "--model", paramLabel = "FILE", description = "The model file (default: models/<name>.kiln).")
    Path model;

    @Option(names = "--input", paramLabel = "FILE", description = "CSV with the feature columns (a label column is ignored).")
    Path input;

    @Option(names = "--output", paramLabel = "FILE", description = "Write predictions here instead of standard output.")
    Path output;

    @Parameters(paramLabel = "NAME=VALUE", description = "Feature values of one sample; omitted features are filled as missing values (with a notice).")
    List<String> values = new ArrayList<>();

    private final PrintStream err;

    PredictCommand(ModelDefinition definition, PrintStream out, PrintStream err) {
        this.definition = definition;
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() throws IOException {
        if (input != null && !Files.isDirectory(input) && PredictFile.streams(definition, input)) {
            // chunk by chunk through the batch scorer: bounded memory whatever the file's size
            return PredictFile.predict(definition, model != null ? model : defaultModelFile(definition), input,
                    output, out);
        }
        KilnModel m = KilnModel.load(model != null ? model : defaultModelFile(definition));
        ModelDefinition definition = this.definition.resolvedFor(m); // the columns it was trained on
        List<FeatureSchema> features = definition.features();
        m.requireFeatures(features.stream().map(FeatureSchema::name).toList());
        List<Object[]> rows;
        long[] lines;
        if (input != null) {
            CsvSource source = definition.data() != null ? definition.data().withFile(input) : CsvSource.file(input);
            LabeledData data = read(source, definition, false);
            rows = data.features();
            lines = data.lines();
        } else if (!values.isEmpty()) {
            Object[] row = parsePairs(features, values);
            reportOmitted(features, row, m);
            rows = List.<Object[]>of(row);
            lines = new long[] {0};
        } else {
            throw new IllegalArgumentException("Give --input FILE or NAME=VALUE pairs");
        }
        Predictions p = m.predict(rows);
        PredictionCsv format = new PredictionCsv(definition, m);
        TextBuffer csv = new TextBuffer().append(format.headerLine());
        format.appendRows(csv, p, lines);
        if (output != null) {
            try {
                Files.write(output, csv.toByteArray());
            } catch (IOException e) {
                throw new IOException("Cannot write the predictions to " + output.toAbsolutePath() + ": "
                        + CsvSource.reason(e), e);
            }
            out.println("wrote " + p.size() + " predictions to " + output);
        } else {
            out.print(csv);
        }
        return 0;
    }

    /**
     * Says which features were not given and how the model fills them (on standard error), or refuses
     * if one of them is declared {@code missing = ERROR}.
     */
    private void reportOmitted(List<FeatureSchema> features, Object[] row, KilnModel m) {
        List<String> refused = new ArrayList<>();
        List<String> filled = new ArrayList<>();
        for (int i = 0; i < features.size(); i++) {
            if (row[i] != null) {
                continue;
            }
            String name = features.get(i).name();
            FeatureTransform t = m.preprocessor().transforms().stream().filter(x -> x.name().equals(name)).findFirst()
                    .orElse(null);
            if (t == null) {
                filled.add(name);
            } else if (t.missing() == Missing.ERROR) {
                refused.add(name);
            } else {
                filled.add(name + " (" + fill(t) + ")");
            }
        }
        if (!refused.isEmpty()) {
            throw new IllegalArgumentException((refused.size() == 1 ? "'" + refused.get(0) + "' not given"
                    : "features not given: " + String.join(", ", refused))
                    + "; the model declares missing = ERROR for " + (refused.size() == 1 ? "it" : "them") + ". Give "
                    + String.join(" ", refused.stream().map(n -> n + "=VALUE").toList()) + ".");
        }
        if (!filled.isEmpty()) {
            err.println("note: " + filled.size() + " of " + features.size() + " features not given, filled as missing"
                    + " values the way the model fills them: " + String.join(", ", filled.subList(0,
                            Math.min(filled.size(), SHOWN))) + (filled.size() > SHOWN ? ", and "
                                    + (filled.size() - SHOWN) + " more" : ""));
        }
    }

    /** The omitted features the notice names; the others are counted. */
    private static final int SHOWN = 10;

    /** How a missing value of this feature is filled, as the notice shows it. */
    private static String fill(FeatureTransform t) {
        return switch (t.missing()) {
            case MEAN -> "mean " + number(t.fillNumber());
            case MEDIAN -> "median " + number(t.fillNumber());
            case MISSING_CATEGORY -> "the missing level";
            default -> t.kind() == io.kiln.runtime.FeatureKind.NUMERIC || t.fillLevel() == null
                    ? t.missing().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + " " + number(t.fillNumber())
                    : t.missing().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + " \"" + t.fillLevel() + "\"";
        };
    }

    private static String number(double x) {
        return String.format(java.util.Locale.ROOT, "%.4g", x);
    }

    private static Object[] parsePairs(List<FeatureSchema> features, List<String> pairs) {
        Object[] row = new Object[features.size()];
        for (String pair : pairs) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("'" + pair + "' is not NAME=VALUE");
            }
            String name = pair.substring(0, eq);
            int f = -1;
            for (int i = 0; i < features.size(); i++) {
                if (features.get(i).name().equals(name) || features.get(i).column().equals(name)) {
                    f = i;
                }
            }
            if (f < 0) {
                List<String> inGroup = features.stream().filter(x -> name.equals(x.group()))
                        .map(FeatureSchema::name).toList();
                if (!inGroup.isEmpty()) {
                    throw new IllegalArgumentException("'" + name + "' is a group of " + inGroup.size()
                            + " columns (@Features); give its columns by name, e.g. " + inGroup.get(0) + "=VALUE");
                }
                throw new IllegalArgumentException("Unknown feature '" + name + "'; the model has "
                        + io.kiln.runtime.internal.data.LabeledData.showHeader(
                                features.stream().map(FeatureSchema::name).toList()));
            }
            String value = pair.substring(eq + 1);
            try {
                row[f] = LabeledData.parseFeature(features.get(f), value.isEmpty() ? null : value);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'" + name + "': " + e.getMessage());
            }
        }
        return row;
    }
}
