package io.kiln.runtime.internal.batch;

/**
 * The reader stage's view of an input file: turns its records, one at a time and in file order,
 * into the network's input rows ({@link RowEncoder}: a row per record; {@link SeriesEncoder}: a
 * window per record once enough records are read), and says where a run that stops after the
 * records given so far must start reading again to continue exactly there.
 */
interface Encoder {

    /** The width of an encoded row. */
    int width();

    /**
     * Encodes the reader's current record into {@code out} at {@code offset}.
     *
     * @param start the byte offset at which the record's line starts
     * @param startLine that line
     * @return whether a row was written (false while a series window is still filling)
     * @throws io.kiln.runtime.DataException naming the file, line and column of a bad record
     */
    boolean encode(CsvRecordReader record, long start, long startLine, float[] out, int offset);

    /**
     * Reads the reader's next record and encodes it into {@code out} at {@code offset} in one
     * pass, when the record is the plain common case this encoder has a short way for; false
     * otherwise, with the reader where it was ({@code out} may be partly written), and the caller
     * reads the record with {@link CsvRecordReader#next} and {@link #encode}.
     */
    default boolean readEncoded(CsvRecordReader reader, float[] out, int offset) {
        return false;
    }

    /** Where to continue reading after the records given so far: {@code {byte offset, line}}. */
    long[] resumeAt(CsvRecordReader reader);
}
