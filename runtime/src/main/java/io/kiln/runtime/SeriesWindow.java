package io.kiln.runtime;

import io.kiln.runtime.internal.data.CsvTable;
import io.kiln.runtime.internal.data.TemporalKeys;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * <b>Public API</b>. Windows over one ordered series ({@code @Series}): each sample is {@code window} consecutive
 * rows of every declared feature, and its target is the label {@code horizon} rows after the
 * window's last one.
 *
 * <p>A window is a flat row of inputs named {@code feature[t-k]} ({@code k} steps before the last
 * step, {@code feature[t]}), feature by feature, oldest step first; {@link SequenceInput} turns such
 * rows back into the {@code [batch, features, steps]} sequences DL4J's recurrent and 1-D layers
 * take. The rest of Kiln (preprocessing, the model file's schema, serving, batch scoring, drift)
 * sees the flat inputs.
 *
 * @param window time steps per sample, positive
 * @param horizon steps from the window's last row to the target row, positive
 */
public record SeriesWindow(int window, int horizon) {

    public SeriesWindow {
        if (window < 1 || horizon < 1) {
            throw new IllegalArgumentException("[kiln.series-window] window and horizon must be positive, were " + window + " and "
                    + horizon);
        }
    }

    /** The input name of {@code feature} {@code stepsBeforeLast} steps before the window's last step. */
    public static String stepName(String feature, int stepsBeforeLast) {
        return stepsBeforeLast == 0 ? feature + "[t]" : feature + "[t-" + stepsBeforeLast + "]";
    }

    /** The names of the flat inputs of {@code features}: each feature's steps, oldest first. */
    public List<String> names(List<String> features) {
        List<String> names = new ArrayList<>(features.size() * window);
        for (String f : features) {
            for (int k = window - 1; k >= 0; k--) {
                names.add(stepName(f, k));
            }
        }
        return List.copyOf(names);
    }

    /** The flat inputs of the declared features: each feature's steps, oldest first. */
    public List<FeatureSchema> expand(List<FeatureSchema> declared) {
        List<FeatureSchema> steps = new ArrayList<>(declared.size() * window);
        for (FeatureSchema f : declared) {
            if (f.kind() != FeatureKind.NUMERIC) {
                throw new IllegalArgumentException("Series feature '" + f.name() + "' must be numeric, is " + f.kind());
            }
            for (int k = window - 1; k >= 0; k--) {
                steps.add(FeatureSchema.numeric(stepName(f.name(), k), stepName(f.column(), k), f.scaling(),
                        f.missing(), f.constant()));
            }
        }
        return steps;
    }

    /**
     * The table of windows over {@code table}'s rows ordered by {@code orderBy} (a stable sort; ties
     * keep file order): columns {@code orderBy} (the target row's value, so a temporal split orders
     * samples by the time they predict), every step of every declared feature, then the label
     * columns (the target row's cells). Each window row keeps its target row's line number.
     */
    CsvTable apply(CsvTable table, String orderBy, List<FeatureSchema> declared, LabelSchema label) {
        return windows(table, orderBy, declared, label);
    }

    /**
     * The windows to forecast from: every window over {@code table}'s rows ordered by {@code orderBy}
     * (a stable sort), the last ones too, whose targets lie beyond the data. Columns {@code orderBy}
     * (the window's last row's value) and every step of every declared feature; each window row
     * keeps the line of its last row, the latest value the forecast reads. {@code score} streams
     * the same windows over a file in time order.
     */
    CsvTable forecasts(CsvTable table, String orderBy, List<FeatureSchema> declared) {
        return windows(table, orderBy, declared, null);
    }

    /** Training windows with {@code label}, or forecasting windows when it is null. */
    private CsvTable windows(CsvTable table, String orderBy, List<FeatureSchema> declared, LabelSchema label) {
        List<String> header = table.header();
        if (header.isEmpty()) {
            throw new DataException(table.source(), 1, "(header)",
                    "A series is windowed by column name, so the file needs a header line");
        }
        List<Double> keys = TemporalKeys.read(table, orderBy);
        List<CsvTable.Row> rows = table.rows();
        Integer[] order = new Integer[rows.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble(keys::get));
        int ahead = label == null ? 0 : horizon;
        int samples = rows.size() - window - ahead + 1;
        if (samples < 1) {
            throw new DataException(table.source(), rows.isEmpty() ? 1 : rows.get(rows.size() - 1).line(), "(rows)",
                    label == null
                            ? String.format(Locale.ROOT, "A window of %d steps needs at least %d rows, the series has %d",
                                    window, window, rows.size())
                            : String.format(Locale.ROOT, "A window of %d steps with a horizon of %d needs at least %d "
                                    + "rows, the series has %d", window, horizon, window + horizon, rows.size()));
        }
        int orderColumn = header.indexOf(orderBy);
        int[] featureColumns = new int[declared.size()];
        for (int f = 0; f < featureColumns.length; f++) {
            featureColumns[f] = column(table, declared.get(f).column());
        }
        // a label read from the order column is the order column's cell of the target row, which the window's
        // first column holds already: once, or the window table would name it twice
        List<String> labelColumns = label == null ? List.of()
                : label.columns().stream().filter(c -> !c.equals(orderBy)).toList();
        int[] labelIndexes = labelColumns.stream().mapToInt(c -> column(table, c)).toArray();

        List<String> out = new ArrayList<>();
        out.add(orderBy);
        for (FeatureSchema f : expand(declared)) {
            out.add(f.column());
        }
        out.addAll(labelColumns);
        List<CsvTable.Row> windows = new ArrayList<>(samples);
        for (int s = 0; s < samples; s++) {
            int last = s + window - 1;
            CsvTable.Row target = rows.get(order[last + ahead]);
            String[] cells = new String[out.size()];
            int c = 0;
            cells[c++] = target.cells()[orderColumn];
            for (int column : featureColumns) {
                for (int step = s; step <= last; step++) {
                    cells[c++] = rows.get(order[step]).cells()[column];
                }
            }
            for (int column : labelIndexes) {
                cells[c++] = target.cells()[column];
            }
            windows.add(new CsvTable.Row(target.line(), cells));
        }
        return table.derive(out, windows);
    }

    private static int column(CsvTable table, String name) {
        int i = table.header().indexOf(name);
        if (i < 0) {
            throw new DataException(table.source(), 1, "'" + name + "'", "The series has no column '" + name
                    + "'. Columns: " + table.header());
        }
        return i;
    }

    /**
     * One flat input row from each feature's last {@code window} values (oldest first), in the
     * declared order; {@code names} name the features in the error of a window of the wrong length.
     */
    public Object[] row(List<String> names, double[]... values) {
        if (values.length != names.size()) {
            throw new IllegalArgumentException("Expected " + names.size() + " series " + names + ", got "
                    + values.length);
        }
        Object[] row = new Object[values.length * window];
        for (int f = 0; f < values.length; f++) {
            double[] v = values[f];
            if (v == null || v.length != window) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "'%s' needs the last %d values "
                        + "(oldest first), got %s", names.get(f), window, v == null ? "null" : v.length + ""));
            }
            for (int k = 0; k < window; k++) {
                row[f * window + k] = v[k];
            }
        }
        return row;
    }
}
