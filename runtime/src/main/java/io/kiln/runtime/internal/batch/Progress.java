package io.kiln.runtime.internal.batch;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The progress bar of a scoring run: rows done, the share of the input's bytes read, rows per
 * second and the time left. On a terminal it is redrawn in place at most every half second; into
 * a file or a pipe a plain line is written at most every {@value #LOG_INTERVAL_NANOS}
 * nanoseconds instead, so logs stay readable.
 */
final class Progress {
    static final long TERMINAL_INTERVAL_NANOS = 500_000_000L;
    static final long LOG_INTERVAL_NANOS = 10_000_000_000L;
    private static final int BAR = 24;

    private final PrintStream out;
    private final boolean terminal;
    private final String name;
    private final long totalBytes;
    private final long startBytes;
    private final long startNanos = System.nanoTime();
    private long lastNanos = startNanos;
    private boolean drawn;

    /**
     * @param out where to draw; null draws nothing
     * @param terminal whether {@code out} is a terminal (redraw in place)
     * @param name the input's name
     * @param totalBytes the input's size
     * @param startBytes where this run starts reading (after the rows of a previous run)
     */
    Progress(PrintStream out, boolean terminal, String name, long totalBytes, long startBytes) {
        this.out = out;
        this.terminal = terminal;
        this.name = name;
        this.totalBytes = totalBytes;
        this.startBytes = startBytes;
    }

    /** Shows {@code rows} rows done (in all runs), {@code bytes} of the input read, if it is time to. */
    void update(long rows, long rowsThisRun, long bytes) {
        long now = System.nanoTime();
        if (out == null || now - lastNanos < (terminal ? TERMINAL_INTERVAL_NANOS : LOG_INTERVAL_NANOS)) {
            return;
        }
        lastNanos = now;
        draw(rows, rowsThisRun, bytes, now);
    }

    /** Ends the bar (the next output starts on a new line). */
    void finish(long rows, long rowsThisRun, long bytes) {
        if (out == null) {
            return;
        }
        if (terminal && drawn) {
            draw(rows, rowsThisRun, bytes, System.nanoTime());
            out.print('\n');
            out.flush();
        }
    }

    private void draw(long rows, long rowsThisRun, long bytes, long now) {
        double seconds = (now - startNanos) / 1e9;
        double share = totalBytes == 0 ? 1 : Math.min(1, (double) bytes / totalBytes);
        double bytesPerSecond = (bytes - startBytes) / Math.max(seconds, 1e-9);
        String eta = bytesPerSecond <= 0 ? "--:--" : duration((totalBytes - bytes) / bytesPerSecond);
        int filled = (int) Math.round(share * BAR);
        String line = String.format(Locale.ROOT, "%s [%s%s] %3.0f%% %,d rows, %,.0f rows/s, ETA %s", name,
                "#".repeat(filled), ".".repeat(BAR - filled), share * 100, rows, rowsThisRun / Math.max(seconds, 1e-9),
                eta);
        if (terminal) {
            out.print("\r" + line + "\u001b[K"); // erase what is left of a longer previous line
        } else {
            out.println(line);
        }
        out.flush();
        drawn = true;
    }

    /** {@code m:ss} or {@code h:mm:ss}. */
    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
