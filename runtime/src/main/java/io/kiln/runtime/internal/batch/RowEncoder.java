package io.kiln.runtime.internal.batch;

import io.kiln.runtime.internal.data.CsvTable;
import io.kiln.runtime.DataException;
import io.kiln.runtime.FeatureKind;
import io.kiln.runtime.FeatureSchema;
import io.kiln.runtime.internal.data.LabeledData;
import io.kiln.runtime.internal.preprocess.Preprocessor;
import java.util.Arrays;
import java.util.List;

/**
 * Turns one CSV record into the network's input row: each feature's cell to its typed value as
 * {@link LabeledData} does ({@link LabeledData#parseFeature}, the source's missing-value tokens),
 * then encoded by the model's {@link Preprocessor}. A plain number in a numeric column goes the
 * short way ({@link CsvRecordReader#number}, {@link Preprocessor#encodeNumber}) to the same float;
 * when every feature is numeric, a record of plain numbers is read and scaled in one pass ({@link
 * #readEncoded}).
 * Every problem is a {@link DataException} naming the file, line and column.
 */
final class RowEncoder implements Encoder {
    private final String source;
    private final List<FeatureSchema> features;
    private final Preprocessor preprocessor;
    private final int[] columns;
    private final String[] columnNames;
    private final boolean[] numeric;
    private final int[] offsets;
    private final MissingTokens missing;
    private final int width;
    private final boolean widthFromHeader;
    private final char delimiter;
    /** The short way for records of plain numbers, when every feature is numeric; null otherwise. */
    private final CsvRecordReader.ScaledColumns scaledColumns;

    /**
     * @param columns the column of each feature (see {@link LabeledData#featureColumns})
     * @param width the fields every record must have
     * @param widthFromHeader whether that width is the header's (for the message)
     */
    RowEncoder(String source, List<FeatureSchema> features, Preprocessor preprocessor, int[] columns,
            List<String> missingValues, int width, boolean widthFromHeader, char delimiter) {
        this.source = source;
        this.features = List.copyOf(features);
        this.preprocessor = preprocessor;
        this.columns = columns.clone();
        this.width = width;
        this.widthFromHeader = widthFromHeader;
        this.delimiter = delimiter;
        this.missing = new MissingTokens(missingValues);
        int n = features.size();
        this.columnNames = new String[n];
        this.numeric = new boolean[n];
        this.offsets = new int[n];
        int o = 0;
        for (int f = 0; f < n; f++) {
            columnNames[f] = LabeledData.columnName(features.get(f).column(), columns[f]);
            numeric[f] = features.get(f).kind() == FeatureKind.NUMERIC;
            offsets[f] = o;
            o += preprocessor.transforms().get(f).width();
        }
        if (o != preprocessor.width()) {
            throw new IllegalStateException("feature widths " + o + " != " + preprocessor.width());
        }
        this.scaledColumns = scaledColumns(preprocessor, columns, offsets, numeric, width, missing);
    }

    /**
     * The columns {@link CsvRecordReader#nextScaled} reads, when it can read every record it
     * accepts exactly as {@link #encode} would: every feature numeric, in a column of its own, and
     * no missing-value token that reads as a number.
     */
    private static CsvRecordReader.ScaledColumns scaledColumns(Preprocessor preprocessor, int[] columns,
            int[] offsets, boolean[] numeric, int width, MissingTokens missing) {
        if (width <= 0 || missing.hidesNumbers()) {
            return null;
        }
        int[] slots = new int[width];
        Arrays.fill(slots, -1);
        double[] centers = new double[width];
        double[] scales = new double[width];
        for (int f = 0; f < columns.length; f++) {
            int c = columns[f];
            if (!numeric[f] || c < 0 || c >= width || slots[c] >= 0) {
                return null;
            }
            slots[c] = offsets[f];
            centers[c] = preprocessor.transforms().get(f).center();
            scales[c] = preprocessor.transforms().get(f).scale();
        }
        return new CsvRecordReader.ScaledColumns(slots, centers, scales);
    }

    @Override
    public int width() {
        return preprocessor.width();
    }

    /** Every record is a row; resuming continues after the last one. */
    @Override
    public long[] resumeAt(CsvRecordReader reader) {
        return new long[] {reader.offset(), reader.nextLine()};
    }

    /** Records of plain numbers take {@link CsvRecordReader#nextScaled}, when every feature is numeric. */
    @Override
    public boolean readEncoded(CsvRecordReader reader, float[] out, int offset) {
        return scaledColumns != null && reader.nextScaled(scaledColumns, out, offset);
    }

    @Override
    public boolean encode(CsvRecordReader record, long start, long startLine, float[] out, int offset) {
        encode(record, out, offset);
        return true;
    }

    /** Encodes the reader's current record into {@code out} at {@code offset}. */
    void encode(CsvRecordReader record, float[] out, int offset) {
        if (record.fields() != width) {
            throw CsvTable.fieldCountError(source, record.line(), width, widthFromHeader, record.fields(), delimiter);
        }
        for (int f = 0; f < columns.length; f++) {
            int c = columns[f];
            try {
                if (numeric[f]) {
                    if (record.isEmpty(c)) {
                        preprocessor.encodeValue(f, LabeledData.parseFeature(features.get(f), null), out,
                                offset + offsets[f]);
                        continue;
                    }
                    double x = record.number(c);
                    if (!Double.isNaN(x) && !missing.hidesNumber(record, c)) {
                        preprocessor.encodeNumber(f, x, out, offset + offsets[f]);
                        continue;
                    }
                }
                String cell = record.cell(c);
                Object value = LabeledData.parseFeature(features.get(f),
                        missing.isMissing(cell) ? null : cell);
                preprocessor.encodeValue(f, value, out, offset + offsets[f]);
            } catch (IllegalArgumentException e) {
                throw new DataException(source, record.line(), columnNames[f], e.getMessage());
            }
        }
    }
}
