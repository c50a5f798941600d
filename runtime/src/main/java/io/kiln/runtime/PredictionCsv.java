package io.kiln.runtime;

import io.kiln.dsl.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

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
 * (computed without {@code String.format} for the common values: batch scoring writes millions).
 */
public final class PredictionCsv {
    private final Task task;
    private final List<String> header;
    /** Each class name as a CSV field. */
    private final String[] classFields;
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
        this.classFields = classes.stream().map(PredictionCsv::field).toArray(String[]::new);
    }

    /** The column names. */
    public List<String> columns() {
        return header;
    }

    /** The header line, with its line break. */
    public String headerLine() {
        return String.join(",", header.stream().map(PredictionCsv::field).toList()) + "\n";
    }

    /** Appends the line of prediction {@code row}, read from input line {@code line}, with its line break. */
    public void appendRow(StringBuilder csv, Predictions p, int row, long line) {
        csv.append(line);
        if (task.isClassification()) {
            csv.append(',');
            if (task == Task.MULTILABEL_CLASSIFICATION) {
                csv.append(field(multilabel(p.labels(row))));
            } else {
                csv.append(classFields[p.classIndex(row)]);
            }
            for (int j = 0; j < classes.size(); j++) {
                csv.append(',');
                appendFixed6(csv, p.probability(row, j));
            }
        } else {
            for (int j = 0; j < p.outputWidth(); j++) {
                csv.append(',');
                appendFixed6(csv, p.output(row, j));
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

    /** Below this magnitude, {@code v * 1e6} is exact enough to round without {@code String.format}. */
    private static final double FAST_LIMIT = 1e6;
    /** How close to a rounding tie (in millionths) a value must be to take the exact path. */
    private static final double TIE_MARGIN = 1e-3;

    /**
     * Appends {@code v} as {@code String.format(Locale.ROOT, "%.6f", v)} would. That rounds half up
     * the shortest decimal that identifies {@code v}; away from a tie, rounding {@code v * 1e6} to
     * the nearest integer gives the same digits, so only values near a tie (or large, or not
     * finite) go through {@code String.format}.
     */
    static void appendFixed6(StringBuilder sb, double v) {
        double a = Math.abs(v);
        if (!(a < FAST_LIMIT)) { // also NaN
            sb.append(String.format(Locale.ROOT, "%.6f", v));
            return;
        }
        double scaled = a * 1e6;
        long units = (long) scaled;
        double fraction = scaled - units;
        if (Math.abs(fraction - 0.5) < TIE_MARGIN) {
            sb.append(String.format(Locale.ROOT, "%.6f", v));
            return;
        }
        if (fraction > 0.5) {
            units++;
        }
        if (Double.compare(v, 0.0) < 0) { // like Formatter: -0.0 and tiny negatives keep their sign
            sb.append('-');
        }
        sb.append(units / 1_000_000).append('.');
        long decimals = units % 1_000_000;
        for (long d = 100_000; d > 1 && decimals < d; d /= 10) {
            sb.append('0');
        }
        sb.append(decimals);
    }
}
