package io.kiln.runtime.internal.batch;

import io.kiln.runtime.internal.data.CsvTable;
import io.kiln.runtime.DataException;
import io.kiln.runtime.FeatureSchema;
import io.kiln.runtime.internal.data.LabeledData;
import io.kiln.runtime.internal.preprocess.Preprocessor;
import io.kiln.runtime.SeriesWindow;
import io.kiln.runtime.internal.data.TemporalKeys;
import java.util.List;

/**
 * Turns the rows of a raw series ({@code @Series}), read in file order, into the windows a series
 * model takes: once {@code window} rows are read, each row gives the window that ends with it
 * (each declared feature's last {@code window} values, oldest first, encoded step by step by the
 * model's {@link Preprocessor} as {@link SeriesWindow#expand} lays them out). These are the windows
 * {@code predict} reads from the same file, the last ones too, whose targets lie beyond the data.
 *
 * <p>Streaming needs the rows in time order: a row whose order column ({@code @TemporalSplit}'s
 * {@code orderBy}) is earlier than the row before it is a {@link DataException}. A rejected row
 * (a bad cell, under {@code --on-error skip}) breaks the series: the windows that would hold it
 * are not scored, and the next window starts after it.
 *
 * <p>To resume after a row, the last {@code window - 1} rows are read again: {@link #resumeAt} is
 * where the oldest of them starts.
 */
final class SeriesEncoder implements Encoder {
    private final String source;
    private final List<FeatureSchema> declared;
    private final Preprocessor preprocessor;
    private final int window;
    private final int[] columns;
    private final String[] columnNames;
    private final int orderColumn;
    private final TemporalKeys.Keys keys;
    private final MissingTokens missing;
    private final int width;
    private final char delimiter;
    /** {@code values[f][slot]}: feature {@code f} of the row in ring slot {@code slot}; NaN when missing. */
    private final double[][] values;
    private final long[] starts;
    private final long[] startLines;
    /** Rows in the ring (at most {@code window}); the newest is in slot {@code (newest)}. */
    private int filled;
    private int newest = -1;
    private double lastKey = Double.NEGATIVE_INFINITY;
    private long lastKeyLine;
    private final double[] read;

    /**
     * @param declared the series' declared features (one per channel)
     * @param header the file's header
     * @param orderBy the column the series is ordered by
     */
    SeriesEncoder(String source, List<FeatureSchema> declared, Preprocessor preprocessor, SeriesWindow series,
            List<String> header, String orderBy, List<String> missingValues, char delimiter) {
        this.source = source;
        this.declared = List.copyOf(declared);
        this.preprocessor = preprocessor;
        this.window = series.window();
        this.width = header.size();
        this.delimiter = delimiter;
        int n = declared.size();
        if (preprocessor.width() != n * window) {
            throw new IllegalStateException("a window of " + n + " x " + window + " inputs, the model takes "
                    + preprocessor.width());
        }
        this.columns = new int[n];
        this.columnNames = new String[n];
        for (int f = 0; f < n; f++) {
            String column = declared.get(f).column();
            columns[f] = header.indexOf(column);
            if (columns[f] < 0) {
                throw new DataException(source, 1, "'" + column + "'", "The series has no column '" + column
                        + "'. Columns: " + header);
            }
            columnNames[f] = LabeledData.columnName(column, columns[f]);
        }
        this.orderColumn = header.indexOf(orderBy);
        if (orderColumn < 0) {
            throw new DataException(source, 1, "'" + orderBy + "'", "The series is ordered by column '" + orderBy
                    + "', which the header does not have. Columns: " + header);
        }
        this.keys = new TemporalKeys.Keys(source, orderBy, orderColumn);
        this.missing = new MissingTokens(missingValues);
        this.values = new double[n][window];
        this.starts = new long[window];
        this.startLines = new long[window];
        this.read = new double[n];
    }

    @Override
    public int width() {
        return preprocessor.width();
    }

    @Override
    public boolean encode(CsvRecordReader record, long start, long startLine, float[] out, int offset) {
        try {
            return push(record, start, startLine, out, offset);
        } catch (DataException e) {
            // the series is broken here: the next window starts after this row
            filled = 0;
            throw e;
        }
    }

    /** Adds the record to the ring; once it holds a whole window, encodes it. */
    private boolean push(CsvRecordReader record, long start, long startLine, float[] out, int offset) {
        readRow(record);
        newest = (newest + 1) % window;
        for (int f = 0; f < read.length; f++) {
            values[f][newest] = read[f];
        }
        starts[newest] = start;
        startLines[newest] = startLine;
        filled = Math.min(filled + 1, window);
        if (filled < window) {
            return false;
        }
        int oldest = (newest + 1) % window;
        for (int f = 0; f < read.length; f++) {
            int base = f * window;
            for (int k = 0; k < window; k++) {
                int j = base + k;
                double x = values[f][(oldest + k) % window];
                try {
                    if (Double.isNaN(x)) {
                        preprocessor.encodeValue(j, null, out, offset + j);
                    } else {
                        preprocessor.encodeNumber(j, x, out, offset + j);
                    }
                } catch (IllegalArgumentException e) {
                    throw new DataException(source, record.line(), columnNames[f], e.getMessage());
                }
            }
        }
        return true;
    }

    /** Checks the row's order and reads each feature's value into {@link #read}. */
    private void readRow(CsvRecordReader record) {
        if (record.fields() != width) {
            throw CsvTable.fieldCountError(source, record.line(), width, true, record.fields(), delimiter);
        }
        double key = keys.key(record.cell(orderColumn), record.line());
        if (key < lastKey) {
            throw new DataException(source, record.line(), keys.column(), "'" + record.cell(orderColumn).trim()
                    + "' comes before the value on line " + lastKeyLine + ": score reads a series in file order, "
                    + "so sort the file by this column first");
        }
        for (int f = 0; f < columns.length; f++) {
            read[f] = value(record, f);
        }
        lastKey = key;
        lastKeyLine = record.line();
    }

    /** Feature {@code f}'s cell as a number, NaN when missing. */
    private double value(CsvRecordReader record, int f) {
        int c = columns[f];
        if (!record.isEmpty(c)) {
            double x = record.number(c);
            if (!Double.isNaN(x) && !missing.hidesNumber(record, c)) {
                return x;
            }
        }
        String cell = record.isEmpty(c) ? null : record.cell(c);
        try {
            Object v = LabeledData.parseFeature(declared.get(f), cell == null || missing.isMissing(cell) ? null : cell);
            return v == null ? Double.NaN : ((Number) v).doubleValue();
        } catch (IllegalArgumentException e) {
            throw new DataException(source, record.line(), columnNames[f], e.getMessage());
        }
    }

    /** The start of the oldest of the last {@code window - 1} rows: a resumed run reads them again to fill its first window. */
    @Override
    public long[] resumeAt(CsvRecordReader reader) {
        int keep = Math.min(filled, window - 1);
        if (keep == 0) {
            return new long[] {reader.offset(), reader.nextLine()};
        }
        int slot = Math.floorMod(newest - keep + 1, window);
        return new long[] {starts[slot], startLines[slot]};
    }
}
