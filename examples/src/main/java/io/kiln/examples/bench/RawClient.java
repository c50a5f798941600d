package io.kiln.examples.bench;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A closed-loop HTTP/1.1 load generator for the serving benchmark: {@code n} connections, each
 * sending the next request as soon as the previous answer has arrived, with every request's
 * latency recorded exactly. Unlike wrk's percentiles (which wrk corrects for coordinated omission:
 * a stall of {@code d} adds synthetic samples as if requests had kept arriving at the mean rate
 * meanwhile) these are the latencies the requests actually saw. Raw sockets, pre-built requests
 * and no per-request allocation keep the client's own GC out of the measurement.
 */
final class RawClient {
    /** Latencies and counts of one run. */
    record Result(double p50, double p90, double p99, double p999, double max, double rps, long requests,
            long non2xx, long errors) {}

    private RawClient() {}

    /**
     * Runs {@code connections} closed loops over the pre-built requests for {@code seconds} (after
     * {@code warmupSeconds} unrecorded) and returns latencies in ms.
     */
    static Result run(int port, List<byte[]> bodies, String path, int connections, int warmupSeconds, int seconds)
            throws InterruptedException {
        List<byte[]> requests = new ArrayList<>();
        for (byte[] body : bodies) {
            byte[] head = ("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            byte[] r = Arrays.copyOf(head, head.length + body.length);
            System.arraycopy(body, 0, r, head.length, body.length);
            requests.add(r);
        }
        long start = System.nanoTime();
        long recordFrom = start + warmupSeconds * 1_000_000_000L;
        long end = recordFrom + seconds * 1_000_000_000L;
        Loop[] loops = new Loop[connections];
        Thread[] threads = new Thread[connections];
        AtomicLong errors = new AtomicLong();
        for (int c = 0; c < connections; c++) {
            loops[c] = new Loop(port, requests, c * 17, recordFrom, end, errors);
            threads[c] = new Thread(loops[c], "raw-client-" + c);
            threads[c].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        int total = 0;
        long non2xx = 0;
        for (Loop l : loops) {
            total += l.count;
            non2xx += l.non2xx;
        }
        long[] all = new long[total];
        int at = 0;
        for (Loop l : loops) {
            System.arraycopy(l.latencies, 0, all, at, l.count);
            at += l.count;
        }
        Arrays.sort(all);
        return new Result(q(all, 0.5), q(all, 0.9), q(all, 0.99), q(all, 0.999), total == 0 ? Double.NaN
                : all[total - 1] / 1e6, total / (seconds * 1.0), total, non2xx, errors.get());
    }

    private static double q(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
    }

    /** One connection's loop. */
    private static final class Loop implements Runnable {
        private final int port;
        private final List<byte[]> requests;
        private final long recordFrom;
        private final long end;
        private final AtomicLong errors;
        private final byte[] buf = new byte[1 << 16];
        private int next;
        long[] latencies = new long[1 << 16];
        int count;
        long non2xx;

        Loop(int port, List<byte[]> requests, int offset, long recordFrom, long end, AtomicLong errors) {
            this.port = port;
            this.requests = requests;
            this.next = offset;
            this.recordFrom = recordFrom;
            this.end = end;
            this.errors = errors;
        }

        @Override
        public void run() {
            while (System.nanoTime() < end) {
                try (Socket s = new Socket()) {
                    s.setTcpNoDelay(true);
                    s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                    s.setSoTimeout(10_000);
                    OutputStream out = s.getOutputStream();
                    InputStream in = s.getInputStream();
                    long now;
                    while ((now = System.nanoTime()) < end) {
                        byte[] r = requests.get(next++ % requests.size());
                        out.write(r);
                        out.flush();
                        int status = readResponse(in);
                        long done = System.nanoTime();
                        if (now >= recordFrom) {
                            if (count == latencies.length) {
                                latencies = Arrays.copyOf(latencies, count * 2);
                            }
                            latencies[count++] = done - now;
                            if (status < 200 || status > 299) {
                                non2xx++;
                            }
                        }
                    }
                } catch (IOException e) {
                    errors.incrementAndGet();
                }
            }
        }

        /** Reads one response (Content-Length framed); returns its status. */
        private int readResponse(InputStream in) throws IOException {
            int n = 0;
            int headerEnd;
            while ((headerEnd = find(buf, n)) < 0) {
                int r = in.read(buf, n, buf.length - n);
                if (r < 0) {
                    throw new EOFException("connection closed");
                }
                n += r;
            }
            int status = (buf[9] - '0') * 100 + (buf[10] - '0') * 10 + (buf[11] - '0');
            int length = contentLength(buf, headerEnd);
            if (length < 0) {
                throw new IOException("response without Content-Length");
            }
            int have = n - headerEnd;
            while (have < length) {
                int r = in.read(buf, 0, Math.min(buf.length, length - have));
                if (r < 0) {
                    throw new EOFException("connection closed in the body");
                }
                have += r;
            }
            return status;
        }

        /** The index after the header's blank line, or -1. */
        private static int find(byte[] b, int n) {
            for (int i = 3; i < n; i++) {
                if (b[i] == '\n' && b[i - 1] == '\r' && b[i - 2] == '\n' && b[i - 3] == '\r') {
                    return i + 1;
                }
            }
            return -1;
        }

        private static final byte[] CONTENT_LENGTH = "content-length:".getBytes(StandardCharsets.US_ASCII);

        private static int contentLength(byte[] b, int headerEnd) {
            outer:
            for (int i = 0; i + CONTENT_LENGTH.length < headerEnd; i++) {
                for (int j = 0; j < CONTENT_LENGTH.length; j++) {
                    if (Character.toLowerCase(b[i + j]) != CONTENT_LENGTH[j]) {
                        continue outer;
                    }
                }
                int k = i + CONTENT_LENGTH.length;
                while (b[k] == ' ') {
                    k++;
                }
                int v = 0;
                while (b[k] >= '0' && b[k] <= '9') {
                    v = v * 10 + (b[k++] - '0');
                }
                return v;
            }
            return -1;
        }
    }
}
