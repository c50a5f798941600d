package io.kiln.runtime.internal.data;

import io.kiln.runtime.CsvSource;
import io.kiln.runtime.DataException;
import io.kiln.runtime.FeatureSchema;
import io.kiln.runtime.LabelSchema;

import io.kiln.dsl.Missing;
import io.kiln.dsl.Task;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Rows of typed feature values (Double, Boolean or String; null when missing) and, when the data
 * has them, the labels: a class index per row (classification) and a target vector per row.
 * Every conversion error is a {@link DataException} naming file, line and column.
 */
public final class LabeledData {
    private final List<Object[]> features;
    private final int[] classes;
    private final double[][] targets;
    private final long[] lines;
    private final String source;
    private final String sha256;
    /** The 0-based file column of each feature, when read from a table; null otherwise. */
    private int[] columns;

    private LabeledData(List<Object[]> features, int[] classes, double[][] targets, long[] lines, String source,
            String sha256) {
        this(features, classes, targets, lines, source, sha256, null);
    }

    private LabeledData(List<Object[]> features, int[] classes, double[][] targets, long[] lines, String source,
            String sha256, int[] columns) {
        this.features = features;
        this.classes = classes;
        this.targets = targets;
        this.lines = lines;
        this.source = source;
        this.sha256 = sha256;
        this.columns = columns;
    }

    /** Data already typed (rows of feature values), e.g. decoded from a binary format. */
    public static LabeledData of(List<Object[]> rows, int[] classes, double[][] targets, long[] lines, String source,
            String sha256) {
        return new LabeledData(rows, classes, targets, lines, source, sha256);
    }

    /** Reads features and labels from a table; the label columns must be present. */
    public static LabeledData read(CsvTable table, CsvSource csv, List<FeatureSchema> features, LabelSchema label,
            Task task) {
        return read(table, csv, features, label, task, true);
    }

    /**
     * Reads a table. With {@code requireLabel} false, label columns are read only if all are present
     * (data to predict on usually has no label).
     */
    public static LabeledData read(CsvTable table, CsvSource csv, List<FeatureSchema> features, LabelSchema label,
            Task task, boolean requireLabel) {
        return read(table, csv, features, label, task, requireLabel ? Labels.REQUIRED : Labels.IF_PRESENT);
    }

    /**
     * Reads the features of a table to predict on: label columns, present or not, are not read
     * (their cells may be empty or anything), and the data has no labels.
     */
    public static LabeledData readFeatures(CsvTable table, CsvSource csv, List<FeatureSchema> features,
            LabelSchema label, Task task) {
        return read(table, csv, features, label, task, Labels.IGNORED);
    }

    private enum Labels { REQUIRED, IF_PRESENT, IGNORED }

    private static LabeledData read(CsvTable table, CsvSource csv, List<FeatureSchema> features, LabelSchema label,
            Task task, Labels labels) {
        int width = table.rows().isEmpty() ? -1 : table.rows().get(0).cells().length;
        RowParser parser = new RowParser(table.source(), csv, table.header(), width, features, label, task, labels);
        int n = table.rows().size();
        if (n == 0) {
            throw new DataException(table.source(), 0, null, "the data has no rows");
        }
        LabeledData data = parser.parse(table.rows().size(), r -> {
            CsvTable.Row row = table.rows().get(r);
            String[] cells = row.cells();
            return new Cells() {
                @Override
                public long line() {
                    return row.line();
                }

                @Override
                public String cell(int c) {
                    return cells[c];
                }
            };
        });
        return new LabeledData(data.features, data.classes, data.targets, data.lines, table.source(), table.sha256(),
                parser.featureColumns);
    }

    /** One record's cells, as a {@link RowParser} reads them. */
    public interface Cells {
        /** The line the record starts on. */
        long line();

        /** Cell {@code c} as text: unquoted, trimmed. */
        String cell(int c);

        /**
         * Cell {@code c} as a number, when the reader has read it as a plain decimal that is not a
         * missing-value token (the same double {@link #parseNumber} gives its text); NaN otherwise,
         * and the cell's text is parsed.
         */
        default double number(int c) {
            return Double.NaN;
        }
    }

    /**
     * Parses records into typed feature values and labels, as {@link #read} does a table's: the
     * columns resolved from the header once, every problem a {@link DataException} naming the file,
     * line and column. A streaming reader parses its chunks of records with it.
     */
    public static final class RowParser {
        private final String source;
        private final List<FeatureSchema> features;
        private final LabelSchema label;
        private final Task task;
        private final int[] featureColumns;
        private final String[] featureNames;
        private final boolean[] numeric;
        private final int[] labelColumns;
        private final String[] labelNames;
        private final Set<String> missingTokens;

        /** For records with labels (their columns must be present). */
        public RowParser(String source, CsvSource csv, List<String> header, int width, List<FeatureSchema> features,
                LabelSchema label, Task task) {
            this(source, csv, header, width, features, label, task, Labels.REQUIRED);
        }

        private RowParser(String source, CsvSource csv, List<String> header, int width, List<FeatureSchema> features,
                LabelSchema label, Task task, Labels labels) {
            this.source = source;
            this.features = List.copyOf(features);
            this.label = label;
            this.task = task;
            Map<String, Integer> index = columnIndex(header, width, features, label);
            Set<String> declared = declaredColumns(features, label);
            char delimiter = source.toLowerCase(Locale.ROOT).endsWith(".arff") ? ',' : csv.delimiter();
            this.featureColumns = LabeledData.featureColumns(source, header, index, features, declared, delimiter);
            this.featureNames = new String[features.size()];
            this.numeric = new boolean[features.size()];
            for (int f = 0; f < featureNames.length; f++) {
                featureNames[f] = columnName(features.get(f).column(), featureColumns[f]);
                numeric[f] = features.get(f).kind() == io.kiln.runtime.FeatureKind.NUMERIC;
            }
            boolean hasLabel = labels == Labels.REQUIRED
                    || labels == Labels.IF_PRESENT
                            && label.columns().stream().allMatch(c -> find(header, index, c) != null);
            this.labelColumns = hasLabel ? new int[label.columns().size()] : null;
            this.labelNames = hasLabel ? new String[label.columns().size()] : null;
            if (hasLabel) {
                for (int c = 0; c < labelColumns.length; c++) {
                    labelColumns[c] = require(source, header, index, label.columns().get(c), declared, delimiter);
                    labelNames[c] = columnName(label.columns().get(c), labelColumns[c]);
                }
            }
            this.missingTokens = new HashSet<>(csv.missingValues());
        }

        /** The rows {@code 0..n-1} of {@code records}, parsed (the data's hash unknown: null). */
        public LabeledData parse(int n, java.util.function.IntFunction<Cells> records) {
            Batch batch = new Batch(n);
            for (int r = 0; r < n; r++) {
                batch.add(records.apply(r));
            }
            return batch.data();
        }

        /** Rows parsed one record at a time, for a reader whose record is gone once it reads the next one. */
        public Batch batch(int capacity) {
            return new Batch(capacity);
        }

        /** Records parsed so far. */
        public final class Batch {
            private final List<Object[]> rows;
            private final List<Integer> classes = new ArrayList<>();
            private final List<double[]> targets = new ArrayList<>();
            private final List<Long> lines = new ArrayList<>();

            private Batch(int capacity) {
                rows = new ArrayList<>(capacity);
            }

            public int size() {
                return rows.size();
            }

            /** Parses one record. */
            public void add(Cells row) {
                long line = row.line();
                Object[] values = features(row);
                double[] target = null;
                int cls = 0;
                if (labelColumns != null) {
                    target = new double[labelColumns.length];
                    for (int c = 0; c < labelColumns.length; c++) {
                        String cell = row.cell(labelColumns[c]);
                        if (isMissing(cell, missingTokens)) {
                            throw new DataException(source, line, labelNames[c],
                                    "the label is missing. Remove the row or fill in its label.");
                        }
                        try {
                            double v = parseLabel(label, cell);
                            cls = (int) v;
                            target[c] = v;
                        } catch (IllegalArgumentException e) {
                            throw new DataException(source, line, labelNames[c], e.getMessage());
                        }
                    }
                    if (task == Task.MULTICLASS_CLASSIFICATION) {
                        target = new double[label.classes().size()];
                        target[cls] = 1;
                    }
                }
                rows.add(values);
                lines.add(line);
                classes.add(cls);
                targets.add(target);
            }

            /** The records parsed, as data (its hash unknown: null). */
            public LabeledData data() {
                int n = rows.size();
                boolean classified = labelColumns != null && task.isClassification()
                        && task != Task.MULTILABEL_CLASSIFICATION;
                return new LabeledData(rows, classified ? classes.stream().mapToInt(Integer::intValue).toArray()
                        : null, labelColumns != null ? targets.toArray(new double[n][]) : null,
                        lines.stream().mapToLong(Long::longValue).toArray(), source, null, featureColumns);
            }
        }

        private Object[] features(Cells row) {
            Object[] values = new Object[features.size()];
            for (int f = 0; f < values.length; f++) {
                int col = featureColumns[f];
                try {
                    double x = numeric[f] ? row.number(col) : Double.NaN;
                    if (!Double.isNaN(x)) {
                        values[f] = x;
                        continue;
                    }
                    String cell = row.cell(col);
                    values[f] = parseFeature(features.get(f), isMissing(cell, missingTokens) ? null : cell);
                } catch (IllegalArgumentException e) {
                    throw new DataException(source, row.line(), featureNames[f], e.getMessage());
                }
            }
            return values;
        }
    }

    /**
     * The 0-based column each feature is read from, resolved as {@link #read} does: by name in the
     * header (the first column of that name), or without a header by position (the features, then
     * the label columns). A missing column is a {@link DataException} on line 1 that names the
     * closest header name.
     *
     * @param source the file name for messages
     * @param header the header's column names; empty when the file has none
     * @param width the number of fields of the first data row, or -1 when there is none
     */
    public static int[] featureColumns(String source, List<String> header, int width, List<FeatureSchema> features,
            LabelSchema label) {
        return featureColumns(source, header, width, features, label, UNKNOWN_DELIMITER);
    }

    /** As {@link #featureColumns(String, List, int, List, LabelSchema)}, for a file declared with {@code delimiter}. */
    public static int[] featureColumns(String source, List<String> header, int width, List<FeatureSchema> features,
            LabelSchema label, char delimiter) {
        return featureColumns(source, header, columnIndex(header, width, features, label), features,
                declaredColumns(features, label), delimiter);
    }

    private static final char UNKNOWN_DELIMITER = 0;

    private static int[] featureColumns(String source, List<String> header, Map<String, Integer> index,
            List<FeatureSchema> features, Set<String> declared, char delimiter) {
        int[] columns = new int[features.size()];
        Map<Integer, String> readBy = new HashMap<>(); // a header position and the column name that found it
        for (int f = 0; f < features.size(); f++) {
            String column = features.get(f).column();
            columns[f] = require(source, header, index, column, declared, delimiter);
            String other = readBy.putIfAbsent(columns[f], column);
            if (other != null && !other.equals(column)) {
                throw new DataException(source, 1, columnName(header.get(columns[f]), columns[f]), "features '"
                        + other + "' and '" + column + "' both match header name '" + header.get(columns[f])
                        + "' (names are compared without case and punctuation when no header name is exactly "
                        + "the declared one). Declare column = \"...\" on one of them.");
            }
        }
        return columns;
    }

    /**
     * A name as header names are matched when none is exactly the declared column: lower case,
     * letters and digits only, so a field {@code sepalLength} finds {@code Sepal-Length} or
     * {@code sepal_length}.
     */
    static String loose(String name) {
        StringBuilder b = new StringBuilder(name.length());
        name.codePoints().filter(Character::isLetterOrDigit).map(Character::toLowerCase).forEach(b::appendCodePoint);
        return b.toString();
    }

    /**
     * The position of {@code column}: the header name that is exactly it, else the one header name
     * equal to it without case and punctuation ({@link #loose}); null when there is none. Several
     * loose matches are an error that names them.
     */
    private static Integer find(List<String> header, Map<String, Integer> index, String column) {
        Integer exact = index.get(column);
        if (exact != null || header.isEmpty()) {
            return exact;
        }
        String wanted = loose(column);
        if (wanted.isEmpty()) {
            return null;
        }
        Integer found = null;
        for (int i = 0; i < header.size(); i++) {
            if (loose(header.get(i)).equals(wanted)) {
                if (found != null) {
                    return -1 - i; // ambiguous: reported by require
                }
                found = i;
            }
        }
        return found;
    }

    /**
     * The header position of {@code column}, found as a declared feature's column is (the exact
     * name, else the one name equal to it without case and punctuation); null when the header
     * names no such column. Several loose matches are a data error naming them.
     */
    public static Integer headerPosition(String source, List<String> header, String column) {
        Map<String, Integer> index = columnIndex(header, -1, List.of(), null);
        Integer i = find(header, index, column);
        if (i != null && i < 0) {
            require(source, header, index, column, Set.of(), UNKNOWN_DELIMITER); // throws, naming the matches
        }
        return i;
    }

    /**
     * The header position of a column the spec names; a data error listing the header and a close
     * name when it names none.
     */
    public static int requireHeaderPosition(String source, List<String> header, String column, char delimiter) {
        Map<String, Integer> index = columnIndex(header, -1, List.of(), null);
        return require(source, header, index, column, Set.of(), delimiter);
    }

    private static Set<String> declaredColumns(List<FeatureSchema> features, LabelSchema label) {
        Set<String> declared = new HashSet<>(label.columns());
        features.forEach(f -> declared.add(f.column()));
        return declared;
    }

    private static Map<String, Integer> columnIndex(List<String> header, int width, List<FeatureSchema> features,
            LabelSchema label) {
        Map<String, Integer> index = new HashMap<>();
        if (!header.isEmpty()) {
            for (int i = 0; i < header.size(); i++) {
                index.putIfAbsent(header.get(i), i);
            }
            return index;
        }
        // no header: features, then label columns, in declaration order
        int i = 0;
        for (FeatureSchema f : features) {
            index.put(f.column(), i++);
        }
        for (String c : label.columns()) {
            index.put(c, i++);
        }
        int rowWidth = width < 0 ? i : width;
        if (rowWidth < i) {
            index.keySet().removeIf(k -> index.get(k) >= rowWidth);
        }
        return index;
    }

    /**
     * The column named {@code column}. A missing column is an error that lists the header, names a
     * close unused header name, and names the delimiter the header line seems to use when it is
     * not the declared one; a column the header names twice is an error naming both positions.
     */
    private static int require(String source, List<String> header, Map<String, Integer> index, String column,
            Set<String> declared, char delimiter) {
        Integer i = find(header, index, column);
        if (i != null && i < 0) {
            List<String> matches = header.stream().filter(h -> loose(h).equals(loose(column))).toList();
            throw new DataException(source, 1, "'" + column + "'", "no header name is exactly '" + column
                    + "', and " + matches.size() + " match it without case and punctuation: " + showHeader(matches)
                    + ". Declare column = \"...\" with the one to read.");
        }
        if (i == null) {
            String hint = header.isEmpty() ? "the rows have too few fields for the declared features and label"
                    : "the header has " + showHeader(header) + delimiterHint(header, delimiter)
                            + closest(column, header.stream().filter(h -> !declared.contains(h)).toList());
            throw new DataException(source, 1, "'" + column + "'", "missing column: " + hint);
        }
        if (!header.isEmpty()) {
            for (int j = i + 1; j < header.size(); j++) {
                if (header.get(j).equals(column)) {
                    throw new DataException(source, 1, columnName(column, i), "the header names '" + column
                            + "' twice, at positions " + (i + 1) + " and " + (j + 1)
                            + ", so which one to read is unclear. Rename or remove one of them.");
                }
            }
        }
        return i;
    }

    /** Header names as messages show them: each escaped and cut, at most 50 of them. */
    public static String showHeader(List<String> header) {
        int shown = Math.min(header.size(), 50);
        StringBuilder b = new StringBuilder("[");
        for (int k = 0; k < shown; k++) {
            b.append(k > 0 ? ", " : "").append(DataException.show(header.get(k)));
        }
        if (shown < header.size()) {
            b.append(", ... (").append(header.size() - shown).append(" more)");
        }
        return b.append(']').toString();
    }

    private static final char[] DELIMITERS = {';', '\t', '|', ','};

    /**
     * When the header line seems to be separated by another delimiter than the declared one (a
     * header name holds it): which one, and how to declare it; else empty.
     */
    static String delimiterHint(List<String> header, char delimiter) {
        char best = 0;
        int bestCount = 0;
        for (char d : DELIMITERS) {
            if (d == delimiter) {
                continue;
            }
            int count = 0;
            for (String h : header) {
                for (int k = 0; k < h.length(); k++) {
                    count += h.charAt(k) == d ? 1 : 0;
                }
            }
            if (count > bestCount) {
                best = d;
                bestCount = count;
            }
        }
        if (best == 0) {
            return header.size() == 1 && delimiter != UNKNOWN_DELIMITER ? ". The header line has no delimiter "
                    + showDelimiter(delimiter) + ": check the file's delimiter and declare it with "
                    + "@CsvData(delimiter = ...)" : "";
        }
        return ". The header line seems to be separated by " + showDelimiter(best)
                + (delimiter == UNKNOWN_DELIMITER ? "" : ", not " + showDelimiter(delimiter))
                + "; declare it with @CsvData(delimiter = " + showDelimiter(best) + ")";
    }

    private static String showDelimiter(char d) {
        return d == '\t' ? "'\\t'" : "'" + d + "'";
    }

    private static String closest(String column, List<String> header) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String h : header) {
            int d = distance(column.toLowerCase(Locale.ROOT), h.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                bestDistance = d;
                best = h;
            }
        }
        return best != null && bestDistance <= Math.max(2, column.length() / 3)
                ? ". Did you mean '" + best + "'? Set @Feature(column = \"" + best + "\")." : "";
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** A column as {@link DataException} names it: {@code 'name' (1-based index)}. */
    public static String columnName(String column, int index) {
        return "'" + column + "' (" + (index + 1) + ")";
    }

    /** Whether a text cell is missing: null, empty, or one of the source's missing-value tokens. */
    public static boolean isMissing(String cell, Set<String> tokens) {
        return cell == null || cell.isEmpty() || tokens.contains(cell);
    }

    /** A text cell (non-missing) or null as the feature's typed value. */
    public static Object parseFeature(FeatureSchema feature, String cell) {
        if (cell == null) {
            if (feature.missing() == Missing.ERROR) {
                throw new IllegalArgumentException("the value is missing and '" + feature.name()
                        + "' declares missing = ERROR. Fill it in, or choose a missing-value strategy.");
            }
            return null;
        }
        return switch (feature.kind()) {
            case NUMERIC -> parseNumber(cell);
            case BOOLEAN -> parseBoolean(cell);
            case TEXT -> cell;
            case CATEGORICAL -> {
                if (!feature.levels().isEmpty() && !feature.levels().contains(cell)) {
                    throw new IllegalArgumentException("unknown level " + DataException.quote(cell) + "; '"
                            + (feature.group() != null ? feature.group() : feature.name()) + "' declares "
                            + feature.levels());
                }
                yield cell;
            }
        };
    }

    /**
     * A cell as a finite number. Only plain decimal numbers are numbers: an optional sign, digits
     * with an optional point (at least one digit), an optional exponent ({@code e} or {@code E},
     * an optional sign, digits). Java's other spellings ({@code 4.5f}, {@code 4.5d},
     * {@code 0x1.2p2}, {@code Infinity}, {@code NaN}) and control characters are not.
     */
    static double parseNumber(String cell) {
        if (isDecimal(cell)) {
            double v = Double.parseDouble(cell);
            if (Double.isFinite(v)) {
                return v;
            }
        }
        throw new IllegalArgumentException(DataException.quote(cell) + " is not a finite number");
    }

    /** Whether {@code s} is {@code [+-]digits[.digits][(e|E)[+-]digits]} (digits on at least one side of the point). */
    public static boolean isDecimal(String s) {
        int n = s.length();
        int i = 0;
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            i++;
        }
        int digits = 0;
        while (i < n && isDigit(s.charAt(i))) {
            i++;
            digits++;
        }
        if (i < n && s.charAt(i) == '.') {
            i++;
            while (i < n && isDigit(s.charAt(i))) {
                i++;
                digits++;
            }
        }
        if (digits == 0) {
            return false;
        }
        if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            i++;
            if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                i++;
            }
            int exponent = 0;
            while (i < n && isDigit(s.charAt(i))) {
                i++;
                exponent++;
            }
            if (exponent == 0) {
                return false;
            }
        }
        return i == n;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    public static boolean parseBoolean(String cell) {
        switch (cell.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1", "t", "y", "1.0" -> {
                return true;
            }
            case "false", "no", "0", "f", "n", "0.0" -> {
                return false;
            }
            default -> throw new IllegalArgumentException(DataException.quote(cell)
                    + " is not a boolean (true/false, yes/no, 1/0)");
        }
    }

    private static double parseLabel(LabelSchema label, String cell) {
        return switch (label.coding()) {
            case BOOLEAN, MULTI_HOT -> parseBoolean(cell) ? 1 : 0;
            case INDEX -> {
                double v = parseNumber(cell);
                if (v != Math.rint(v) || v < 0 || v >= label.classes().size()) {
                    throw new IllegalArgumentException("unknown class " + DataException.quote(cell) + ": class indices are 0.."
                            + (label.classes().size() - 1) + " for " + label.classes());
                }
                yield v;
            }
            case NAME -> {
                int i = label.classes().indexOf(cell);
                if (i < 0) {
                    throw new IllegalArgumentException("unknown class " + DataException.quote(cell) + "; the label declares "
                            + label.classes());
                }
                yield i;
            }
            case VALUES -> parseNumber(cell);
        };
    }

    public int size() {
        return features.size();
    }

    /**
     * These rows followed by {@code other}'s (read from another file of the same schema), keeping
     * this data's source and checksum; {@code other}'s rows keep their own line numbers.
     */
    public LabeledData concat(LabeledData other) {
        List<Object[]> rows = new java.util.ArrayList<>(features);
        rows.addAll(other.features);
        int[] allClasses = classes == null || other.classes == null ? null
                : java.util.stream.IntStream.concat(java.util.Arrays.stream(classes),
                        java.util.Arrays.stream(other.classes)).toArray();
        double[][] allTargets = targets == null || other.targets == null ? null
                : java.util.stream.Stream.concat(java.util.Arrays.stream(targets), java.util.Arrays.stream(other.targets))
                        .toArray(double[][]::new);
        long[] allLines = java.util.stream.LongStream.concat(java.util.Arrays.stream(lines),
                java.util.Arrays.stream(other.lines)).toArray();
        LabeledData all = new LabeledData(rows, allClasses, allTargets, allLines, source, sha256);
        all.columns = columns;
        return all;
    }

    /** The first {@code n} rows (the data's own, before an official test file's). */
    public LabeledData head(int n) {
        LabeledData first = new LabeledData(new java.util.ArrayList<>(features.subList(0, n)),
                classes == null ? null : java.util.Arrays.copyOf(classes, n),
                targets == null ? null : java.util.Arrays.copyOf(targets, n), java.util.Arrays.copyOf(lines, n), source,
                sha256);
        first.columns = columns;
        return first;
    }

    /**
     * The same rows and labels with only the features at {@code which}, in that order (another model's
     * view of these rows, e.g. a teacher reading fewer of the columns).
     */
    public LabeledData project(int[] which) {
        List<Object[]> rows = new java.util.ArrayList<>(features.size());
        for (Object[] row : features) {
            Object[] picked = new Object[which.length];
            for (int i = 0; i < which.length; i++) {
                picked[i] = row[which[i]];
            }
            rows.add(picked);
        }
        LabeledData view = new LabeledData(rows, classes, targets, lines, source, sha256);
        if (columns != null) {
            view.columns = java.util.Arrays.stream(which).map(i -> columns[i]).toArray();
        }
        return view;
    }

    /** The 0-based column of the file each feature was read from, or null when not read from a table. */
    public int[] featureColumns() {
        return columns == null ? null : columns.clone();
    }

    public List<Object[]> features() {
        return features;
    }

    public boolean hasLabels() {
        return targets != null;
    }

    /** Class index per row for binary and multiclass data, else null. */
    public int[] classes() {
        return classes;
    }

    /** Target vector per row (one-hot for multiclass, 0/1 for binary and multilabel, values for regression). */
    public double[][] targets() {
        return targets;
    }

    public long[] lines() {
        return lines;
    }

    public String source() {
        return source;
    }

    public String sha256() {
        return sha256;
    }
}
