package io.kiln.runtime.internal.inference;

import io.kiln.runtime.KilnModel;
import io.kiln.runtime.ModelDefinition;
import io.kiln.runtime.Predictions;

import io.kiln.dsl.Task;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The CSV that the {@code predict} and {@code score} commands write: a header, then one line per
 * input row with the row's line in the input, the prediction and the probabilities or values.
 *
 * <pre>
 * line,species,p_setosa,p_versicolor,p_virginica      classification: the class (multilabel: the labels
 * 2,setosa,0.981234,0.018000,0.000766                 that apply, joined by ';'), then p_&lt;class&gt; per class
 * line,progression                                     regression: the value (one column per target
 * 2,152.133701                                         when the label has several columns)
 * </pre>
 *
 * Numbers have six decimals, exactly as {@code String.format(Locale.ROOT, "%.6f", v)} writes them
 * ({@link TextBuffer#appendFixed6}, without {@code String.format}'s cost: batch scoring writes
 * millions).
 */
public final class PredictionCsv {
    private final Task task;
    private final List<String> header;
    /** Each class name as a CSV field, UTF-8. */
    private final byte[][] classFields;
    private final List<String> classes;

    /** The columns for predictions of {@code model}, named after the label of {@code definition}. */
    public PredictionCsv(ModelDefinition definition, KilnModel model) {
        this.task = definition.task();
        this.classes = model.metadata().label().classes();
        List<String> h = new ArrayList<>();
        h.add("line");
        h.add(definition.label().name());
        if (task.isClassification()) {
            classes.forEach(c -> h.add("p_" + c));
        } else if (definition.label().columns().size() > 1) {
            h.remove(1);
            h.addAll(definition.label().columns());
        }
        this.header = List.copyOf(h);
        this.classFields = classes.stream().map(c -> field(c).getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
    }

    /** The column names. */
    public List<String> columns() {
        return header;
    }

    /** The header line, with its line break. */
    public String headerLine() {
        return String.join(",", header.stream().map(PredictionCsv::field).toList()) + "\n";
    }

    /**
     * Appends a line per prediction of {@code p}, row {@code i} read from input line {@code
     * lines[i]}, each with its line break. (One small method for the hot loop of batch scoring,
     * compiled on its own rather than within its caller's loop.)
     */
    public void appendRows(TextBuffer csv, Predictions p, long[] lines) {
        for (int i = 0; i < p.size(); i++) {
            appendRow(csv, p, i, lines[i]);
        }
    }

    /** Appends the line of prediction {@code row}, read from input line {@code line}, with its line break. */
    private void appendRow(TextBuffer csv, Predictions p, int row, long line) {
        csv.append(line);
        if (task.isClassification()) {
            csv.append(',');
            if (task == Task.MULTILABEL_CLASSIFICATION) {
                csv.append(field(multilabel(p.labels(row))));
            } else {
                csv.append(classFields[p.classIndex(row)]);
            }
            for (int j = 0; j < classes.size(); j++) {
                csv.append(',').appendFixed6(p.probability(row, j));
            }
        } else {
            for (int j = 0; j < p.outputWidth(); j++) {
                csv.append(',').appendFixed6(p.output(row, j));
            }
        }
        csv.append('\n');
    }

    private String multilabel(boolean[] on) {
        List<String> names = new ArrayList<>();
        for (int j = 0; j < on.length; j++) {
            if (on[j]) {
                names.add(classes.get(j));
            }
        }
        return String.join(";", names);
    }

    /** A CSV field, quoted when it holds a delimiter, quote or line break (RFC 4180). */
    public static String field(String value) {
        if (value.contains(",") || value.contains("\"") || value.contains("\n") || value.contains("\r")) {
            return "\"" + value.replace("\"", "\"\"") + "\"";
        }
        return value;
    }
}
