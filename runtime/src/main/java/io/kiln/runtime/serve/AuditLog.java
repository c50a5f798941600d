package io.kiln.runtime.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A sample of requests and their predictions, appended as JSON lines for manual audit (seed 001:
 * "do a regular manual audit"). Requests are sampled at a fixed rate; a writer thread appends them,
 * so a slow disk never slows a request down: when the writer falls behind, records are dropped and
 * counted instead.
 */
final class AuditLog implements AutoCloseable {
    private static final ObjectNode STOP = Outputs.JSON.objectNode();

    private final Path file;
    private final double rate;
    private final ServerMetrics metrics;
    private final Consumer<String> log;
    private final ArrayBlockingQueue<ObjectNode> queue = new ArrayBlockingQueue<>(10_000);
    private final Thread writer;
    private final ObjectMapper json = new ObjectMapper();

    AuditLog(Path file, double rate, ServerMetrics metrics, Consumer<String> log) throws IOException {
        this.file = file;
        this.rate = rate;
        this.metrics = metrics;
        this.log = log;
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        // fail at start, not at the first sampled request, when the file cannot be written
        Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND)
                .close();
        this.writer = new Thread(this::write, "kiln-audit");
        writer.setDaemon(true);
        writer.start();
    }

    /** Whether this request is sampled. */
    boolean sample() {
        return rate > 0 && ThreadLocalRandom.current().nextDouble() < rate;
    }

    void record(ObjectNode entry) {
        if (!queue.offer(entry)) {
            metrics.audit(false);
        }
    }

    private void write() {
        List<ObjectNode> batch = new ArrayList<>();
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND)) {
            while (true) {
                ObjectNode first = queue.poll(1, TimeUnit.SECONDS);
                if (first == null) {
                    continue;
                }
                batch.clear();
                batch.add(first);
                queue.drainTo(batch, 999);
                for (ObjectNode e : batch) {
                    if (e == STOP) {
                        out.flush();
                        return;
                    }
                    out.write(json.writeValueAsString(e));
                    out.write('\n');
                    metrics.audit(true);
                }
                out.flush();
            }
        } catch (IOException e) {
            log.accept("error: the audit log " + file + " cannot be written (" + e.getMessage() + "); auditing stops");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Writes what is queued, then stops. */
    @Override
    public void close() {
        try {
            queue.put(STOP);
            writer.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
