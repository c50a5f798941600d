package io.kiln.runtime.internal.train;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;

/**
 * Rows of a fixed size on disk, visited once per pass in a uniformly random order while memory
 * holds one bucket.
 *
 * <p>Each row is dealt to one of {@code buckets} files, chosen uniformly at random. A pass reads
 * the buckets in turn, each into memory, and visits its rows in a random permutation. Dealing each
 * row to a uniform random bucket and permuting within buckets is sorting the rows by uniform random
 * keys (the bucket is the key's leading part), so the order of a pass is a uniformly random
 * permutation of all the rows, as an in-memory shuffle's is. While a pass visits the rows it deals
 * them afresh into the other generation of bucket files, so every pass has its own permutation:
 * the disk holds the rows twice, and each pass reads and writes them once.
 */
final class ShuffleBuckets implements Closeable {
    /** What a pass hands each row to: the row is {@code rowBytes} bytes of {@code buffer} from {@code offset}. */
    interface RowSink {
        void accept(byte[] buffer, int offset) throws IOException;
    }

    private static final int WRITE_BUFFER = 32 * 1024;
    private final Path dir;
    private final int buckets;
    private final int rowBytes;
    private final int writeBuffer;
    private final SplittableRandom random;
    /** The generation of files the next pass reads (0 or 1); the other one is dealt into. */
    private int generation;
    /** Rows in each bucket of the generation the next pass reads. */
    private long[] rows;
    private OutputStream[] writers;
    private long[] dealt;
    private byte[] buffer = new byte[0];
    private int[] permutation = new int[0];

    /** Starts dealing rows of {@code rowBytes} bytes into {@code buckets} files under {@code dir}. */
    ShuffleBuckets(Path dir, int buckets, int rowBytes, long seed) throws IOException {
        this(dir, buckets, rowBytes, seed, WRITE_BUFFER);
    }

    /** With a write buffer of {@code writeBuffer} bytes for each bucket file. */
    ShuffleBuckets(Path dir, int buckets, int rowBytes, long seed, int writeBuffer) throws IOException {
        if (buckets < 1 || rowBytes < 1 || writeBuffer < 1) {
            throw new IllegalArgumentException("buckets, row size and write buffer must be positive");
        }
        this.dir = dir;
        this.buckets = buckets;
        this.rowBytes = rowBytes;
        this.writeBuffer = writeBuffer;
        this.random = new SplittableRandom(seed);
        this.rows = new long[buckets];
        openDeal(0);
    }

    private Path file(int gen, int bucket) {
        return dir.resolve("bucket-" + gen + "-" + bucket + ".bin");
    }

    private void openDeal(int gen) throws IOException {
        writers = new OutputStream[buckets];
        dealt = new long[buckets];
        try {
            for (int b = 0; b < buckets; b++) {
                writers[b] = writer(file(gen, b), writeBuffer);
            }
        } catch (IOException e) {
            abandonDeal(e);
            throw e;
        }
    }

    /** Closes the files being dealt into after {@code e}, whose suppressed errors get theirs. */
    private void abandonDeal(Exception e) {
        if (writers == null) {
            return;
        }
        try {
            closeWriters();
        } catch (IOException suppressed) {
            e.addSuppressed(suppressed);
        }
        writers = null;
    }

    /**
     * A buffered stream writing {@code file}, whose errors name the file and say what went wrong (a
     * full disk's write error says neither).
     */
    static OutputStream writer(Path file, int buffer) throws IOException {
        OutputStream raw;
        try {
            raw = Files.newOutputStream(file);
        } catch (IOException e) {
            throw cannotWrite(file, e);
        }
        return new BufferedOutputStream(new java.io.FilterOutputStream(raw) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                try {
                    out.write(b, off, len);
                } catch (IOException e) {
                    throw cannotWrite(file, e);
                }
            }

            @Override
            public void close() throws IOException {
                try {
                    out.close();
                } catch (IOException e) {
                    throw cannotWrite(file, e);
                }
            }
        }, buffer);
    }

    private static IOException cannotWrite(Path file, IOException e) {
        return e.getMessage() != null && e.getMessage().startsWith("Cannot write ") ? e
                : new IOException("Cannot write " + file + ": " + io.kiln.runtime.CsvSource.reason(e), e);
    }

    /** Deals one row (while dealing: before the first pass, or during a pass that deals again). */
    void add(byte[] row, int offset) throws IOException {
        int b = random.nextInt(buckets);
        writers[b].write(row, offset, rowBytes);
        dealt[b]++;
    }

    /** Ends the first deal: the rows dealt so far are the ones the passes visit. */
    void seal() throws IOException {
        closeWriters();
        rows = dealt;
        writers = null;
    }

    private void closeWriters() throws IOException {
        IOException first = null;
        for (OutputStream w : writers) {
            if (w == null) { // (opening the files stopped before it)
                continue;
            }
            try {
                w.close();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** The rows the passes visit. */
    long rows() {
        long n = 0;
        for (long r : rows) {
            n += r;
        }
        return n;
    }

    /** The largest bucket, in rows: what memory holds during a pass. */
    long largestBucket() {
        long m = 0;
        for (long r : rows) {
            m = Math.max(m, r);
        }
        return m;
    }

    /**
     * Visits every row once, in a uniformly random order. With {@code again} the rows are dealt
     * afresh as they are visited, for the next pass; without it the files are kept as they are.
     */
    void pass(RowSink sink, boolean again) throws IOException {
        int next = 1 - generation;
        try {
            if (again) {
                openDeal(next);
            }
            for (int b = 0; b < buckets; b++) {
                int n = Math.toIntExact(rows[b]);
                int bytes = Math.multiplyExact(n, rowBytes);
                if (buffer.length < bytes) {
                    buffer = new byte[bytes];
                    permutation = new int[n];
                } else if (permutation.length < n) {
                    permutation = new int[n];
                }
                read(file(generation, b), bytes);
                for (int i = 0; i < n; i++) {
                    permutation[i] = i;
                }
                for (int i = n - 1; i > 0; i--) {
                    int j = random.nextInt(i + 1);
                    int t = permutation[i];
                    permutation[i] = permutation[j];
                    permutation[j] = t;
                }
                for (int i = 0; i < n; i++) {
                    int offset = permutation[i] * rowBytes;
                    sink.accept(buffer, offset);
                    if (again) {
                        add(buffer, offset);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            if (again) {
                abandonDeal(e);
            }
            throw e;
        }
        if (again) {
            closeWriters();
            writers = null;
            for (int b = 0; b < buckets; b++) {
                Files.deleteIfExists(file(generation, b));
            }
            rows = dealt;
            generation = next;
        }
    }

    private void read(Path file, int bytes) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            if (channel.size() != bytes) {
                throw new IOException(file + " has " + channel.size() + " bytes; " + bytes + " were written to it");
            }
            ByteBuffer into = ByteBuffer.wrap(buffer, 0, bytes);
            while (into.hasRemaining()) {
                if (channel.read(into) < 0) {
                    throw new IOException(file + " ended early");
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        if (writers != null) {
            closeWriters();
            writers = null;
        }
        buffer = new byte[0];
        permutation = new int[0];
    }
}
