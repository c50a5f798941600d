package io.kiln.runtime.internal.batch;

import io.kiln.runtime.CsvSource;
import io.kiln.runtime.DataException;
import io.kiln.dsl.Task;
import io.kiln.runtime.FeatureSchema;
import io.kiln.runtime.LabelSchema;
import io.kiln.runtime.internal.data.CsvTable;
import io.kiln.runtime.internal.data.LabeledData;
import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A CSV file read a few thousand records at a time, each parsed into typed values and labels as
 * {@link LabeledData#read} parses a table's rows: what a streaming training reads, with the same
 * format, messages and line numbers as {@link CsvTable#read}. Memory: the reader's buffer and one
 * chunk.
 */
public final class CsvChunks implements Closeable {
    private final CsvSource source;
    private final CsvRecordReader reader;
    private final List<String> header;
    private final int width;
    private final MissingTokens missing;
    private final LabeledData.Cells cells;
    private long bytesRead;

    private CsvChunks(CsvSource source, CsvRecordReader reader, List<String> header, int width) {
        this.source = source;
        this.reader = reader;
        this.header = header;
        this.width = width;
        this.missing = new MissingTokens(source.missingValues());
        this.cells = new LabeledData.Cells() {
            @Override
            public long line() {
                return reader.line();
            }

            @Override
            public String cell(int c) {
                return reader.cell(c);
            }

            @Override
            public double number(int c) {
                return reader.isEmpty(c) || missing.hidesNumber(reader, c) ? Double.NaN : reader.number(c);
            }
        };
    }

    /** Opens a CSV file and reads its header (or, without one, the first row's width). */
    public static CsvChunks open(CsvSource source) throws IOException {
        if (source.file() == null) {
            throw new IllegalArgumentException("Streaming reads a file; '" + source.name() + "' is not one");
        }
        CsvRecordReader reader;
        try {
            reader = new CsvRecordReader(source.file(), source.name(), source.delimiter(), 0, 1);
        } catch (IOException e) {
            throw CsvSource.cannotRead(source.file(), e);
        }
        try {
            List<String> header = List.of();
            int width = -1;
            if (reader.next()) {
                if (source.header()) {
                    header = List.of(reader.cells());
                }
                width = reader.fields();
                if (!source.header()) {
                    reader.seek(0, 1);
                }
            } else if (source.header()) {
                throw new DataException(source.name(), 1, null,
                        "the file is empty; expected a header line naming the columns");
            }
            return new CsvChunks(source, reader, header, width);
        } catch (IOException | RuntimeException e) {
            reader.close();
            throw e;
        }
    }

    /** The header's column names; empty when the file has none. */
    public List<String> header() {
        return header;
    }

    /** The number of fields of the header (or of the first row without one); -1 for an empty file. */
    public int width() {
        return width;
    }

    /** The byte offset read up to: for progress. */
    public long offset() {
        return bytesRead;
    }

    /** A parser of this file's records into the features and labels of a schema. */
    public LabeledData.RowParser parser(List<FeatureSchema> features, LabelSchema label, Task task) {
        return new LabeledData.RowParser(source.name(), source, header, width, features, label, task);
    }

    /**
     * The next up to {@code rows} records, parsed; null at the end of the file. A record with
     * another number of fields than the header (or first row) is a {@link DataException} naming its
     * line. Plain decimals in numeric columns are read as the reader scans them, without text.
     */
    public LabeledData next(int rows, LabeledData.RowParser parser) throws IOException {
        LabeledData.RowParser.Batch batch = parser.batch(rows);
        while (batch.size() < rows && reader.next()) {
            if (reader.fields() != width) {
                throw CsvTable.fieldCountError(source.name(), reader.line(), width, source.header(), reader.fields(),
                        source.delimiter());
            }
            batch.add(cells);
        }
        bytesRead = reader.offset();
        return batch.size() == 0 ? null : batch.data();
    }

    /** Counts the remaining records without building their cells; checks each one's number of fields. */
    public long count() throws IOException {
        long n = 0;
        while (reader.next()) {
            if (reader.fields() != width) {
                throw CsvTable.fieldCountError(source.name(), reader.line(), width, source.header(), reader.fields(),
                        source.delimiter());
            }
            n++;
        }
        bytesRead = reader.offset();
        return n;
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}
